using System;
using System.IO;
using Xunit;

namespace FlakeTools.Tests;

/// <summary>A test against the real `nix`: skipped, with the reason, where nix is not installed.</summary>
public sealed class NixFactAttribute : FactAttribute
{
    public NixFactAttribute()
    {
        if (!NixEnvironment.IsAvailable) Skip = NixEnvironment.SkipReason;
    }
}

/// <summary>A data-driven test against the real `nix`.</summary>
public sealed class NixTheoryAttribute : TheoryAttribute
{
    public NixTheoryAttribute()
    {
        if (!NixEnvironment.IsAvailable) Skip = NixEnvironment.SkipReason;
    }
}

/// <summary>
/// Finds nix and configures it for offline, daemon-less use (nix-formats.md section 6):
/// flakes enabled, no build users, no sandbox, and an empty local global registry so that
/// nothing tries to download one.
/// </summary>
public static class NixEnvironment
{
    private static readonly Lazy<bool> Available = new(Detect);

    public const string SkipReason = "nix is not installed (apt-get install -y nix-bin); real-nix test skipped";

    public static bool IsAvailable => Available.Value;

    private static bool Detect()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "nix")) && File.Exists(Path.Combine(dir, "nix-instantiate")))
            {
                Configure();
                return true;
            }
        }
        return false;
    }

    private static void Configure()
    {
        if (Environment.GetEnvironmentVariable("NIX_CONFIG") is { Length: > 0 } existing && existing.Contains("flake-registry", StringComparison.Ordinal)) return;
        var dir = Path.Combine(Path.GetTempPath(), "flaketools-tests-nix");
        Directory.CreateDirectory(dir);
        var registry = Path.Combine(dir, "global-registry.json");
        File.WriteAllText(registry, "{\"version\":2,\"flakes\":[]}");
        Environment.SetEnvironmentVariable("NIX_CONFIG", string.Join('\n',
            "experimental-features = nix-command flakes",
            "build-users-group =",
            "sandbox = false",
            "flake-registry = " + registry));
    }
}

/// <summary>Where the repository and the shared fixtures are.</summary>
public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The two real-world setups in ../shared/fixtures, or null where they are not beside the clone.</summary>
    public static string? SharedFixtures
    {
        get
        {
            var dir = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "fixtures"));
            return Directory.Exists(dir) ? dir : null;
        }
    }

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "FlakeTools.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("cannot find FlakeTools.sln above " + AppContext.BaseDirectory);
    }
}
