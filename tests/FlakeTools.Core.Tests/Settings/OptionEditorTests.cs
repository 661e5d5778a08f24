using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Settings;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests.Settings;

/// <summary>Edits of option definitions: the exact text after each, and every result parses (also with nix-instantiate --parse).</summary>
public class OptionEditorTests
{
    private static readonly string[] Registry = { "nix", "registry" };

    private static string[] P(string option) => OptionReader.ParsePath(option).ToArray();

    /// <summary>Every text the tests below produce, for the nix-instantiate check.</summary>
    private static readonly List<string> Produced = new();

    private static string Set(string text, string option, string value, params string[] arguments)
    {
        var tree = FlakeTools.Syntax.SyntaxTree.Parse(text);
        var body = tree.Root.DescendantNodes().OfType<FlakeTools.Syntax.AttrSetSyntax>().First();
        var result = OptionEditor.SetIn(text, body.Span.Start, P(option), value, arguments);
        lock (Produced) Produced.Add(result);
        return result;
    }

    [Fact]
    public void AFlatLineGoesNextToTheDefinitionsThatShareMostOfItsPath()
    {
        var text = "{ lib, ... }:\n{\n  networking.hostName = \"box\";\n  nix.registry.nixpkgs.flake = nixpkgs;\n  services.x.enable = true;\n}\n";
        Assert.Equal("{ lib, ... }:\n{\n  networking.hostName = \"box\";\n  nix.registry.nixpkgs.flake = nixpkgs;\n  nix.registry.elgato.flake = elgato;\n  services.x.enable = true;\n}\n",
            Set(text, "nix.registry.elgato.flake", "elgato"));
    }

    [Fact]
    public void WithoutNeighboursTheLineGoesAtTheEndInTheFilesIndentationAndLineEnding()
    {
        var text = "{ config, ... }:\r\n{\r\n\tboot.loader.grub.enable = true;\r\n}\r\n";
        Assert.Equal("{ config, inputs, ... }:\r\n{\r\n\tboot.loader.grub.enable = true;\r\n\tnix.registry.elgato.flake = inputs.elgato;\r\n}\r\n",
            Set(text, "nix.registry.elgato.flake", "inputs.elgato", "inputs"));
    }

    [Fact]
    public void TheDeepestBlockForAPrefixTakesTheRestOfThePath()
    {
        var text = "{\n  nix = {\n    settings.auto-optimise-store = true;\n    registry = {\n      nixpkgs.flake = nixpkgs;\n    };\n  };\n}\n";
        Assert.Equal("{\n  nix = {\n    settings.auto-optimise-store = true;\n    registry = {\n      nixpkgs.flake = nixpkgs;\n      elgato.flake = elgato;\n    };\n  };\n}\n",
            Set(text, "nix.registry.elgato.flake", "elgato"));
        var nixOnly = "{\n  nix = {\n    gc.automatic = true;\n  };\n}\n";
        Assert.Equal("{\n  nix = {\n    gc.automatic = true;\n    registry.elgato.flake = elgato;\n  };\n}\n",
            Set(nixOnly, "nix.registry.elgato.flake", "elgato"));
        var dotted = "{\n  nix.registry = { nixpkgs = { flake = nixpkgs; }; };\n}\n";
        Assert.Equal("{\n  nix.registry = { nixpkgs = { flake = nixpkgs; }; elgato.flake = elgato; };\n}\n",
            Set(dotted, "nix.registry.elgato.flake", "elgato"));
    }

    [Fact]
    public void AnExistingDefinitionHasItsValueReplacedAndTheSameValueChangesNothing()
    {
        var text = "{\n  nix.registry.elgato.flake = old; # keep\n}\n";
        Assert.Equal("{\n  nix.registry.elgato.flake = elgato; # keep\n}\n", Set(text, "nix.registry.elgato.flake", "elgato"));
        Assert.Equal(text, Set(text, "nix.registry.elgato.flake", "old"));
    }

    [Fact]
    public void AnEmptyOneLineBodyGetsTheBindingOnItsLine()
    {
        Assert.Equal("{ inputs, ... }: { nix.registry.a.flake = inputs.a; }", Set("{ ... }: { }", "nix.registry.a.flake", "inputs.a", "inputs"));
        Assert.Equal("{ lib, inputs }: { x = 1; y = lib.id inputs; }", Set("{ lib }: { x = 1; }", "y", "lib.id inputs", "lib", "inputs"));
    }

    [Fact]
    public void AModuleThatIsNotAFunctionOrTakesOneNameIsRefusedWithWhatToDo()
    {
        var plain = Assert.Throws<OptionEditException>(() => Set("{ x = 1; }", "nix.registry.a.flake", "inputs.a", "inputs"));
        Assert.Contains("{ inputs, ... }:", plain.Message, StringComparison.Ordinal);
        var named = Assert.Throws<OptionEditException>(() => Set("args: { x = 1; }", "nix.registry.a.flake", "inputs.a", "inputs"));
        Assert.Contains("args.inputs", named.Message, StringComparison.Ordinal);
        Assert.Throws<OptionEditException>(() => Set("{ x = 1; }", "y", "(("));
    }

