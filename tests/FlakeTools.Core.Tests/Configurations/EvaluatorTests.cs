using System;
using System.IO;
using System.Linq;
using FlakeTools.Core.Evaluation;
using Xunit;

namespace FlakeTools.Core.Tests.Configurations;

/// <summary>The static reader on small snippets: what it knows, and what it says it cannot know.</summary>
public class EvaluatorTests
{
    private static NixValue Eval(string text, string? directory = null)
    {
        var evaluator = new Evaluator();
        if (directory is not null) evaluator.FallbackDirectory = directory;
        return Deep(evaluator, evaluator.EvaluateText(text));
    }

    // Forces lists and sets so that tests can compare whole values.
    private static NixValue Deep(Evaluator evaluator, NixValue value)
    {
        switch (value)
        {
            case ListValue list:
                foreach (var item in list.Items) Deep(evaluator, evaluator.Force(item));
                break;
            case AttrSetValue set:
                foreach (var thunk in set.Attributes.Values) Deep(evaluator, evaluator.Force(thunk));
                break;
        }
        return value;
    }

    private static string Show(NixValue value) => value switch
    {
        ListValue list => "[ " + string.Join(" ", list.Items.Select(i => Show(i.ValueIfForced!))) + " ]",
        AttrSetValue set => "{ " + string.Join(" ", set.Attributes.Select(p => p.Key + " = " + Show(p.Value.ValueIfForced!) + ";")) + " }",
        UnknownValue => "?",
        _ => value.ToString()!,
    };

    [Theory]
    [InlineData("let a = 1; b = a + 1; in b", "2")]
    [InlineData("rec { a = 1; b = a; }", "{ a = 1; b = 1; }")]
    [InlineData("let x = { a = 1; }; in with x; a", "1")]
    [InlineData("let a = 2; in with { a = 1; }; a", "2")]
    [InlineData("let s = { a = 1; b = 2; }; in { inherit (s) a; c = s.b; }", "{ a = 1; c = 2; }")]
    [InlineData("{ a = 1; } // { b = 2; a = 3; }", "{ a = 3; b = 2; }")]
    [InlineData("{ a.b = 1; a.c = 2; a = { d = 3; }; }", "{ a = { b = 1; c = 2; d = 3; }; }")]
    [InlineData("let n = \"x\"; in { ${n} = 1; \"y\" = 2; }", "{ x = 1; y = 2; }")]
    [InlineData("(x: { y = x; }) 1", "{ y = 1; }")]
    [InlineData("({ a, b ? a + 1, ... }@all: [ a b all.c ]) { a = 1; c = 5; }", "[ 1 2 5 ]")]
    [InlineData("map (x: x + 1) [ 1 2 ]", "[ 2 3 ]")]
    [InlineData("builtins.listToAttrs (map (n: { name = n; value = n + \"!\"; }) [ \"a\" \"b\" ])", "{ a = \"a!\"; b = \"b!\"; }")]
    [InlineData("builtins.attrNames { b = 1; a = 2; }", "[ \"a\" \"b\" ]")]
    [InlineData("if 1 < 2 && !false then \"yes\" else \"no\"", "\"yes\"")]
    [InlineData("[ 1 ] ++ [ 2 ]", "[ 1 2 ]")]
    [InlineData("\"a${toString 1}b\"", "\"a1b\"")]
    [InlineData("{ a = 1; } ? a", "true")]
    [InlineData("{ a = 1; }.b or 3", "3")]
    [InlineData("builtins.foldl' (acc: x: acc + x) 0 [ 1 2 3 ]", "6")]
    [InlineData("builtins.filter (x: x != 2) [ 1 2 3 ]", "[ 1 3 ]")]
    [InlineData("let a = 1; in let inherit a; in a", "1")]
    public void EvaluatesKnownValues(string text, string expected) => Assert.Equal(expected, Show(Eval(text)));

