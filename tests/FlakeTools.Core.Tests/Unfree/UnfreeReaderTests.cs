using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Core.Unfree;
using Xunit;
using Xunit.Abstractions;

namespace FlakeTools.Core.Tests.Unfree;

/// <summary>One case per place and per reason.</summary>
public class UnfreeReaderTests
{
    private readonly ITestOutputHelper _output;

    public UnfreeReaderTests(ITestOutputHelper output) => _output = output;

    internal static string System(string modules, string extra = "") => $$"""
        {
          inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
          inputs.nixpkgs-unstable.url = "github:NixOS/nixpkgs";
          outputs = { self, nixpkgs, nixpkgs-unstable, ... }: {
            nixosConfigurations.host = nixpkgs.lib.nixosSystem {
              system = "x86_64-linux";{{extra}}
              modules = [ {{modules}} ];
            };
          };
        }

        """;

    internal static string Home(string reference, string pkgs = "nixpkgs.legacyPackages.x86_64-linux") => $$"""
        {
          inputs = {
            nixpkgs.url = "github:nixos/nixpkgs/nixos-23.05";
            home-manager.url = "github:nix-community/home-manager{{reference}}";
            home-manager.inputs.nixpkgs.follows = "nixpkgs";
          };
          outputs = { nixpkgs, home-manager, ... }@inputs: {
            homeConfigurations."me@box" = home-manager.lib.homeManagerConfiguration {
              pkgs = {{pkgs}};
              modules = [ ./home.nix ];
            };
          };
        }

        """;

    internal const string HomeNix = """
        { pkgs, ... }:
        {
          nixpkgs.config.allowUnfree = true;
          home.packages = [ pkgs.spotify ];
        }

        """;

    private List<UnfreeSetting> Read(TempTree tree, UnfreeEnvironment? environment = null)
    {
        var analysis = UnfreeReader.Analyze(Project.FlakeSource.Open(tree.Path), environment);
        foreach (var s in analysis.Settings) _output.WriteLine(UnfreeSeedTests.Show(s) + " | " + s.Reason + " | " + s.Fix);
        return analysis.Settings.ToList();
    }

    [Theory]
    [InlineData("/release-23.05", false, "release-23.05 (from flake.nix)")]
    [InlineData("/release-23.11", true, "release-23.11 (from flake.nix)")]
    [InlineData("/release-24.05", true, "release-24.05")]
    [InlineData("", true, "assumed release 23.11 or later")]
    public void StandaloneHomeManager_HomeNixAllowUnfreeDependsOnTheRelease(string reference, bool effective, string assumed)
    {
        using var tree = new TempTree(("flake.nix", Home(reference)), ("home.nix", HomeNix));
        var row = Read(tree).Single(s => s.Setting == "allowUnfree");
        Assert.Equal(effective, row.Effective);
        Assert.Contains(assumed, row.HomeManagerRelease, StringComparison.Ordinal);
    }

    [Fact]
    public void StandaloneHomeManager_TheLockDecides()
    {
        using var tree = new TempTree(("flake.nix", Home("")), ("home.nix", HomeNix), ("flake.lock", """
            { "nodes": {
                "home-manager": { "locked": { "lastModified": 1690000000, "narHash": "sha256-AAAA", "owner": "nix-community", "repo": "home-manager", "rev": "0000000000000000000000000000000000000000", "type": "github" },
                                  "original": { "owner": "nix-community", "ref": "release-23.05", "repo": "home-manager", "type": "github" } },
                "root": { "inputs": { "home-manager": "home-manager" } } },
              "root": "root", "version": 7 }
            """));
        var row = Read(tree).Single(s => s.Setting == "allowUnfree");
        Assert.False(row.Effective);
        Assert.Contains("release-23.05 (from flake.lock)", row.HomeManagerRelease, StringComparison.Ordinal);
    }