    [Fact]
    public void ARemovedDefinitionTakesItsCommentsAndTheBlocksItEmpties()
    {
        using var tree = OptionReaderTests.Tree();
        var configurations = ConfigurationReader.Open(tree.Path).ReadConfigurations();
        var result = OptionReader.Read(configurations, "nix.registry");
        var nixpkgs = result.Definitions.Single(d => d.Option == "nix.registry.nixpkgs.flake");
        var removed = OptionEditor.Remove(nixpkgs);
        Produced.Add(removed.After);
        Assert.Equal(OptionReaderTests.Configuration.Replace("      nixpkgs.flake = inputs.nixpkgs;\n", "", StringComparison.Ordinal), removed.After);

        var text = "{\n  nix = {\n    registry = {\n      # the only one\n      elgato.flake = elgato;\n    };\n  };\n  x = 1;\n}\n";
        var position = text.IndexOf("elgato.flake", StringComparison.Ordinal);
        var after = OptionEditor.RemoveIn(text, position);
        Produced.Add(after);
        Assert.Equal("{\n  x = 1;\n}\n", after);

        var elgato = result.Definitions.Single(d => d.Option == "nix.registry.elgato.flake");
        var inline = OptionEditor.Remove(elgato);
        Assert.Contains("({ lib, ... }: { })", inline.After, StringComparison.Ordinal);
        Produced.Add(inline.After);
    }

    [Fact]
    public void ReplaceSetsTheValueOfOneDefinition()
    {
        using var tree = OptionReaderTests.Tree();
        var result = OptionReader.Read(ConfigurationReader.Open(tree.Path).ReadConfigurations(), "nix.registry");
        var edit = OptionEditor.Replace(result.Definitions.Single(d => d.Option == "nix.registry.pinned.exact"), "true");
        Produced.Add(edit.After);
        Assert.Equal(OptionReaderTests.Configuration.Replace("exact = false;", "exact = true;", StringComparison.Ordinal), edit.After);
        Assert.True(edit.Changed);
    }

    [Fact]
    public void SetInAModuleFindsItsDefinitionSetThroughConfigAndMkIf()
    {
        using var tree = OptionReaderTests.Tree();
        var configurations = ConfigurationReader.Open(tree.Path).ReadConfigurations();
        var nixModule = configurations.Single().Modules.Single(m => m.Name == "nix.nix");
        var edit = OptionEditor.Set(nixModule, P("nix.settings.flake-registry"), "\"\"");
        Produced.Add(edit.After);
        Assert.Equal(OptionReaderTests.NixModule.Replace("    nix.registry = lib.mapAttrs (_: flake: { inherit flake; }) inputs;\n",
            "    nix.registry = lib.mapAttrs (_: flake: { inherit flake; }) inputs;\n    nix.settings.flake-registry = \"\";\n", StringComparison.Ordinal), edit.After);

        // home-manager inside NixOS: the user's inline module.
        var user = configurations.Single().Modules.Single(m => m.Context == ModuleContext.HomeManagerInNixOS && m.Kind == ModuleKind.Inline);
        var home = OptionEditor.Set(user, P("nix.registry.elgato.flake"), "inputs.elgato", new[] { "inputs" });
        Produced.Add(home.After);
        Assert.Contains("home-manager.users.alice = { inputs, ... }: {\n            nix.registry.hm.flake = nixpkgs;\n            nix.registry.elgato.flake = inputs.elgato;\n          };", home.After, StringComparison.Ordinal);
    }

    [NixFact]
    public void EveryEditedTextParsesWithNixInstantiate()
    {
        // Runs the edits again so that the test does not depend on the order xunit runs tests in.
        AFlatLineGoesNextToTheDefinitionsThatShareMostOfItsPath();
        WithoutNeighboursTheLineGoesAtTheEndInTheFilesIndentationAndLineEnding();
        TheDeepestBlockForAPrefixTakesTheRestOfThePath();
        AnExistingDefinitionHasItsValueReplacedAndTheSameValueChangesNothing();
        AnEmptyOneLineBodyGetsTheBindingOnItsLine();
        ARemovedDefinitionTakesItsCommentsAndTheBlocksItEmpties();
        ReplaceSetsTheValueOfOneDefinition();
        SetInAModuleFindsItsDefinitionSetThroughConfigAndMkIf();
        string[] texts;
        lock (Produced) texts = Produced.Distinct().ToArray();
        Assert.True(texts.Length >= 12);
        foreach (var text in texts)
        {
            var (code, _, stderr) = NixRunner.Run("nix-instantiate", "--parse", "-E", "with { }; (\n" + text + "\n)"); // `with`: the snippets' free names are not errors
            Assert.True(code == 0, stderr + "\n" + text);
        }
    }
}
