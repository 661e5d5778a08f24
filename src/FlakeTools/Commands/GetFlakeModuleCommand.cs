using System;
using System.Collections.Generic;
using System.Management.Automation;
using FlakeTools.Completion;
using FlakeTools.Core.Configurations;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Gets the modules of a flake's configurations: where each is, what arguments it asks for and how each one arrives.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "FlakeModule", DefaultParameterSetName = PathSet)]
[OutputType(typeof(FlakeModule))]
public sealed class GetFlakeModuleCommand : FlakeCmdlet
{
    private readonly Dictionary<string, IReadOnlyList<FlakeConfiguration>?> _read = new(StringComparer.Ordinal);

    /// <summary>Configuration names; wildcards allowed. The modules of every configuration when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ConfigurationNameCompleter))]
    public string[]? Configuration { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var path in ResolvedPaths())
        {
            var source = OpenFlake(path);
            if (source is null || !CheckParsed(source)) continue;
            // Objects piped from Get-FlakeConfiguration name the same flake again and again: read it once.
            if (!_read.TryGetValue(source.FlakePath, out var configurations))
            {
                configurations = ConfigurationReading.Read(this, source);
                _read[source.FlakePath] = configurations;
            }
            if (configurations is null) continue;
            var selection = new NameSelection(Configuration);
            foreach (var configuration in configurations)
            {
                if (!selection.Matches(configuration.Name)) continue;
                WriteObject(configuration.Modules, enumerateCollection: true);
            }
            foreach (var missing in selection.Unmatched()) ConfigurationReading.WriteNotFound(this, source.FlakePath, configurations, missing);
        }
    }
}
