using System;
using System.IO;
using System.Linq;
using FlakeTools.Core.Project;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Core.Unfree;
using Xunit;
using Xunit.Abstractions;

namespace FlakeTools.Core.Tests.Unfree;

/// <summary>Edits, with the exact text after each one.</summary>
public class UnfreeEditTests
{
    private readonly ITestOutputHelper _output;

    public UnfreeEditTests(ITestOutputHelper output) => _output = output;

    internal const string KahlessBefore = """
        {
          inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-22.05";
          inputs.nixpkgs-unstable.url = "github:NixOS/nixpkgs";
          inputs.home-manager = {
            url = "github:nix-community/home-manager/release-22.05";
            inputs.nixpkgs.follows = "nixpkgs";
          };

          outputs = { self, nixpkgs, nixpkgs-unstable, home-manager }: {
            nixosConfigurations.kahless = nixpkgs.lib.nixosSystem {
              system = "x86_64-linux";
              modules = [
                ./configuration.nix
                home-manager.nixosModules.home-manager {
                  home-manager = {
                    useGlobalPkgs = true;
                    users.roni = import ./home.nix;
                    extraSpecialArgs = {
                      pkgs-unstable = nixpkgs-unstable.legacyPackages.x86_64-linux;
                    };
                  };
                }
                ({ ... }: {
                  nixpkgs.config = {
                    allowUnfree = true;
                  };
                })
              ];
            };
          };
        }

        """;

    internal const string KahlessHome = """
        { pkgs, pkgs-unstable, ... }:
        {
          nixpkgs.config.allowUnfree = true;
          home.packages = [ pkgs-unstable.spotify ];
        }

        """;

    internal const string Configuration = """
        { pkgs, ... }:
        {
          networking.hostName = "kahless";
        }

        """;

    internal static UnfreePlan Plan(TempTree tree, UnfreeRequest request) => UnfreeEditor.Plan(UnfreeReader.Analyze(FlakeSource.Open(tree.Path)), request);

    internal static void Apply(UnfreePlan plan)
    {
        foreach (var file in plan.Files) File.WriteAllText(file.Path, file.NewText);
    }

    [Fact]
    public void Kahless_LegacyPackagesHasNoUnfree_SetMakesAnImportWithConfigAllowUnfree()
    {
        using var tree = new TempTree(("flake.nix", KahlessBefore), ("home.nix", KahlessHome), ("configuration.nix", Configuration));
        var settings = UnfreeReader.ReadFlake(tree.Path);
        foreach (var s in settings) _output.WriteLine(UnfreeSeedTests.Show(s) + " | " + s.Reason);
        var none = settings.Single(s => s.Setting == "(none)");
        Assert.Equal(("kahless", "pkgs-unstable = nixpkgs-unstable.legacyPackages", false, "flake.nix:19"), (none.Configuration, none.PackageSet, none.Effective, none.Location));

        var plan = Plan(tree, new UnfreeRequest { AllowUnfree = true, Configurations = new[] { "kahless" } });
        Assert.Empty(plan.Refusals);
        var edit = Assert.Single(plan.Files);
        Assert.Equal(KahlessBefore.Replace(
            "              pkgs-unstable = nixpkgs-unstable.legacyPackages.x86_64-linux;\n",
            "              pkgs-unstable = import nixpkgs-unstable {\n" +
            "                system = \"x86_64-linux\";\n" +
            "                config.allowUnfree = true;\n" +
            "              };\n", StringComparison.Ordinal), edit.NewText);
        Apply(plan);
        var after = UnfreeReader.ReadFlake(tree.Path);
        var unstable = after.Single(s => s.Scope == UnfreeScope.PackageSet);
        Assert.Equal(("allowUnfree", "pkgs-unstable = import nixpkgs-unstable", true), (unstable.Setting, unstable.PackageSet, unstable.Effective));
        Assert.Empty(Plan(tree, new UnfreeRequest { AllowUnfree = true, Configurations = new[] { "kahless" } }).Files);
    }

    [Fact]
    public void Kahless_ASettingInHomeNixIsRefusedWithTheReason()
    {
        using var tree = new TempTree(("flake.nix", KahlessBefore), ("home.nix", KahlessHome), ("configuration.nix", Configuration));
        var plan = Plan(tree, new UnfreeRequest { Packages = new[] { "spotify" }, Configurations = new[] { "kahless/roni" } });
        Assert.Empty(plan.Files);
        var refusal = Assert.Single(plan.Refusals);
        Assert.Equal("UnfreeEditNotEffective", refusal.Id);
        Assert.Contains("useGlobalPkgs", refusal.Message, StringComparison.Ordinal);
    }
}
