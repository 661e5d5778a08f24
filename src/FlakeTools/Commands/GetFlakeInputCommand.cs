using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FlakeTools.Completion;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Project;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Gets the inputs of a flake, with what flake.lock pins for each.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "FlakeInput", DefaultParameterSetName = PathSet)]
[OutputType(typeof(FlakeInput))]
public sealed class GetFlakeInputCommand : FlakeCmdlet
{
    /// <summary>Input names; wildcards allowed. All inputs when omitted.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InputNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var path in ResolvedPaths())
        {
            var source = OpenFlake(path);
            if (source is null || !CheckParsed(source)) continue;
            var inputs = source.GetInputs(now);
            var patterns = (Name ?? Array.Empty<string>()).Select(n => (Text: n, Pattern: WildcardPattern.Get(n, WildcardOptions.IgnoreCase))).ToList();
            var matched = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var input in inputs)
            {
                var hits = patterns.Where(p => p.Pattern.IsMatch(input.Name)).ToList();
                if (patterns.Count > 0 && hits.Count == 0) continue;
                foreach (var hit in hits) matched.Add(hit.Text);
                if (input.ReferenceError is not null)
                {
                    WriteWarning($"{source.FlakePath}:{input.Line}: input '{input.Name}' is listed without its reference: {input.ReferenceError}");
                }
                WriteObject(input);
            }
            foreach (var (text, _) in patterns.Where(p => !WildcardPattern.ContainsWildcardCharacters(p.Text) && !matched.Contains(p.Text)))
            {
                WriteInputNotFound(source, text);
            }
        }
    }
}
