using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using FlakeTools.Core.Configurations;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests.Configurations;

/// <summary>
/// The real peer: nixpkgs' own module system. The same modules are read statically by
/// FlakeTools (as a flake calling nixosSystem) and evaluated by <c>lib.evalModules</c> with
/// nix-instantiate (offline, pure); the module list, the arguments each module asks for and how
/// each one arrives must agree. Set FLAKETOOLS_NIXPKGS_LIB to a checkout of nix-community/nixpkgs.lib.
/// </summary>
public class NixModuleSystemTests
{
    // What lib/modules.nix passes itself: `{ lib, options, config, specialArgs, _class, _prefix } // specialArgs`,
    // then `_module.args` (where it puts extendModules and moduleType).
    private static readonly string[] ModuleSystemBase = { "lib", "options", "config", "specialArgs", "_class", "_prefix" };

    private static readonly (string Path, string Text)[] Tree =
    {
        ("a.nix", "{ lib, user, extra, ... }: { imports = [ ./b.nix ] ++ lib.optionals true [ ./e.nix ]; }"),
        ("b.nix", "{ config, host, nothere, ... }: { }"),
        ("e.nix", "{ options, fromC, withDefault ? 1, ... }: { }"),
        ("dir/default.nix", "{ options, ... }: { imports = [ ./c.nix ]; }"),
        ("dir/c.nix", "args@{ user, specialArgs, ... }: { imports = [ ./d.nix ../b.nix ]; _module.args.fromC = 2; }"),
        ("dir/d.nix", "{ fromC, lib, extendModules, moduleType, ... }: { }"),
    };

    private const string ModulesList = "[ ./a.nix ./dir { _module.args.extra = 1; } ]";

    [NixpkgsLibFact]
    public void ModuleListAndArgumentsAgreeWithEvalModules()
    {
        var libPath = Environment.GetEnvironmentVariable("FLAKETOOLS_NIXPKGS_LIB")!;
        using var tree = new TempTree(Tree);
        tree.Write("flake.nix", $$"""
            {
              inputs.nixpkgs.url = "github:NixOS/nixpkgs";
              outputs = { nixpkgs, ... }: {
                nixosConfigurations.peer = nixpkgs.lib.nixosSystem {
                  specialArgs = { user = "alice"; host = "box"; };
                  modules = {{ModulesList}};
                };
              };
            }
            """);
        tree.Write("peer.nix", $$"""
            { libPath }:
            let
              lib = import (libPath + "/lib");
              result = lib.evalModules { specialArgs = { user = "alice"; host = "box"; }; modules = {{ModulesList}}; };
              flatten = nodes: builtins.concatMap (n: [ { inherit (n) key file; } ] ++ flatten n.imports) nodes;
              files = [ {{string.Join(" ", Tree.Select(t => "./" + t.Path))}} ];
            in {
              specialArgs = builtins.attrNames result._module.specialArgs;
              moduleArgs = builtins.attrNames result._module.args;
              graph = flatten result.graph;
              formals = map (f: { file = toString f; names = builtins.attrNames (builtins.functionArgs (import f)); }) files;
            }
            """);

        var (code, stdout, stderr) = NixRunner.RunIn(tree.Path, "nix-instantiate", "--eval", "--strict", "--json", "peer.nix", "--arg", "libPath", libPath);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        var specialArgs = root.GetProperty("specialArgs").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
        var moduleArgs = root.GetProperty("moduleArgs").EnumerateArray().Select(e => e.GetString()!).ToHashSet();

        // The module list: Nix's graph in order, each module once, files only (inline modules have no file).
        var nixFiles = new List<string>();
        foreach (var node in root.GetProperty("graph").EnumerateArray())
        {
            var file = node.GetProperty("file").GetString()!;
            if (!file.StartsWith('/')) continue;
            if (Directory.Exists(file)) file = Path.Combine(file, "default.nix");
            if (!nixFiles.Contains(file)) nixFiles.Add(file);
        }
        var peer = ConfigurationReader.Open(tree.Path).ReadConfigurations().Single();
        Assert.Empty(peer.Unresolved);
        var ours = peer.Modules.Where(m => m.Kind == ModuleKind.File).ToList();
        Assert.Equal(nixFiles, ours.Select(m => m.Path));

        // The arguments each module asks for, and the mechanism that gives each one in Nix.
        foreach (var formals in root.GetProperty("formals").EnumerateArray())
        {
            var file = formals.GetProperty("file").GetString()!;
            var names = formals.GetProperty("names").EnumerateArray().Select(e => e.GetString()!).OrderBy(n => n, StringComparer.Ordinal).ToList();
            var module = ours.Single(m => m.Path == file);
            Assert.Equal(names, module.Arguments.OrderBy(n => n, StringComparer.Ordinal).ToList());
            foreach (var name in names)
            {
                var expected = specialArgs.Contains(name) ? ArgumentSource.SpecialArgs
                    : ModuleSystemBase.Contains(name) ? ArgumentSource.ModuleSystem
                    : name is "extendModules" or "moduleType" && moduleArgs.Contains(name) ? ArgumentSource.ModuleSystem
                    : moduleArgs.Contains(name) ? ArgumentSource.ModuleArgs
                    : ArgumentSource.None;
                Assert.True(expected == (ArgumentSource)module.ReceivedVia[name]!, $"{file}: argument {name}: Nix gives it through {expected}, FlakeTools says {module.ReceivedVia[name]}");
            }
        }

        // And the arguments FlakeTools calls missing do fail in Nix when used, the others do not
        // (a default in the pattern does not help: the module system passes every named argument).
        var missing = ours.SelectMany(m => m.MissingArguments).Distinct().ToList();
        Assert.Equal(new[] { "nothere", "withDefault" }, missing.OrderBy(n => n, StringComparer.Ordinal));
        foreach (var name in missing) Assert.Contains($"attribute '{name}' missing", Probe(tree, libPath, name, withDefault: true), StringComparison.Ordinal);
        var given = ours.SelectMany(m => m.Arguments).Distinct().Except(missing).Except(new[] { "config", "options" }).ToList();
        Assert.Equal("ok", Probe(tree, libPath, string.Join(" ", given), withDefault: false).Trim().Trim('"'));
    }

