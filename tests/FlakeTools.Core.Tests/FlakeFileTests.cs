using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using FlakeTools.Core.Flakes;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests;

public class FlakeFileTests
{
    /// <summary>The model's inputs equal what Nix evaluated (stored beside each case as .inputs.json).</summary>
    [Theory]
    [MemberData(nameof(TestFlakes.Cases), MemberType = typeof(TestFlakes))]
    public void InputsEqualWhatNixEvaluated(string name)
    {
        var flake = FlakeFile.Parse(TestFlakes.Read(name), name);
        Assert.False(flake.HasErrors, string.Join("; ", flake.Diagnostics));
        var expected = JsonNode.Parse(File.ReadAllText(TestFlakes.PathOf(Path.ChangeExtension(name, ".inputs.json"))));
        Assert.Equal(TestFlakes.Canonical(expected), TestFlakes.Canonical(flake.InputsToJson()));
    }

    /// <summary>The same comparison live against the real evaluator, for the cases and the shared real-world flakes.</summary>
    [NixTheory]
    [MemberData(nameof(TestFlakes.Cases), MemberType = typeof(TestFlakes))]
    public void InputsEqualWhatNixEvaluatesNow(string name)
    {
        var flake = FlakeFile.Parse(TestFlakes.Read(name), name);
        Assert.Equal(TestFlakes.Canonical(TestFlakes.NixInputs(TestFlakes.PathOf(name))), TestFlakes.Canonical(flake.InputsToJson()));
    }

    [NixTheory]
    [MemberData(nameof(TestFlakes.SharedFlakes), MemberType = typeof(TestFlakes))]
    public void RealWorldFlakesEqualWhatNixEvaluates(string path)
    {
        var flake = FlakeFile.Parse(File.ReadAllText(path), path);
        Assert.False(flake.HasErrors, string.Join("; ", flake.Diagnostics));
        var nix = TestFlakes.NixInputs(path);
        // A path literal url (url = ../..;) evaluates to its copy in the store: the one difference allowed.
        foreach (var input in flake.Inputs.SelectMany(i => new[] { i }.Concat(i.Descendants())).Where(i => i.UrlIsPathLiteral))
        {
            var node = input.InputPath.Segments.Aggregate((JsonNode?)nix, (n, name) => n == nix ? n?[name] : n?["inputs"]?[name]);
            Assert.StartsWith("/nix/store/", node!["url"]!.GetValue<string>());
            node["url"] = input.Url;
        }
        Assert.Equal(TestFlakes.Canonical(nix), TestFlakes.Canonical(flake.InputsToJson()));
    }

    [Fact]
    public void SharedFixturesAreReadAsTheirAuthorsWroteThem()
    {
        Assert.NotNull(TestPaths.SharedFixtures);
        var hostname = FlakeFile.Parse(File.ReadAllText(Path.Combine(TestPaths.SharedFixtures!, "hostname", "flake.nix")));
        Assert.Equal(new[] { "nixpkgs", "home-manager", "hyprland", "waybar" }, hostname.Inputs.Select(i => i.Name));
        var hyprland = hostname.FindInput("hyprland")!;
        Assert.Equal("github:hyprwm/Hyprland/v0.29.1", hyprland.Url);
        Assert.Equal("v0.29.1", hyprland.Reference!.Ref);
        Assert.Equal(8, hyprland.Line);
        Assert.Equal("nixpkgs", hyprland.Inputs["nixpkgs"].Follows);
        Assert.Equal(new[] { "nixpkgs", "home-manager", "hyprland", "waybar" }, hostname.OutputsPattern!.Formals.Select(f => f.Name));
        Assert.Equal("Hostname Flake", hostname.Description);

        var kahless = FlakeFile.Parse(File.ReadAllText(Path.Combine(TestPaths.SharedFixtures!, "kahless", "flake.nix")));
        Assert.Equal(new[] { "nixpkgs", "nixpkgs-unstable", "home-manager", "elgato" }, kahless.Inputs.Select(i => i.Name));
        Assert.Equal("flakes", kahless.FindInput("elgato")!.Reference!.Ref);
        Assert.False(kahless.OutputsPattern!.HasEllipsis);
    }

    [Fact]
    public void EachInputKnowsItsPositionAndKinds()
    {
        var flake = FlakeFile.Parse(TestFlakes.Read("deep-follows.nix"));
        var hyprland = flake.FindInput("hyprland")!;
        Assert.Equal((5, 5), (hyprland.Line, hyprland.Column));
        Assert.Equal(new[] { "hyprland/nixpkgs", "hyprland/hyprlang", "hyprland/hyprlang/nixpkgs", "hyprland/hyprlang/systems", "hyprland/aquamarine", "hyprland/aquamarine/hyprutils" },
            hyprland.Descendants().Select(d => d.InputPath.ToString()));
        Assert.Equal("", flake.FindInputPath(new[] { "crane", "nixpkgs" })!.Follows);
        var stable = flake.FindInput("nixpkgs-stable")!;
        Assert.Equal("nixpkgs", stable.Follows);
        Assert.Null(stable.Reference);

        var attrs = FlakeFile.Parse(TestFlakes.Read("attrset-reference.nix"));
        Assert.True(attrs.FindInput("nixpkgs")!.UsesAttributeForm);
        Assert.Equal("nixos-24.05", attrs.FindInput("nixpkgs")!.Reference!.Ref);
        Assert.False(attrs.FindInput("src")!.IsFlake);
    }

    [Theory]
    [InlineData("{ inputs.a.url = \"github:o/r\"; inputs.a.follows = \"b\"; outputs = _: { }; }", "both a url and follows")]
    [InlineData("{ inputs.a.url = \"github:o\"; outputs = _: { }; }", "needs an owner and a repository")]
    [InlineData("{ inputs.a.url = \"x\"; inputs.a.url = \"y\"; outputs = _: { }; }", "already defined")]
    [InlineData("{ inputs.a.flake = \"no\"; outputs = _: { }; }", "must be true or false")]
    [InlineData("{ packages = { }; outputs = _: { }; }", "not a flake attribute")]
    [InlineData("[ ]", "must be an attribute set")]
    [InlineData("{ inputs = { a.url = \"x\" }; }", "expected ';'")]
    public void ReportsWhatNixRejects(string text, string messagePart)
    {
        var flake = FlakeFile.Parse(text, "flake.nix");
        Assert.True(flake.HasErrors);
        Assert.Contains(flake.Diagnostics, d => d.Message.Contains(messagePart));
    }

    [Fact]
    public void NonConstantUrlsAreWarnedAbout()
    {
        var flake = FlakeFile.Parse("let v = \"24.05\"; in { inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-${v}\"; outputs = _: { }; }");
        Assert.False(flake.HasErrors);
        Assert.Contains(flake.Diagnostics, d => d.Severity == Syntax.DiagnosticSeverity.Warning && d.Message.Contains("not a constant string"));
        Assert.Null(flake.FindInput("nixpkgs")!.Url);
    }
}
