using System.IO;
using System.Linq;
using FlakeTools.NixOracle;
using Xunit;

namespace FlakeTools.Syntax.Tests;

/// <summary>
/// Structure checks that run without nix: each expression is lowered to the desugared form Nix
/// builds (the same lowering the nix-instantiate comparison uses) and compared with what Nix's
/// grammar says it is.
/// </summary>
public class ParserTests
{
    private static string Lower(string text)
    {
        var tree = SyntaxTree.Parse(text);
        // The snippets use free variables (a, f, x): only the grammar is in question here.
        Assert.DoesNotContain(tree.Diagnostics, d => d.Severity == DiagnosticSeverity.Error && !d.IsUndefinedVariable);
        return new Lowering("/base", "/home").Lower(tree).Print();
    }

    [Theory]
    [InlineData("1 + 2 * 3", "(concat 1 (call __mul 2 3))")]
    [InlineData("1 - 2 - 3", "(call __sub (call __sub 1 2) 3)")]
    [InlineData("a ++ b ++ c", "(++ a (++ b c))")]
    [InlineData("a // b // c", "(// a (// b c))")]
    [InlineData("a -> b -> c", "(-> a (-> b c))")]
    [InlineData("a || b && c", "(|| a (&& b c))")]
    [InlineData("!a == b", "(== (! a) b)")]
    [InlineData("! a + b", "(! (concat a b))")]
    [InlineData("!a // b", "(// (! a) b)")]
    [InlineData("-a * b", "(call __mul (call __sub 0 a) b)")]
    [InlineData("-a.b", "(call __sub 0 (select a .\"b\"))")]
    [InlineData("- f x", "(call __sub 0 (call f x))")]
    [InlineData("-a ? b", "(has (call __sub 0 a) .\"b\")")]
    [InlineData("!a ? b", "(! (has a .\"b\"))")]
    [InlineData("a ? b.c ++ d", "(++ (has a .\"b\" .\"c\") d)")]
    [InlineData("a < b", "(call __lessThan a b)")]
    [InlineData("a > b", "(call __lessThan b a)")]
    [InlineData("a <= b", "(! (call __lessThan b a))")]
    [InlineData("a >= b", "(! (call __lessThan a b))")]
    [InlineData("a == b < c", "(== a (call __lessThan b c))")]
    [InlineData("f a b", "(call f a b)")]
    [InlineData("(f a) b", "(call f a b)")]
    [InlineData("f a.b c", "(call f (select a .\"b\") c)")]
    [InlineData("a.b or c d", "(call (select a .\"b\" or c) d)")]
    [InlineData("f or", "(call f or)")]
    [InlineData("x.or", "(select x .\"or\")")]
    [InlineData("<nixpkgs/lib>", "(call __findFile __nixPath \"nixpkgs/lib\")")]
    [InlineData("x:x", "\"x:x\"")]
    [InlineData("x: x", "(lambda @x: x)")]
    [InlineData("a/b", "path:/base/a/b")]
    [InlineData("a / b", "(call __div a b)")]
    [InlineData("./a/${b}/c", "(concat path:/base/a/ b \"/c\")")]
    [InlineData("~/x", "path:/home/x")]
    [InlineData("1.5", "1.5")]
    [InlineData(".5", "0.5")]
    [InlineData("2.5e3", "2500")]
    [InlineData("\"a${b}c\"", "(concat \"a\" b \"c\")")]
    [InlineData("\"$${a}\"", "\"\\$\\${a}\"")]
    [InlineData("''\n  a\n    b\n''", "\"a\\n  b\\n\"")]
    [InlineData("''''$ ''' ''\\n''", "\"\\$ '' \\n\"")]
    [InlineData("{ a.b = 1; a.c = 2; }", "(attrs \"a\" = (attrs \"b\" = 1; \"c\" = 2;);)")]
    [InlineData("1e3", "(call 1 e3)")]
    [InlineData("{ inherit (x) a; inherit b; }", "(attrs \"a\" = (select x .\"a\"); \"b\" inherit;)")]
    [InlineData("let { body = 1; }", "(select (rec-attrs \"body\" = 1;) .\"body\")")]
    [InlineData("{ a ? 1, ... }@args: a", "(lambda @args { a ? 1, ... }: a)")]
    [InlineData("args@{ a }: a", "(lambda @args { a, }: a)")]
    [InlineData("{ }: 1", "(lambda { }: 1)")]
    [InlineData("{ }", "(attrs)")]
    [InlineData("[ 1 (f x) a.b ]", "(list 1 (call f x) (select a .\"b\"))")]
    [InlineData("assert a; with b; c", "(assert a (with b c))")]
    [InlineData("if a then b else c", "(if a b c)")]
    [InlineData("x |> f |> g", "(call g (call f x))")]
    [InlineData("g <| f <| x", "(call g (call f x))")]
    [InlineData("xs ++ [ 1 ] |> map f", "(call map f (++ xs (list 1)))")]
    [InlineData("a -> b |> f", "(call f (-> a b))")]
    [InlineData("f <| a // b", "(call f (// a b))")]
    [InlineData("x |> (y: y)", "(call (lambda @y: y) x)")]
    [InlineData("x: x |> f", "(lambda @x: (call f x))")]
    [InlineData("if c then x |> f else f <| x", "(if c (call f x) (call f x))")]
    [InlineData("x ? a ? b", "(has (has x .\"a\") .\"b\")")]
    public void ParsesAsNixDoes(string source, string desugared) => Assert.Equal(desugared, Lower(source));

