using System;
using System.Linq;
using Xunit;

namespace FlakeTools.Syntax.Tests;

public class EditTests
{
    private static AttrSetSyntax Set(SyntaxTree tree, string path)
    {
        SyntaxNode node = tree.Root.Expression!;
        foreach (var name in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = ((AttrSetSyntax)node).Bindings.First(b => string.Join(".", b.AttrPath.StaticNames!) == name).Value!;
        }
        return (AttrSetSyntax)node;
    }

    /// <summary>An edited tree is what a fresh parse of its text gives: same kinds, same trivia on the same tokens.</summary>
    private static void AssertCanonical(SyntaxTree edited)
    {
        var fresh = SyntaxTree.Parse(edited.Text);
        Assert.Equal(SyntaxDump.Dump(fresh.Root), SyntaxDump.Dump(edited.Root));
        // The snippets use free variables (a, f, x): only the grammar is in question here.
        Assert.DoesNotContain(edited.Diagnostics, d => d.Severity == DiagnosticSeverity.Error && !d.IsUndefinedVariable);
    }

    [Fact]
    public void ReplaceNodeKeepsSurroundingCommentsAndSharesUntouchedSubtrees()
    {
        var tree = SyntaxTree.Parse("{\n  a = \"old\"; # keep me\n  b = { c = 1; };\n}\n");
        var value = Set(tree, "").Bindings.First().Value!;
        var edited = SyntaxEditor.ReplaceNode(value, NixString.Quote("new"));
        Assert.Equal("{\n  a = \"new\"; # keep me\n  b = { c = 1; };\n}\n", edited.Text);
        AssertCanonical(edited);
        // Structural sharing: the untouched binding is the very same green node.
        Assert.Same(Set(tree, "").Bindings.Last().Green, Set(edited, "").Bindings.Last().Green);
        // The old tree is unchanged.
        Assert.Equal("{\n  a = \"old\"; # keep me\n  b = { c = 1; };\n}\n", tree.Text);
    }

    [Fact]
    public void ReplaceNodeRefusesInvalidSnippets()
    {
        var tree = SyntaxTree.Parse("{ a = 1; }");
        Assert.Throws<ArgumentException>(() => SyntaxEditor.ReplaceNode(Set(tree, "").Bindings.First().Value!, "{ broken"));
    }

    [Theory]
    [InlineData("{\n  a = 1;\n}\n", "b = 2;", "{\n  a = 1;\n  b = 2;\n}\n")]
    [InlineData("{\r\n    a = 1; # c\r\n}\r\n", "b = 2;", "{\r\n    a = 1; # c\r\n    b = 2;\r\n}\r\n")]
    [InlineData("{\n\ta = 1;\n}", "b = 2;", "{\n\ta = 1;\n\tb = 2;\n}")]
    [InlineData("{ a = 1; }", "b = 2;", "{ a = 1; b = 2; }")]
    [InlineData("{a=1;}", "b = 2;", "{a=1;b = 2;}")]
    [InlineData("{ }", "b = 2;", "{ b = 2; }")]
    [InlineData("{}", "b = 2;", "{ b = 2; }")]
    [InlineData("{\n}\n", "b = 2;", "{\n  b = 2;\n}\n")]
    [InlineData("{\n  x = {\n  };\n}\n", "b = 2;", "{\n  x = {\n    b = 2;\n  };\n}\n", "x")]
    [InlineData("{\n  a = 1;\n}\n", "b = {\n  c = 1;\n};", "{\n  a = 1;\n  b = {\n    c = 1;\n  };\n}\n")]
    [InlineData("{\n  a = 1;\n}\n", "x.url = \"u\";\ny.url = \"v\";", "{\n  a = 1;\n  x.url = \"u\";\n  y.url = \"v\";\n}\n")]
    public void InsertBindingsTakesIndentationAndLineEndingsFromNeighbours(string before, string snippet, string after, string setPath = "")
    {
        var tree = SyntaxTree.Parse(before);
        var edited = SyntaxEditor.InsertBindings(Set(tree, setPath), snippet);
        Assert.Equal(after, edited.Text);
        AssertCanonical(edited);
    }

    [Fact]
    public void InsertBindingsAfterAGivenMember()
    {
        var tree = SyntaxTree.Parse("{\n  a = 1;\n  c = 3;\n}\n");
        var set = Set(tree, "");
        var edited = SyntaxEditor.InsertBindings(set, "b = 2;", set.Bindings.First());
        Assert.Equal("{\n  a = 1;\n  b = 2;\n  c = 3;\n}\n", edited.Text);
    }

