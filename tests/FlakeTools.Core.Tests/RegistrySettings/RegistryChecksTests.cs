using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Project;
using FlakeTools.Core.Registries;
using FlakeTools.Core.RegistrySettings;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests.RegistrySettings;

/// <summary>The registry findings Test-Flake reports.</summary>
public class RegistryChecksTests
{
    private static readonly (string, string)[] Problems =
    {
        ("flake.nix", """
            {
              inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
              inputs.home-manager.url = "github:nix-community/home-manager";
              outputs = { self, nixpkgs, home-manager, ... }@inputs: {
                nixosConfigurations.box = nixpkgs.lib.nixosSystem {
                  specialArgs = { inherit inputs; };
                  modules = [
                    ./a.nix
                    ./b.nix
                    home-manager.nixosModules.home-manager
                    { home-manager.users.alice = { nix.registry.nixpkgs.flake = nixpkgs; }; }
                  ];
                };
              };
            }
            """),
        ("a.nix", """
            { inputs, ... }:
            {
              nix.registry.nixpkgs = { flake = inputs.nixpkgs; exact = false; };
              nix.registry.ghost.flake = inputs.ghost;
              nix.registry.hm.flake = inputs.home-manager;
              nix.settings.flake-registry = "";
              nix.nixPath = [ "nixpkgs=flake:nixpkgs" "unstable=flake:unstable" ];
            }
            """),
        ("b.nix", """
            { inputs, ... }:
            {
              nix.registry.hm.flake = inputs.nixpkgs;
            }
            """),
    };

    private static string Describe(Finding f) => $"{f.Id} {f.Severity} {f.Target} {Path.GetFileName(f.Path)}:{f.Line}";

    [Fact]
    public void EachProblemIsOneFindingWithItsLine()
    {
        using var tree = new TempTree(Problems);
        var configurations = ConfigurationReader.Open(tree.Path).ReadConfigurations();
        var findings = RegistryChecks.Check(tree.Path, configurations).ToList();
        Assert.All(findings, f => Assert.Equal("Registry", f.Area));
        Assert.Equal(new[]
        {
            "RegistryNotExact Warning nixpkgs a.nix:3",
            "RegistryInputNotDeclared Error ghost a.nix:4",
            "RegistryConflict Error hm a.nix:5",
            "RegistryShadowed Warning nixpkgs a.nix:3",
            "RegistryGlobalDisabled Information nix.settings.flake-registry a.nix:6",
            "RegistryNixPathUnpinned Warning unstable=flake:unstable a.nix:7",
        }, findings.Select(Describe));
        Assert.Contains("b.nix:3", findings.Single(f => f.Id == "RegistryConflict").Message, StringComparison.Ordinal);
        Assert.Contains("alice", findings.Single(f => f.Id == "RegistryShadowed").Message, StringComparison.Ordinal);
    }

