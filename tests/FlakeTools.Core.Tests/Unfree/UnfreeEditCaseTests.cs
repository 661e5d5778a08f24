using System;
using System.IO;
using System.Linq;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Core.Unfree;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests.Unfree;

/// <summary>Each edit on its own, with the exact text after it; every result parses with Nix too.</summary>
public class UnfreeEditCaseTests
{
    private static string Edit(TempTree tree, UnfreeRequest request, string file)
    {
        var plan = UnfreeEditTests.Plan(tree, request);
        Assert.True(plan.Refusals.Count == 0, string.Join("\n", plan.Refusals));
        UnfreeEditTests.Apply(plan);
        var text = File.ReadAllText(tree[file]);
        if (NixEnvironment.IsAvailable)
        {
            foreach (var edited in plan.Files)
            {
                var (code, _, stderr) = NixRunner.Run("nix-instantiate", "--parse", edited.Path);
                Assert.True(code == 0, stderr);
            }
        }
        return text;
    }

    private static TempTree Host(string module) => new(("flake.nix", UnfreeReaderTests.System("./a.nix")), ("a.nix", module));

    [Fact]
    public void AllowUnfree_AddedToTheModule()
    {
        using var tree = Host("{ pkgs, ... }:\n{\n  networking.hostName = \"box\";\n}\n");
        Assert.Equal("{ pkgs, ... }:\n{\n  networking.hostName = \"box\";\n  nixpkgs.config.allowUnfree = true;\n}\n", Edit(tree, new UnfreeRequest { AllowUnfree = true }, "a.nix"));
        Assert.True(UnfreeReader.ReadFlake(tree.Path).Single().Effective);
    }

    [Fact]
    public void AllowUnfree_FalseBecomesTrue_KeepingMkForce()
    {
        using var tree = Host("{ lib, ... }:\n{\n  nixpkgs.config.allowUnfree = lib.mkForce false; # no\n}\n");
        Assert.Equal("{ lib, ... }:\n{\n  nixpkgs.config.allowUnfree = lib.mkForce true; # no\n}\n", Edit(tree, new UnfreeRequest { AllowUnfree = true }, "a.nix"));
    }

    [Fact]
    public void AllowUnfree_GoesIntoTheNixpkgsConfigBlock()
    {
        using var tree = Host("{\n  nixpkgs.config = {\n    allowBroken = true;\n  };\n}\n");
        Assert.Equal("{\n  nixpkgs.config = {\n    allowBroken = true;\n    allowUnfree = true;\n  };\n}\n", Edit(tree, new UnfreeRequest { AllowUnfree = true }, "a.nix"));
    }

    [Fact]
    public void AllowUnfree_Unset_RemovesTheDefinition()
    {
        using var tree = Host("{\n  # unfree for steam\n  nixpkgs.config.allowUnfree = true;\n  networking.hostName = \"box\";\n}\n");
        Assert.Equal("{\n  networking.hostName = \"box\";\n}\n", Edit(tree, new UnfreeRequest { AllowUnfree = false }, "a.nix"));
        Assert.Empty(UnfreeReader.ReadFlake(tree.Path));
    }

    [Fact]
    public void Package_CreatesThePredicateAndTakesLib()
    {
        using var tree = Host("{ pkgs, ... }:\n{\n  environment.systemPackages = [ pkgs.spotify ];\n}\n");
        Assert.Equal("{ pkgs, lib, ... }:\n{\n  environment.systemPackages = [ pkgs.spotify ];\n  nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [ \"spotify\" \"steam\" ];\n}\n",
            Edit(tree, new UnfreeRequest { Packages = new[] { "spotify", "steam" } }, "a.nix"));
        Assert.Equal(new[] { "spotify", "steam" }, UnfreeReader.ReadFlake(tree.Path).Single().Packages);
    }

    [Fact]
    public void Package_AddedToAndRemovedFromTheList()
    {
        using var tree = Host("{ lib, ... }:\n{\n  nixpkgs.config.allowUnfreePredicate = pkg:\n    builtins.elem (lib.getName pkg) [\n      \"steam\"\n      \"steam-run\" # for games\n    ];\n}\n");
        Assert.Equal("{ lib, ... }:\n{\n  nixpkgs.config.allowUnfreePredicate = pkg:\n    builtins.elem (lib.getName pkg) [\n      \"steam\"\n      \"steam-run\" # for games\n      \"spotify\"\n    ];\n}\n",
            Edit(tree, new UnfreeRequest { Packages = new[] { "spotify", "steam" } }, "a.nix"));
        Assert.Equal("{ lib, ... }:\n{\n  nixpkgs.config.allowUnfreePredicate = pkg:\n    builtins.elem (lib.getName pkg) [\n      \"spotify\"\n    ];\n}\n",
            Edit(tree, new UnfreeRequest { Packages = new[] { "steam", "steam-run" }, Remove = true }, "a.nix"));
    }