    [Theory]
    [InlineData("{\n  a = 1;\n  # about b\n  b = 2; # end of b\n  c = 3;\n}\n", "b", "{\n  a = 1;\n  c = 3;\n}\n")]
    [InlineData("{\n  a = 1;\n\n  # about b\n  b = 2;\n  c = 3;\n}\n", "b", "{\n  a = 1;\n\n  c = 3;\n}\n")]
    [InlineData("{\n  a = 1;\n  b = 2;\n}\n", "b", "{\n  a = 1;\n}\n")]
    [InlineData("{\n  a = 1;\n  b = 2;\n}\n", "a", "{\n  b = 2;\n}\n")]
    [InlineData("{ a = 1; b = 2; }", "a", "{ b = 2; }")]
    [InlineData("{ a = 1; b = 2; }", "b", "{ a = 1; }")]
    [InlineData("{ a = 1;\n  b = 2;\n}\n", "a", "{\n  b = 2;\n}\n")]
    [InlineData("{\r\n  a = 1;\r\n  b = 2;\r\n}\r\n", "a", "{\r\n  b = 2;\r\n}\r\n")]
    public void RemoveMemberTakesItsCommentsAndWhitespace(string before, string name, string after)
    {
        var tree = SyntaxTree.Parse(before);
        var member = Set(tree, "").Bindings.First(b => b.AttrPath.StaticNames![0] == name);
        var edited = SyntaxEditor.RemoveMember(member);
        Assert.Equal(after, edited.Text);
        AssertCanonical(edited);
    }

    [Theory]
    [InlineData("{ a, b, ... }: a", "c", "{ a, b, c, ... }: a")]
    [InlineData("{ a, b }: a", "c", "{ a, b, c }: a")]
    [InlineData("{ ... }: 1", "c", "{ c, ... }: 1")]
    [InlineData("{ }: 1", "c", "{ c }: 1")]
    [InlineData("{\n  a,\n  b,\n  ...\n}: a", "c", "{\n  a,\n  b,\n  c,\n  ...\n}: a")]
    [InlineData("{\n  a,\n  b\n}: a", "c", "{\n  a,\n  b,\n  c\n}: a")]
    [InlineData("{ a\n, b\n, ...\n}: a", "c", "{ a\n, b\n, c\n, ...\n}: a")]
    [InlineData("{ a, ... }@inputs: a", "c ? null", "{ a, c ? null, ... }@inputs: a")]
    public void InsertFormalFollowsThePatternsStyle(string before, string formal, string after)
    {
        var tree = SyntaxTree.Parse(before);
        var pattern = (PatternSyntax)((LambdaSyntax)tree.Root.Expression!).Parameter;
        var edited = SyntaxEditor.InsertFormal(pattern, formal);
        Assert.Equal(after, edited.Text);
        AssertCanonical(edited);
    }

    [Theory]
    [InlineData("{ a, b, c, ... }: a", "b", "{ a, c, ... }: a")]
    [InlineData("{ a, b, c }: a", "c", "{ a, b }: a")]
    [InlineData("{ a, b, c }: a", "a", "{ b, c }: a")]
    [InlineData("{ a }: a", "a", "{ }: a")]
    [InlineData("{\n  a,\n  b,\n  c\n}: a", "c", "{\n  a,\n  b\n}: a")]
    [InlineData("{\n  a,\n  b,\n  c\n}: a", "b", "{\n  a,\n  c\n}: a")]
    [InlineData("{ a\n, b\n, c\n}: a", "b", "{ a\n, c\n}: a")]
    public void RemoveFormalKeepsTheLayout(string before, string name, string after)
    {
        var tree = SyntaxTree.Parse(before);
        var pattern = (PatternSyntax)((LambdaSyntax)tree.Root.Expression!).Parameter;
        var edited = SyntaxEditor.RemoveFormal(pattern.Formals.First(f => f.Name == name));
        Assert.Equal(after, edited.Text);
        AssertCanonical(edited);
    }

    [Fact]
    public void ReplaceTokenRefusesToBreakTheFile()
    {
        var tree = SyntaxTree.Parse("{ a = 1; }");
        var semicolon = tree.Root.DescendantTokens().First(t => t.Kind == SyntaxKind.SemicolonToken);
        Assert.Throws<InvalidOperationException>(() => SyntaxEditor.ReplaceToken(semicolon, "("));
    }
}
