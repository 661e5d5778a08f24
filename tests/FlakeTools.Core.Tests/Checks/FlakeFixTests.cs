using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.Checks;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Project;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests.Checks;

/// <summary>
/// The edits of Test-Flake -Fix: exact text, and what Nix says before and after (the file parses,
/// its inputs evaluate as before, and where the fix is about evaluation, nixpkgs' own module
/// system agrees that it was broken and now works).
/// </summary>
public class FlakeFixTests
{
    private static FlakeFix FixOf(string directory, string id, string? target = null)
    {
        var context = CheckContext.Open(directory, CheckFlake.Now);
        var findings = FlakeChecks.Run(context);
        var finding = findings.First(f => f.Id == id && (target is null || f.Target == target));
        var fix = context.FixFor(finding);
        Assert.True(fix is not null, $"no fix for {id}:\n{CheckFlake.Show(findings)}");
        return fix!;
    }

    private static IReadOnlyList<Finding> Apply(string directory, FlakeFix fix)
    {
        Assert.Equal(fix.OldText, File.ReadAllText(fix.File));
        File.WriteAllText(fix.File, fix.NewText);
        return CheckFlake.Run(directory).Findings;
    }

    private static void ParsesAndInputsAreUnchanged(string path, string before)
    {
        if (!NixEnvironment.IsAvailable) return;
        var (code, _, stderr) = NixRunner.Run("nix-instantiate", "--parse", path);
        Assert.True(code == 0, stderr);
        var after = TestFlakes.Canonical(TestFlakes.NixInputs(path));
        Assert.Equal(before, after);
    }

    private static string NixInputsOf(string path) => NixEnvironment.IsAvailable ? TestFlakes.Canonical(TestFlakes.NixInputs(path)) : "";

    public static IEnumerable<object[]> Patterns() => new[]
    {
        new object[] { "{ self, nixpkgs }@inputs:", "{ self, nixpkgs, ... }@inputs:" },
        new object[] { "{ self, nixpkgs, }:", "{ self, nixpkgs, ... }:" },
        new object[] { "inputs@{ self, nixpkgs }:", "inputs@{ self, nixpkgs, ... }:" },
        new object[] { "{\n    self,\n    nixpkgs\n  }:", "{\n    self,\n    nixpkgs,\n    ...\n  }:" },
        new object[] { "{\n    self,\n    nixpkgs, # the system\n  }:", "{\n    self,\n    nixpkgs, # the system\n    ...\n  }:" },
        new object[] { "{ self\n  , nixpkgs\n  }:", "{ self\n  , nixpkgs\n  , ...\n  }:" },
        new object[] { "{\n    self,\n    nixpkgs }:", "{\n    self,\n    nixpkgs, ... }:" },
    };

    [Theory]
    [MemberData(nameof(Patterns))]
    public void TheOutputsPatternGetsItsEllipsisInItsOwnLayout(string pattern, string expected)
    {
        const string template = "{\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-24.05\";\n  inputs.home-manager.url = \"github:nix-community/home-manager\";\n  outputs = PATTERN { marker = \"ok\"; };\n}\n";
        using var tree = new TempTree(("flake.nix", template.Replace("PATTERN", pattern, StringComparison.Ordinal)));
        var inputs = NixInputsOf(tree["flake.nix"]);
        if (NixEnvironment.IsAvailable) Assert.Contains("called with unexpected argument", CallOutputs(tree), StringComparison.Ordinal);

        var fix = FixOf(tree.Path, InputCheck.OutputsUnexpectedArgument);
        Assert.Equal(template.Replace("PATTERN", expected, StringComparison.Ordinal), fix.NewText);
        var after = Apply(tree.Path, fix);
        Assert.DoesNotContain(after, f => f.Id == InputCheck.OutputsUnexpectedArgument);
        ParsesAndInputsAreUnchanged(tree["flake.nix"], inputs);
        if (NixEnvironment.IsAvailable) Assert.Equal("\"ok\"", CallOutputs(tree).Trim());
    }

