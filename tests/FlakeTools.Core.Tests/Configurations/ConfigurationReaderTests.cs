using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests.Configurations;

/// <summary>Configurations and module graphs read statically: the two real setups, then one case per form.</summary>
public class ConfigurationReaderTests
{
    private static IReadOnlyList<FlakeConfiguration> Read(string path) => ConfigurationReader.Open(path).ReadConfigurations();

    private static FlakeConfiguration Single(TempTree tree, string name = "host") => Read(tree.Path).Single(c => c.Name == name);

    private static string Via(FlakeModule module, string argument) => module.ReceivedVia[argument]!.ToString()!;

    private static string Fixture(string name)
    {
        var shared = TestPaths.SharedFixtures ?? throw new InvalidOperationException("the shared fixtures are not beside the clone (../shared/fixtures)");
        return Path.Combine(shared, name);
    }

    // ------------------------------------------------------------ the seeds' setups

    [Fact]
    public void Kahless_ElgatoReachesHomeNixThroughExtraSpecialArgs_TheNixpkgsInputsDoNot()
    {
        var kahless = Read(Fixture("kahless")).Single();
        Assert.Equal("kahless", kahless.Name);
        Assert.Equal(ConfigurationKind.NixOS, kahless.Kind);
        Assert.Equal("x86_64-linux", kahless.System);
        Assert.Equal("nixpkgs.lib.nixosSystem", kahless.Builder);
        Assert.Empty(kahless.SpecialArgs);
        Assert.Empty(kahless.Unresolved);

        var home = kahless.Modules.Single(m => m.Path is not null && m.Path.EndsWith("home.nix", StringComparison.Ordinal));
        Assert.Equal(ModuleContext.HomeManagerInNixOS, home.Context);
        Assert.Equal("roni", home.User);
        Assert.Equal(new[] { "pkgs", "elgato", "pkgs-unstable" }, home.Arguments);
        Assert.Equal("ExtraSpecialArgs", Via(home, "elgato"));
        Assert.Equal("ExtraSpecialArgs", Via(home, "pkgs-unstable"));
        Assert.Equal("ModuleSystem", Via(home, "pkgs"));
        Assert.Empty(home.MissingArguments);

        // nixpkgs and nixpkgs-unstable are not passed to home-manager modules, nor to NixOS modules.
        var hm = kahless.HomeManager!;
        Assert.Equal(new[] { "elgato", "pkgs-unstable" }, hm.ExtraSpecialArgs);
        Assert.DoesNotContain("nixpkgs", hm.ExtraSpecialArgs);
        Assert.DoesNotContain("nixpkgs-unstable", hm.ExtraSpecialArgs);
        Assert.Equal(new[] { "roni" }, hm.Users);
        Assert.True(hm.UseGlobalPkgs);
        Assert.True(hm.UseUserPackages);
        Assert.Equal("home-manager.nixosModules.home-manager", hm.Module);

        // Where pkgs comes from: the system's nixpkgs input (nixosSystem's default), which home.nix
        // gets too because of useGlobalPkgs; pkgs-unstable is its own import with its own config.
        Assert.Equal(PackageSetKind.BuilderDefault, kahless.Pkgs!.Kind);
        Assert.Equal("nixpkgs", kahless.Pkgs.Input);
        Assert.Equal(PackageSetKind.GlobalPkgs, hm.Pkgs.Kind);
        Assert.Equal("nixpkgs", hm.Pkgs.Input);
    }

    [Fact]
    public void Kahless_ListsEveryModuleWithFileLineAndContext()
    {
        var kahless = Read(Fixture("kahless")).Single();
        var rows = kahless.Modules.Select(m => $"{m.Context} {m.Kind} {m.Name} {m.Line}").ToList();
        Assert.Equal(new[]
        {
            "NixOS File configuration.nix 1",
            "NixOS Input home-manager.nixosModules.home-manager 16",
            "NixOS Inline inline (flake.nix:16) 16",
            "NixOS Inline inline (flake.nix:33) 33",
            "NixOS Inline inline (flake.nix:40) 40",
            "HomeManagerInNixOS File home.nix 1",
        }, rows);
        var registry = kahless.Modules[3];
        Assert.Equal(new[] { "lib" }, registry.Arguments);
        Assert.Equal("ModuleSystem", Via(registry, "lib"));
        Assert.All(kahless.Modules, m => Assert.Equal(Fixture("kahless"), m.Flake));
    }

