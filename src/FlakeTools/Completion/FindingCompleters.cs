using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using FlakeTools.Core.Checks;

namespace FlakeTools.Completion;

/// <summary>Completes the finding ids of Test-Flake's areas (the ones of the areas in -Area, when given).</summary>
public sealed class FindingIdCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var areas = fakeBoundParameters["Area"] switch
        {
            string s => new[] { s },
            string[] a => a,
            object[] o => o.Select(x => x?.ToString() ?? "").ToArray(),
            _ => null,
        };
        var areaPatterns = areas?.Select(a => WildcardPattern.Get(a, WildcardOptions.IgnoreCase)).ToList();
        var word = wordToComplete.Trim('\'', '"');
        var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
        return FlakeChecks.Ids
            .Where(i => areaPatterns is null || i.Area == "*" || areaPatterns.Any(p => p.IsMatch(i.Area)))
            .Where(i => pattern.IsMatch(i.Id))
            .Select(i => i.Id)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(id => id, StringComparer.Ordinal)
            .Select(id => new CompletionResult(id, id, CompletionResultType.ParameterValue, $"{id} ({FlakeChecks.Ids.First(i => i.Id == id).Area})"))
            .ToList();
    }
}

/// <summary>Completes the areas of Test-Flake.</summary>
public sealed class FindingAreaCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = wordToComplete.Trim('\'', '"');
        var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
        return FlakeChecks.Areas
            .Where(a => pattern.IsMatch(a.Name))
            .Select(a => new CompletionResult(a.Name, a.Name, CompletionResultType.ParameterValue, $"{a.Name}: {string.Join(", ", a.Ids)}"))
            .ToList();
    }
}