    // Calls outputs the way Nix does: with every input and self.
    private static string CallOutputs(TempTree tree)
    {
        var (code, stdout, stderr) = NixRunner.RunIn(tree.Path, "nix-instantiate", "--eval", "--strict", "-E",
            "let f = import ./flake.nix; in (f.outputs { self = { }; nixpkgs = { }; home-manager = { }; }).marker");
        return code == 0 ? stdout : stderr;
    }

    private const string StandIn = """
        { libPath }:
        let
          lib = import (libPath + "/lib");
          nixpkgs = {
            marker = "from-nixpkgs";
            lib = lib // { nixosSystem = args: lib.evalModules { modules = args.modules; specialArgs = args.specialArgs or { }; }; };
          };
          home-manager = {
            lib.homeManagerConfiguration = args: lib.evalModules { modules = args.modules; specialArgs = args.extraSpecialArgs or { }; };
          };
          flake = import ./flake.nix;
          outputs = flake.outputs { self = outputs; inherit nixpkgs home-manager; };
        in
        (builtins.head (builtins.attrValues (outputs.nixosConfigurations or outputs.homeConfigurations))).config.probe
        """;

    private static string Evaluate(TempTree tree)
    {
        tree.Write("peer.nix", StandIn);
        var (code, stdout, stderr) = NixRunner.RunIn(tree.Path, "nix-instantiate", "--eval", "--strict", "peer.nix", "--arg", "libPath", Environment.GetEnvironmentVariable("FLAKETOOLS_NIXPKGS_LIB")!);
        return code == 0 ? stdout.Trim() : stderr;
    }

    private const string Probe = "{ lib, inputs, ... }:\n{\n  options.probe = lib.mkOption { };\n  config.probe = inputs.nixpkgs.marker;\n}\n";

    public static IEnumerable<object[]> Builders() => new[]
    {
        // No specialArgs: it is added before modules.
        new object[]
        {
            "  outputs = { self, nixpkgs, home-manager, ... }@inputs: {\n    nixosConfigurations.box = nixpkgs.lib.nixosSystem {\n      system = \"x86_64-linux\";\n      modules = [ ./configuration.nix ];\n    };\n  };\n",
            "  outputs = { self, nixpkgs, home-manager, ... }@inputs: {\n    nixosConfigurations.box = nixpkgs.lib.nixosSystem {\n      system = \"x86_64-linux\";\n      specialArgs = { inherit inputs; };\n      modules = [ ./configuration.nix ];\n    };\n  };\n",
        },
        // A specialArgs set: inputs joins it.
        new object[]
        {
            "  outputs = { self, nixpkgs, home-manager, ... }@inputs: {\n    nixosConfigurations.box = nixpkgs.lib.nixosSystem {\n      specialArgs = { host = \"box\"; };\n      modules = [ ./configuration.nix ];\n    };\n  };\n",
            "  outputs = { self, nixpkgs, home-manager, ... }@inputs: {\n    nixosConfigurations.box = nixpkgs.lib.nixosSystem {\n      specialArgs = { host = \"box\"; inherit inputs; };\n      modules = [ ./configuration.nix ];\n    };\n  };\n",
        },
        // No name for the inputs: outputs gets @inputs too.
        new object[]
        {
            "  outputs = { self, nixpkgs, home-manager, ... }: {\n    nixosConfigurations.box = nixpkgs.lib.nixosSystem {\n      modules = [ ./configuration.nix ];\n    };\n  };\n",
            "  outputs = { self, nixpkgs, home-manager, ... }@inputs: {\n    nixosConfigurations.box = nixpkgs.lib.nixosSystem {\n      specialArgs = { inherit inputs; };\n      modules = [ ./configuration.nix ];\n    };\n  };\n",
        },
        // Another name for them.
        new object[]
        {
            "  outputs = attrs@{ self, nixpkgs, home-manager, ... }: {\n    nixosConfigurations.box = nixpkgs.lib.nixosSystem {\n      modules = [ ./configuration.nix ];\n    };\n  };\n",
            "  outputs = attrs@{ self, nixpkgs, home-manager, ... }: {\n    nixosConfigurations.box = nixpkgs.lib.nixosSystem {\n      specialArgs = { inputs = attrs; };\n      modules = [ ./configuration.nix ];\n    };\n  };\n",
        },
        // Standalone home-manager: extraSpecialArgs.
        new object[]
        {
            "  outputs = { self, nixpkgs, home-manager, ... }@inputs: {\n    homeConfigurations.me = home-manager.lib.homeManagerConfiguration {\n      pkgs = nixpkgs.legacyPackages.x86_64-linux;\n      modules = [ ./configuration.nix ];\n    };\n  };\n",
            "  outputs = { self, nixpkgs, home-manager, ... }@inputs: {\n    homeConfigurations.me = home-manager.lib.homeManagerConfiguration {\n      pkgs = nixpkgs.legacyPackages.x86_64-linux;\n      extraSpecialArgs = { inherit inputs; };\n      modules = [ ./configuration.nix ];\n    };\n  };\n",
        },
    };