    [Fact]
    public void Hostname_InputsReachBothSidesThroughTheirOwnMechanism()
    {
        var configurations = Read(Fixture("hostname"));
        Assert.Equal(new[] { "hostname", "username@hostname" }, configurations.Select(c => c.Name));
        var nixos = configurations[0];
        Assert.Equal(new[] { "inputs" }, nixos.SpecialArgs);
        var system = nixos.Modules.Single();
        Assert.Equal("configuration.nix", system.Name);
        Assert.Equal("SpecialArgs", Via(system, "inputs"));
        Assert.Null(nixos.System); // nothing in the files says which system: Nix would take it from the modules it cannot see

        var home = configurations[1];
        Assert.Equal(ConfigurationKind.HomeManager, home.Kind);
        Assert.Equal("home-manager.lib.homeManagerConfiguration", home.Builder);
        Assert.Equal("x86_64-linux", home.System);
        Assert.Equal(PackageSetKind.LegacyPackages, home.Pkgs!.Kind);
        Assert.Equal("nixpkgs.legacyPackages", home.Pkgs.Text);
        var user = home.Modules.Single();
        Assert.Equal(ModuleContext.HomeManager, user.Context);
        Assert.Equal(Path.Combine(Fixture("hostname"), "home-manager", "username.nix"), user.Path);
        Assert.Equal("ExtraSpecialArgs", Via(user, "inputs"));
        Assert.Equal(23, home.Line);
    }

    // ------------------------------------------------------------ configurations in every form

    private const string Inputs = """
          inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
          inputs.home-manager.url = "github:nix-community/home-manager";
          inputs.darwin.url = "github:nix-darwin/nix-darwin";
          inputs.hyprland.url = "github:hyprwm/Hyprland";
        """;

    private static TempTree Flake(string outputs, params (string, string)[] files) =>
        new(files.Prepend(("flake.nix", "{\n" + Inputs + "\n  outputs = " + outputs + ";\n}\n")).ToArray());

    private static readonly (string, string) HostModule = ("hosts/host/default.nix", "{ config, pkgs, inputs, ... }: { networking.hostName = \"host\"; }");

    [Fact]
    public void DirectCallsThroughInheritLetAliasAndWith()
    {
        using var tree = Flake("""
            { self, nixpkgs, home-manager, darwin, ... }@inputs:
              let
                inherit (nixpkgs.lib) nixosSystem;
                hm = home-manager.lib.homeManagerConfiguration;
              in with darwin.lib; {
                nixosConfigurations.a = nixosSystem { system = "x86_64-linux"; modules = [ ./hosts/host ]; };
                homeConfigurations.b = hm { pkgs = nixpkgs.legacyPackages.aarch64-linux; modules = [ ]; };
                darwinConfigurations.c = darwinSystem { system = "aarch64-darwin"; modules = [ ]; };
              }
            """, HostModule);
        var all = Read(tree.Path);
        Assert.Equal(new[] { "a NixOS nixpkgs.lib.nixosSystem x86_64-linux", "b HomeManager home-manager.lib.homeManagerConfiguration aarch64-linux", "c Darwin darwin.lib.darwinSystem aarch64-darwin" },
            all.Select(c => $"{c.Name} {c.Kind} {c.Builder} {c.System}"));
        Assert.All(all, c => Assert.Empty(c.Unresolved));
        Assert.Equal(ModuleContext.NixOS, all[0].Modules.Single().Context);
    }

