using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.Checks;
using FlakeTools.Core.Project;
using Xunit;

namespace FlakeTools.Core.Tests.Checks;

/// <summary>
/// Every finding id of Test-Flake: a flake that triggers it, and one close to it that does not.
/// The flakes are the clean flake of <see cref="CheckFlake"/> with one thing changed.
/// </summary>
public class FlakeCheckTests
{
    private static Dictionary<string, string?> Files(params (string Path, string? Text)[] files) => files.ToDictionary(f => f.Path, f => f.Text);

    private static string FlakeWith(string from, string to)
    {
        Assert.Contains(from, CheckFlake.Flake, StringComparison.Ordinal);
        return CheckFlake.Flake.Replace(from, to, StringComparison.Ordinal);
    }

    private const string Inputs = "    home-manager.inputs.nixpkgs.follows = \"nixpkgs\";\n";

    // id -> (severity, the change that makes it appear, a close change that must not make it appear)
    private static readonly Dictionary<string, (FindingSeverity Severity, Dictionary<string, string?> Triggers, Dictionary<string, string?> Near)> Cases = new()
    {
        [ParseCheck.ParseError] = (FindingSeverity.Error,
            Files(("configuration.nix", "{ pkgs, ... }:\n{\n  system.stateVersion = \"24.05\"\n}\n")),
            Files(("configuration.nix", "{ pkgs, ... }:\n{\n  system.stateVersion = \"24.05\";\n}\n"))),
        [ParseCheck.FlakeInvalid] = (FindingSeverity.Error,
            Files(("flake.nix", FlakeWith("description = \"a clean flake\";", "description = \"a clean flake\";\n  version = 2;"))),
            Files(("flake.nix", FlakeWith("description = \"a clean flake\";", "description = \"a clean flake\";\n  nixConfig.extra-substituters = [ ];")))),
        [ParseCheck.ModuleNotFound] = (FindingSeverity.Error,
            Files(("flake.nix", FlakeWith("./configuration.nix", "./configuration.nix\n        ./hardware.nix"))),
            Files(("flake.nix", FlakeWith("./configuration.nix", "./configuration.nix\n        ./hardware.nix")), ("hardware.nix", "{ }\n"))),
        [ParseCheck.ImportCycle] = (FindingSeverity.Error,
            Files(("configuration.nix", CheckFlake.Configuration.Replace("{\n  environment", "{\n  imports = [ ./a.nix ];\n  environment", StringComparison.Ordinal)), ("a.nix", "{ imports = [ ./configuration.nix ]; }\n")),
            Files(("configuration.nix", CheckFlake.Configuration.Replace("{\n  environment", "{\n  imports = [ ./a.nix ];\n  environment", StringComparison.Ordinal)), ("a.nix", "{ }\n"))),
        [LockArea.NoLock] = (FindingSeverity.Warning,
            Files(("flake.lock", null)),
            Files(("flake.lock", null), ("flake.nix", "{\n  outputs = { self }: { };\n}\n"), ("configuration.nix", null))),
        [LockArea.LockUnreadable] = (FindingSeverity.Error,
            Files(("flake.lock", "{ \"nodes\": ")),
            Files(("flake.lock", CheckFlake.Lock().Replace("\n", "\r\n", StringComparison.Ordinal)))),
        [LockCheck.Duplicate] = (FindingSeverity.Warning,
            Files(("flake.nix", FlakeWith(Inputs, "")), ("flake.lock", CheckFlake.Lock("\"nixpkgs_2\"", $"\"nixpkgs_2\": {CheckFlake.Node("NixOS", "nixpkgs", CheckFlake.Rev1, 1796000000, "nixos-unstable")},"))),
            Files()),
        [LockCheck.Stale] = (FindingSeverity.Warning,
            Files(("flake.lock", CheckFlake.Lock(lastModified: 1700000000))),
            Files(("flake.lock", CheckFlake.Lock(lastModified: 1796000000)))),
        [LockCheck.DanglingFollows] = (FindingSeverity.Error,
            Files(("flake.lock", CheckFlake.Lock("[ \"gone\" ]"))),
            Files(("flake.lock", CheckFlake.Lock("[ \"nixpkgs\" ]")))),
        [LockCheck.NotInLock] = (FindingSeverity.Error,
            Files(("flake.nix", FlakeWith(Inputs, Inputs + "    extra.url = \"github:example/extra\";\n")), ("configuration.nix", CheckFlake.Configuration.Replace("default ]", "default inputs.extra ]", StringComparison.Ordinal))),
            Files()),
        [LockCheck.NotInFlake] = (FindingSeverity.Warning,
            Files(("flake.lock", CheckFlake.Lock(extraNodes: $"\"old\": {CheckFlake.Node("example", "old", CheckFlake.Rev1, 1796000000)},", extraRootInputs: "\"old\": \"old\","))),
            Files()),
        [LockCheck.FollowsOutOfDate] = (FindingSeverity.Warning,
            Files(("flake.lock", CheckFlake.Lock("\"nixpkgs_2\"", $"\"nixpkgs_2\": {CheckFlake.Node("NixOS", "nixpkgs", CheckFlake.Rev2, 1796000000, "nixos-24.05")},"))),
            Files()),
        [LockCheck.FollowsCycle] = (FindingSeverity.Error,
            Files(("flake.lock", CheckFlake.Lock("[ \"home-manager\", \"nixpkgs\" ]"))),
            Files()),
        [LockCheck.DuplicateKey] = (FindingSeverity.Error,
            Files(("flake.lock", CheckFlake.Lock().Replace("\"version\": 7", "\"version\": 7, \"version\": 7", StringComparison.Ordinal))),
            Files()),
        [LockCheck.InvalidField] = (FindingSeverity.Error,
            Files(("flake.lock", CheckFlake.Lock(lastModified: 300000000000))),
            Files()),
        [InputCheck.InputUrlWithFollows] = (FindingSeverity.Error,
            Files(("flake.nix", FlakeWith(Inputs, Inputs + "    home-manager.inputs.nixpkgs.url = \"github:NixOS/nixpkgs\";\n"))),
            Files(("flake.nix", FlakeWith(Inputs, "    home-manager.inputs.nixpkgs.url = \"github:NixOS/nixpkgs\";\n")), ("flake.lock", CheckFlake.Lock("\"nixpkgs_2\"", $"\"nixpkgs_2\": {CheckFlake.Node("NixOS", "nixpkgs", CheckFlake.Rev1, 1796000000)},")))),
        [InputCheck.FollowsTargetMissing] = (FindingSeverity.Error,
            Files(("flake.nix", FlakeWith("follows = \"nixpkgs\"", "follows = \"nixpkgs-stable\""))),
            Files(("flake.nix", FlakeWith("follows = \"nixpkgs\"", "follows = \"\"")), ("flake.lock", CheckFlake.Lock("[ ]")))),
        [InputCheck.OutputsUnexpectedArgument] = (FindingSeverity.Error,
            // The body reaches home-manager through inputs: by its bare name it would be an undefined variable, which Nix reports first.
            Files(("flake.nix", FlakeWith("{ self, nixpkgs, home-manager, ... }@inputs", "{ self, nixpkgs }@inputs").Replace(" home-manager.nixosModules", " inputs.home-manager.nixosModules", StringComparison.Ordinal))),
            Files(("flake.nix", FlakeWith("{ self, nixpkgs, home-manager, ... }@inputs", "{ self, nixpkgs, home-manager }@inputs")))),
        [InputCheck.OutputsArgumentNotDeclared] = (FindingSeverity.Warning,
            Files(("flake.nix", FlakeWith("{ self, nixpkgs, home-manager, ... }@inputs", "{ self, nixpkgs, home-manager, flake-utils, ... }@inputs"))),
            Files(("flake.nix", FlakeWith("{ self, nixpkgs, home-manager, ... }@inputs", "{ self, nixpkgs, ... }@inputs")))),
        [InputCheck.InputUnused] = (FindingSeverity.Warning,
            Files(("configuration.nix", "{ pkgs, ... }:\n{\n  system.stateVersion = \"24.05\";\n}\n"), ("flake.nix", FlakeWith("./configuration.nix\n        home-manager.nixosModules.home-manager", "./configuration.nix"))),
            Files(("configuration.nix", "{ pkgs, ... }:\n{\n  system.stateVersion = \"24.05\";\n}\n"))),
        [InputCheck.InputUseUnknown] = (FindingSeverity.Information,
            Files(("configuration.nix", "{ pkgs, lib, inputs, ... }:\n{\n  nix.registry = lib.mapAttrs (_: flake: { inherit flake; }) inputs;\n}\n"), ("flake.nix", FlakeWith("./configuration.nix\n        home-manager.nixosModules.home-manager", "./configuration.nix"))),
            Files(("configuration.nix", "{ pkgs, lib, inputs, ... }:\n{\n  nix.registry.nixpkgs.flake = inputs.nixpkgs;\n}\n"))),
        [InputCheck.PinnedInputFollows] = (FindingSeverity.Information,
            Files(("flake.nix", FlakeWith("home-manager/release-24.05", "home-manager/v24.05.1"))),
            Files(("flake.nix", FlakeWith("home-manager/release-24.05", "home-manager/master")))),
        [ConfigurationCheck.ArgumentNotPassed] = (FindingSeverity.Error,
            Files(("flake.nix", FlakeWith("specialArgs = { inherit inputs; };", ""))),
            Files(("flake.nix", FlakeWith("specialArgs = { inherit inputs; };", "specialArgs = inputs // { inherit inputs; };")))),
        [ConfigurationCheck.ModuleArgsInputs] = (FindingSeverity.Error,
            Files(("flake.nix", FlakeWith("specialArgs = { inherit inputs; };", "")),
                  ("configuration.nix", "{ pkgs, inputs, ... }:\n{\n  imports = [ inputs.home-manager.nixosModules.default ];\n  _module.args.inputs = { };\n}\n")),
            Files(("configuration.nix", "{ pkgs, inputs, ... }:\n{\n  imports = [ inputs.home-manager.nixosModules.default ];\n}\n"))),
        [ConfigurationCheck.ImpureLookup] = (FindingSeverity.Error,
            Files(("configuration.nix", "{ inputs, ... }:\nwith import <nixpkgs> { };\n{\n  environment.systemPackages = [ inputs.home-manager.packages.x86_64-linux.default hello ];\n}\n")),
            Files(("shell.nix", "with import <nixpkgs> { };\nmkShell { }\n"))),
    };

