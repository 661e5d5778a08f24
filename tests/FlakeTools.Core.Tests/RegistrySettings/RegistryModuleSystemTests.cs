using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using FlakeTools.Core.RegistrySettings;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests.RegistrySettings;

/// <summary>
/// The real peer: the same module files evaluated by nixpkgs' lib.evalModules with a stand-in of
/// NixOS's nix.registry option (its type and defaults); the merged nix.registry must hold exactly
/// the names FlakeTools reports, each with the same flake input, from and exact.
/// </summary>
public class RegistryModuleSystemTests
{
    internal static readonly (string Path, string Text)[] Forms =
    {
        ("flake.nix", """
            {
              inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
              inputs.tools.url = "github:example/tools";
              inputs.data = { url = "github:example/data"; flake = false; };
              outputs = { self, nixpkgs, ... }@inputs: {
                nixosConfigurations.host = nixpkgs.lib.nixosSystem {
                  specialArgs = { inherit inputs; };
                  modules = [ ./a.nix ./b.nix ];
                };
              };
            }
            """),
        ("a.nix", """
            { lib, inputs, ... }:
            {
              imports = [ ./c.nix ];
              nix = {
                registry = {
                  local = {
                    from = { type = "indirect"; id = "loc"; };
                    to = { type = "path"; path = "/srv/local"; };
                    exact = false;
                  };
                };
              };
              nix.nixPath = [ "nixpkgs=flake:nixpkgs" "other=flake:other" "plain=/srv/plain" ];
              nix.extraOptions = ''
                keep-outputs = true
                flake-registry = /etc/nix/global-registry.json
              '';
            }
            """),
        ("b.nix", """
            { lib, config, inputs, ... }:
            {
              options.my.all = lib.mkEnableOption "every input in the registry";
              config = lib.mkIf config.my.all {
                nix.registry = lib.mapAttrs (_: flake: { inherit flake; }) (lib.filterAttrs (_: lib.isType "flake") inputs);
              };
            }
            """),
        ("c.nix", """
            { inputs, lib, ... }: lib.mkIf true {
              nix.registry.tools = lib.mkForce { flake = inputs.tools; exact = true; };
              nix.registry.nixpkgs.flake = inputs.nixpkgs;
              my.all = true;
            }
            """),
    };

    [Fact]
    public void TheFormsFlakeIsReadAsWritten()
    {
        using var tree = new TempTree(Forms);
        var registry = ConfigurationRegistry.Open(tree.Path);
        Assert.Equal(new[]
        {
            "a.nix:8 System local flake:loc -> path:/srv/local (not exact)",
            "c.nix:2 System tools flake:tools -> github:example/tools input=tools",
            "c.nix:3 System nixpkgs flake:nixpkgs -> github:NixOS/nixpkgs/nixos-24.05 input=nixpkgs",
            "b.nix:5 System nixpkgs flake:nixpkgs -> github:NixOS/nixpkgs/nixos-24.05 covering input=nixpkgs",
            "b.nix:5 System tools flake:tools -> github:example/tools covering input=tools",
            "b.nix:5 System self flake:self -> path:" + tree.Path + " covering input=self",
        }, registry.Declarations.Select(ConfigurationRegistryTests.Describe));
        Assert.Contains("assumed", registry.Declarations.First(d => d.IsCovering).Problem, StringComparison.Ordinal);
        Assert.Equal(new[]
        {
            "a.nix:14: nix.extraOptions reads the global registry from /etc/nix/global-registry.json",
            "a.nix:13: nix.nixPath entry nixpkgs=flake:nixpkgs resolves through the registry entry 'nixpkgs'",
            "a.nix:13: nix.nixPath entry other=flake:other resolves through the registry entry 'other'",
        }, registry.Settings.Select(s => s.ToString().Replace(tree.Path + "/", "", StringComparison.Ordinal)));
    }

    [NixpkgsLibFact]
    public void TheMergedRegistryOfEvalModulesHoldsWhatIsReported()
    {
        var libPath = Environment.GetEnvironmentVariable("FLAKETOOLS_NIXPKGS_LIB")!;
        using var tree = new TempTree(Forms);
        tree.Write("peer.nix", """
            { libPath }:
            let
              lib = import (libPath + "/lib");
              inherit (lib) mkOption types;
              flake = name: { _type = "flake"; inherit name; outPath = "/nix/store/" + name; };
              inputs = { self = flake "self"; nixpkgs = flake "nixpkgs"; tools = flake "tools"; data = { name = "data"; outPath = "/nix/store/data"; }; };
              # NixOS's nix.registry (nixos/modules/config/nix-flakes.nix): its type and defaults.
              registryOption = { config, name, ... }: {
                options = {
                  from = mkOption { type = types.attrsOf (types.oneOf [ types.str types.int types.bool ]); };
                  to = mkOption { type = types.attrsOf (types.oneOf [ types.str types.int types.bool ]); };
                  flake = mkOption { type = types.nullOr types.attrs; default = null; };
                  exact = mkOption { type = types.bool; default = true; };
                };
                config = {
                  from = lib.mkDefault { type = "indirect"; id = name; };
                  to = lib.mkIf (config.flake != null) (lib.mkDefault { type = "path"; path = config.flake.outPath; });
                };
              };
              stubs = {
                options.nix.registry = mkOption { type = types.attrsOf (types.submodule registryOption); default = { }; };
                options.nix.nixPath = mkOption { type = types.listOf types.str; default = [ ]; };
                options.nix.extraOptions = mkOption { type = types.lines; default = ""; };
              };
              result = lib.evalModules { specialArgs = { inherit inputs; }; modules = [ stubs ./a.nix ./b.nix ]; };
            in
              lib.mapAttrs (name: e: { flake = if e.flake == null then null else e.flake.name; inherit (e) from exact; }) result.config.nix.registry
            """);
        var (code, stdout, stderr) = NixRunner.RunIn(tree.Path, "nix-instantiate", "--eval", "--strict", "--json", "peer.nix", "--arg", "libPath", libPath);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var nix = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

        var registry = ConfigurationRegistry.Open(tree.Path);
        var ours = registry.Declarations.GroupBy(d => d.Name).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(nix.Keys.OrderBy(k => k, StringComparer.Ordinal), ours.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (name, value) in nix)
        {
            var flake = value.GetProperty("flake").ValueKind == JsonValueKind.Null ? null : value.GetProperty("flake").GetString();
            Assert.All(ours[name], d => Assert.Equal(flake, d.Input));
            Assert.All(ours[name], d => Assert.Equal(value.GetProperty("exact").GetBoolean(), d.Exact));
            var from = value.GetProperty("from");
            Assert.All(ours[name], d => Assert.Equal(from.GetProperty("id").GetString(), d.From.Id));
        }
    }
}
