using System;
using System.Diagnostics;

namespace FlakeTools.Tests;

/// <summary>Runs a nix command with an argument list for tests.</summary>
public static class NixRunner
{
    public static (int Code, string Stdout, string Stderr) Run(string program, params string[] arguments) =>
        RunIn(null, program, arguments);

    public static (int Code, string Stdout, string Stderr) RunIn(string? directory, string program, params string[] arguments)
    {
        _ = NixEnvironment.IsAvailable; // makes sure NIX_CONFIG is set up
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (directory is not null) info.WorkingDirectory = directory;
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} timed out");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