    private const string Head = "{\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-24.05\";\n  inputs.home-manager.url = \"github:nix-community/home-manager\";\n";

    [Theory]
    [MemberData(nameof(Builders))]
    public void InputsArePassedThroughTheBuildersArguments(string outputs, string expected)
    {
        using var tree = new TempTree(("flake.nix", Head + outputs + "}\n"), ("configuration.nix", Probe));
        var inputs = NixInputsOf(tree["flake.nix"]);
        var missing = CheckFlake.Run(tree.Path).Findings.Single(f => f.Id == ConfigurationCheck.ArgumentNotPassed);
        Assert.Equal((FindingSeverity.Error, "inputs", 4), (missing.Severity, missing.Target, missing.Line));
        var peer = PeerAvailable();
        if (peer) Assert.Contains("attribute 'inputs' missing", Evaluate(tree), StringComparison.Ordinal);

        var fix = FixOf(tree.Path, ConfigurationCheck.ArgumentNotPassed);
        Assert.Equal(Head + expected + "}\n", fix.NewText);
        var after = Apply(tree.Path, fix);
        Assert.True(after.All(f => f.Id != ConfigurationCheck.ArgumentNotPassed), CheckFlake.Show(after));
        ParsesAndInputsAreUnchanged(tree["flake.nix"], inputs);
        if (peer) Assert.Equal("\"from-nixpkgs\"", Evaluate(tree));
    }

