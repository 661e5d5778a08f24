using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Xunit;

namespace FlakeTools.Syntax.Tests;

/// <summary>The typed nodes a static reader walks: operators, conditions, literals, paths, interpolations.</summary>
public class ExpressionNodeTests
{
    private static T Expression<T>(string text) where T : SyntaxNode
    {
        var tree = SyntaxTree.Parse(text);
        // The snippets use free variables (a, f, x): only the grammar is in question here.
        Assert.DoesNotContain(tree.Diagnostics, d => d.Severity == DiagnosticSeverity.Error && !d.IsUndefinedVariable);
        return Assert.IsType<T>(tree.Root.Expression);
    }

    [Fact]
    public void IfElseHasConditionThenAndElse()
    {
        var node = Expression<IfElseSyntax>("if a.enable then [ 1 ] else null");
        Assert.Equal("a.enable", node.Condition.ToString());
        Assert.IsType<ListSyntax>(node.Then);
        Assert.Equal("null", Assert.IsType<IdentifierSyntax>(node.Else).Name);
    }

    [Fact]
    public void AssertHasConditionAndBody()
    {
        var node = Expression<AssertSyntax>("assert x != null; x");
        var condition = Assert.IsType<BinaryOpSyntax>(node.Condition);
        Assert.Equal(BinaryOperator.NotEqual, condition.Operator);
        Assert.Equal("x", node.Body.ToString());
    }

    [Theory]
    [InlineData("a + b", BinaryOperator.Add)]
    [InlineData("a - b", BinaryOperator.Subtract)]
    [InlineData("a * b", BinaryOperator.Multiply)]
    [InlineData("a / b", BinaryOperator.Divide)]
    [InlineData("a ++ b", BinaryOperator.Concat)]
    [InlineData("a // b", BinaryOperator.Update)]
    [InlineData("a == b", BinaryOperator.Equal)]
    [InlineData("a != b", BinaryOperator.NotEqual)]
    [InlineData("a < b", BinaryOperator.Less)]
    [InlineData("a <= b", BinaryOperator.LessOrEqual)]
    [InlineData("a > b", BinaryOperator.Greater)]
    [InlineData("a >= b", BinaryOperator.GreaterOrEqual)]
    [InlineData("a && b", BinaryOperator.And)]
    [InlineData("a || b", BinaryOperator.Or)]
    [InlineData("a -> b", BinaryOperator.Implication)]
    [InlineData("a |> b", BinaryOperator.PipeInto)]
    [InlineData("a <| b", BinaryOperator.PipeFrom)]
    public void BinaryOperatorsAreNamed(string text, BinaryOperator op)
    {
        var node = Expression<BinaryOpSyntax>(text);
        Assert.Equal(op, node.Operator);
        Assert.Equal("a", node.Left.ToString());
        Assert.Equal("b", node.Right.ToString());
        Assert.Equal(text.Split(' ')[1], node.OperatorToken.Text);
    }

    [Fact]
    public void PipesSayWhichSideIsTheFunction()
    {
        var into = Expression<BinaryOpSyntax>("xs |> map f");
        Assert.True(into.IsPipe);
        Assert.Equal("map f", into.PipeFunction!.ToString());
        Assert.Equal("xs", into.PipeArgument!.ToString());
        var from = Expression<BinaryOpSyntax>("map f <| xs");
        Assert.Equal("map f", from.PipeFunction!.ToString());
        Assert.Equal("xs", from.PipeArgument!.ToString());
        var plus = Expression<BinaryOpSyntax>("a + b");
        Assert.False(plus.IsPipe);
        Assert.Null(plus.PipeFunction);
    }

    [Fact]
    public void PipeIntoGroupsLeftAndPipeFromGroupsRight()
    {
        var into = Expression<BinaryOpSyntax>("x |> f |> g");
        Assert.Equal("x |> f", into.Left.ToString());
        Assert.Equal("g", into.Right.ToString());
        var from = Expression<BinaryOpSyntax>("g <| f <| x");
        Assert.Equal("g", from.Left.ToString());
        Assert.Equal("f <| x", from.Right.ToString());
    }

    [Fact]
    public void UnaryOperators()
    {
        var not = Expression<UnaryOpSyntax>("!a.b");
        Assert.Equal(UnaryOperator.Not, not.Operator);
        Assert.Equal("a.b", not.Operand.ToString());
        var negate = Expression<UnaryOpSyntax>("-x");
        Assert.Equal(UnaryOperator.Negate, negate.Operator);
        Assert.Equal("-", negate.OperatorToken.Text);
    }

    [Fact]
    public void HasAttrHasExpressionAndPath()
    {
        var node = Expression<HasAttrSyntax>("config ? services.nginx");
        Assert.Equal("config", node.Expression.ToString());
        Assert.Equal(new[] { "services", "nginx" }, node.AttrPath.StaticNames);
    }

    [Theory]
    [InlineData("42", LiteralKind.Integer, 42L)]
    [InlineData("9223372036854775807", LiteralKind.Integer, long.MaxValue)]
    [InlineData("1.5", LiteralKind.Float, 1.5)]
    [InlineData(".5", LiteralKind.Float, 0.5)]
    [InlineData("2.5e3", LiteralKind.Float, 2500.0)]
    [InlineData("https://example.org/a?b=c", LiteralKind.Uri, "https://example.org/a?b=c")]
    public void LiteralsHaveValues(string text, LiteralKind kind, object value)
    {
        var node = Expression<LiteralSyntax>(text);
        Assert.Equal(kind, node.LiteralKind);
        Assert.Equal(value, node.Value);
        Assert.Equal(text, node.Text);
        Assert.Equal(kind == LiteralKind.Integer ? value : null, node.IntegerValue);
        Assert.Equal(kind == LiteralKind.Float ? value : null, node.FloatValue);
    }