    [NixpkgsLibFact]
    public void AnImportCycleFailsInNixAndIsReportedOnTheModule()
    {
        var libPath = Environment.GetEnvironmentVariable("FLAKETOOLS_NIXPKGS_LIB")!;
        using var tree = new TempTree(
            ("a.nix", "{ imports = [ ./b.nix ]; }"),
            ("b.nix", "{ imports = [ ./a.nix ]; }"),
            ("flake.nix", "{ inputs.nixpkgs.url = \"github:NixOS/nixpkgs\"; outputs = { nixpkgs, ... }: { nixosConfigurations.c = nixpkgs.lib.nixosSystem { modules = [ ./a.nix ]; }; }; }"),
            ("cycle.nix", "{ libPath }: let lib = import (libPath + \"/lib\"); in (lib.evalModules { modules = [ ./a.nix { options.x = lib.mkOption { default = 1; }; } ]; }).config.x"));
        var (code, _, stderr) = NixRunner.RunIn(tree.Path, "nix-instantiate", "--eval", "--strict", "cycle.nix", "--arg", "libPath", libPath);
        Assert.NotEqual(0, code);
        Assert.Contains("infinite recursion", stderr, StringComparison.Ordinal);
        var modules = ConfigurationReader.Open(tree.Path).ReadConfigurations().Single().Modules;
        Assert.Equal(new[] { "a.nix", "b.nix" }, modules.Select(m => m.Name));
        Assert.Contains("import cycle", modules[1].Problem, StringComparison.Ordinal);
    }

    // Evaluates the modules plus one that uses the given arguments; returns stdout, or stderr on failure.
    private static string Probe(TempTree tree, string libPath, string names, bool withDefault)
    {
        var formals = string.Join(", ", names.Split(' ').Select(n => withDefault ? n + " ? \"default\"" : n));
        var uses = string.Join(" ", names.Split(' ').Select(n => $"(builtins.seq {n} null)"));
        tree.Write("probe.nix", $$"""
            { libPath }:
            let
              lib = import (libPath + "/lib");
              probe = { {{formals}}, ... }: { options.probe = lib.mkOption { }; config.probe = builtins.deepSeq [ {{uses}} ] "ok"; };
              result = lib.evalModules { specialArgs = { user = "alice"; host = "box"; }; modules = {{ModulesList}} ++ [ probe ]; };
            in result.config.probe
            """);
        var (code, stdout, stderr) = NixRunner.RunIn(tree.Path, "nix-instantiate", "--eval", "--strict", "probe.nix", "--arg", "libPath", libPath);
        return code == 0 ? stdout : stderr;
    }
}

/// <summary>Runs when FLAKETOOLS_NIXPKGS_LIB names a checkout of nix-community/nixpkgs.lib and nix is installed.</summary>
public sealed class NixpkgsLibFactAttribute : FactAttribute
{
    public NixpkgsLibFactAttribute()
    {
        var folder = Environment.GetEnvironmentVariable("FLAKETOOLS_NIXPKGS_LIB");
        if (!NixEnvironment.IsAvailable) Skip = NixEnvironment.SkipReason;
        else if (string.IsNullOrEmpty(folder) || !File.Exists(Path.Combine(folder, "lib", "modules.nix")))
            Skip = "FLAKETOOLS_NIXPKGS_LIB is not set to a checkout of nix-community/nixpkgs.lib (its lib/modules.nix); the evalModules peer test is skipped";
    }
}
