using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.References;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests;

public class FlakeEditorTests
{
    private static FlakeFile Flake(string text) => FlakeFile.Parse(text, "flake.nix");

    private static List<KeyValuePair<InputPath, InputPath>> Follows(params string[] pairs) =>
        FlakeEditor.NormalizeFollows(pairs.Select(p => p.Split('=')).Select(p => new KeyValuePair<string, string>(p[0], p[1])));

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(TestPaths.SharedFixtures!, name, "flake.nix"));

    [Fact]
    public void AddToADottedBlockAddsLinesAndTheOutputsArgument()
    {
        var result = FlakeEditor.AddInput(Flake(Fixture("hostname")), "elgato", FlakeReference.Parse("github:waxlamp/elgato/flakes"), follows: Follows("nixpkgs=nixpkgs"));
        var expected = Fixture("hostname")
            .Replace("    waybar.inputs.nixpkgs.follows = \"nixpkgs\";\n", "    waybar.inputs.nixpkgs.follows = \"nixpkgs\";\n    elgato.url = \"github:waxlamp/elgato/flakes\";\n    elgato.inputs.nixpkgs.follows = \"nixpkgs\";\n")
            .Replace("{ nixpkgs, home-manager, hyprland, waybar, ... }@inputs", "{ nixpkgs, home-manager, hyprland, waybar, elgato, ... }@inputs");
        Assert.Equal(expected, result.Flake.Text);
    }

    [Fact]
    public void AddToANestedBlockUsesTheNestedForm()
    {
        var before = TestFlakes.Read("block-nested.nix");
        var result = FlakeEditor.AddInput(Flake(before), "waybar", FlakeReference.Parse("github:Alexays/Waybar/0.9.22"), follows: Follows("nixpkgs=nixpkgs"));
        var expected = before.Replace("""
              inputs = {
                nixpkgs.follows = "nixpkgs";
              };
            };
          };
        """, """
              inputs = {
                nixpkgs.follows = "nixpkgs";
              };
            };
            waybar = {
              url = "github:Alexays/Waybar/0.9.22";
              inputs.nixpkgs.follows = "nixpkgs";
            };
          };
        """);
        Assert.Equal(expected, result.Flake.Text);
    }

    [Fact]
    public void AddToTopLevelFlatInputsAndAListWithoutEllipsis()
    {
        var before = Fixture("kahless");
        var result = FlakeEditor.AddInput(Flake(before), "waybar", FlakeReference.Parse("github:Alexays/Waybar"), isFlake: false);
        var expected = before
            .Replace("  inputs.elgato.url = \"github:waxlamp/elgato/flakes\";\n", "  inputs.elgato.url = \"github:waxlamp/elgato/flakes\";\n  inputs.waybar.url = \"github:Alexays/Waybar\";\n  inputs.waybar.flake = false;\n")
            .Replace("{ self, nixpkgs, nixpkgs-unstable, home-manager, elgato }", "{ self, nixpkgs, nixpkgs-unstable, home-manager, elgato, waybar }");
        Assert.Equal(expected, result.Flake.Text);
    }

    [Fact]
    public void AddToAFlakeWithoutInputsGoesBeforeOutputs()
    {
        var result = FlakeEditor.AddInput(Flake(TestFlakes.Read("no-inputs.nix")), "nixpkgs", FlakeReference.Parse("github:NixOS/nixpkgs/nixos-24.05"));
        Assert.Equal("{\n  description = \"no inputs yet\";\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-24.05\";\n  outputs = { self, nixpkgs }: { };\n}\n", result.Flake.Text);
    }

    [Fact]
    public void AddKeepsCrLf()
    {
        var result = FlakeEditor.AddInput(Flake(TestFlakes.Read("crlf.nix")), "hyprland", FlakeReference.Parse("github:hyprwm/Hyprland"));
        Assert.Equal("{\r\n  inputs = {\r\n    nixpkgs.url = \"github:NixOS/nixpkgs/nixos-24.05\";\r\n    waybar.url = \"github:Alexays/Waybar/0.9.22\";\r\n    hyprland.url = \"github:hyprwm/Hyprland\";\r\n  };\r\n  outputs = { self, nixpkgs, waybar, hyprland }: { };\r\n}\r\n", result.Flake.Text);
    }

    [Fact]
    public void AddRefusesAnExistingName()
    {
        var error = Assert.Throws<FlakeEditException>(() => FlakeEditor.AddInput(Flake(Fixture("kahless")), "elgato", FlakeReference.Parse("github:o/r")));
        Assert.Equal(FlakeEditError.InputExists, error.Error);
    }

    [Fact]
    public void SetReferenceReplacesOnlyTheUrlString()
    {
        var before = Fixture("hostname");
        var flake = Flake(before);
        var reference = flake.FindInput("hyprland")!.Reference!.WithRef("v0.30.0");
        var result = FlakeEditor.SetReference(flake, InputPath.Parse("hyprland"), reference);
        Assert.Equal(before.Replace("github:hyprwm/Hyprland/v0.29.1", "github:hyprwm/Hyprland/v0.30.0"), result.Flake.Text);
        Assert.True(result.Changed);
        Assert.False(FlakeEditor.SetReference(result.Flake, InputPath.Parse("hyprland"), reference).Changed);
    }

    [Fact]
    public void SetReferenceOnTheAttributeFormEditsTheAttributes()
    {
        var before = TestFlakes.Read("attrset-reference.nix");
        var flake = Flake(before);
        var result = FlakeEditor.SetReference(flake, InputPath.Parse("nixpkgs"), flake.FindInput("nixpkgs")!.Reference!.WithRef("nixos-25.05"));
        Assert.Equal(before.Replace("ref = \"nixos-24.05\";", "ref = \"nixos-25.05\";"), result.Flake.Text);

        var pinned = FlakeEditor.SetReference(result.Flake, InputPath.Parse("nixpkgs"), result.Flake.FindInput("nixpkgs")!.Reference!.WithRev("0123456789abcdef0123456789abcdef01234567"));
        // github takes a branch or a commit, not both (Nix refuses the pair): the commit replaces the branch.
        Assert.Equal(before.Replace("ref = \"nixos-24.05\";", "rev = \"0123456789abcdef0123456789abcdef01234567\";"), pinned.Flake.Text);
    }

    [Theory]
    [InlineData("url = github:a/b;", "v2", "url = github:a/b/v2;")]
    [InlineData("url = github:a/b/v1;", "fix/some-branch", "url = github:a/b/fix/some-branch;")]
    [InlineData("url = github:a/b/fix/some-branch;", "fix/other", "url = github:a/b/fix/other;")]
    [InlineData("url = github:a/b?dir=nix;", "v2", "url = github:a/b/v2?dir=nix;")]
    [InlineData("url = git+https://h/x.git?ref=main;", "dev", "url = git+https://h/x.git?ref=dev;")]
    // A ref with '(' cannot be part of a URI literal: then, and only then, the url is quoted.
    [InlineData("url = github:a/b/v1;", "fix(1)", "url = \"github:a/b/fix(1)\";")]
    [InlineData("url = \"github:a/b/v1\";", "fix/some-branch", "url = \"github:a/b/fix/some-branch\";")]
    public void SetRefKeepsAUriLiteralAsWritten(string before, string newRef, string after)
    {
        var text = "{\n  inputs.x." + before + " # pinned\n  inputs.y.url = github:c/d;\n  outputs = { self, ... }: { };\n}\n";
        var flake = Flake(text);
        var result = FlakeEditor.SetReference(flake, InputPath.Parse("x"), flake.FindInput("x")!.Reference!.WithRef(newRef));
        Assert.Equal(text.Replace(before, after), result.Flake.Text);
        Assert.Equal(newRef, result.Flake.FindInput("x")!.Reference!.Ref);
        Assert.False(result.Flake.HasErrors);
    }

    [Fact]
    public void SetRefOnAnAttributeFormGitInputKeepsItsUrl()
    {
        var before = TestFlakes.Read("odd-references.nix");
        var flake = Flake(before);
        var result = FlakeEditor.SetReference(flake, InputPath.Parse("secrets"), flake.FindInput("secrets")!.Reference!.WithRef("fix/x"));
        Assert.Equal(before.Replace("ref = \"main\";", "ref = \"fix/x\";"), result.Flake.Text);
        var scp = FlakeEditor.SetReference(flake, InputPath.Parse("scp"), flake.FindInput("scp")!.Reference!.WithRef("dev"));
        Assert.Equal(before.Replace("url = \"git@host:me/y.git\";", "url = \"git@host:me/y.git\";\n      ref = \"dev\";"), scp.Flake.Text);
        var unquoted = FlakeEditor.SetReference(flake, InputPath.Parse("nixpkgs"), flake.FindInput("nixpkgs")!.Reference!.WithRef("nixos-25.05"));
        Assert.Equal(before.Replace("nixpkgs.url = github:NixOS/nixpkgs/nixos-24.05;", "nixpkgs.url = github:NixOS/nixpkgs/nixos-25.05;"), unquoted.Flake.Text);
    }

    [Fact]
    public void SetReferenceOnAFollowsInputReplacesTheFollows()
    {
        var before = TestFlakes.Read("deep-follows.nix");
        var result = FlakeEditor.SetReference(Flake(before), InputPath.Parse("nixpkgs-stable"), FlakeReference.Parse("github:NixOS/nixpkgs/nixos-24.05"));
        Assert.Equal(before.Replace("nixpkgs-stable.follows = \"nixpkgs\";", "nixpkgs-stable.url = \"github:NixOS/nixpkgs/nixos-24.05\";"), result.Flake.Text);
        Assert.Contains(result.Warnings, w => w.Contains("followed 'nixpkgs'"));
    }

    [Fact]
    public void SetIsFlakeInsertsOrChangesTheFlag()
    {
        var before = TestFlakes.Read("block-nested.nix");
        var flake = Flake(before);
        var result = FlakeEditor.SetIsFlake(flake, InputPath.Parse("theme"), true);
        Assert.Equal(before.Replace("flake = false;", "flake = true;"), result.Flake.Text);
        var nixpkgs = FlakeEditor.SetIsFlake(flake, InputPath.Parse("nixpkgs"), false);
        Assert.Equal(before.Replace("url = \"github:NixOS/nixpkgs/nixos-unstable\";\n", "url = \"github:NixOS/nixpkgs/nixos-unstable\";\n      flake = false;\n"), nixpkgs.Flake.Text);
        Assert.False(FlakeEditor.SetIsFlake(flake, InputPath.Parse("theme"), false).Changed);
    }

    [Fact]
    public void SetFollowsInTheStyleOfTheInput()
    {
        var kahless = Fixture("kahless");
        var flat = FlakeEditor.SetFollows(Flake(kahless), InputPath.Parse("elgato/nixpkgs"), InputPath.Parse("nixpkgs"));
        Assert.Equal(kahless.Replace("  inputs.elgato.url = \"github:waxlamp/elgato/flakes\";\n", "  inputs.elgato.url = \"github:waxlamp/elgato/flakes\";\n  inputs.elgato.inputs.nixpkgs.follows = \"nixpkgs\";\n"), flat.Flake.Text);

        var nested = TestFlakes.Read("block-nested.nix");
        var block = FlakeEditor.SetFollows(Flake(nested), InputPath.Parse("theme/nixpkgs"), InputPath.Parse("nixpkgs"));
        Assert.Equal(nested.Replace("      flake = false;\n", "      flake = false;\n      inputs.nixpkgs.follows = \"nixpkgs\";\n"), block.Flake.Text);

        var deep = TestFlakes.Read("deep-follows.nix");
        var changed = FlakeEditor.SetFollows(Flake(deep), InputPath.Parse("hyprland/hyprlang/systems"), InputPath.Parse("nixpkgs"));
        Assert.Equal(deep.Replace("hyprlang.inputs.systems.follows = \"systems\";", "hyprlang.inputs.systems.follows = \"nixpkgs\";"), changed.Flake.Text);

        var added = FlakeEditor.SetFollows(Flake(deep), InputPath.Parse("hyprland/aquamarine/nixpkgs"), InputPath.Parse("nixpkgs"));
        Assert.Equal(deep.Replace("    hyprland.inputs.aquamarine.inputs.hyprutils.follows = \"hyprland/hyprutils\";\n", "    hyprland.inputs.aquamarine.inputs.hyprutils.follows = \"hyprland/hyprutils\";\n    hyprland.inputs.aquamarine.inputs.nixpkgs.follows = \"nixpkgs\";\n"), added.Flake.Text);

        var empty = FlakeEditor.SetFollows(Flake(kahless), InputPath.Parse("home-manager/nixpkgs"), InputPath.Parse(""));
        Assert.Equal(kahless.Replace("inputs.nixpkgs.follows = \"nixpkgs\";", "inputs.nixpkgs.follows = \"\";"), empty.Flake.Text);
    }

    [Fact]
    public void RemoveTakesEveryBindingCommentAndOutputsArgument()
    {
        var flat = TestFlakes.Read("flat.nix");
        var result = FlakeEditor.RemoveInput(Flake(flat), "home-manager");
        Assert.Equal(flat
            .Replace("  inputs.home-manager.url = \"github:nix-community/home-manager\";\n  inputs.home-manager.inputs.nixpkgs.follows = \"nixpkgs\";\n", "")
            .Replace("{ self, nixpkgs, home-manager }", "{ self, nixpkgs }"), result.Flake.Text);

        var nested = TestFlakes.Read("block-nested.nix");
        var theme = FlakeEditor.RemoveInput(Flake(nested), "theme");
        Assert.Equal(nested.Replace("    # The theme is not a flake.\n    theme = {\n      url = \"github:catppuccin/waybar\";\n      flake = false;\n    };\n", ""), theme.Flake.Text);

        var dotted = TestFlakes.Read("block-dotted.nix");
        var hyprland = FlakeEditor.RemoveInput(Flake(dotted), "hyprland");
        Assert.Equal(dotted
            .Replace("    hyprland.url = \"github:hyprwm/Hyprland/v0.29.1\";\n    hyprland.inputs.nixpkgs.follows = \"nixpkgs\";\n", "")
            .Replace("{ nixpkgs, hyprland, ... }@inputs", "{ nixpkgs, ... }@inputs"), hyprland.Flake.Text);
    }

    [Fact]
    public void RemoveRefusesAnInputTheOutputsStillUse()
    {
        var error = Assert.Throws<FlakeEditException>(() => FlakeEditor.RemoveInput(Flake(Fixture("hostname")), "home-manager"));
        Assert.Equal(FlakeEditError.InvalidEdit, error.Error);
        Assert.Contains("still used by outputs", error.Message);
        Assert.Contains("line 23 (home-manager.lib.homeManagerConfiguration", error.Message);
        // kahless passes elgato on with `inherit elgato;`: a use too.
        Assert.Contains("(inherit elgato;)", Assert.Throws<FlakeEditException>(() => FlakeEditor.RemoveInput(Flake(Fixture("kahless")), "elgato")).Message);
    }

    [Fact]
    public void AnEditThatLeavesAVariableUndefinedIsRefused()
    {
        // `inherit "elgato";` reads the variable elgato as much as `inherit elgato;` does; without the
        // argument, Nix refuses the file with "undefined variable 'elgato'". The guard compares the
        // undefined variables before and after the edit.
        var flake = Flake("{\n  inputs.elgato.url = \"github:o/r\";\n  outputs = { self, elgato }: { inherit \"elgato\"; };\n}\n");
        Assert.False(flake.HasErrors, string.Join("; ", flake.Diagnostics));
        var error = Assert.Throws<FlakeEditException>(() => FlakeEditor.RemoveInput(flake, "elgato"));
        Assert.Equal(FlakeEditError.InvalidEdit, error.Error);
        Assert.Contains("(flake.nix:2:", error.Message); // the line in the file as the edit would leave it
        Assert.Contains("undefined variable 'elgato'", error.Message);
    }

    [Fact]
    public void AFileThatAlreadyHasAnUndefinedVariableStaysReadableAndEditable()
    {
        var flake = Flake("{\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-24.05\";\n  outputs = { self, nixpkgs }: { x = typo; };\n}\n");
        Assert.True(flake.HasErrors);
        Assert.False(flake.HasStructuralErrors);
        var undefined = Assert.Single(flake.Diagnostics, d => d.IsUndefinedVariable);
        Assert.Equal((3, 38), (undefined.Line, undefined.Column));
        Assert.Equal(new[] { "typo" }, flake.UndefinedVariables);
        Assert.Equal("github:NixOS/nixpkgs/nixos-24.05", flake.FindInput("nixpkgs")!.Url);

        var edited = FlakeEditor.SetReference(flake, InputPath.Of("nixpkgs"), FlakeReference.Parse("github:NixOS/nixpkgs/nixos-25.05"));
        Assert.True(edited.Changed);
        Assert.Contains("nixos-25.05", edited.Flake.Text);
        var added = FlakeEditor.AddInput(edited.Flake, "waybar", FlakeReference.Parse("github:Alexays/Waybar"));
        Assert.Equal(new[] { "typo" }, added.Flake.UndefinedVariables);
        // The undefined b stays as it was; an edit that would add an undefined a is still refused.
        var twice = Flake("{\n  inputs.a.url = \"github:o/r\";\n  outputs = { self, a }: { x = b; y = { inherit \"a\"; }; };\n}\n");
        Assert.Contains("undefined variable 'a'", Assert.Throws<FlakeEditException>(() => FlakeEditor.RemoveInput(twice, "a")).Message);
    }

    [Fact]
    public void RemoveWarnsWhenOthersFollowTheInput()
    {
        var result = FlakeEditor.RemoveInput(Flake(TestFlakes.Read("deep-follows.nix")), "systems");
        Assert.Contains(result.Warnings, w => w.Contains("'hyprland/hyprlang/systems' follows 'systems'"));
    }

    [Theory]
    [InlineData("missing")]
    public void UnknownInputsAreReportedWithTheNamesThatExist(string name)
    {
        var error = Assert.Throws<FlakeEditException>(() => FlakeEditor.RemoveInput(Flake(Fixture("kahless")), name));
        Assert.Equal(FlakeEditError.InputNotFound, error.Error);
        Assert.Contains("its inputs are: nixpkgs, nixpkgs-unstable, home-manager, elgato", error.Message);
    }

    [Fact]
    public void BrokenFilesAreNotEdited()
    {
        var error = Assert.Throws<FlakeEditException>(() => FlakeEditor.AddInput(Flake("{ inputs = { a.url = \"x\" }; }"), "b", FlakeReference.Parse("github:o/r")));
        Assert.Equal(FlakeEditError.FlakeInvalid, error.Error);
        Assert.Contains("1:", error.Message);
    }

    /// <summary>Every edit, evaluated by Nix: the inputs are exactly the old ones plus the intended change.</summary>
    [NixFact]
    public void EditedFilesEvaluateToExactlyTheIntendedChange()
    {
        var directory = Directory.CreateTempSubdirectory("flaketools-edit-").FullName;
        try
        {
            JsonNode Evaluate(FlakeFile flake)
            {
                var path = Path.Combine(directory, "flake.nix");
                File.WriteAllText(path, flake.Text);
                return TestFlakes.NixInputs(path);
            }

            var hostname = Flake(Fixture("hostname"));
            var before = Evaluate(hostname);

            var added = FlakeEditor.AddInput(hostname, "elgato", FlakeReference.Parse("github:waxlamp/elgato/flakes"), false, Follows("nixpkgs=nixpkgs")).Flake;
            var expected = before.DeepClone().AsObject();
            expected["elgato"] = new JsonObject { ["url"] = "github:waxlamp/elgato/flakes", ["flake"] = false, ["inputs"] = new JsonObject { ["nixpkgs"] = new JsonObject { ["follows"] = "nixpkgs" } } };
            Assert.Equal(TestFlakes.Canonical(expected), TestFlakes.Canonical(Evaluate(added)));

            var bumped = FlakeEditor.SetReference(added, InputPath.Parse("hyprland"), FlakeReference.Parse("github:hyprwm/Hyprland/v0.30.0")).Flake;
            expected["hyprland"]!["url"] = "github:hyprwm/Hyprland/v0.30.0";
            Assert.Equal(TestFlakes.Canonical(expected), TestFlakes.Canonical(Evaluate(bumped)));

            var followed = FlakeEditor.SetFollows(bumped, InputPath.Parse("waybar/flake-utils/systems"), InputPath.Parse("")).Flake;
            expected["waybar"]!["inputs"]!["flake-utils"] = new JsonObject { ["inputs"] = new JsonObject { ["systems"] = new JsonObject { ["follows"] = "" } } };
            Assert.Equal(TestFlakes.Canonical(expected), TestFlakes.Canonical(Evaluate(followed)));

            var removed = FlakeEditor.RemoveInput(followed, "waybar").Flake;
            expected.Remove("waybar");
            Assert.Equal(TestFlakes.Canonical(expected), TestFlakes.Canonical(Evaluate(removed)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
