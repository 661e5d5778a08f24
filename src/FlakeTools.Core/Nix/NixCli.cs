using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using FlakeTools.Core.Processes;

namespace FlakeTools.Core.Nix;

/// <summary>A nix command failed; the message carries the command and what Nix said.</summary>
public sealed class NixCommandException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NixCommandException(string command, int exitCode, string stderr)
        : base($"'{command}' failed (exit code {exitCode}): {LastLines(stderr)}")
    {
        Command = command;
        ExitCode = exitCode;
        Stderr = stderr;
    }

    /// <summary>The command line, for people.</summary>
    public string Command { get; }

    /// <summary>Nix's exit code.</summary>
    public int ExitCode { get; }

    /// <summary>Everything Nix wrote to standard error.</summary>
    public string Stderr { get; }

    private static string LastLines(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("warning:", StringComparison.Ordinal)).ToList();
        return lines.Count == 0 ? "(no message)" : string.Join(" ", lines.TakeLast(6));
    }
}

/// <summary>
/// The one place FlakeTools runs <c>nix</c>: with an argument list, in the form the installed
/// version understands, with flakes enabled when the user's configuration does not enable them.
/// </summary>
public sealed class NixCli
{
    private static readonly Regex VersionPattern = new(@"(\d+)\.(\d+)(?:\.(\d+))?", RegexOptions.Compiled);

    // nix --version per executable (and its modification time): asked once per process.
    private static readonly ConcurrentDictionary<(string, DateTime), Version> Versions = new();

    /// <summary>
    /// Uses <paramref name="executable"/> as a nix of a known version (nothing is run);
    /// <paramref name="flakesEnabled"/> says whether the configuration enables flakes (null: read it now).
    /// </summary>
    public NixCli(string executable, Version version, bool? flakesEnabled = null)
    {
        Executable = executable;
        Version = version;
        FlakesEnabled = flakesEnabled ?? NixConfiguration.EnablesFlakes();
    }

    /// <summary>
    /// The nix on PATH, or null when there is none. This is where the I/O happens: it runs
    /// <c>nix --version</c> (once per process and executable) and reads the Nix configuration;
    /// the properties then answer without running anything.
    /// </summary>
    /// <exception cref="NixCommandException"><c>nix --version</c> failed.</exception>
    public static NixCli? Find() => ProcessRunner.FindOnPath("nix") is { } path ? new NixCli(path, QueryVersion(path)) : null;

