using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using FlakeTools.Commands;
using FlakeTools.Core.Registries;

namespace FlakeTools.Completion;

/// <summary>Completes registered names from the registries (or the file given with -RegistryPath).</summary>
public sealed class RegistryNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IEnumerable<FlakeRegistryEntry> entries;
        try
        {
            var registries = FlakeRegistries.Load(RegistryCmdlet.ProcessEnvironment());
            entries = fakeBoundParameters["RegistryPath"] is string path
                ? RegistryFile.Load(RegistryLocation.ForFile(RegistryScope.Custom, Path.GetFullPath(path))).Entries
                : registries.Files.SelectMany(f => f.Entries);
            if (fakeBoundParameters["Scope"] is { } scope && Enum.TryParse<RegistryScope>(scope.ToString(), true, out var only))
            {
                entries = entries.Where(e => e.Scope == only);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Array.Empty<CompletionResult>();
        }
        var quote = wordToComplete.StartsWith('\'') || wordToComplete.StartsWith('"') ? wordToComplete[..1] : "";
        var pattern = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return entries
            .Where(e => pattern.IsMatch(e.Name))
            .GroupBy(e => e.Name, StringComparer.Ordinal)
            .Select(g => new CompletionResult(quote + g.Key + quote, g.Key, CompletionResultType.ParameterValue, $"{g.First().Scope}: {g.First().ToInput.ToNixUrl(g.First().Dir)}"))
            .ToList();
    }
}