    [NixFact]
    public void WithTheRegistryFiles_AStoreLinkNamesItsDeclarationAndAUserEntryShadowsTheDeclaredOne()
    {
        using var tree = new TempTree(Problems);
        var generated = tree["generated.json"];
        File.WriteAllText(generated, """{"version":2,"flakes":[{"from":{"type":"indirect","id":"hm"},"to":{"type":"path","path":"/nix/store/00000000000000000000000000000000-source"},"exact":true}]}""");
        var (code, stdout, stderr) = NixRunner.Run("nix-store", "--add", generated);
        Assert.True(code == 0, stderr);
        Directory.CreateDirectory(tree["etc"]);
        File.CreateSymbolicLink(tree["etc/registry.json"], stdout.Trim());
        Directory.CreateDirectory(tree["config/nix"]);
        File.WriteAllText(tree["config/nix/registry.json"], """{"version":2,"flakes":[{"from":{"type":"indirect","id":"hm"},"to":{"type":"github","owner":"o","repo":"r"}}]}""");
        File.WriteAllText(tree["global.json"], """{"version":2,"flakes":[]}""");
        var variables = new Dictionary<string, string>
        {
            ["HOME"] = tree.Path,
            ["XDG_CONFIG_HOME"] = tree["config"],
            ["NIX_CONF_DIR"] = tree["etc"],
            ["NIX_CONFIG"] = "flake-registry = " + tree["global.json"],
        };
        var environment = RegistryEnvironment.FromVariables(variables);
        var configurations = ConfigurationReader.Open(tree.Path).ReadConfigurations();
        var findings = RegistryChecks.Check(tree.Path, configurations, environment).ToList();
        var readOnly = findings.Single(f => f.Id == "RegistryReadOnly");
        Assert.Equal("hm", readOnly.Target);
        Assert.Equal(tree["a.nix"], readOnly.Path);
        Assert.Equal(5, readOnly.Line);
        Assert.Contains("a.nix:5", readOnly.Message, StringComparison.Ordinal);
        var shadowed = findings.Where(f => f.Id == "RegistryShadowed").Select(f => f.Message).ToList();
        Assert.Contains(shadowed, m => m.Contains("the system registry entry 'hm'", StringComparison.Ordinal));
        Assert.Contains(shadowed, m => m.Contains("nix.registry.hm declared at", StringComparison.Ordinal));

        // The same origin answers why the generated file cannot be edited, with the line to change.
        var registry = ConfigurationRegistry.Open(tree.Path);
        var entry = registry.Annotate(FlakeRegistries.Load(environment).Entries).Single(e => e.Scope == RegistryScope.System);
        Assert.True(entry.IsReadOnly);
        Assert.Contains($"It is declared at {tree["a.nix"]}:5: `nix.registry.hm.flake = inputs.home-manager;`", entry.ReadOnlyReason, StringComparison.Ordinal);
        Assert.Contains("nixos-rebuild switch", entry.ReadOnlyReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2.8.0", "Information")]
    [InlineData("2.26.0", "Warning")]
    public void AnInputGivenAsARegistryNameThatTheUserRegistryAnswersIsIgnoredWhenLockingFromNix226(string nix, string severity)
    {
        using var tree = new TempTree(
            ("flake.nix", "{\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-24.05\";\n  inputs.tools.url = \"tools\";\n  inputs.direct.url = \"github:o/direct\";\n  outputs = { self, nixpkgs, tools, direct }: { };\n}\n"),
            ("config/nix/registry.json", """{"version":2,"flakes":[{"from":{"type":"indirect","id":"tools"},"to":{"type":"github","owner":"me","repo":"tools"}},{"from":{"type":"indirect","id":"direct"},"to":{"type":"github","owner":"me","repo":"other"}}]}"""),
            ("global.json", """{"version":2,"flakes":[{"from":{"type":"indirect","id":"tools"},"to":{"type":"github","owner":"upstream","repo":"tools"}}]}"""));
        var variables = new Dictionary<string, string>
        {
            ["HOME"] = tree.Path,
            ["XDG_CONFIG_HOME"] = tree["config"],
            ["NIX_CONF_DIR"] = tree["etc"],
            ["NIX_CONFIG"] = "flake-registry = " + tree["global.json"],
        };
        var environment = RegistryEnvironment.FromVariables(variables, Version.Parse(nix));
        var findings = RegistryChecks.Check(tree.Path, Array.Empty<FlakeConfiguration>(), environment).Where(f => f.Id == RegistryChecks.RegistryIgnoredWhenLocking).ToList();
        // Only the input given as a registry name; the one with its own reference is not looked up.
        var finding = Assert.Single(findings);
        Assert.Equal(("tools", 3, severity), (finding.Target, finding.Line, finding.Severity.ToString()));
        Assert.Contains("github:me/tools", finding.Message, StringComparison.Ordinal);
        Assert.Contains("Set-FlakeInput tools -Url github:me/tools", finding.Fix, StringComparison.Ordinal);
        // Without the user entry, the global registry answers, as it does for every Nix: nothing to say.
        File.Delete(tree["config/nix/registry.json"]);
        Assert.DoesNotContain(RegistryChecks.Check(tree.Path, Array.Empty<FlakeConfiguration>(), environment), f => f.Id == RegistryChecks.RegistryIgnoredWhenLocking);
    }
}
