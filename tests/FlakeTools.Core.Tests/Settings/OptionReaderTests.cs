using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Evaluation;
using FlakeTools.Core.Settings;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests.Settings;

/// <summary>Option definitions found across a module graph, one case per form.</summary>
public class OptionReaderTests
{
    internal const string Flake = """
        {
          inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
          inputs.elgato.url = "github:example/elgato";
          inputs.home-manager.url = "github:nix-community/home-manager";
          outputs = { self, nixpkgs, elgato, home-manager, ... }@inputs: {
            nixosConfigurations.box = nixpkgs.lib.nixosSystem {
              system = "x86_64-linux";
              specialArgs = { inherit inputs; };
              modules = [
                ./configuration.nix
                ({ lib, ... }: { nix.registry.elgato.flake = elgato; })
                home-manager.nixosModules.home-manager
                {
                  home-manager.users.alice = { ... }: {
                    nix.registry.hm.flake = nixpkgs;
                  };
                }
              ];
            };
          };
        }
        """;

    internal const string Configuration = """
        { config, lib, inputs, ... }:
        let
          local = { to = { type = "path"; path = "/srv/local"; }; };
        in
        {
          imports = [ ./nix.nix ];
          nix = {
            registry = {
              nixpkgs.flake = inputs.nixpkgs;
              inherit local;
            };
            settings.flake-registry = "";
          };
          nix.registry.pinned = lib.mkForce { from = { type = "indirect"; id = "p"; }; to.type = "github"; exact = false; };
          nix.registry.later = lib.mkOverride 900 (lib.mkIf config.services.x.enable { flake = inputs.elgato; });
        }
        """;

    internal const string NixModule = """
        { lib, config, inputs, ... }:
        {
          options.my.registry = lib.mkEnableOption "registry";
          config = lib.mkIf config.my.registry {
            nix.registry = lib.mapAttrs (_: flake: { inherit flake; }) inputs;
          };
        }
        """;

    internal static TempTree Tree() => new(("flake.nix", Flake), ("configuration.nix", Configuration), ("nix.nix", NixModule));

    private static OptionReadResult Read(TempTree tree, string option) =>
        OptionReader.Read(ConfigurationReader.Open(tree.Path).ReadConfigurations(), option);

    private static string Describe(OptionDefinition d) =>
        $"{Path.GetFileName(d.File)}:{d.Line} {d.Context} {d.Option} [{string.Join(", ", d.Wrappers)}] {d.Priority}";

    [Fact]
    public void EveryFormIsFoundWithItsLineWrappersAndContext()
    {
        using var tree = Tree();
        var result = Read(tree, "nix.registry");
        Assert.Equal(new[]
        {
            "configuration.nix:9 NixOS nix.registry.nixpkgs.flake [] 100",
            "configuration.nix:10 NixOS nix.registry.local [] 100",
            "configuration.nix:14 NixOS nix.registry.pinned.from.type [mkForce] 50",
            "configuration.nix:14 NixOS nix.registry.pinned.from.id [mkForce] 50",
            "configuration.nix:14 NixOS nix.registry.pinned.to.type [mkForce] 50",
            "configuration.nix:14 NixOS nix.registry.pinned.exact [mkForce] 50",
            "configuration.nix:15 NixOS nix.registry.later.flake [mkOverride 900, mkIf (config.services.x.enable)] 900",
            "nix.nix:5 NixOS nix.registry [mkIf (config.my.registry)] 100",
            "flake.nix:11 NixOS nix.registry.elgato.flake [] 100",
            "flake.nix:15 HomeManagerInNixOS nix.registry.hm.flake [] 100",
        }, result.Definitions.Select(Describe));
        Assert.Empty(result.Unresolved);

        var byOption = result.Definitions.ToDictionary(d => d.Option + ":" + d.Line);
        Assert.Equal("nixpkgs", ((ExternalValue)byOption["nix.registry.nixpkgs.flake:9"].Value).DisplayName);
        Assert.Equal("nixpkgs.flake = inputs.nixpkgs;", byOption["nix.registry.nixpkgs.flake:9"].Text);
        Assert.True(byOption["nix.registry.local:10"].IsInherit);
        Assert.IsType<AttrSetValue>(byOption["nix.registry.local:10"].Value);
        Assert.Equal("p", ((StringValue)byOption["nix.registry.pinned.from.id:14"].Value).Value);
        Assert.Equal("alice", result.Definitions.Single(d => d.Context == ModuleContext.HomeManagerInNixOS).Module.User);

        // The mapAttrs idiom is one definition whose value covers every input (and self).
        var all = (AttrSetValue)byOption["nix.registry:5"].Value;
        Assert.Equal(new[] { "elgato", "home-manager", "nixpkgs", "self" }, all.Names);
        Assert.Equal("config.my.registry", byOption["nix.registry:5"].Condition);
    }

