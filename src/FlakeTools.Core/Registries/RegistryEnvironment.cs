using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace FlakeTools.Core.Registries;

/// <summary>
/// The environment Nix reads its registries and settings from, passed in rather than read from
/// the process: the variables (<c>HOME</c>, <c>XDG_CONFIG_HOME</c>, <c>XDG_CONFIG_DIRS</c>,
/// <c>XDG_CACHE_HOME</c>, <c>NIX_CONF_DIR</c>, <c>NIX_CONFIG</c>, <c>NIX_USER_CONF_FILES</c>,
/// and newer Nix's <c>NIX_CONFIG_HOME</c> / <c>NIX_CACHE_HOME</c>) and the version of Nix, where
/// its behaviour differs between versions.
/// </summary>
public sealed class RegistryEnvironment
{
    private readonly Func<string, string?> _variables;
    private readonly Lazy<Version?> _nixVersion;

    /// <summary>
    /// Creates the environment from a variable lookup (such as
    /// <c>Environment.GetEnvironmentVariable</c>) and, optionally, a way to learn the Nix version
    /// (asked only when an answer depends on it).
    /// </summary>
    public RegistryEnvironment(Func<string, string?> variables, Func<Version?>? nixVersion = null, string? workingDirectory = null)
    {
        _variables = variables ?? throw new ArgumentNullException(nameof(variables));
        _nixVersion = new Lazy<Version?>(() => nixVersion?.Invoke());
        WorkingDirectory = workingDirectory ?? "/";
    }

    /// <summary>The directory Nix would run in: an <c>include</c> in <c>NIX_CONFIG</c> is relative to it.</summary>
    public string WorkingDirectory { get; }

    /// <summary>Creates the environment from a fixed set of variables (tests, scripts).</summary>
    public static RegistryEnvironment FromVariables(IReadOnlyDictionary<string, string> variables, Version? nixVersion = null) =>
        new(name => variables.TryGetValue(name, out var value) ? value : null, () => nixVersion);

    /// <summary>The value of an environment variable, or null.</summary>
    public string? Variable(string name) => _variables(name);

    /// <summary>The Nix version, when known.</summary>
    public Version? NixVersion => _nixVersion.Value;

    /// <summary>The home directory (<c>HOME</c>).</summary>
    public string Home => Variable("HOME") is { Length: > 0 } home ? home : "/";

    /// <summary>Nix's configuration directory for the user: <c>$NIX_CONFIG_HOME</c>, else <c>$XDG_CONFIG_HOME/nix</c>, else <c>~/.config/nix</c>.</summary>
    public string UserConfigDirectory =>
        Variable("NIX_CONFIG_HOME") is { } nixHome ? nixHome : Path.Combine(Variable("XDG_CONFIG_HOME") ?? Path.Combine(Home, ".config"), "nix");

    /// <summary>Nix's cache directory: <c>$NIX_CACHE_HOME</c>, else <c>$XDG_CACHE_HOME/nix</c>, else <c>~/.cache/nix</c>.</summary>
    public string CacheDirectory =>
        Variable("NIX_CACHE_HOME") is { } nixCache ? nixCache : Path.Combine(Variable("XDG_CACHE_HOME") ?? Path.Combine(Home, ".cache"), "nix");

    /// <summary>The system configuration directory: <c>$NIX_CONF_DIR</c> when not empty, else <c>/etc/nix</c>.</summary>
    public string SystemConfigDirectory => Variable("NIX_CONF_DIR") is { Length: > 0 } dir ? dir : "/etc/nix";

    /// <summary>The user registry file.</summary>
    public string UserRegistryPath => Path.Combine(UserConfigDirectory, "registry.json");

    /// <summary>The system registry file.</summary>
    public string SystemRegistryPath => Path.Combine(SystemConfigDirectory, "registry.json");

    /// <summary>Where Nix keeps the downloaded global registry (a link to its copy in the store).</summary>
    public string CachedGlobalRegistryPath => Path.Combine(CacheDirectory, "flake-registry.json");

    /// <summary>
    /// The user's nix.conf files, highest priority first: <c>$NIX_USER_CONF_FILES</c> (colon
    /// separated) when set, else <c>nix.conf</c> in the user configuration directory and in each
    /// of <c>$XDG_CONFIG_DIRS</c> (default <c>/etc/xdg</c>).
    /// </summary>
    public IReadOnlyList<string> UserConfigFiles
    {
        get
        {
            if (Variable("NIX_USER_CONF_FILES") is { } files) return files.Split(':', StringSplitOptions.RemoveEmptyEntries);
            var result = new List<string> { Path.Combine(UserConfigDirectory, "nix.conf") };
            var dirs = Variable("XDG_CONFIG_DIRS") ?? "/etc/xdg";
            result.AddRange(dirs.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "nix", "nix.conf")));
            return result;
        }
    }

    /// <summary>The configuration given in <c>NIX_CONFIG</c>, or null.</summary>
    public string? NixConfig => Variable("NIX_CONFIG");
}
