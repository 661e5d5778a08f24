using System;
using System.IO;
using System.Linq;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Core.Unfree;
using FlakeTools.Tests;
using Xunit;
using Xunit.Abstractions;

namespace FlakeTools.Core.Tests.Unfree;

/// <summary>The seeds' two setups, read from the shared fixtures.</summary>
public class UnfreeSeedTests
{
    private readonly ITestOutputHelper _output;

    public UnfreeSeedTests(ITestOutputHelper output) => _output = output;

    private static string Fixture(string name) => Path.Combine(TestPaths.SharedFixtures ?? throw new InvalidOperationException("the shared fixtures are not beside the clone"), name);

    internal static string Show(UnfreeSetting s) => $"{s.Setting} | {s.Value} | {string.Join(",", s.Packages)} | {s.Scope} | {s.Configuration} | {s.PackageSet} | {s.Effective} | {s.Location}";

    [Fact]
    public void Kahless_TheNixOSAllowUnfreeCounts_HomeNixIsIgnored_PkgsUnstableHasItsOwn()
    {
        var settings = UnfreeReader.ReadFlake(Fixture("kahless"));
        foreach (var s in settings) _output.WriteLine(Show(s) + " | " + s.Reason);
        var system = settings.Single(s => s.Scope == UnfreeScope.NixOS);
        Assert.Equal(("allowUnfree", "true", "kahless", true, "flake.nix:42"), (system.Setting, system.Value, system.Configuration, system.Effective, system.Location));
        var home = settings.Single(s => s.Scope == UnfreeScope.HomeManagerInNixOS);
        Assert.Equal(("allowUnfree", "kahless/roni", false, "home.nix:4"), (home.Setting, home.Configuration, home.Effective, home.Location));
        Assert.Contains("useGlobalPkgs", home.Reason, StringComparison.Ordinal);
        var unstable = settings.Single(s => s.Scope == UnfreeScope.PackageSet);
        Assert.Equal(("allowUnfree", "true", "kahless", "pkgs-unstable = import nixpkgs-unstable", true, "flake.nix:26"), (unstable.Setting, unstable.Value, unstable.Configuration, unstable.PackageSet, unstable.Effective, unstable.Location));
        Assert.Equal(3, settings.Count);
    }

    [Fact]
    public void Hostname_HomeNixAllowUnfreeIsIgnoredOnRelease2305()
    {
        var settings = UnfreeReader.ReadFlake(Fixture("hostname"));
        foreach (var s in settings) _output.WriteLine(Show(s) + " | " + s.Reason + " | " + s.Fix);
        var home = settings.Single(s => s.Setting == "allowUnfree" && s.Scope == UnfreeScope.HomeManager);
        Assert.False(home.Effective);
        Assert.Equal("home-manager/username.nix:6", home.Location);
        Assert.Contains("release-23.05", home.Reason, StringComparison.Ordinal);
        Assert.Contains("release-23.05", home.HomeManagerRelease, StringComparison.Ordinal);
    }
}
