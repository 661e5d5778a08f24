using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Core.Unfree;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests.Unfree;

/// <summary>
/// The real peer: nixpkgs' own module system merges the same modules, with a <c>nixpkgs.config</c>
/// option typed as NixOS types it (a foldr of recursiveUpdate over the definitions, after
/// priorities and mkIf), and the merged values must equal what FlakeTools reports as effective.
/// </summary>
public class UnfreeModuleSystemTests
{
    private static readonly string[] Names = { "steam", "steam-run", "spotify", "discord", "zoom" };

    public static IEnumerable<object[]> Cases() => new[]
    {
        // Breadth-first merge order: a.nix, b.nix, then c.nix that a.nix imports: c.nix's predicate wins.
        new object[] { "predicates", "[ ./a.nix ./b.nix ]", new[]
        {
            ("a.nix", "{ lib, ... }: { imports = [ ./c.nix ]; nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [ \"steam\" \"steam-run\" ]; }"),
            ("b.nix", "{ lib, ... }: { nixpkgs.config = { allowUnfreePredicate = p: lib.elem (lib.getName p) [ \"spotify\" ]; allowBroken = true; }; }"),
            ("c.nix", "{ lib, ... }: { nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [ \"discord\" ]; }"),
        } },
        // A whole nixpkgs.config with mkForce replaces the others; mkIf false is no definition.
        new object[] { "priorities", "[ ./a.nix ./b.nix ./c.nix ]", new[]
        {
            ("a.nix", "{ lib, ... }: { nixpkgs.config = lib.mkForce { permittedInsecurePackages = [ \"openssl-1.1.1w\" ]; allowBroken = true; }; }"),
            ("b.nix", "{ nixpkgs.config.allowUnfree = true; }"),
            ("c.nix", "{ lib, ... }: { nixpkgs.config = lib.mkIf false { allowBroken = false; }; }"),
        } },
        // A setting's own mkForce does not order the nixpkgs.config definitions: the later one wins.
        new object[] { "nested priority", "[ ./a.nix ./b.nix ]", new[]
        {
            ("a.nix", "{ lib, ... }: { nixpkgs.config.allowUnfree = lib.mkForce false; nixpkgs.config.permittedInsecurePackages = [ \"a-1\" ]; }"),
            ("b.nix", "{ lib, config, ... }: { nixpkgs.config = lib.mkMerge [ { allowUnfree = true; } (lib.mkIf true { permittedInsecurePackages = [ \"b-2\" ]; }) ]; }"),
        } },
        // Inline modules, a plain set, mkDefault beaten by a normal definition.
        new object[] { "defaults", "[ ./a.nix { nixpkgs.config.allowUnfree = false; } ]", new[]
        {
            ("a.nix", "{ lib, ... }: { nixpkgs.config = lib.mkDefault { allowUnfree = true; allowUnsupportedSystem = true; }; }"),
        } },
    };

    [NixpkgsLibTheory]
    [MemberData(nameof(Cases))]
    public void TheEffectiveSettingsAreWhatEvalModulesMerges(string name, string modules, (string Path, string Text)[] files)
    {
        _ = name;
        var libPath = Environment.GetEnvironmentVariable("FLAKETOOLS_NIXPKGS_LIB")!;
        using var tree = new TempTree(files);
        tree.Write("flake.nix", $$"""
            {
              inputs.nixpkgs.url = "github:NixOS/nixpkgs";
              outputs = { nixpkgs, ... }: {
                nixosConfigurations.peer = nixpkgs.lib.nixosSystem { modules = {{modules}}; };
              };
            }
            """);
        tree.Write("peer.nix", $$"""
            { libPath }:
            let
              lib = import (libPath + "/lib");
              optCall = f: x: if builtins.isFunction f then f x else f;
              mergeConfig = lhs_: rhs_: lib.recursiveUpdate (optCall lhs_ { pkgs = null; }) (optCall rhs_ { pkgs = null; });
              configType = lib.mkOptionType {
                name = "nixpkgs-config";
                check = x: builtins.isAttrs x || builtins.isFunction x;
                merge = args: lib.foldr (def: mergeConfig def.value) { };
              };
              declarations = { options.nixpkgs.config = lib.mkOption { type = configType; default = { }; }; };
              cfg = (lib.evalModules { modules = [ declarations ] ++ {{modules}}; }).config.nixpkgs.config;
              strip = v: if builtins.isAttrs v && v ? _type && v._type == "override" then v.content else v;
              get = n: if cfg ? ${n} then strip cfg.${n} else null;
            in {
              allowUnfree = get "allowUnfree";
              allowBroken = get "allowBroken";
              allowUnsupportedSystem = get "allowUnsupportedSystem";
              permittedInsecurePackages = get "permittedInsecurePackages";
              allowUnfreePredicate = if cfg ? allowUnfreePredicate then builtins.filter (n: cfg.allowUnfreePredicate { pname = n; }) [ {{string.Join(" ", Names.Select(n => "\"" + n + "\""))}} ] else null;
            }
            """);
        var (code, stdout, stderr) = NixRunner.RunIn(tree.Path, "nix-instantiate", "--eval", "--strict", "--json", "peer.nix", "--arg", "libPath", libPath);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);

        var effective = UnfreeReader.ReadFlake(tree.Path).Where(s => s.Scope == UnfreeScope.NixOS && s.Effective == true).ToList();
        // Pointless predicates are merged all the same: count them as what nixpkgs.config holds.
        var pointless = UnfreeReader.ReadFlake(tree.Path).Where(s => s.Scope == UnfreeScope.NixOS && s.Reason?.Contains("already allows every unfree package", StringComparison.Ordinal) == true);
        var held = effective.Concat(pointless).ToList();
        foreach (var property in json.RootElement.EnumerateObject())
        {
            var ours = held.Where(s => s.Setting == property.Name).ToList();
            Assert.True(ours.Count <= 1, $"{property.Name}: more than one effective definition: {string.Join("; ", ours.Select(o => o.Location))}");
            var mine = ours.SingleOrDefault();
            var theirs = property.Value;
            switch (property.Name)
            {
                case "allowUnfreePredicate":
                    if (theirs.ValueKind == JsonValueKind.Null) { Assert.Null(mine); break; }
                    Assert.NotNull(mine);
                    Assert.Equal(theirs.EnumerateArray().Select(e => e.GetString()!).ToList(), Names.Where(n => mine!.Packages.Contains(n)).ToList());
                    break;
                case "permittedInsecurePackages":
                    if (theirs.ValueKind == JsonValueKind.Null) { Assert.Null(mine); break; }
                    Assert.Equal(theirs.EnumerateArray().Select(e => e.GetString()!).ToList(), mine!.Packages.ToList());
                    break;
                default:
                    Assert.Equal(theirs.ValueKind == JsonValueKind.Null ? null : theirs.GetBoolean() ? "true" : "false", mine?.Value);
                    break;
            }
        }
    }
}

/// <summary>A theory that runs when FLAKETOOLS_NIXPKGS_LIB names a checkout of nix-community/nixpkgs.lib and nix is installed.</summary>
public sealed class NixpkgsLibTheoryAttribute : TheoryAttribute
{
    public NixpkgsLibTheoryAttribute()
    {
        var fact = new NixpkgsLibFactAttribute();
        if (fact.Skip is not null) Skip = fact.Skip;
    }
}