    [Theory]
    [InlineData("a == b == c", "do not chain")]
    [InlineData("a < b < c", "do not chain")]
    [InlineData("1 + if a then b else c", "expected an expression, found 'if'")]
    [InlineData("[ -1 ]", "cannot start with '-'")]
    [InlineData("{ a = 1 }", "expected ';'")]
    [InlineData("./a/", "trailing slash")]
    [InlineData("\uFEFF1", "byte order mark")]
    [InlineData("1 2 }", "after the end of the expression")]
    [InlineData("x |> f <| y", "do not mix")]
    [InlineData("f <| x |> g", "do not mix")]
    [InlineData("x |> if a then b else c", "expected an expression, found 'if'")]
    [InlineData("{ a = 1; a = 2; }", "already defined")]
    [InlineData("let ${x} = 1; in 2", "not allowed in 'let'")]
    public void RejectsWhatNixRejects(string source, string messagePart)
    {
        var tree = SyntaxTree.Parse(source);
        Assert.True(tree.HasErrors);
        Assert.Contains(tree.Diagnostics, d => d.Message.Contains(messagePart));
    }

    [Fact]
    public void DiagnosticsSayWhereWithLineAndColumn()
    {
        var tree = SyntaxTree.Parse("{\n  a = 1;\n  b = 2\n}\n");
        var diagnostic = Assert.Single(tree.Diagnostics);
        Assert.Equal(4, diagnostic.Line);
        Assert.Equal(1, diagnostic.Column);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("expected ';'", diagnostic.Message);
        Assert.Equal("4:1: error: expected ';' after the attribute's value, found '}'", diagnostic.ToString());
    }

    [Fact]
    public void PositionsAreDerivedPerLineWithCrLf()
    {
        var tree = SyntaxTree.Parse("{\r\n  a = 1;\r\n  bb = 2;\r\n}");
        var binding = tree.Root.DescendantNodes().OfType<BindingSyntax>().Last();
        Assert.Equal(new LinePosition(3, 3), binding.StartPosition);
        Assert.Equal("bb = 2;", binding.ToString());
        Assert.Equal("\r\n", tree.LineEnding);
    }

    [Fact]
    public void FindNodeGivesTheInnermostNodeAtAPosition()
    {
        var tree = SyntaxTree.Parse("{ a = [ 1 x ]; }");
        var node = tree.Root.FindNode(tree.Text.IndexOf('x'));
        Assert.Equal(SyntaxKind.Identifier, node.Kind);
        Assert.Equal("x", node.ToString());
        Assert.Equal(SyntaxKind.List, node.Parent!.Kind);
        Assert.Equal(SyntaxKind.AttrSet, tree.Root.FindNode(0).Kind);
    }

    [Fact]
    public void TypedNodesExposeTheFlakeShapes()
    {
        var text = TestData.Read(Path.Combine(TestData.ParserDirectory, "success", "flake.nix"));
        var tree = SyntaxTree.Parse(text);
        var top = Assert.IsType<AttrSetSyntax>(tree.Root.Expression);
        Assert.Equal(new[] { "description", "inputs", "inputs.hyprland.url", "outputs" },
            top.Bindings.Select(b => string.Join(".", b.AttrPath.StaticNames!)));
        var inputs = Assert.IsType<AttrSetSyntax>(top.Bindings.ElementAt(1).Value);
        Assert.Equal(new[] { "nixpkgs.url", "home-manager", "quoted-input.url", "src" },
            inputs.Bindings.Select(b => string.Join(".", b.AttrPath.StaticNames!)));
        var url = Assert.IsType<StringSyntax>(inputs.Bindings.First().Value);
        Assert.Equal("github:nixos/nixpkgs/nixos-23.05", url.ConstantValue);
        var outputs = Assert.IsType<LambdaSyntax>(top.Bindings.Last().Value);
        var pattern = Assert.IsType<PatternSyntax>(outputs.Parameter);
        Assert.Equal(new[] { "self", "nixpkgs", "home-manager" }, pattern.Formals.Select(f => f.Name));
        Assert.True(pattern.HasEllipsis);
        Assert.Equal("inputs", pattern.BindName);
    }
}