    [Fact]
    public void HelperFunctionsAppliedToLiteralArguments()
    {
        using var tree = Flake("""
            { nixpkgs, ... }@inputs:
              let
                mkHost = name: { system ? "x86_64-linux", extra ? [ ] }: nixpkgs.lib.nixosSystem {
                  inherit system;
                  specialArgs = { inherit inputs; hostName = name; };
                  modules = [ ./hosts/${name} ] ++ extra;
                };
              in {
                nixosConfigurations.host = mkHost "host" { };
                nixosConfigurations.pi = mkHost "pi" { system = "aarch64-linux"; extra = [ ./common.nix ]; };
              }
            """, HostModule, ("hosts/pi/default.nix", "{ hostName, ... }: { }"), ("common.nix", "{ lib, ... }: { }"));
        var all = Read(tree.Path);
        Assert.Equal(new[] { "host x86_64-linux hosts/host/default.nix", "pi aarch64-linux hosts/pi/default.nix,common.nix" },
            all.Select(c => $"{c.Name} {c.System} {string.Join(",", c.Modules.Select(m => m.Name))}"));
        Assert.Equal(new[] { "hostName", "inputs" }, all[1].SpecialArgs);
        Assert.Equal("SpecialArgs", Via(all[1].Modules[0], "hostName"));
    }

    [Theory]
    [InlineData("nixpkgs.lib.genAttrs hosts mkHost")]
    [InlineData("builtins.listToAttrs (map (name: { inherit name; value = mkHost name; }) hosts)")]
    [InlineData("nixpkgs.lib.mergeAttrsList (map (name: { ${name} = mkHost name; }) hosts)")]
    [InlineData("nixpkgs.lib.foldl' (acc: name: acc // { ${name} = mkHost name; }) { } hosts")]
    [InlineData("builtins.mapAttrs (name: _: mkHost name) (builtins.readDir ./hosts)")]
    public void HostListsMappedIntoSets(string expression)
    {
        using var tree = Flake($$"""
            { nixpkgs, ... }@inputs:
              let
                hosts = [ "host" "laptop" ];
                mkHost = name: nixpkgs.lib.nixosSystem { specialArgs = { inherit inputs; }; modules = [ ./hosts/${name} ]; };
              in { nixosConfigurations = {{expression}}; }
            """, HostModule, ("hosts/laptop/default.nix", "{ inputs, ... }: { }"));
        var all = Read(tree.Path);
        Assert.Equal(new[] { "host", "laptop" }, all.Select(c => c.Name));
        Assert.All(all, c => Assert.Empty(c.Unresolved));
        Assert.Equal(tree["hosts/laptop/default.nix"], all[1].Modules.Single().Path);
    }

    [Fact]
    public void ConfigurationsKeptInAnotherFile()
    {
        using var tree = Flake("""
            inputs: { nixosConfigurations = import ./outputs/os.nix { inherit inputs; }; }
            """,
            ("outputs/os.nix", """
                { inputs }:
                let inherit (inputs) nixpkgs; in
                {
                  host = nixpkgs.lib.nixosSystem {
                    specialArgs = inputs // { extra = 1; };
                    modules = [ ../hosts/host ];
                  };
                }
                """),
            HostModule);
        var host = Single(tree);
        Assert.Equal(tree["outputs/os.nix"], host.File);
        Assert.Equal(4, host.Line);
        Assert.Contains("extra", host.SpecialArgs);
        Assert.Contains("hyprland", host.SpecialArgs);
        Assert.Contains("self", host.SpecialArgs);
        Assert.Equal(tree["hosts/host/default.nix"], host.Modules.Single().Path);
        Assert.Equal("None", Via(host.Modules.Single(), "inputs"));
        Assert.Equal(new[] { "inputs" }, host.Modules.Single().MissingArguments);
    }

