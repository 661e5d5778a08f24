using System.Linq;
using Xunit;

namespace FlakeTools.Syntax.Tests;

public class TriviaTests
{
    [Fact]
    public void OwnLineCommentBelongsToTheFollowingTokenAndEndOfLineCommentToThePreviousOne()
    {
        var tree = SyntaxTree.Parse("{\n  a = 1; # about a\n  # about b\n  b = 2;\n}\n");
        var bindings = tree.Root.DescendantNodes().OfType<BindingSyntax>().ToList();

        var semicolonOfA = bindings[0].LastToken()!;
        Assert.Equal(new[] { " ", "# about a", "\n" }, semicolonOfA.TrailingTrivia.Select(t => t.Text));

        var nameOfB = bindings[1].FirstToken()!;
        Assert.Equal(new[] { "  ", "# about b", "\n", "  " }, nameOfB.LeadingTrivia.Select(t => t.Text));
        Assert.Equal(SyntaxKind.LineComment, nameOfB.LeadingTrivia[1].Kind);

        Assert.Equal("  # about b\n  b = 2;\n", bindings[1].ToFullString());
        Assert.Equal("b = 2;", bindings[1].ToString());
    }

    [Fact]
    public void TrailingTriviaStopsAtTheFirstLineBreak()
    {
        var tree = SyntaxTree.Parse("x: # c\n\n  x");
        var colon = tree.Root.DescendantTokens().First(t => t.Kind == SyntaxKind.ColonToken);
        Assert.Equal(new[] { SyntaxKind.Whitespace, SyntaxKind.LineComment, SyntaxKind.EndOfLine }, colon.TrailingTrivia.Select(t => t.Kind));
        var body = tree.Root.DescendantTokens().Last(t => t.Kind == SyntaxKind.IdentifierToken);
        Assert.Equal(new[] { SyntaxKind.EndOfLine, SyntaxKind.Whitespace }, body.LeadingTrivia.Select(t => t.Kind));
    }

    [Fact]
    public void TriviaAtTheEndOfTheFileHangsOnTheEndOfFileToken()
    {
        var tree = SyntaxTree.Parse("1\n# end\n");
        Assert.Equal(new[] { "# end", "\n" }, tree.Root.EndOfFile.LeadingTrivia.Select(t => t.Text));
    }

    [Fact]
    public void StringContentIsNeverTrivia()
    {
        var tree = SyntaxTree.Parse("\"  # not a comment  \"");
        Assert.DoesNotContain(tree.Root.DescendantTokens(), t => t.LeadingTrivia.Count + t.TrailingTrivia.Count > 0);
    }
}