    [Fact]
    public void APrefixOfTheOptionAndAnOptionBesideItAreTellApart()
    {
        using var tree = Tree();
        var settings = Read(tree, "nix.settings");
        Assert.Equal(new[] { "configuration.nix:12 NixOS nix.settings.flake-registry [] 100" }, settings.Definitions.Select(Describe));
        Assert.Equal("", ((StringValue)settings.Definitions[0].Value).Value);
        var one = Read(tree, "nix.registry.pinned.from");
        Assert.Equal(new[] { "nix.registry.pinned.from.type", "nix.registry.pinned.from.id" }, one.Definitions.Select(d => d.Option));
        Assert.Empty(Read(tree, "nix.gc").Definitions);
    }

    [Fact]
    public void MergeDefaultAndAnUnknownBlockAreReported()
    {
        using var tree = new TempTree(
            ("flake.nix", """
                {
                  inputs.nixpkgs.url = "github:NixOS/nixpkgs";
                  outputs = { nixpkgs, ... }: {
                    nixosConfigurations.box = nixpkgs.lib.nixosSystem { modules = [ ./m.nix ]; };
                  };
                }
                """),
            ("m.nix", """
                { lib, pkgs, ... }:
                lib.mkMerge [
                  { nixpkgs.config.allowUnfree = lib.mkDefault true; }
                  (lib.mkIf pkgs.stdenv.isLinux { nixpkgs.config = { allowBroken = false; } // pkgs.extra; })
                  { nixpkgs = pkgs.something; }
                ]
                """));
        var result = Read(tree, "nixpkgs.config");
        Assert.Equal(new[]
        {
            "m.nix:3 NixOS nixpkgs.config.allowUnfree [mkMerge, mkDefault] 1000",
            "m.nix:4 NixOS nixpkgs.config [mkMerge, mkIf (pkgs.stdenv.isLinux)] 100",
        }, result.Definitions.Select(Describe));
        var problem = Assert.Single(result.Unresolved);
        Assert.Equal(5, problem.Line);
        Assert.Contains("pkgs", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SharedFixtureKahlessDeclaresThreeRegistryEntriesInItsInlineModule()
    {
        var shared = TestPaths.SharedFixtures ?? throw new InvalidOperationException("the shared fixtures are not beside the clone");
        var result = OptionReader.Read(ConfigurationReader.Open(Path.Combine(shared, "kahless")).ReadConfigurations(), "nix.registry");
        Assert.Equal(new[] { "flake.nix:34 NixOS nix.registry.nixpkgs.flake [] 100", "flake.nix:35 NixOS nix.registry.nixpkgs-unstable.flake [] 100", "flake.nix:36 NixOS nix.registry.elgato.flake [] 100" },
            result.Definitions.Select(Describe));
        Assert.Equal("nixpkgs-unstable", ((ExternalValue)result.Definitions[1].Value).DisplayName);
        var hostname = OptionReader.Read(ConfigurationReader.Open(Path.Combine(shared, "hostname")).ReadConfigurations(), "nix.registry");
        Assert.Empty(hostname.Definitions);
    }

    [Fact]
    public void PathsWithQuotedNamesAreSplitAsNixDoes()
    {
        Assert.Equal(new[] { "nix", "registry", "my.flake" }, OptionReader.ParsePath("nix.registry.\"my.flake\""));
    }
}