    [Theory]
    [InlineData("lib: lib.genAttrs [ \"a\" \"b\" ] (n: n + \"1\")", "{ a = \"a1\"; b = \"b1\"; }")]
    [InlineData("lib: lib.mapAttrs (n: v: v + 1) { a = 1; }", "{ a = 2; }")]
    [InlineData("lib: lib.mergeAttrsList [ { a = 1; } { b = 2; } { a = 3; } ]", "{ a = 3; b = 2; }")]
    [InlineData("lib: lib.optional true 1 ++ lib.optional false 2 ++ lib.optionals true [ 3 4 ]", "[ 1 3 4 ]")]
    [InlineData("lib: lib.optionalAttrs false { a = 1; } // { b = 2; }", "{ b = 2; }")]
    [InlineData("lib: lib.attrsets.mapAttrs' (n: v: lib.nameValuePair (n + \"x\") v) { a = 1; }", "{ ax = 1; }")]
    [InlineData("lib: lib.mapAttrsToList (n: v: n) { b = 1; a = 2; }", "[ \"a\" \"b\" ]")]
    [InlineData("lib: lib.flatten [ 1 [ 2 [ 3 ] ] ]", "[ 1 2 3 ]")]
    [InlineData("lib: lib.recursiveUpdate { a.b = 1; a.c = 2; } { a.b = 3; }", "{ a = { b = 3; c = 2; }; }")]
    [InlineData("lib: lib.filterAttrs (n: v: v > 1) { a = 1; b = 2; }", "{ b = 2; }")]
    [InlineData("lib: lib.removeSuffix \".nix\" \"host.nix\"", "\"host\"")]
    [InlineData("lib: (lib.makeExtensible (self: { a = 1; b = self.a + 1; })).extend (final: prev: { a = 10; })", "{ a = 10; b = 11; extend = <extend>; }")]
    public void UnderstandsTheLibFunctionsThatShapeConfigurations(string function, string expected)
    {
        // The functions come through an input's lib, as flakes use them (nixpkgs.lib.genAttrs).
        var text = $"let nixpkgsLib = (x: x) NIXPKGS.lib; in ({function}) nixpkgsLib";
        var evaluator = new Evaluator();
        var tree = FlakeTools.Syntax.SyntaxTree.Parse(text.Replace("NIXPKGS", "inputs.nixpkgs", StringComparison.Ordinal));
        var inputs = new AttrSetValue(new System.Collections.Generic.SortedDictionary<string, Thunk>(StringComparer.Ordinal)
        {
            ["nixpkgs"] = Thunk.Of(new ExternalValue("nixpkgs", Array.Empty<string>(), null)),
        }, null);
        var scope = Scope.Root.Bind(new System.Collections.Generic.Dictionary<string, Thunk> { ["inputs"] = Thunk.Of(inputs) });
        var value = Deep(evaluator, evaluator.Evaluate(tree.Root, scope));
        Assert.Equal(expected, Show(value));
    }

    [Fact]
    public void MkIfWithAnUnknownConditionKeepsTheConditionText()
    {
        var value = Eval("lib: lib.mkIf config.enable { a = 1; }");
        Assert.IsType<LambdaValue>(value);
        var evaluator = new Evaluator();
        var applied = evaluator.Apply(evaluator.EvaluateText("{ lib, config }: lib.mkIf config.services.x.enable { a = 1; }"),
            Thunk.Of(new AttrSetValue(new System.Collections.Generic.SortedDictionary<string, Thunk>(StringComparer.Ordinal)
            {
                ["lib"] = Thunk.Of(new ExternalValue("lib", Array.Empty<string>(), null, ExternalRootKind.Argument)),
                ["config"] = Thunk.Of(new ExternalValue("config", Array.Empty<string>(), null, ExternalRootKind.Argument)),
            }, null)), null);
        var conditional = Assert.IsType<ConditionalValue>(applied);
        Assert.Equal("config.services.x.enable", conditional.ConditionText);
        Assert.False(conditional.Condition.IsKnown);
    }