    [Fact]
    public void StandaloneHomeManager_OldRelease_PredicateInHomeNixWorks_PkgsImportConfigWins()
    {
        using var tree = new TempTree(("flake.nix", Home("/release-23.05", "import nixpkgs { system = \"x86_64-linux\"; config.allowUnfree = true; }")),
            ("home.nix", "{ lib, ... }: { nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [ \"spotify\" ]; nixpkgs.config.allowBroken = true; }"));
        var rows = Read(tree);
        var fromPkgs = rows.Single(s => s.Setting == "allowUnfree");
        Assert.Equal((UnfreeScope.PackageSet, true), (fromPkgs.Scope, fromPkgs.Effective));
        var predicate = rows.Single(s => s.Setting == "allowUnfreePredicate");
        Assert.Equal(new[] { "spotify" }, predicate.Packages);
        Assert.False(predicate.Effective); // allowUnfree = true (from pkgs) makes it pointless
        Assert.Contains("already allows every unfree package", predicate.Reason, StringComparison.Ordinal);
        var broken = rows.Single(s => s.Setting == "allowBroken");
        Assert.False(broken.Effective);
        Assert.Contains("issue 2942", broken.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void StandaloneHomeManager_NewRelease_AnyModuleNixpkgsConfigReplacesThePkgsConfig()
    {
        using var tree = new TempTree(("flake.nix", Home("/release-24.05", "import nixpkgs { system = \"x86_64-linux\"; config.allowUnfree = true; }")),
            ("home.nix", "{ nixpkgs.config.allowBroken = true; }"));
        var rows = Read(tree);
        var fromPkgs = rows.Single(s => s.Setting == "allowUnfree");
        Assert.False(fromPkgs.Effective);
        Assert.Contains("only a default", fromPkgs.Reason, StringComparison.Ordinal);
        Assert.True(rows.Single(s => s.Setting == "allowBroken").Effective);
    }

    [Fact]
    public void NixOS_SeveralPredicates_TheLastMergedWins_AllowUnfreeMakesThemPointless()
    {
        using var tree = new TempTree(("flake.nix", System("./a.nix ./b.nix")),
            ("a.nix", "{ lib, ... }: { imports = [ ./c.nix ]; nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [ \"steam\" \"steam-run\" ]; }"),
            ("b.nix", "{ lib, ... }: { nixpkgs.config = { allowUnfreePredicate = p: lib.elem (lib.getName p) [ \"spotify\" ]; }; }"),
            ("c.nix", "{ lib, ... }: { nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [ \"discord\" ]; }"));
        var rows = Read(tree).Where(s => s.Setting == "allowUnfreePredicate").ToList();
        // Collected breadth first (a.nix, b.nix, then c.nix that a.nix imports), merged in reverse: a.nix wins.
        Assert.Equal(new[] { "a.nix:1 True", "b.nix:1 False", "c.nix:1 False" }, rows.Select(r => $"{r.Location} {r.Effective}"));
        Assert.Equal(new[] { "steam", "steam-run" }, rows[0].Packages);
        Assert.Contains("a.nix:1", rows[2].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NixOS_MkForceDefinitionReplacesTheOthers()
    {
        using var tree = new TempTree(("flake.nix", System("./a.nix ./b.nix")),
            ("a.nix", "{ lib, ... }: { nixpkgs.config = lib.mkForce { allowBroken = true; }; }"),
            ("b.nix", "{ nixpkgs.config.allowUnfree = true; }"));
        var rows = Read(tree);
        Assert.True(rows.Single(s => s.Setting == "allowBroken").Effective);
        var unfree = rows.Single(s => s.Setting == "allowUnfree");
        Assert.False(unfree.Effective);
        Assert.Contains("mkForce", unfree.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NixOS_NixpkgsPkgsWithNixpkgsConfigIsAnError()
    {
        using var tree = new TempTree(("flake.nix", System("./a.nix")),
            ("a.nix", "{ inputs, ... }: { nixpkgs.pkgs = import inputs.nixpkgs { system = \"x86_64-linux\"; }; nixpkgs.config.allowUnfree = true; }"));
        var rows = Read(tree);
        var unfree = rows.Single(s => s.Setting == "allowUnfree");
        Assert.False(unfree.Effective);
        Assert.Contains("externally created instance", unfree.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NixOS_PkgsArgumentOfNixosSystem_ItsConfigCounts()
    {
        using var tree = new TempTree(("flake.nix", System("./a.nix", "\n      pkgs = import nixpkgs { system = \"x86_64-linux\"; config = { allowUnfree = true; permittedInsecurePackages = [ \"openssl-1.1.1w\" ]; }; };")),
            ("a.nix", "{ nixpkgs.config.allowBroken = true; }"));
        var rows = Read(tree);
        Assert.True(rows.Single(s => s.Setting == "allowUnfree").Effective);
        var insecure = rows.Single(s => s.Setting == "permittedInsecurePackages");
        Assert.Equal((true, "openssl-1.1.1w"), (insecure.Effective, string.Join(",", insecure.Packages)));
        Assert.False(rows.Single(s => s.Setting == "allowBroken").Effective);
    }

    [Fact]
    public void NixOS_HomeManagerWithoutGlobalPkgs_TheSystemConfigDoesNotReachTheUser()
    {
        using var tree = new TempTree(("flake.nix", System("./a.nix home-manager.nixosModules.home-manager { home-manager.users.ann = ./ann.nix; }")),
            ("a.nix", "{ nixpkgs.config.allowUnfree = true; }"),
            ("ann.nix", "{ pkgs, ... }: { home.packages = [ pkgs.spotify ]; }"));
        var rows = Read(tree);
        var none = rows.Single(s => s.Setting == "(none)");
        Assert.Equal(("host/ann", UnfreeScope.HomeManagerInNixOS, false), (none.Configuration, none.Scope, none.Effective));
        Assert.Contains("useGlobalPkgs", none.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void PackageSets_InLetBindingsOverlaysAndModuleArguments()
    {
        using var tree = new TempTree(("flake.nix", System("./a.nix", "\n      specialArgs = { stable = import nixpkgs { system = \"x86_64-linux\"; }; };")),
            ("a.nix", """
                { inputs, pkgs, ... }:
                let
                  unstable = import inputs.nixpkgs-unstable { inherit (pkgs) system; config.allowUnfree = true; };
                in {
                  nixpkgs.overlays = [ (final: prev: { master = import inputs.nixpkgs-master { inherit (final) system; config = { allowUnfree = true; }; }; }) ];
                  _module.args.old = inputs.nixpkgs-old.legacyPackages.${pkgs.system};
                  environment.systemPackages = [ unstable.vscode ];
                }
                """));
        var rows = Read(tree).Where(s => s.Scope == UnfreeScope.PackageSet).ToList();
        Assert.Contains(rows, r => r.Setting == "(none)" && r.PackageSet == "stable = import nixpkgs" && r.Configuration == "host");
        Assert.Contains(rows, r => r.Setting == "allowUnfree" && r.PackageSet == "unstable = import inputs.nixpkgs-unstable" && r.Effective == true && r.Location == "a.nix:3");
        Assert.Contains(rows, r => r.Setting == "allowUnfree" && r.PackageSet == "master = import inputs.nixpkgs-master" && r.Effective == true && r.Location == "a.nix:5");
        Assert.Contains(rows, r => r.Setting == "(none)" && r.PackageSet == "_module.args.old = nixpkgs-old.legacyPackages" && r.Location == "a.nix:6");
    }

    [Fact]
    public void ImpureImportInAModule_ConfigNixAndVariables()
    {
        using var tree = new TempTree(("flake.nix", System("./a.nix")),
            ("a.nix", "{ ... }: with import <nixpkgs> { }; { environment.systemPackages = [ hello ]; }"),
            ("home/.config/nixpkgs/config.nix", "{ allowUnfree = true; permittedInsecurePackages = [ \"electron-25.9.0\" ]; }"));
        var environment = new UnfreeEnvironment(tree["home"], new Dictionary<string, string> { ["NIXPKGS_ALLOW_UNFREE"] = "1" });
        var rows = Read(tree, environment);
        var impure = rows.Single(s => s.Setting == "import <nixpkgs>");
        Assert.Equal((UnfreeScope.Module, false, "host"), (impure.Scope, impure.Effective, impure.Configuration));
        var configNix = rows.Where(s => s.Scope == UnfreeScope.ConfigFile).ToList();
        Assert.Equal(new[] { "allowUnfree", "permittedInsecurePackages" }, configNix.Select(r => r.Setting));
        Assert.All(configNix, r => Assert.Contains("never reads", r.Reason, StringComparison.Ordinal));
        var variable = rows.Single(s => s.Scope == UnfreeScope.Environment);
        Assert.Equal(("NIXPKGS_ALLOW_UNFREE", "1", false), (variable.Setting, variable.Value, variable.Effective));
    }

    [Fact]
    public void ALoneModuleAndAConfigNixReadOnTheirOwn()
    {
        using var tree = new TempTree(("m.nix", "{ lib, config, pkgs, ... }: { config = lib.mkIf config.desktop.enable { nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) (map lib.getName [ pkgs.steam pkgs.discord ]); }; }"),
            ("config.nix", "{ pkgs }: { allowUnfree = true; allowBroken = false; }"));
        var module = Assert.Single(UnfreeReader.ReadModule(tree["m.nix"]));
        Assert.Equal(("allowUnfreePredicate", UnfreeScope.Module, (bool?)null, "config.desktop.enable"), (module.Setting, module.Scope, module.Effective, module.Condition));
        Assert.Equal(new[] { "steam", "discord" }, module.Packages);
        var config = UnfreeReader.ReadConfigNix(tree["config.nix"]);
        Assert.Equal(new[] { "allowUnfree true True", "allowBroken false True" }, config.Select(r => $"{r.Setting} {r.Value} {r.Effective}"));
    }

    [Fact]
    public void OtherPredicatesAreShownAsCode()
    {
        using var tree = new TempTree(("flake.nix", System("./a.nix")),
            ("a.nix", "{ lib, ... }: { nixpkgs.config.allowUnfreePredicate = pkg: lib.hasPrefix \"nvidia\" (lib.getName pkg); nixpkgs.config.allowInsecurePredicate = _: true; }"));
        var rows = Read(tree);
        var predicate = rows.Single(s => s.Setting == "allowUnfreePredicate");
        Assert.Equal("pkg: lib.hasPrefix \"nvidia\" (lib.getName pkg)", predicate.Value);
        Assert.Empty(predicate.Packages);
        Assert.Equal(new[] { "*" }, rows.Single(s => s.Setting == "allowInsecurePredicate").Packages);
    }
}