    [Fact]
    public void TheModuleSystemAgreesOnWhatIsAnErrorAndWhatIsAWarning()
    {
        if (!PeerAvailable()) return;
        var flake = Head + "  outputs = { self, nixpkgs, ... }@inputs: {\n    nixosConfigurations.box = nixpkgs.lib.nixosSystem {\n      modules = [ ./configuration.nix ];\n    };\n  };\n}\n";
        var cases = new (string Module, FindingSeverity Severity, string Nix)[]
        {
            (Probe, FindingSeverity.Error, "attribute 'inputs' missing"),
            ("{ lib, inputs, ... }:\n{\n  options.probe = lib.mkOption { };\n  config.probe = \"named only\";\n}\n", FindingSeverity.Warning, "\"named only\""),
            ("{ lib, inputs, ... }:\n{\n  options.probe = lib.mkOption { default = \"off\"; };\n  config.probe = lib.mkIf false inputs.nixpkgs.marker;\n}\n", FindingSeverity.Warning, "\"off\""),
        };
        foreach (var (module, severity, nix) in cases)
        {
            using var tree = new TempTree(("flake.nix", flake), ("configuration.nix", module));
            var finding = CheckFlake.Run(tree.Path).Findings.Single(f => f.Id == ConfigurationCheck.ArgumentNotPassed);
            Assert.Equal(severity, finding.Severity);
            Assert.Contains(nix, Evaluate(tree), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ImportsThatDependOnModuleArgsRecurseForeverInTheModuleSystem()
    {
        var flake = Head + "  outputs = { self, nixpkgs, ... }@inputs: {\n    nixosConfigurations.box = nixpkgs.lib.nixosSystem {\n      modules = [ ./configuration.nix { _module.args.inputs = inputs; } ];\n    };\n  };\n}\n";
        using var tree = new TempTree(("flake.nix", flake),
            ("configuration.nix", "{ lib, inputs, ... }:\n{\n  imports = [ (inputs.self.extra or { }) ];\n  options.probe = lib.mkOption { };\n  config.probe = \"ok\";\n}\n"));
        var finding = CheckFlake.Run(tree.Path).Findings.Single(f => f.Id == ConfigurationCheck.ModuleArgsInputs);
        Assert.Equal((FindingSeverity.Error, 3), (finding.Severity, finding.Line));
        if (PeerAvailable()) Assert.Contains("infinite recursion", Evaluate(tree), StringComparison.Ordinal);

        // Without the imports depending on it, it works (and is a warning).
        tree.Write("configuration.nix", "{ lib, inputs, ... }:\n{\n  options.probe = lib.mkOption { };\n  config.probe = inputs.nixpkgs.marker;\n}\n");
        var warning = CheckFlake.Run(tree.Path).Findings.Single(f => f.Id == ConfigurationCheck.ModuleArgsInputs);
        Assert.Equal(FindingSeverity.Warning, warning.Severity);
        if (PeerAvailable()) Assert.Equal("\"from-nixpkgs\"", Evaluate(tree));
    }

    [Fact]
    public void TheMissingFollowsIsAddedInTheInputsStyle()
    {
        using var tree = CheckFlake.Write(new Dictionary<string, string?>
        {
            ["flake.nix"] = CheckFlake.Flake.Replace("    home-manager.inputs.nixpkgs.follows = \"nixpkgs\";\n", "", StringComparison.Ordinal),
            ["flake.lock"] = CheckFlake.Lock("\"nixpkgs_2\"", $"\"nixpkgs_2\": {CheckFlake.Node("NixOS", "nixpkgs", CheckFlake.Rev1, 1796000000, "nixos-unstable")},"),
        });
        var inputs = NixInputsOf(tree["flake.nix"]);
        var fix = FixOf(tree.Path, LockCheck.Duplicate, "home-manager/nixpkgs");
        Assert.Equal(CheckFlake.Flake, fix.NewText);
        Assert.Equal("Add follows: home-manager.inputs.nixpkgs.follows = \"nixpkgs\";", fix.Description);
        var after = Apply(tree.Path, fix);
        // The lock keeps its second nixpkgs until nix flake lock runs; there is nothing more to edit.
        Assert.Contains(after, f => f.Id == LockCheck.FollowsOutOfDate);
        var context = CheckContext.Open(tree.Path, CheckFlake.Now);
        Assert.All(FlakeChecks.Run(context), f => Assert.Null(context.FixFor(f)));
        if (NixEnvironment.IsAvailable)
        {
            var (code, _, stderr) = NixRunner.Run("nix-instantiate", "--parse", tree["flake.nix"]);
            Assert.True(code == 0, stderr);
            Assert.NotEqual(inputs, NixInputsOf(tree["flake.nix"]));
            Assert.Contains("\"follows\":\"nixpkgs\"", NixInputsOf(tree["flake.nix"]), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NoFixIsOfferedWhereTheEditIsNotMechanical()
    {
        // The builder call is in another file, where the inputs may not be in scope; and home-manager
        // inside NixOS: the fix is said in words only.
        using var tree = new TempTree(
            ("flake.nix", Head + "  outputs = { self, nixpkgs, ... }@inputs: {\n    nixosConfigurations.box = import ./host.nix { inherit nixpkgs; };\n  };\n}\n"),
            ("host.nix", "{ nixpkgs }: nixpkgs.lib.nixosSystem { modules = [ ./configuration.nix ]; }\n"),
            ("configuration.nix", Probe));
        var context = CheckContext.Open(tree.Path, CheckFlake.Now);
        var finding = FlakeChecks.Run(context).Single(f => f.Id == ConfigurationCheck.ArgumentNotPassed);
        Assert.Null(context.FixFor(finding));
    }

    private static bool PeerAvailable()
    {
        var folder = Environment.GetEnvironmentVariable("FLAKETOOLS_NIXPKGS_LIB");
        return NixEnvironment.IsAvailable && !string.IsNullOrEmpty(folder) && File.Exists(Path.Combine(folder, "lib", "modules.nix"));
    }
}