    [Fact]
    public void FlakePartsFlakeNixosConfigurationsAcrossImportedModules()
    {
        using var tree = Flake("""
            inputs@{ flake-parts, ... }:
              flake-parts.lib.mkFlake { inherit inputs; } {
                systems = [ "x86_64-linux" ];
                imports = [ ./parts/hosts.nix ];
                flake.homeConfigurations.me = inputs.home-manager.lib.homeManagerConfiguration {
                  pkgs = import inputs.nixpkgs { system = "x86_64-linux"; config.allowUnfree = true; };
                  modules = [ ];
                };
              }
            """,
            ("parts/hosts.nix", """
                { inputs, withSystem, ... }: {
                  flake.nixosConfigurations.host = withSystem "x86_64-linux" ({ system, ... }:
                    inputs.nixpkgs.lib.nixosSystem { inherit system; modules = [ ../hosts/host ]; specialArgs.inputs = inputs; });
                }
                """),
            HostModule);
        var all = Read(tree.Path);
        Assert.Equal(new[] { "host NixOS x86_64-linux", "me HomeManager x86_64-linux" }, all.Select(c => $"{c.Name} {c.Kind} {c.System}"));
        Assert.Equal(new[] { "inputs" }, all[0].SpecialArgs);
        Assert.Equal(PackageSetKind.Import, all[1].Pkgs!.Kind);
        Assert.Equal("import nixpkgs { config system }", all[1].Pkgs!.Text);
        Assert.Equal("true", all[1].Pkgs!.Config is FlakeTools.Core.Evaluation.AttrSetValue config ? config.Get("allowUnfree")!.Expression!.ToString() : null);
    }

    [Fact]
    public void NixosUnifiedAutoWireMakesAConfigurationPerFile()
    {
        using var tree = Flake("""
            inputs@{ flake-parts, nixos-unified, ... }:
              flake-parts.lib.mkFlake { inherit inputs; } {
                imports = [ nixos-unified.flakeModules.default nixos-unified.flakeModules.autoWire ];
              }
            """,
            ("configurations/nixos/box/default.nix", "{ flake, pkgs, ... }: { imports = [ ./hardware.nix flake.inputs.self.nixosModules.common ]; }"),
            ("modules/nixos/common.nix", "{ lib, ... }: { }"),
            ("configurations/nixos/box/hardware.nix", "{ modulesPath, ... }: { }"),
            ("configurations/nixos/small.nix", "{ flake, ... }: { home-manager.users.me = ./me.nix; }"),
            ("configurations/nixos/me.nix", "{ flake, osConfig, ... }: { }"),
            ("configurations/darwin/mac.nix", "{ flake, ... }: { }"));
        var all = Read(tree.Path);
        Assert.Equal(new[] { "box NixOS", "me NixOS", "small NixOS", "mac Darwin" }, all.Select(c => $"{c.Name} {c.Kind}"));
        var box = all[0];
        Assert.Equal(new[] { "flake" }, box.SpecialArgs);
        Assert.Equal("SpecialArgs", Via(box.Modules.Single(m => m.Name == "configurations/nixos/box/default.nix"), "flake"));
        Assert.Contains(box.Modules, m => m.Name == "configurations/nixos/box/hardware.nix");
        Assert.Contains(box.Modules, m => m.Name == "modules/nixos/common.nix");
        Assert.Empty(box.Unresolved);
        Assert.True(box.HomeManager!.UseGlobalPkgs);
        var me = all[2].Modules.Single(m => m.User == "me");
        Assert.Equal("ExtraSpecialArgs", Via(me, "flake"));
        Assert.Equal("ModuleSystem", Via(me, "osConfig"));
        Assert.Equal("SpecialArgs", Via(all[3].Modules.Single(m => m.Kind == ModuleKind.File), "flake"));
    }

