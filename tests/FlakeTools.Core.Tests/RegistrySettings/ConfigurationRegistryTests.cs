using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Registries;
using FlakeTools.Core.RegistrySettings;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Core.Tests.Settings;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests.RegistrySettings;

/// <summary>nix.registry declarations read from configurations: every form, the idioms, the settings beside them.</summary>
public class ConfigurationRegistryTests
{
    internal static string Describe(RegistryDeclaration d) =>
        $"{Path.GetFileName(d.File)}:{d.Line} {d.Generates} {d.Name} {d.From.ToNixUrl()} -> {d.To?.ToNixUrl() ?? "?"}{(d.Exact ? "" : " (not exact)")}{(d.IsCovering ? " covering" : "")}{(d.Input is null ? "" : " input=" + d.Input)}";

    [Fact]
    public void SharedFixtureKahless_ThreeEntriesFromTheInlineModule()
    {
        var registry = ConfigurationRegistry.Open(Path.Combine(TestPaths.SharedFixtures!, "kahless"));
        Assert.Equal(new[]
        {
            "flake.nix:34 System nixpkgs flake:nixpkgs -> github:NixOS/nixpkgs/nixos-22.05 input=nixpkgs",
            "flake.nix:35 System nixpkgs-unstable flake:nixpkgs-unstable -> github:NixOS/nixpkgs input=nixpkgs-unstable",
            "flake.nix:36 System elgato flake:elgato -> github:waxlamp/elgato/flakes input=elgato",
        }, registry.Declarations.Select(Describe));
        Assert.All(registry.Declarations, d => Assert.Null(d.Problem));
        Assert.Empty(registry.Unresolved);
        var entries = registry.Entries();
        Assert.All(entries, e => Assert.Equal(RegistryScope.Configuration, e.Scope));
        Assert.Equal(new int?[] { 34, 35, 36 }, entries.Select(e => e.Line));
        Assert.All(entries, e => Assert.False(e.IsReadOnly));
        Assert.Empty(ConfigurationRegistry.Open(Path.Combine(TestPaths.SharedFixtures!, "hostname")).Declarations);
    }

    [Fact]
    public void EveryFormOfTheTestFlake()
    {
        using var tree = OptionReaderTests.Tree();
        var registry = ConfigurationRegistry.Open(tree.Path);
        Assert.Equal(new[]
        {
            "configuration.nix:9 System nixpkgs flake:nixpkgs -> github:NixOS/nixpkgs/nixos-24.05 input=nixpkgs",
            "configuration.nix:10 System local flake:local -> path:/srv/local",
            "configuration.nix:14 System pinned flake:p -> ? (not exact)",
            "configuration.nix:15 System later flake:later -> github:example/elgato input=elgato",
            "nix.nix:5 System elgato flake:elgato -> github:example/elgato covering input=elgato",
            "nix.nix:5 System home-manager flake:home-manager -> github:nix-community/home-manager covering input=home-manager",
            "nix.nix:5 System nixpkgs flake:nixpkgs -> github:NixOS/nixpkgs/nixos-24.05 covering input=nixpkgs",
            "nix.nix:5 System self flake:self -> path:" + tree.Path + " covering input=self",
            "flake.nix:11 System elgato flake:elgato -> github:example/elgato input=elgato",
            "flake.nix:15 User hm flake:hm -> github:NixOS/nixpkgs/nixos-24.05 input=nixpkgs",
        }, registry.Declarations.Select(Describe));
        // to = { type = "github"; } without owner and repo: Nix refuses it too; the rest still shows.
        Assert.Contains("owner", registry.Declarations.Single(d => d.Name == "pinned").Problem, StringComparison.Ordinal);
        var covered = registry.Declarations.First(d => d.IsCovering);
        Assert.Contains("nix.nix:5", covered.WhyNotEditable, StringComparison.Ordinal);
        Assert.Equal("config.my.registry", covered.Condition);
        var settings = Assert.Single(registry.Settings);
        Assert.Equal(RegistrySettingKind.GlobalRegistryDisabled, settings.Kind);
        Assert.Equal(12, settings.Definition.Line);
    }
}
