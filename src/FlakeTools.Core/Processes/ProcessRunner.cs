using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace FlakeTools.Core.Processes;

/// <summary>The outcome of a finished process.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Stdout">Everything it wrote to standard output.</param>
/// <param name="Stderr">Everything it wrote to standard error.</param>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs a program with an argument list (never a shell string); cancellation kills it and its children.</summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="program"/> to the end, or until <paramref name="cancellation"/> fires.</summary>
    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, string? workingDirectory, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellation)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        if (environment is not null) foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"could not start {program}: {e.Message}", e);
        }
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* already gone */ }
            // Wait until it is gone: a caller that restores files after a stop must not race the process.
            process.WaitForExit(10_000);
            throw;
        }
        return new ProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>Finds an executable on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(directory, name);
            if (System.IO.File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