    /// <summary>Runs <c>nix --version</c> (or answers from this process's earlier answer for the same executable).</summary>
    /// <exception cref="NixCommandException">nix failed or printed no version.</exception>
    public static Version QueryVersion(string executable)
    {
        var key = (executable, File.GetLastWriteTimeUtc(executable));
        if (Versions.TryGetValue(key, out var known)) return known;
        var result = Run(executable, new[] { "--version" }, null, CancellationToken.None).GetAwaiter().GetResult();
        var match = VersionPattern.Match(result.Stdout);
        if (result.ExitCode != 0 || !match.Success) throw new NixCommandException($"{executable} --version", result.ExitCode, result.Stderr + result.Stdout);
        var version = new Version(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), match.Groups[3].Success ? int.Parse(match.Groups[3].Value) : 0);
        return Versions.GetOrAdd(key, version);
    }

    /// <summary>The executable.</summary>
    public string Executable { get; }

    /// <summary>The installed version (asked when this object was made).</summary>
    public Version Version { get; }

    /// <summary>Whether the Nix configuration enables nix-command and flakes (read when this object was made); when not, the arguments enable them.</summary>
    public bool FlakesEnabled { get; }

    /// <summary>Whether <c>nix flake update &lt;input&gt;</c> updates inputs (2.19 and later); older Nix reads the argument as a flake reference.</summary>
    public bool HasFlakeUpdateInputs => Version >= new Version(2, 19);

    /// <summary>
    /// The arguments that update <paramref name="inputs"/> (all inputs when empty) of the flake in
    /// <paramref name="flakeDirectory"/> and write its lock. They name the flake relative to that
    /// directory (see <see cref="FlakeArgument"/>): run them with it as the working directory.
    /// Input names follow <c>--</c> or an option that takes them as its value, so none is read as an option.
    /// </summary>
    public IReadOnlyList<string> UpdateArguments(string flakeDirectory, IReadOnlyList<string> inputs)
    {
        var flake = FlakeArgument(flakeDirectory);
        var arguments = new List<string>();
        if (HasFlakeUpdateInputs)
        {
            arguments.AddRange(new[] { "flake", "update", "--flake", flake });
            if (inputs.Count > 0)
            {
                arguments.Add("--");
                arguments.AddRange(inputs);
            }
        }
        else if (inputs.Count == 0)
        {
            arguments.AddRange(new[] { "flake", "update", flake });
        }
        else
        {
            arguments.AddRange(new[] { "flake", "lock", flake });
            foreach (var input in inputs) arguments.AddRange(new[] { "--update-input", input });
        }
        return WithFeatures(arguments);
    }

    /// <summary>The arguments that lock the flake (adding what is missing, changing nothing else); run them in <paramref name="flakeDirectory"/>.</summary>
    public IReadOnlyList<string> LockArguments(string flakeDirectory) => WithFeatures(new List<string> { "flake", "lock", FlakeArgument(flakeDirectory) });

    /// <summary>The arguments that lock an input to another reference for this lock only (<c>--override-input</c>); run them in <paramref name="flakeDirectory"/>.</summary>
    public IReadOnlyList<string> OverrideArguments(string flakeDirectory, string input, string reference) =>
        WithFeatures(new List<string> { "flake", "lock", FlakeArgument(flakeDirectory), "--override-input", input, reference });

    /// <summary>
    /// How a flake directory is named to nix that runs in it: <c>.</c>, which Nix resolves like the
    /// absolute path (a git checkout becomes <c>git+file:</c>). Nix (2.8 at least) turns a path
    /// into a URL without escaping it, so an absolute path with a space, <c>[ ]</c>, <c>#</c>,
    /// <c>?</c> or <c>%</c> in it fails ("is not a valid URL", or the part after <c>#</c>/<c>?</c>
    /// is cut off), and so does <c>.</c> inside a git checkout at such a path; escaping does not
    /// help, as Nix does not unescape <c>path:</c> and <c>git+file:</c> paths. For such a
    /// directory the flake is named <c>path:.</c>, which Nix reads as the folder's files
    /// without URL parsing (untracked files included; the lock it writes is the same).
    /// </summary>
    public static string FlakeArgument(string flakeDirectory) => NeedsPathScheme(flakeDirectory) ? "path:." : ".";

    /// <summary>Whether <paramref name="directory"/> holds a character that Nix's URL parsing breaks on.</summary>
    public static bool NeedsPathScheme(string directory) =>
        !directory.All(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' || "/-._~+,=@:".Contains(c));

    /// <summary>The command line as a person would type it (for -WhatIf and messages).</summary>
    public static string Format(IEnumerable<string> arguments) =>
        "nix " + string.Join(" ", arguments.Select(a => a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./:=+@".Contains(c)) ? a : "'" + a.Replace("'", "'\\''") + "'"));

    /// <summary>Runs nix; throws <see cref="NixCommandException"/> with Nix's message when it fails.</summary>
    public async Task<ProcessResult> RunAsync(IReadOnlyList<string> arguments, string? workingDirectory, CancellationToken cancellation)
    {
        var result = await Run(Executable, arguments, workingDirectory, cancellation).ConfigureAwait(false);
        if (result.ExitCode != 0) throw new NixCommandException(Format(arguments), result.ExitCode, result.Stderr);
        return result;
    }

    // A nix that cannot be started (not executable, wrong format) fails like a nix that exits with an error.
    private static async Task<ProcessResult> Run(string executable, IReadOnlyList<string> arguments, string? workingDirectory, CancellationToken cancellation)
    {
        try
        {
            return await ProcessRunner.RunAsync(executable, arguments, workingDirectory, null, cancellation).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new NixCommandException(Format(arguments), -1, e.Message);
        }
    }

    private List<string> WithFeatures(List<string> arguments)
    {
        if (!FlakesEnabled) arguments.InsertRange(0, new[] { "--extra-experimental-features", "nix-command flakes" });
        return arguments;
    }
}

/// <summary>Reads whether the user's Nix configuration already enables flakes.</summary>
public static class NixConfiguration
{
    /// <summary>
    /// Whether <c>nix-command</c> and <c>flakes</c> are enabled by NIX_CONFIG, the system
    /// nix.conf ($NIX_CONF_DIR or /etc/nix) or the user's ($XDG_CONFIG_HOME/nix or ~/.config/nix).
    /// </summary>
    public static bool EnablesFlakes()
    {
        var features = new HashSet<string>(StringComparer.Ordinal);
        void Read(string? text)
        {
            if (text is null) return;
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.Split('#')[0].Trim();
                var equals = line.IndexOf('=');
                if (equals < 0) continue;
                var key = line[..equals].Trim();
                var values = line[(equals + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (key == "experimental-features") { features.Clear(); features.UnionWith(values); }
                else if (key == "extra-experimental-features") features.UnionWith(values);
            }
        }
        string? ReadFile(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
        var home = Environment.GetEnvironmentVariable("HOME") ?? "";
        Read(ReadFile(Path.Combine(Environment.GetEnvironmentVariable("NIX_CONF_DIR") ?? "/etc/nix", "nix.conf")));
        Read(ReadFile(Path.Combine(Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") ?? Path.Combine(home, ".config"), "nix", "nix.conf")));
        Read(Environment.GetEnvironmentVariable("NIX_CONFIG"));
        return features.Contains("nix-command") && features.Contains("flakes");
    }
}