    [Fact]
    public void AnIntegerNixRefusesHasNoValue()
    {
        var tree = SyntaxTree.Parse("9223372036854775808");
        var node = Assert.IsType<LiteralSyntax>(tree.Root.Expression);
        Assert.Null(node.IntegerValue);
        Assert.Contains(tree.Diagnostics, d => d.Message.Contains("invalid integer"));
    }

    [Theory]
    [InlineData("./hosts/a.nix", PathKind.Relative)]
    [InlineData("../a", PathKind.Relative)]
    [InlineData("a/b", PathKind.Relative)]
    [InlineData("/etc/nixos", PathKind.Absolute)]
    [InlineData("~/x", PathKind.Home)]
    public void StaticPaths(string text, PathKind kind)
    {
        var node = Expression<PathSyntax>(text);
        Assert.Equal(kind, node.PathKind);
        Assert.True(node.IsStatic);
        Assert.Equal(text, node.StaticText);
        var part = Assert.Single(node.Parts);
        Assert.Equal(text, part.Text);
    }

    [Fact]
    public void PathsWithInterpolationHaveParts()
    {
        var node = Expression<PathSyntax>("./hosts/${name}/default.nix");
        Assert.False(node.IsStatic);
        Assert.Null(node.StaticText);
        Assert.Equal(3, node.Parts.Count);
        Assert.Equal("./hosts/", node.Parts[0].Text);
        Assert.Equal("name", Assert.IsType<IdentifierSyntax>(node.Parts[1].Interpolation!.Expression).Name);
        Assert.Equal("/default.nix", node.Parts[2].Text);
    }

    [Fact]
    public void SearchPathHasItsName()
    {
        Assert.Equal("nixpkgs/lib", Expression<SearchPathSyntax>("<nixpkgs/lib>").Name);
    }

    [Fact]
    public void InterpolationsInStringsAndNames()
    {
        var text = Expression<StringSyntax>("\"a${b}c\"");
        var interpolation = Assert.Single(text.ChildNodes().OfType<InterpolationSyntax>());
        Assert.Equal("b", interpolation.Expression.ToString());
        var set = Expression<AttrSetSyntax>("{ ${n} = 1; }");
        var name = Assert.IsType<InterpolationSyntax>(set.Bindings.Single().AttrPath.Parts.Single());
        Assert.Equal("n", name.Expression.ToString());
    }

    [Fact]
    public void DiagnosticsCarryTheFileWhenOneIsGiven()
    {
        var tree = SyntaxTree.Parse("{ a = 1; a = 2; }", "/etc/nixos/flake.nix");
        Assert.Equal("/etc/nixos/flake.nix", tree.FilePath);
        var diagnostic = Assert.Single(tree.Diagnostics);
        Assert.Equal("/etc/nixos/flake.nix", diagnostic.FilePath);
        Assert.StartsWith("/etc/nixos/flake.nix:1:10: error: attribute 'a' is already defined at line 1, column 3", diagnostic.ToString());
        var plain = Assert.Single(SyntaxTree.Parse("{ a = 1; a = 2; }").Diagnostics);
        Assert.Null(plain.FilePath);
        Assert.StartsWith("1:10: error:", plain.ToString());
        Assert.Equal("x.nix", plain.WithFilePath("x.nix").FilePath);
    }

    [Fact]
    public void AWideSetGivesEveryChildItsPosition()
    {
        var builder = new StringBuilder("{\n");
        for (var i = 0; i < 5000; i++) builder.Append("  a").Append(i).Append(" = ").Append(i).Append(";\n");
        builder.Append("}\n");
        var text = builder.ToString();
        var set = Assert.IsType<AttrSetSyntax>(SyntaxTree.Parse(text).Root.Expression);
        var i2 = 0;
        foreach (var binding in set.Bindings)
        {
            var expected = $"a{i2} = {i2};";
            Assert.Equal(text.IndexOf("  " + expected + "\n", StringComparison.Ordinal) + 2, binding.Span.Start);
            Assert.Equal(expected, binding.ToString());
            i2++;
        }
        Assert.Equal(5000, i2);
    }

    [Fact]
    public void ManyThreadsReadingOneTreeSeeOneNodePerChild()
    {
        var builder = new StringBuilder("{\n");
        for (var i = 0; i < 2000; i++) builder.Append("  a").Append(i).Append(".b = { c = [ ").Append(i).Append(" ]; };\n");
        builder.Append("}\n");
        var tree = SyntaxTree.Parse(builder.ToString());
        var seen = new ConcurrentBag<(RootSyntax Root, SyntaxNode[] Nodes)>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            var root = tree.Root;
            seen.Add((root, root.DescendantNodes().ToArray()));
        });
        var all = seen.ToArray();
        Assert.All(all, s => Assert.Same(all[0].Root, s.Root));
        for (var i = 0; i < all[0].Nodes.Length; i++)
        {
            foreach (var other in all) Assert.Same(all[0].Nodes[i], other.Nodes[i]);
        }
        Assert.Equal(tree.Text, tree.Root.ToFullString());
    }
}
