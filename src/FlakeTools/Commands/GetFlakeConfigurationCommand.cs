using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FlakeTools.Completion;
using FlakeTools.Core.Configurations;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Gets the NixOS, home-manager and nix-darwin configurations a flake defines, read without running Nix.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "FlakeConfiguration", DefaultParameterSetName = PathSet)]
[OutputType(typeof(FlakeConfiguration))]
public sealed class GetFlakeConfigurationCommand : FlakeCmdlet
{
    /// <summary>Configuration names; wildcards allowed. All configurations when omitted.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ConfigurationNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var path in ResolvedPaths())
        {
            var source = OpenFlake(path);
            if (source is null || !CheckParsed(source)) continue;
            var configurations = ConfigurationReading.Read(this, source);
            if (configurations is null) continue;
            var selection = new NameSelection(Name);
            foreach (var configuration in configurations)
            {
                if (!selection.Matches(configuration.Name)) continue;
                foreach (var reason in configuration.Unresolved) WriteVerbose($"{configuration.Output}.{configuration.Name}: unresolved: {reason}");
                WriteObject(configuration);
            }
            foreach (var missing in selection.Unmatched()) ConfigurationReading.WriteNotFound(this, source.FlakePath, configurations, missing);
        }
    }
}

/// <summary>Wildcard selection of names, remembering which literal names matched nothing.</summary>
internal sealed class NameSelection
{
    private readonly List<(string Text, WildcardPattern Pattern)> _patterns;
    private readonly HashSet<string> _matched = new(StringComparer.OrdinalIgnoreCase);

    public NameSelection(IEnumerable<string>? names)
    {
        _patterns = (names ?? Array.Empty<string>()).Select(n => (n, WildcardPattern.Get(n, WildcardOptions.IgnoreCase))).ToList();
    }

    public bool Matches(string name)
    {
        if (_patterns.Count == 0) return true;
        var hit = false;
        foreach (var (text, pattern) in _patterns)
        {
            if (!pattern.IsMatch(name)) continue;
            _matched.Add(text);
            hit = true;
        }
        return hit;
    }

    public IEnumerable<string> Unmatched() =>
        _patterns.Select(p => p.Text).Where(t => !WildcardPattern.ContainsWildcardCharacters(t) && !_matched.Contains(t));
}

/// <summary>Reading configurations for the cmdlets: failures become error records.</summary>
internal static class ConfigurationReading
{
    public static IReadOnlyList<FlakeConfiguration>? Read(PSCmdlet cmdlet, Core.Project.FlakeSource source)
    {
        try
        {
            return ConfigurationReader.Create(source).ReadConfigurations();
        }
        catch (InvalidOperationException e)
        {
            cmdlet.WriteError(new ErrorRecord(e, "ConfigurationReadFailed", ErrorCategory.InvalidData, source.FlakePath));
            return null;
        }
    }

    public static void WriteNotFound(PSCmdlet cmdlet, string flakePath, IReadOnlyList<FlakeConfiguration> configurations, string name)
    {
        var names = string.Join(", ", configurations.Where(c => c.Name != "*").Select(c => c.Name));
        var error = new ItemNotFoundException($"{flakePath} defines no configuration '{name}'" + (names.Length > 0 ? $"; its configurations are: {names}" : " (the reader found no configurations in it)"));
        cmdlet.WriteError(new ErrorRecord(error, "ConfigurationNotFound", ErrorCategory.ObjectNotFound, name));
    }
}
