using System;
using System.Collections.Generic;

namespace FlakeTools.Core.Unfree;

/// <summary>
/// What the reader looks at outside the flake: the home directory (for
/// <c>~/.config/nixpkgs/config.nix</c>) and the environment variables nixpkgs reads
/// (<c>NIXPKGS_CONFIG</c>, <c>NIXPKGS_ALLOW_UNFREE</c>, ...). Tests give their own.
/// </summary>
public sealed class UnfreeEnvironment
{
    /// <summary>The environment variables nixpkgs reads for these settings, with the setting each stands for.</summary>
    public static IReadOnlyList<(string Variable, string Setting)> Variables { get; } = new[]
    {
        ("NIXPKGS_ALLOW_UNFREE", "allowUnfree"),
        ("NIXPKGS_ALLOW_INSECURE", "permittedInsecurePackages"),
        ("NIXPKGS_ALLOW_BROKEN", "allowBroken"),
        ("NIXPKGS_ALLOW_UNSUPPORTED_SYSTEM", "allowUnsupportedSystem"),
    };

    /// <summary>Creates an environment.</summary>
    /// <param name="home">The home directory, or null for none.</param>
    /// <param name="variables">The environment variables.</param>
    public UnfreeEnvironment(string? home, IReadOnlyDictionary<string, string> variables)
    {
        Home = home;
        EnvironmentVariables = variables;
    }

    /// <summary>The home directory, or null.</summary>
    public string? Home { get; }

    /// <summary>The environment variables.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables { get; }

    /// <summary>Nothing outside the flake: no home, no variables.</summary>
    public static UnfreeEnvironment None { get; } = new(null, new Dictionary<string, string>());

    /// <summary>The current process's home and environment.</summary>
    public static UnfreeEnvironment Current()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "NIXPKGS_CONFIG", "NIXPKGS_ALLOW_UNFREE", "NIXPKGS_ALLOW_INSECURE", "NIXPKGS_ALLOW_BROKEN", "NIXPKGS_ALLOW_UNSUPPORTED_SYSTEM" })
        {
            if (System.Environment.GetEnvironmentVariable(name) is { } value) variables[name] = value;
        }
        var home = System.Environment.GetEnvironmentVariable("HOME");
        return new UnfreeEnvironment(string.IsNullOrEmpty(home) ? null : home, variables);
    }

    /// <summary>The config.nix files nixpkgs would read in impure evaluation, in its order: <c>$NIXPKGS_CONFIG</c>, then <c>~/.config/nixpkgs/config.nix</c>.</summary>
    public IEnumerable<string> ConfigFiles()
    {
        if (EnvironmentVariables.TryGetValue("NIXPKGS_CONFIG", out var named) && named.Length > 0) yield return named;
        if (Home is not null) yield return System.IO.Path.Combine(Home, ".config", "nixpkgs", "config.nix");
    }
}
