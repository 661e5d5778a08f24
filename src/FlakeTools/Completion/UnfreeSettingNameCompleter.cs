using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using FlakeTools.Core.Unfree;

namespace FlakeTools.Completion;

/// <summary>Completes the names of the unfree settings (<c>allowUnfree</c>, <c>allowUnfreePredicate</c>, ...).</summary>
public sealed class UnfreeSettingNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return UnfreeReader.SettingNames.Append("(none)").Append("config")
            .Where(n => pattern.IsMatch(n))
            .Select(n => new CompletionResult(n.StartsWith('(') ? "'" + n + "'" : n, n, CompletionResultType.ParameterValue, n))
            .ToList();
    }
}
