using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Inputs;
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
        // Nix accepts these flakes, so every reference in them must read.
        Assert.Empty(flake.Inputs.SelectMany(i => new[] { i }.Concat(i.Descendants())).Where(i => i.ReferenceError is not null).Select(i => i.InputPath + ": " + i.ReferenceError));
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

    /// <summary>
    /// Nix wrote each locked input's "original" from the reference in flake.nix: our reading of that
    /// reference, as attributes, must be the same (root inputs whose lock entry is current).
    /// </summary>
    [Theory]
    [MemberData(nameof(TestFlakes.SharedFlakes), MemberType = typeof(TestFlakes))]
    public void RealWorldReferencesEqualWhatNixLocked(string path)
    {
        var lockPath = Path.Combine(Path.GetDirectoryName(path)!, "flake.lock");
        if (!File.Exists(lockPath)) return;
        var flake = FlakeFile.Parse(File.ReadAllText(path), path);
        var lockJson = JsonNode.Parse(File.ReadAllText(lockPath))!;
        var nodes = lockJson["nodes"]!;
        var root = nodes[lockJson["root"]!.GetValue<string>()]!;
        var differences = new System.Collections.Generic.List<string>();
        foreach (var input in flake.Inputs.Where(i => i.Reference is not null))
        {
            if (root["inputs"]?[input.Name] is not JsonValue key || nodes[key.GetValue<string>()]?["original"] is not JsonObject original) continue;
            var ours = string.Join(" ", input.Reference!.ToAttributes().Select(a => a.Key + "=" + a.Value).Order(System.StringComparer.Ordinal));
            var theirs = string.Join(" ", original.Select(p => p.Key + "=" + (p.Value is JsonValue v && v.TryGetValue<bool>(out var b) ? (b ? "1" : "0") : p.Value!.ToString())).Order(System.StringComparer.Ordinal));
            if (ours != theirs) differences.Add($"{input.Name}: ours [{ours}], lock [{theirs}]");
        }
        Assert.Empty(differences);
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
        Assert.Equal("", flake.FindInputPath(InputPath.Of(new[] { "crane", "nixpkgs" }))!.Follows);
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

    /// <summary>
    /// What FlakeTools calls a file-level error, Nix refuses as well: the cmdlets say "nix flake
    /// check shows the same problem", and this keeps that true.
    /// </summary>
    [NixTheory]
    [InlineData("{ inputs.a.url = \"github:o/r\"; inputs.a.follows = \"b\"; outputs = _: { }; }")]
    [InlineData("{ inputs.a.url = \"x\"; inputs.a.url = \"y\"; outputs = _: { }; }")]
    [InlineData("{ inputs.a.flake = \"no\"; outputs = _: { }; }")]
    [InlineData("{ packages = { }; outputs = _: { }; }")]
    [InlineData("[ ]")]
    [InlineData("{ inputs = { a.url = \"x\" }; }")]
    [InlineData("{ inputs.a.foo.bar = 1; outputs = _: { }; }")]
    [InlineData("{ inputs = 1; outputs = _: { }; }")]
    public void FileLevelErrorsAreOnesNixRefuses(string text)
    {
        Assert.True(FlakeFile.Parse(text, "flake.nix").HasErrors);
        var directory = Directory.CreateTempSubdirectory("flaketools-refuse-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "flake.nix"), text);
            var (code, _, stderr) = NixRunner.Run("nix", "flake", "metadata", "--no-write-lock-file", "path:" + directory.FullName);
            Assert.NotEqual(0, code);
            Assert.Contains("error:", stderr);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void OddReferencesAreReadAsNixReadsThem()
    {
        var flake = FlakeFile.Parse(TestFlakes.Read("odd-references.nix"), "flake.nix");
        Assert.False(flake.HasErrors, string.Join("; ", flake.Diagnostics));
        Assert.All(flake.Inputs, i => Assert.Null(i.ReferenceError));
        string Show(string name)
        {
            var r = flake.FindInput(name)!.Reference!;
            return $"{r.Type} {r.Form} owner={r.Owner} repo={r.Repo} ref={r.Ref} rev={r.Rev} url={r.Url} -> {r.ToUrl()}";
        }
        Assert.Equal("github Url owner=NixOS repo=nixpkgs ref=nixos-24.05 rev= url= -> github:NixOS/nixpkgs/nixos-24.05", Show("nixpkgs"));
        Assert.True(flake.FindInput("nixpkgs")!.UrlIsUriLiteral);
        Assert.Equal("github:NixOS/nixpkgs/nixos-24.05", flake.FindInput("nixpkgs")!.Url);
        Assert.Equal("github Url owner=owner repo=repo ref=fix/some-branch rev= url= -> github:owner/repo/fix/some-branch", Show("branch"));
        Assert.Equal("github Url owner=owner repo=repo ref=main rev= url= -> github:/owner/repo/main", Show("leading"));
        Assert.Equal("github Url owner=owner repo=repo ref=x rev= url= -> github:owner/repo/?ref=x", Show("trailing"));
        Assert.Equal("git AttributeSet owner= repo= ref=main rev= url=ssh://git@host/me/x.git -> git+ssh://git@host/me/x.git?ref=main", Show("secrets"));
        Assert.False(flake.FindInput("secrets")!.IsFlake);
        Assert.Equal("git AttributeSet owner= repo= ref= rev= url=git@host:me/y.git -> git+ssh://git@host/me/y.git", Show("scp"));
        Assert.Equal("git Url owner= repo= ref= rev= url=file:///path/dep -> git+file:///path/dep?submodules", Show("dep"));
        Assert.Empty(flake.FindInput("dep")!.Reference!.Parameters);
        var warning = Assert.Single(flake.Diagnostics);
        Assert.Equal((Syntax.DiagnosticSeverity.Warning, 18), (warning.Severity, warning.Line));
        Assert.Equal("input 'dep': 'submodules' in 'git+file:///path/dep?submodules' has no value and Nix ignores it; write submodules=1 if you meant to turn it on", warning.Message);
    }

    [Fact]
    public void AReferenceThatCannotBeReadIsThatInputsProblemOnly()
    {
        var flake = FlakeFile.Parse("""
            {
              inputs = {
                nixpkgs.url = "github:NixOS/nixpkgs";
                broken.url = "github:owner";
                attrs = { owner = "o"; repo = "r"; };
                computed.url = "github:o/r/${"v1"}";
                badtype = { type = "github"; owner = "o"; repo = "r"; url = "https://x"; };
                home-manager.url = "github:nix-community/home-manager";
              };
              outputs = { self, ... }: { };
            }
            """, "flake.nix");
        Assert.False(flake.HasErrors, string.Join("; ", flake.Diagnostics));
        Assert.Equal(new[] { "nixpkgs", "broken", "attrs", "computed", "badtype", "home-manager" }, flake.Inputs.Select(i => i.Name));
        Assert.Equal(new[]
        {
            "nixpkgs: github:NixOS/nixpkgs",
            "broken: 'github:owner' is not a valid flake reference: a github reference needs an owner and a repository: github:<owner>/<repo>[/<branch, tag or commit>]",
            "attrs: '{ ... }' is not a valid flake reference: 'owner' is a reference attribute, which Nix takes only together with 'type' (type = \"github\"; ...); without it Nix refuses the input",
            "computed: its url is not a constant string (line 6); Nix too reads only a constant string or path there (it says 'expected a string but got a thunk')",
            "badtype: '{ type = \"github\"; ... }' is not a valid flake reference: a github reference takes no attribute 'url' (it takes owner, repo, ref, rev, narHash, lastModified, host, treeHash and dir)",
            "home-manager: github:nix-community/home-manager",
        }, flake.Inputs.Select(i => i.Name + ": " + (i.ReferenceError ?? i.Reference!.ToUrl())));
        Assert.All(flake.Diagnostics, d => Assert.Equal(Syntax.DiagnosticSeverity.Warning, d.Severity));
        Assert.Contains(flake.Diagnostics, d => d.Line == 4 && d.Message.StartsWith("input 'broken': 'github:owner' is not a valid flake reference"));

        // Edits of the other inputs, and of the broken one itself, still work.
        var edited = FlakeEditor.SetReference(flake, InputPath.Parse("nixpkgs"), flake.FindInput("nixpkgs")!.Reference!.WithRef("nixos-24.05")).Flake;
        Assert.Contains("nixpkgs.url = \"github:NixOS/nixpkgs/nixos-24.05\";", edited.Text);
        var fixedBroken = FlakeEditor.SetReference(edited, InputPath.Parse("broken"), References.FlakeReference.Parse("github:owner/repo")).Flake;
        Assert.Null(fixedBroken.FindInput("broken")!.ReferenceError);
        Assert.Equal("github:owner/repo", fixedBroken.FindInput("broken")!.Url);
    }

    [Fact]
    public void EveryDiagnosticNamesTheFileItCameFrom()
    {
        // A syntax error, a parse-time check and a flake-level problem: each carries the path, and
        // prints as path:line:column.
        var syntax = FlakeFile.Parse("{\n  inputs.a.url = ;\n}\n", "/etc/nixos/flake.nix");
        var twice = FlakeFile.Parse("{ description = \"a\";\n  description = \"b\"; }", "/etc/nixos/flake.nix");
        var flakeLevel = FlakeFile.Parse("{ inputs.a.url = \"github:o\"; outputs = 1; }", "/etc/nixos/flake.nix");
        foreach (var flake in new[] { syntax, twice, flakeLevel })
        {
            Assert.NotEmpty(flake.Diagnostics);
            Assert.All(flake.Diagnostics, d => Assert.Equal("/etc/nixos/flake.nix", d.FilePath));
            Assert.All(flake.Diagnostics, d => Assert.StartsWith($"/etc/nixos/flake.nix:{d.Line}:{d.Column}: ", d.ToString()));
        }
        Assert.Equal(2, twice.Diagnostics.Single().Line);
        // The tree of an edit keeps the path too.
        var edited = FlakeEditor.SetReference(flakeLevel, InputPath.Parse("a"), References.FlakeReference.Parse("github:o/r")).Flake;
        Assert.All(edited.Diagnostics, d => Assert.Equal("/etc/nixos/flake.nix", d.FilePath));
        Assert.Equal("/etc/nixos/flake.nix", edited.Tree.FilePath);
        // Text from no file has none.
        Assert.All(FlakeFile.Parse("{ foo = 1; }").Diagnostics, d => Assert.Null(d.FilePath));
    }

    [Fact]
    public void AnEditRefusedForAnInvalidFileSaysFileLineAndColumn()
    {
        var flake = FlakeFile.Parse("{ inputs.a.url = \"github:o/r\";\n  x = ; }", "/srv/f/flake.nix");
        var error = Assert.Throws<FlakeEditException>(() => FlakeEditor.SetIsFlake(flake, InputPath.Parse("a"), false));
        Assert.Equal(FlakeEditError.FlakeInvalid, error.Error);
        Assert.Contains("(/srv/f/flake.nix:2:7: ", error.Message);
    }

    [Fact]
    public void LockCrossChecksStillRunBesideAnUnreadableReference()
    {
        var flake = FlakeFile.Parse("{ inputs.a.url = \"github:owner\"; inputs.b.url = \"github:o/b\"; inputs.c.url = \"github:o/c\"; outputs = { self, ... }: { }; }", "flake.nix");
        var lockFile = Locks.FlakeLock.Parse("""
            {
              "nodes": {
                "c": { "locked": { "lastModified": 1700000000, "narHash": "sha256-x", "owner": "o", "repo": "c", "rev": "0123456789abcdef0123456789abcdef01234567", "type": "github" },
                       "original": { "owner": "o", "repo": "c", "type": "github" } },
                "root": { "inputs": { "c": "c" } }
              },
              "root": "root",
              "version": 7
            }
            """, "flake.lock");
        var findings = Project.LockCheck.Check(lockFile, flake, null, System.DateTimeOffset.FromUnixTimeSeconds(1700000000));
        Assert.Equal(new[] { "NotInLock a", "NotInLock b" }, findings.Select(f => f.Id + " " + f.Target).Order());
    }

    [Fact]
    public void InputsSelfIsTheFlakeItselfNotAnInput()
    {
        var flake = FlakeFile.Parse("{ inputs.self.submodules = true; inputs.nixpkgs.url = \"github:NixOS/nixpkgs\"; outputs = { self, nixpkgs }: { }; }", "flake.nix");
        Assert.False(flake.HasErrors, string.Join("; ", flake.Diagnostics));
        Assert.Empty(flake.Diagnostics);
        Assert.Equal(new[] { "nixpkgs" }, flake.Inputs.Select(i => i.Name));
        Assert.Null(flake.FindInput("self"));
        Assert.Equal(true, Assert.Single(flake.Self!.Attributes).Value);
        Assert.Equal("{\"nixpkgs\":{\"url\":\"github:NixOS/nixpkgs\"},\"self\":{\"submodules\":true}}", TestFlakes.Canonical(flake.InputsToJson()));
    }

    [Fact]
    public void NonConstantUrlsAreWarnedAbout()
    {
        var flake = FlakeFile.Parse("let v = \"24.05\"; in { inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-${v}\"; outputs = _: { }; }");
        Assert.False(flake.HasErrors);
        Assert.Contains(flake.Diagnostics, d => d.Severity == Syntax.DiagnosticSeverity.Warning && d.Message.Contains("not a constant string"));
        Assert.Null(flake.FindInput("nixpkgs")!.Url);
        Assert.Equal("its url is not a constant string (line 1); Nix too reads only a constant string or path there (it says 'expected a string but got a thunk')", flake.FindInput("nixpkgs")!.ReferenceError);
    }
}
