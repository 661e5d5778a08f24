using System.Linq;
using Xunit;

namespace FlakeTools.Syntax.Tests;

public class RoundTripTests
{
    public static readonly TheoryData<string> Inputs = new()
    {
        "",
        " ",
        "\n",
        "1",
        "{ a = 1; }",
        "{ a = 1; }\r\n",
        "{\r\n  a = 1;\r\n}",
        "{\n\ta = 1;\n}",
        "\uFEFF{ a = 1; }\n",
        "{ a = \"é ü 你好 🙂\"; }",
        "# only a comment",
        "/* only a block */",
        "{ a = 1; /* unterminated",
        "\"unterminated",
        "''unterminated",
        "{ a = ",
        "}}}}",
        "((((",
        "${x}",
        "./a/${",
        "a.b.c.",
        "x: y: z:",
        "let in",
        "{ ... } @ : x",
        "\r\r\n\n\r",
        "\"\\",
        "''''\\",
        "~",
        "<",
        "<a/b",
        "a//b",
        "a/*b*/c",
        "1.2.3.4",
        "$$$",
        "'",
        "@",
        "\0",
        "\"${\"${\"${a}\"}\"}\"",
        "''${''${a}''}''",
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void PrintsBackTheInputExactly(string text)
    {
        var tree = SyntaxTree.Parse(text);
        Assert.Equal(text, tree.Root.ToFullString());
        Assert.Equal(text, tree.Text);
        // Every diagnostic points inside the text.
        Assert.All(tree.Diagnostics, d => Assert.InRange(d.Span.Start, 0, text.Length));
        // Tokens tile the text: their full spans are contiguous.
        var position = 0;
        foreach (var token in tree.Root.DescendantTokens())
        {
            Assert.Equal(position, token.Position);
            position += token.FullSpan.Length;
        }
        Assert.Equal(text.Length, position);
    }

    [Fact]
    public void SharedRealWorldFixturesRoundTripAndParseCleanly()
    {
        var files = TestData.SharedFixtureFiles().ToList();
        Assert.NotEmpty(files); // CI and every developer have ../shared beside the clone
        foreach (var file in files)
        {
            var text = TestData.Read(file);
            var tree = SyntaxTree.Parse(text);
            Assert.Equal(text, tree.Root.ToFullString());
            Assert.False(tree.HasErrors, file + ": " + string.Join("; ", tree.Diagnostics));
        }
    }
}