    [Theory]
    [InlineData("x", "undefined variable `x`")]
    [InlineData("{ a = 1; }.b", "attribute `b` missing")]
    [InlineData("let x = x; in x", "depends on itself")]
    [InlineData("<nixpkgs>", "NIX_PATH")]
    [InlineData("builtins.getEnv \"HOME\"", "known only when Nix evaluates it")]
    [InlineData("throw \"no\"", "throws: no")]
    public void SaysWhyInsteadOfGuessing(string text, string reason)
    {
        var value = Assert.IsType<UnknownValue>(Eval(text));
        Assert.Contains(reason, value.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownConditionMakesTheIfUnknownWithItsText()
    {
        var value = Assert.IsType<UnknownValue>(Eval("let c = builtins.getEnv \"X\" == \"1\"; in if c then 1 else 2"));
        Assert.Contains("the condition `c` is unknown", value.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheStepBudgetStopsEndlessRecursionWithAReason()
    {
        var evaluator = new Evaluator(stepLimit: 5_000);
        var value = evaluator.EvaluateText("let f = n: f (n + 1); in f 0");
        var unknown = Assert.IsType<UnknownValue>(value);
        Assert.True(unknown.Reason.Contains("budget", StringComparison.Ordinal) || unknown.Reason.Contains("nested deeper", StringComparison.Ordinal), unknown.Reason);
    }

    [Fact]
    public void FollowsImportsOfFilesAndReadsEachOnce()
    {
        using var dir = new TempTree(
            ("a.nix", "{ x }: { y = x + 1; z = import ./b.nix; }"),
            ("b.nix", "[ ./c \"${./c}/d\" ]"),
            ("c/default.nix", "1"));
        var evaluator = new Evaluator { FallbackDirectory = dir.Path };
        var value = Deep(evaluator, evaluator.EvaluateText("[ (import ./a.nix { x = 1; }) (import ./a.nix { x = 2; }) (import ./c) ]"));
        Assert.Equal($"[ {{ y = 2; z = [ {dir.Path}/c \"{dir.Path}/c/d\" ]; }} {{ y = 3; z = [ {dir.Path}/c \"{dir.Path}/c/d\" ]; }} 1 ]", Show(value));
        Assert.Equal(3, evaluator.Files.ParsedCount);
    }

    [Fact]
    public void ReadsDirectoriesStatically()
    {
        using var dir = new TempTree(("hosts/a/default.nix", "1"), ("hosts/b/default.nix", "2"), ("hosts/README", ""));
        var value = Eval("builtins.attrNames (builtins.readDir ./hosts)", dir.Path);
        Assert.Equal("[ \"README\" \"a\" \"b\" ]", Show(value));
        var onlyDirs = Eval("let d = builtins.readDir ./hosts; in builtins.filter (n: d.${n} == \"directory\") (builtins.attrNames d)", dir.Path);
        Assert.Equal("[ \"a\" \"b\" ]", Show(onlyDirs));
    }

    [Fact]
    public void AnImportOfAMissingFileIsUnknownWithThePath()
    {
        using var dir = new TempTree(("x.nix", "1"));
        var value = Assert.IsType<UnknownValue>(Eval("import ./missing.nix", dir.Path));
        Assert.Contains("missing.nix does not exist", value.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileTheReaderParsesNamesItselfInItsDiagnostics()
    {
        using var dir = new TempTree(("broken.nix", "{\n  x = ;\n}\n"));
        var file = new SourceFiles().Open(System.IO.Path.Combine(dir.Path, "broken.nix"));
        var diagnostic = Assert.Single(file.Tree!.Diagnostics);
        Assert.Equal(file.Path, diagnostic.FilePath);
        Assert.StartsWith(file.Path + ":2:7: error: ", diagnostic.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryValueKeepsItsSourceNode()
    {
        var evaluator = new Evaluator();
        var set = Assert.IsType<AttrSetValue>(evaluator.EvaluateText("{\n  a = \"x\";\n}"));
        var a = evaluator.Force(set.Get("a")!);
        Assert.Equal("\"x\"", a.Source!.ToString());
        Assert.Equal(2, a.Source.StartPosition.Line);
    }

    [Fact]
    public void ValuesFromInputsStayNamed()
    {
        var evaluator = new Evaluator();
        var tree = FlakeTools.Syntax.SyntaxTree.Parse("{ a = nixpkgs.legacyPackages.x86_64-linux; b = \"${nixpkgs}/nixos/modules\"; c = import nixpkgs { system = \"x\"; }; }");
        var scope = Scope.Root.Bind(new System.Collections.Generic.Dictionary<string, Thunk> { ["nixpkgs"] = Thunk.Of(new ExternalValue("nixpkgs", Array.Empty<string>(), null)) });
        var set = Assert.IsType<AttrSetValue>(evaluator.Evaluate(tree.Root, scope));
        Assert.Equal("nixpkgs.legacyPackages.x86_64-linux", Assert.IsType<ExternalValue>(evaluator.Force(set.Get("a")!)).DisplayName);
        Assert.Equal("nixpkgs + \"/nixos/modules\"", Assert.IsType<ExternalValue>(evaluator.Force(set.Get("b")!)).DisplayName);
        var imported = Assert.IsType<ImportedInputValue>(evaluator.Force(set.Get("c")!));
        Assert.Equal("nixpkgs", imported.Input.DisplayName);
        Assert.NotNull(imported.Argument);
    }
}

/// <summary>A temporary folder of files, deleted afterwards.</summary>
internal sealed class TempTree : IDisposable
{
    public TempTree(params (string Path, string Text)[] files)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "flaketools-config-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
        foreach (var (path, text) in files) Write(path, text);
    }

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Write(string relative, string text)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, true); } catch (IOException) { }
    }
}
