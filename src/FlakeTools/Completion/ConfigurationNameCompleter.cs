using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using FlakeTools.Core.Configurations;

namespace FlakeTools.Completion;

/// <summary>Completes configuration names from the flake at -Path / -LiteralPath (or the current directory).</summary>
public sealed class ConfigurationNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var flakePath = InputNameCompleter.FlakePathFrom(fakeBoundParameters);
        IReadOnlyList<(string Name, ConfigurationKind Kind)> names;
        try
        {
            names = ConfigurationReader.Open(flakePath).ReadNames();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return Array.Empty<CompletionResult>();
        }
        var quote = wordToComplete.StartsWith('\'') || wordToComplete.StartsWith('"') ? wordToComplete[..1] : "";
        var word = wordToComplete.Trim('\'', '"');
        var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
        return names
            .Where(n => pattern.IsMatch(n.Name))
            .Select(n =>
            {
                // Names such as username@hostname need quotes on the command line.
                var needsQuotes = quote.Length == 0 && n.Name.IndexOfAny(new[] { '@', ' ', '$', '\'', '"', '`', ',', ';', '(', ')', '{', '}' }) >= 0;
                var text = needsQuotes ? "'" + n.Name.Replace("'", "''", StringComparison.Ordinal) + "'" : quote + n.Name + quote;
                return new CompletionResult(text, n.Name, CompletionResultType.ParameterValue, $"{n.Name} ({n.Kind})");
            })
            .ToList();
    }
}