    [Fact]
    public void AShapeBeyondStaticReadingIsListedWithAReason()
    {
        using var tree = Flake("""
            { nixpkgs, ... }: {
              nixosConfigurations = (builtins.fromJSON (builtins.readFile ./hosts.json));
              homeConfigurations.me = nixpkgs.lib.nixosSystem (builtins.getEnv "ARGS");
            }
            """);
        var all = Read(tree.Path);
        Assert.Equal(2, all.Count);
        Assert.Equal("*", all[0].Name);
        Assert.Contains("the names of nixosConfigurations are unknown", all[0].Unresolved.Single(), StringComparison.Ordinal);
        Assert.Equal("me", all[1].Name);
        Assert.Contains("made with nixpkgs.lib.nixosSystem, a NixOS builder", all[1].Unresolved[0], StringComparison.Ordinal);
        Assert.Contains("the arguments of nixpkgs.lib.nixosSystem", all[1].Unresolved[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ inherit inputs; }", "inputs")]
    [InlineData("inputs // { user = \"me\"; }", "darwin,home-manager,hyprland,nixpkgs,self,user")]
    [InlineData("{ inherit (inputs) hyprland nixpkgs; }", "hyprland,nixpkgs")]
    [InlineData("{ inputs = inputs; } // { extra = 1; }", "extra,inputs")]
    public void SpecialArgsInEveryForm(string specialArgs, string names)
    {
        using var tree = Flake($$"""
            { nixpkgs, ... }@inputs: {
              nixosConfigurations.host = nixpkgs.lib.nixosSystem { specialArgs = {{specialArgs}}; modules = [ ./hosts/host ]; };
            }
            """, HostModule);
        Assert.Equal(names, string.Join(",", Single(tree).SpecialArgs));
    }

    [Fact]
    public void SpecialArgsSetAttributeByAttribute()
    {
        using var tree = Flake("""
            { nixpkgs, ... }@inputs: {
              nixosConfigurations.host = nixpkgs.lib.nixosSystem { specialArgs.inputs = inputs; specialArgs.user = "me"; modules = [ ./hosts/host ]; };
            }
            """, HostModule);
        Assert.Equal(new[] { "inputs", "user" }, Single(tree).SpecialArgs);
    }

    [Fact]
    public void PkgsMadeInAModuleWithNixpkgsPkgs()
    {
        using var tree = Flake("""
            { nixpkgs, ... }@inputs: let pkgs = import nixpkgs { system = "x86_64-linux"; overlays = [ ]; }; in {
              nixosConfigurations.host = nixpkgs.lib.nixosSystem { modules = [ { nixpkgs.pkgs = pkgs; nixpkgs.hostPlatform = "x86_64-linux"; } ]; };
            }
            """);
        var host = Single(tree);
        Assert.Equal(PackageSetKind.ModuleOption, host.Pkgs!.Kind);
        Assert.Equal("nixpkgs.pkgs = import nixpkgs { overlays system }", host.Pkgs.Text);
        Assert.Equal("x86_64-linux", host.System);
    }

    // ------------------------------------------------------------ modules in every form

    [Fact]
    public void ModulesThroughImportsDirectoriesInterpolatedPathsAndInputs()
    {
        using var tree = Flake("""
            { nixpkgs, hyprland, ... }@inputs: let user = "alice"; in {
              nixosConfigurations.host = nixpkgs.lib.nixosSystem {
                modules = [ ./hosts/host hyprland.nixosModules.default ./users/${user}.nix ];
              };
            }
            """,
            ("hosts/host/default.nix", "{ lib, ... }: { imports = [ ./hardware.nix ../../common ]; }"),
            ("hosts/host/hardware.nix", "{ modulesPath, ... }: { imports = [ (modulesPath + \"/installer/scan/not-detected.nix\") ]; }"),
            ("common/default.nix", "{ imports = [ ./nested.nix ]; }"),
            ("common/nested.nix", "{ pkgs, ... }: { }"),
            ("users/alice.nix", "{ config, ... }: { }"));
        var host = Single(tree);
        Assert.Equal(new[]
        {
            "File hosts/host/default.nix <- flake.nix",
            "File hosts/host/hardware.nix <- hosts/host/default.nix",
            "Input modulesPath + \"/installer/scan/not-detected.nix\" <- hosts/host/hardware.nix",
            "File common/default.nix <- hosts/host/default.nix",
            "File common/nested.nix <- common/default.nix",
            "Input hyprland.nixosModules.default <- flake.nix",
            "File users/alice.nix <- flake.nix",
        }, host.Modules.Select(m => $"{m.Kind} {m.Name} <- {From(tree, m)}"));
        Assert.Empty(host.Unresolved);
    }

    private static string From(TempTree tree, FlakeModule module)
    {
        var from = module.ImportedFrom!;
        if (from.EndsWith(" modules", StringComparison.Ordinal)) return "flake.nix";
        var path = from[..from.LastIndexOf(':')];
        return Path.GetRelativePath(tree.Path, path);
    }

    [Fact]
    public void HomeManagerAsANixOSModuleInEveryForm()
    {
        using var tree = Flake("""
            { nixpkgs, home-manager, ... }@inputs: {
              nixosConfigurations.host = nixpkgs.lib.nixosSystem {
                specialArgs = { inherit inputs; };
                modules = [
                  home-manager.nixosModules.home-manager
                  {
                    home-manager.useGlobalPkgs = false;
                    home-manager.users.alice = import ./home/alice.nix;
                    home-manager.users.bob = ./home/bob.nix;
                    home-manager.users.carol = { imports = [ ./home/carol.nix ]; };
                    home-manager.sharedModules = [ ./home/shared.nix ];
                  }
                  ./more.nix
                ];
              };
            }
            """,
            ("home/alice.nix", "{ pkgs, inputs, ... }: { }"),
            ("home/bob.nix", "{ osConfig, name, ... }: { }"),
            ("home/carol.nix", "{ user, ... }: { }"),
            ("home/shared.nix", "{ lib, ... }: { }"),
            ("more.nix", "{ inputs, ... }: { home-manager.extraSpecialArgs = { user = \"x\"; }; }"));
        var host = Single(tree);
        var hm = host.HomeManager!;
        Assert.Equal(new[] { "alice", "bob", "carol" }, hm.Users);
        Assert.False(hm.UseGlobalPkgs);
        Assert.Equal(new[] { "user" }, hm.ExtraSpecialArgs);
        Assert.Equal(1, hm.SharedModules);
        Assert.Equal(PackageSetKind.HomeManagerOwn, hm.Pkgs.Kind);

        var homeModules = host.Modules.Where(m => m.Context == ModuleContext.HomeManagerInNixOS).Select(m => $"{m.User} {m.Name}").ToList();
        Assert.Equal(new[]
        {
            "alice home/shared.nix", "alice home/alice.nix",
            "bob home/shared.nix", "bob home/bob.nix",
            "carol home/shared.nix", "carol inline (flake.nix:15)", "carol home/carol.nix",
        }, homeModules);

        // The NixOS side's specialArgs do not reach home-manager modules: `inputs` is missing in alice.nix.
        var alice = host.Modules.Single(m => m.Name == "home/alice.nix");
        Assert.Equal("None", Via(alice, "inputs"));
        Assert.Equal(new[] { "inputs" }, alice.MissingArguments);
        Assert.Equal("SpecialArgs", Via(host.Modules.Single(m => m.Name == "more.nix"), "inputs"));
        var bob = host.Modules.Single(m => m.Name == "home/bob.nix");
        Assert.Equal("ModuleSystem", Via(bob, "osConfig"));
        Assert.Equal("ModuleSystem", Via(bob, "name"));
        Assert.Equal("ExtraSpecialArgs", Via(host.Modules.Single(m => m.Name == "home/carol.nix"), "user"));
    }

    [Fact]
    public void ModuleArgsSetByAModuleReachEveryModuleOfThatEvaluation()
    {
        using var tree = Flake("""
            { nixpkgs, ... }@inputs: {
              nixosConfigurations.host = nixpkgs.lib.nixosSystem {
                modules = [ ./a.nix { _module.args.flakeInputs = inputs; } ({ config, ... }: { config._module.args.other = 1; }) ];
              };
            }
            """,
            ("a.nix", "{ flakeInputs, other, nobody, ... }: { }"));
        var host = Single(tree);
        var a = host.Modules[0];
        Assert.Equal("ModuleArgs", Via(a, "flakeInputs"));
        Assert.Equal("ModuleArgs", Via(a, "other"));
        Assert.Equal("None", Via(a, "nobody"));
        Assert.Equal(new[] { "nobody" }, a.MissingArguments);
        Assert.Equal(new[] { "flakeInputs" }, host.Modules[1].SetsModuleArgs);
        Assert.Equal(new[] { "other" }, host.Modules[2].SetsModuleArgs);
    }

    [Fact]
    public void ConditionalModulesKeepTheirCondition()
    {
        using var tree = Flake("""
            { nixpkgs, ... }: let lib = nixpkgs.lib; isLinux = true; in {
              nixosConfigurations.host = nixpkgs.lib.nixosSystem {
                modules = lib.optionals isLinux [ ./linux.nix ] ++ lib.optional (!isLinux) ./mac.nix
                  ++ lib.optionals (builtins.getEnv "WORK" == "1") [ ./work.nix ];
              };
            }
            """,
            ("linux.nix", "{ }"), ("mac.nix", "{ }"), ("work.nix", "{ }"));
        var host = Single(tree);
        Assert.Equal(new[] { "linux.nix ", "work.nix (builtins.getEnv \"WORK\" == \"1\")" }, host.Modules.Select(m => $"{m.Name} {m.Condition}"));
    }

    [Fact]
    public void CyclesMissingFilesAndParseErrorsAreReportedOnTheModuleAndTheWalkGoesOn()
    {
        using var tree = Flake("""
            { nixpkgs, ... }: {
              nixosConfigurations.host = nixpkgs.lib.nixosSystem { modules = [ ./a.nix ./broken.nix ./gone.nix ./last.nix ]; };
            }
            """,
            ("a.nix", "{ imports = [ ./b.nix ]; }"),
            ("b.nix", "{ imports = [ ./a.nix ./c.nix ]; }"),
            ("c.nix", "{ }"),
            ("broken.nix", "{ pkgs, ... }:\n{\n  x = ;\n}\n"),
            ("last.nix", "{ imports = [ ./missing/dir ]; }"));
        var host = Single(tree);
        var rows = host.Modules.Select(m => $"{m.Name} {m.Line} {m.Problem}").ToList();
        Assert.Equal("b.nix 1 imports a.nix, which imports this module again (an import cycle: Nix fails with infinite recursion)", rows[1]);
        Assert.Equal("c.nix 1 ", rows[2]);
        Assert.StartsWith("broken.nix 3 syntax error at broken.nix:3:7", rows[3], StringComparison.Ordinal);
        Assert.Equal(ModuleKind.Unresolved, host.Modules[4].Kind);
        Assert.Contains("gone.nix does not exist", host.Modules[4].Problem, StringComparison.Ordinal);
        Assert.Equal("last.nix 1 ", rows[5]);
        Assert.Contains("missing/dir does not exist; it is imported from " + tree["last.nix"] + ":1", host.Modules[6].Problem, StringComparison.Ordinal);
        Assert.Equal(7, host.Modules.Length);
    }

    [Fact]
    public void EachFileIsParsedOnceAcrossConfigurations()
    {
        using var tree = Flake("""
            { nixpkgs, ... }: let mk = n: nixpkgs.lib.nixosSystem { modules = [ ./common.nix ./hosts/${n}.nix ]; }; in {
              nixosConfigurations = nixpkgs.lib.genAttrs [ "a" "b" "c" ] mk;
            }
            """,
            ("common.nix", "{ imports = [ ./shared.nix ]; }"), ("shared.nix", "{ }"),
            ("hosts/a.nix", "{ imports = [ ../shared.nix ]; }"), ("hosts/b.nix", "{ }"), ("hosts/c.nix", "{ }"));
        var reader = ConfigurationReader.Open(tree.Path);
        var all = reader.ReadConfigurations();
        Assert.Equal(3, all.Count);
        Assert.Equal(new[] { "common.nix", "shared.nix", "hosts/a.nix" }, all[0].Modules.Select(m => m.Name));
        Assert.Equal(5, reader.Evaluator.Files.ParsedCount); // flake.nix is parsed by FlakeFile, the five modules once each
    }

    [Fact]
    public void StandaloneHomeManagerWithTheOldConfigurationArgument()
    {
        using var tree = Flake("""
            { nixpkgs, home-manager, ... }: {
              homeConfigurations.me = home-manager.lib.homeManagerConfiguration {
                pkgs = nixpkgs.legacyPackages.x86_64-linux;
                configuration = ./home.nix;
              };
            }
            """, ("home.nix", "{ osConfig, ... }: { }"));
        var me = Single(tree, "me");
        var home = me.Modules.Single();
        Assert.Equal(ModuleContext.HomeManager, home.Context);
        // Standalone home-manager has no NixOS configuration to give.
        Assert.Equal(new[] { "osConfig" }, home.MissingArguments);
    }
}