    [Fact]
    public void Package_AddedToTheWinningPredicate_OnOneLine()
    {
        using var tree = new TempTree(("flake.nix", UnfreeReaderTests.System("./a.nix ./b.nix")),
            ("a.nix", "{ lib, ... }: { nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [ \"steam\" ]; }"),
            ("b.nix", "{ lib, ... }: { nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [ \"discord\" ]; }"));
        Assert.Equal("{ lib, ... }: { nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [ \"steam\" \"spotify\" ]; }", Edit(tree, new UnfreeRequest { Packages = new[] { "spotify" } }, "a.nix"));
    }

    [Fact]
    public void Package_RefusedWhenAllowUnfreeAllowsEverything()
    {
        using var tree = Host("{ nixpkgs.config.allowUnfree = true; }");
        var plan = UnfreeEditTests.Plan(tree, new UnfreeRequest { Packages = new[] { "spotify" } });
        Assert.Empty(plan.Files);
        Assert.Equal("UnfreeEditNotEffective", Assert.Single(plan.Refusals).Id);
    }

    [Fact]
    public void Insecure_AddedAsAList()
    {
        using var tree = Host("{ ... }: {\n  nixpkgs.config.allowUnfree = true;\n}\n");
        Assert.Equal("{ ... }: {\n  nixpkgs.config.allowUnfree = true;\n  nixpkgs.config.permittedInsecurePackages = [ \"electron-25.9.0\" ];\n}\n", Edit(tree, new UnfreeRequest { Insecure = new[] { "electron-25.9.0" } }, "a.nix"));
        Assert.Equal("{ ... }: {\n  nixpkgs.config.allowUnfree = true;\n  nixpkgs.config.permittedInsecurePackages = [ \"electron-25.9.0\" \"openssl-1.1.1w\" ];\n}\n", Edit(tree, new UnfreeRequest { Insecure = new[] { "openssl-1.1.1w" } }, "a.nix"));
    }

    [Fact]
    public void ImportConfig_AllowUnfreeAddedBesideTheSystem()
    {
        var flake = UnfreeReaderTests.System("./a.nix", "\n      specialArgs.pkgs-unstable = import nixpkgs-unstable { system = \"x86_64-linux\"; };");
        using var tree = new TempTree(("flake.nix", flake), ("a.nix", "{ nixpkgs.config.allowUnfree = true; }"));
        var after = Edit(tree, new UnfreeRequest { AllowUnfree = true, PackageSets = new[] { "pkgs-unstable" } }, "flake.nix");
        Assert.Equal(flake.Replace("{ system = \"x86_64-linux\"; }", "{ system = \"x86_64-linux\"; config.allowUnfree = true; }", StringComparison.Ordinal), after);
    }

    [Fact]
    public void Hostname_Release2305_SetMakesThePkgsAnImportWithConfig()
    {
        var flake = UnfreeReaderTests.Home("/release-23.05");
        using var tree = new TempTree(("flake.nix", flake), ("home.nix", UnfreeReaderTests.HomeNix));
        var after = Edit(tree, new UnfreeRequest { AllowUnfree = true, Configurations = new[] { "me@box" } }, "flake.nix");
        Assert.Equal(flake.Replace("pkgs = nixpkgs.legacyPackages.x86_64-linux;", "pkgs = import nixpkgs {\n        system = \"x86_64-linux\";\n        config.allowUnfree = true;\n      };", StringComparison.Ordinal), after);
        var rows = UnfreeReader.ReadFlake(tree.Path);
        Assert.True(rows.Single(r => r.Scope == UnfreeScope.PackageSet && r.Setting == "allowUnfree").Effective);
    }

    [Fact]
    public void Hostname_Release2311_NothingToChange()
    {
        using var tree = new TempTree(("flake.nix", UnfreeReaderTests.Home("/release-23.11")), ("home.nix", UnfreeReaderTests.HomeNix));
        var plan = UnfreeEditTests.Plan(tree, new UnfreeRequest { AllowUnfree = true });
        Assert.Empty(plan.Files);
        Assert.Single(plan.Unchanged);
    }
}
