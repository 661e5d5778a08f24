using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Project;

namespace FlakeTools.Completion;

/// <summary>Completes input names from the flake at -Path / -LiteralPath (or the current directory).</summary>
public sealed class InputNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var flakePath = FlakePathFrom(fakeBoundParameters);
        if (flakePath is null) return Array.Empty<CompletionResult>();
        FlakeSource source;
        try
        {
            source = FlakeSource.Open(flakePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<CompletionResult>();
        }
        var quote = wordToComplete.StartsWith('\'') || wordToComplete.StartsWith('"') ? wordToComplete[..1] : "";
        var word = wordToComplete.Trim('\'', '"');
        var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
        return source.Flake.Inputs
            .Where(i => pattern.IsMatch(i.Name))
            .Select(i => new CompletionResult(quote + i.Name + quote, i.Name, CompletionResultType.ParameterValue, i.Url ?? i.Follows ?? i.Name))
            .ToList();
    }

    /// <summary>The flake folder the command line names (-LiteralPath or -Path), else the current FileSystem location.</summary>
    internal static string FlakePathFrom(IDictionary bound)
    {
        var given = (bound["LiteralPath"] ?? bound["Path"]) switch
        {
            string s => s,
            string[] a when a.Length > 0 => a[0],
            object[] o when o.Length > 0 => o[0]?.ToString(),
            _ => null,
        };
        var current = CurrentFileSystemLocation() ?? Directory.GetCurrentDirectory();
        return given is null ? current : Path.GetFullPath(given, current);
    }

    // Completion runs inside a pipeline, where SessionStateProxy may not be used: ask the current runspace instead.
    private static string? CurrentFileSystemLocation()
    {
        try
        {
            using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddCommand("Microsoft.PowerShell.Management\\Get-Location").AddParameter("PSProvider", "FileSystem");
            return shell.Invoke<PathInfo>().FirstOrDefault()?.ProviderPath;
        }
        catch (Exception e) when (e is PSInvalidOperationException or CmdletInvocationException or InvalidOperationException)
        {
            return null;
        }
    }
}