    public static IEnumerable<object[]> Ids() => Cases.Keys.Select(k => new object[] { k });

    [Fact]
    public void TheCleanFlakeHasNoFindingAtAll()
    {
        using var tree = CheckFlake.Write();
        var (findings, _) = CheckFlake.Run(tree.Path, TimeSpan.FromDays(30));
        Assert.True(findings.Count == 0, CheckFlake.Show(findings));
    }

    [Fact]
    public void EveryIdOfEveryAreaHasItsCase()
    {
        // The areas of this file; Registry and Unfree bring their own tests.
        var mine = new[] { ParseCheck.Area, LockArea.Area, InputCheck.Area, ConfigurationCheck.Area };
        var ids = FlakeChecks.Areas.Where(a => mine.Contains(a.Name)).SelectMany(a => a.Ids).ToHashSet();
        Assert.Equal(mine.Length, FlakeChecks.Areas.Count(a => mine.Contains(a.Name)));
        Assert.Equal(ids.OrderBy(i => i, StringComparer.Ordinal), Cases.Keys.OrderBy(i => i, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void TheIdAppearsWhereItsProblemIs(string id)
    {
        var (severity, triggers, _) = Cases[id];
        using var tree = CheckFlake.Write(triggers);
        var (findings, _) = CheckFlake.Run(tree.Path, TimeSpan.FromDays(30));
        var found = findings.Where(f => f.Id == id).ToList();
        Assert.True(found.Count > 0, $"{id} not found; found:\n{CheckFlake.Show(findings)}");
        Assert.Contains(found, f => f.Severity == severity);
        var area = FlakeChecks.Areas.Single(a => a.Ids.Contains(id)).Name;
        Assert.All(found, f =>
        {
            Assert.Equal(area, f.Area);
            Assert.False(string.IsNullOrWhiteSpace(f.Message));
            Assert.False(string.IsNullOrWhiteSpace(f.Fix));
            Assert.False(string.IsNullOrWhiteSpace(f.Target));
            Assert.NotNull(f.Path);
        });
        Assert.DoesNotContain(findings, f => f.Id == FlakeChecks.CheckFailed);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void TheIdDoesNotAppearWhereItsProblemIsNot(string id)
    {
        var (_, _, near) = Cases[id];
        using var tree = CheckFlake.Write(near);
        var (findings, _) = CheckFlake.Run(tree.Path, TimeSpan.FromDays(30));
        Assert.True(findings.All(f => f.Id != id), $"{id} found:\n{CheckFlake.Show(findings)}");
        Assert.DoesNotContain(findings, f => f.Id == FlakeChecks.CheckFailed);
    }

    [Fact]
    public void FindingsDoNotHideEachOther()
    {
        // A broken module, a missing one, an unused input and a lock problem, all at once: each is reported.
        using var tree = CheckFlake.Write(Files(
            ("flake.nix", FlakeWith(Inputs, Inputs + "    waybar.url = \"github:Alexays/Waybar/0.10.4\";\n").Replace("./configuration.nix", "./configuration.nix\n        ./broken.nix\n        ./missing.nix", StringComparison.Ordinal)),
            ("broken.nix", "{ pkgs, ... }: {"),
            ("flake.lock", CheckFlake.Lock(lastModified: 1600000000))));
        var (findings, _) = CheckFlake.Run(tree.Path, TimeSpan.FromDays(30));
        var ids = findings.Select(f => f.Id).ToHashSet();
        foreach (var id in new[] { ParseCheck.ParseError, ParseCheck.ModuleNotFound, InputCheck.InputUnused, LockCheck.NotInLock, LockCheck.Stale })
        {
            Assert.True(ids.Contains(id), $"{id} missing from:\n{CheckFlake.Show(findings)}");
        }
        Assert.Contains(findings, f => f.Id == ParseCheck.ParseError && f.Path!.EndsWith("broken.nix", StringComparison.Ordinal) && f.Line == 1);
    }

    [Fact]
    public void AnAreaThatFailsIsAFindingAndTheOthersStillRun()
    {
        using var tree = CheckFlake.Write(Files(("flake.lock", null)));
        var context = CheckContext.Open(tree.Path, CheckFlake.Now);
        var areas = new[]
        {
            new FlakeCheckArea("Broken", new[] { "Never" }, _ => throw new InvalidOperationException("boom")),
        }.Concat(FlakeChecks.Areas);
        var findings = FlakeChecks.Run(context, areas);
        var failed = Assert.Single(findings, f => f.Id == FlakeChecks.CheckFailed);
        Assert.Equal("Broken", failed.Area);
        Assert.Contains("boom", failed.Message, StringComparison.Ordinal);
        Assert.Contains(findings, f => f.Id == LockArea.NoLock);
        // And the clean flake gives no CheckFailed with the real areas alone.
        Assert.DoesNotContain(FlakeChecks.Run(CheckContext.Open(tree.Path, CheckFlake.Now)), f => f.Id == FlakeChecks.CheckFailed);
    }

    [Fact]
    public void AnArgumentOnlyNamedOrUsedUnderAFalseConditionIsAWarning()
    {
        using var tree = CheckFlake.Write(Files(
            ("flake.nix", FlakeWith("specialArgs = { inherit inputs; };", "")),
            ("configuration.nix", "{ pkgs, inputs, swapSize, withSwap ? false, ... }:\n{\n  swapDevices = pkgs.lib.mkIf withSwap [ { size = swapSize; } ];\n}\n")));
        var (findings, _) = CheckFlake.Run(tree.Path);
        var missing = findings.Where(f => f.Id == ConfigurationCheck.ArgumentNotPassed).ToDictionary(f => f.Target);
        Assert.Equal(FindingSeverity.Warning, missing["inputs"].Severity);
        Assert.Contains("asks for 'inputs'", missing["inputs"].Message, StringComparison.Ordinal);
        Assert.Equal(FindingSeverity.Warning, missing["swapSize"].Severity);
        Assert.Contains("only under a condition (mkIf withSwap", missing["swapSize"].Message, StringComparison.Ordinal);
        Assert.Equal(3, missing["swapSize"].Line);
        Assert.Equal(FindingSeverity.Error, missing["withSwap"].Severity);
    }

    [Fact]
    public void TheFirstThreadsInputsAreUnusedUntilAModuleOrOverlayTakesThem()
    {
        using var tree = CheckFlake.Write(Files(
            ("flake.nix", FlakeWith(Inputs, Inputs + "    hyprland.url = \"github:hyprwm/Hyprland/v0.41.2\";\n    waybar.url = \"github:Alexays/Waybar/0.10.4\";\n")),
            ("flake.lock", null)));
        var (findings, _) = CheckFlake.Run(tree.Path);
        var unused = findings.Where(f => f.Id == InputCheck.InputUnused).ToList();
        Assert.Equal(new[] { "hyprland", "waybar" }, unused.Select(f => f.Target));
        Assert.Contains("pkgs.waybar still comes from nixpkgs", unused[1].Message, StringComparison.Ordinal);
        Assert.Contains("inputs.waybar.packages.${pkgs.stdenv.hostPlatform.system}.waybar", unused[1].Fix, StringComparison.Ordinal);
        Assert.Contains("nixpkgs.overlays", unused[1].Fix, StringComparison.Ordinal);
        Assert.Equal(9, unused[1].Line);

        // Used in a module through inputs, or through an overlay, or in outputs: no longer unused.
        foreach (var use in new[]
        {
            "{ pkgs, inputs, ... }: { programs.hyprland.package = inputs.hyprland.packages.${pkgs.system}.hyprland; environment.systemPackages = [ inputs.waybar.packages.${pkgs.system}.waybar ]; }",
            "{ inputs, ... }: { nixpkgs.overlays = [ (final: prev: { inherit (inputs.hyprland.packages.${prev.system}) hyprland; waybar = inputs.waybar.packages.${prev.system}.waybar; }) ]; }",
            "{ pkgs, hyprland, waybar, ... }: { }",
            "{ pkgs, self, ... }: { environment.systemPackages = [ self.inputs.hyprland.packages.x86_64-linux.default self.inputs.waybar.packages.x86_64-linux.default ]; }",
            "{ pkgs, inputs, ... }: { imports = [ ({ lib, ... }: { environment.etc.x.text = lib.concatMapStrings toString (builtins.attrValues inputs); }) ]; }",
        })
        {
            tree.Write("configuration.nix", use);
            var (after, _) = CheckFlake.Run(tree.Path);
            Assert.True(after.All(f => f.Id != InputCheck.InputUnused), use + "\n" + CheckFlake.Show(after));
        }
    }
}
