using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.RegistrySettings;
using FlakeTools.Core.Settings;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Core.Tests.Settings;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests.RegistrySettings;

/// <summary>Adding and removing nix.registry declarations: the exact text after each edit, and every result parses with nix-instantiate.</summary>
public class RegistryConfigurationEditorTests
{
    private static TempTree CopyOfFixture(string name)
    {
        var source = Path.Combine(TestPaths.SharedFixtures!, name);
        var files = Directory.GetFiles(source, "*", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(source, f), File.ReadAllText(f))).ToArray();
        return new TempTree(files);
    }

    private static void AssertParses(OptionEdit edit)
    {
        if (!NixEnvironment.IsAvailable) return;
        var file = Path.Combine(Path.GetTempPath(), "flaketools-edit-" + Guid.NewGuid().ToString("N")[..8] + ".nix");
        File.WriteAllText(file, edit.After);
        try
        {
            var (code, _, stderr) = NixRunner.Run("nix-instantiate", "--parse", file);
            Assert.True(code == 0, stderr + "\n" + edit.After);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static OptionEdit Single(IReadOnlyList<OptionEdit> edits)
    {
        var edit = Assert.Single(edits);
        AssertParses(edit);
        return edit;
    }

    [Fact]
    public void Kahless_AddGoesNextToTheInlineDeclarationsAndNamesTheOutputsArgument()
    {
        using var tree = CopyOfFixture("kahless");
        var registry = ConfigurationRegistry.Open(tree.Path);
        var edit = Single(RegistryConfigurationEditor.PlanAdd(registry, "hm", "home-manager"));
        Assert.Equal(tree["flake.nix"], edit.Path);
        Assert.Equal(edit.Before.Replace("          nix.registry.elgato.flake = elgato;\n", "          nix.registry.elgato.flake = elgato;\n          nix.registry.hm.flake = home-manager;\n", StringComparison.Ordinal), edit.After);
        // Declared so already: nothing to do.
        Assert.Empty(RegistryConfigurationEditor.PlanAdd(registry, "elgato", "elgato"));
        // Another input for a name declared already: its value changes in place.
        var replaced = Single(RegistryConfigurationEditor.PlanAdd(registry, "elgato", "nixpkgs"));
        Assert.Equal(edit.Before.Replace("nix.registry.elgato.flake = elgato;", "nix.registry.elgato.flake = nixpkgs;", StringComparison.Ordinal), replaced.After);
    }

    [Fact]
    public void Kahless_RemoveTakesTheLine()
    {
        using var tree = CopyOfFixture("kahless");
        var registry = ConfigurationRegistry.Open(tree.Path);
        var edit = Single(RegistryConfigurationEditor.PlanRemove(registry.Declarations.Single(d => d.Name == "elgato")));
        Assert.Equal(edit.Before.Replace("          nix.registry.elgato.flake = elgato;\n", "", StringComparison.Ordinal), edit.After);
    }

    [Fact]
    public void Hostname_WithoutADeclarationANewLineGoesIntoTheModuleThatReceivesInputs()
    {
        using var tree = CopyOfFixture("hostname");
        var registry = ConfigurationRegistry.Open(tree.Path);
        var edit = Single(RegistryConfigurationEditor.PlanAdd(registry, "nixpkgs", "nixpkgs"));
        Assert.Equal(tree["configuration.nix"], edit.Path);
        Assert.Equal(edit.Before.Replace("  system.stateVersion = \"23.05\";\n", "  system.stateVersion = \"23.05\";\n  nix.registry.nixpkgs.flake = inputs.nixpkgs;\n", StringComparison.Ordinal), edit.After);
        var missing = Assert.Throws<RegistryDeclarationException>(() => RegistryConfigurationEditor.PlanAdd(registry, "elgato", "elgato"));
        Assert.Equal("RegistryInputNotDeclared", missing.ErrorId);
        Assert.Contains("hyprland", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostname_StandaloneHomeManager_TheUserRegistryIsDeclaredInHomeNixThroughExtraSpecialArgs()
    {
        using var tree = CopyOfFixture("hostname");
        var registry = ConfigurationRegistry.Open(tree.Path);
        var edit = Single(RegistryConfigurationEditor.PlanAdd(registry, "nixpkgs", "nixpkgs", "username@hostname"));
        Assert.Equal(tree["home-manager/username.nix"], edit.Path);
        Assert.Equal(edit.Before.Replace("  home.stateVersion = \"23.05\";\n", "  home.stateVersion = \"23.05\";\n  nix.registry.nixpkgs.flake = inputs.nixpkgs;\n", StringComparison.Ordinal), edit.After);
        File.WriteAllText(edit.Path!, edit.After);
        var declared = Assert.Single(ConfigurationRegistry.Open(tree.Path).Declarations);
        Assert.Equal(Registries.RegistryScope.User, declared.Generates);
        Assert.Equal(new[] { "username@hostname" }, declared.Configurations);
        var missing = Assert.Throws<RegistryDeclarationException>(() => RegistryConfigurationEditor.PlanAdd(registry, "nixpkgs", "nixpkgs", "nosuchhost"));
        Assert.Equal("ConfigurationNotFound", missing.ErrorId);
    }

    [Fact]
    public void AModuleThatLacksTheArgumentGetsIt()
    {
        using var tree = new TempTree(
            ("flake.nix", """
                {
                  inputs.nixpkgs.url = "github:NixOS/nixpkgs";
                  outputs = { nixpkgs, ... }@inputs: {
                    nixosConfigurations.box = nixpkgs.lib.nixosSystem {
                      specialArgs = { inherit inputs; };
                      modules = [ ./configuration.nix ];
                    };
                  };
                }
                """),
            ("configuration.nix", "{ config, pkgs, ... }:\n\n{\n  boot.loader.grub.enable = true;\n}\n"));
        var edit = Single(RegistryConfigurationEditor.PlanAdd(ConfigurationRegistry.Open(tree.Path), "nixpkgs", "nixpkgs"));
        Assert.Equal("{ config, pkgs, inputs, ... }:\n\n{\n  boot.loader.grub.enable = true;\n  nix.registry.nixpkgs.flake = inputs.nixpkgs;\n}\n", edit.After);
    }

    [Fact]
    public void AnInputThatReachesNoModuleIsRefusedWithWhatToDo()
    {
        using var tree = new TempTree(
            ("flake.nix", """
                {
                  inputs.nixpkgs.url = "github:NixOS/nixpkgs";
                  outputs = { nixpkgs, ... }: {
                    nixosConfigurations.box = nixpkgs.lib.nixosSystem { modules = [ ./configuration.nix ]; };
                  };
                }
                """),
            ("configuration.nix", "{ pkgs, ... }: { }\n"));
        var error = Assert.Throws<RegistryDeclarationException>(() => RegistryConfigurationEditor.PlanAdd(ConfigurationRegistry.Open(tree.Path), "nixpkgs", "nixpkgs"));
        Assert.Equal("RegistryInputUnreachable", error.ErrorId);
        Assert.Contains("specialArgs = { inherit inputs; }", error.Message, StringComparison.Ordinal);
        Assert.Contains("flake.nix:4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTestFlake_AddIntoTheBlock_RemoveEachForm_AndTheIdiomIsRefusedWithItsLine()
    {
        using var tree = OptionReaderTests.Tree();
        var registry = ConfigurationRegistry.Open(tree.Path);
        var add = Single(RegistryConfigurationEditor.PlanAdd(registry, "hm2", "home-manager"));
        Assert.Equal(tree["configuration.nix"], add.Path);
        Assert.Equal(OptionReaderTests.Configuration.Replace("      inherit local;\n", "      inherit local;\n      hm2.flake = inputs.home-manager;\n", StringComparison.Ordinal), add.After);

        var pinned = Single(RegistryConfigurationEditor.PlanRemove(registry.Declarations.Single(d => d.Name == "pinned")));
        Assert.Equal(OptionReaderTests.Configuration.Replace("  nix.registry.pinned = lib.mkForce { from = { type = \"indirect\"; id = \"p\"; }; to.type = \"github\"; exact = false; };\n", "", StringComparison.Ordinal), pinned.After);
        var later = Single(RegistryConfigurationEditor.PlanRemove(registry.Declarations.Single(d => d.Name == "later")));
        Assert.DoesNotContain("nix.registry.later", later.After, StringComparison.Ordinal);
        var local = Single(RegistryConfigurationEditor.PlanRemove(registry.Declarations.Single(d => d.Name == "local")));
        Assert.Equal(OptionReaderTests.Configuration.Replace("      inherit local;\n", "", StringComparison.Ordinal), local.After);
        var nixpkgs = Single(RegistryConfigurationEditor.PlanRemove(registry.Declarations.Single(d => d.Name == "nixpkgs" && !d.IsCovering)));
        Assert.Equal(OptionReaderTests.Configuration.Replace("      nixpkgs.flake = inputs.nixpkgs;\n", "", StringComparison.Ordinal), nixpkgs.After);
        var home = Single(RegistryConfigurationEditor.PlanRemove(registry.Declarations.Single(d => d.Name == "hm")));
        Assert.Contains("home-manager.users.alice = { ... }: {\n          };", home.After, StringComparison.Ordinal);

        var covered = Assert.Throws<RegistryDeclarationException>(() => RegistryConfigurationEditor.PlanRemove(registry.Declarations.Single(d => d.Name == "home-manager")));
        Assert.Equal("RegistryDeclarationCovered", covered.ErrorId);
        Assert.Contains("nix.nix:5", covered.Message, StringComparison.Ordinal);
        Assert.Contains("lib.mapAttrs (_: flake: { inherit flake; }) inputs", covered.Message, StringComparison.Ordinal);
        var coveredAdd = Assert.Throws<RegistryDeclarationException>(() => RegistryConfigurationEditor.PlanAdd(registry, "home-manager", "nixpkgs"));
        Assert.Equal("RegistryDeclarationCovered", coveredAdd.ErrorId);
    }
}
