using System.Linq;
using System.Text;
using Xunit;

namespace FlakeTools.Syntax.Tests;

public class NestingTests
{
    public static readonly TheoryData<string, string, string> Shapes = new()
    {
        { "(", "1", ")" },
        { "[ ", "1", " ]" },
        { "{ a = ", "1", "; }" },
        { "!", "true", "" },
        { "-", "1", "" },
        { "x: ", "x", "" },
        { "let a = 1; in ", "a", "" },
        { "\"${", "a", "}\"" },
        { "a.b or ", "c", "" },
        { "if a then ", "b", " else c" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void HundredThousandLevelsGiveADiagnosticNotACrash(string open, string middle, string close)
    {
        const int depth = 100_000;
        var builder = new StringBuilder();
        for (var i = 0; i < depth; i++) builder.Append(open);
        builder.Append(middle);
        for (var i = 0; i < depth; i++) builder.Append(close);
        var text = builder.ToString();

        var tree = SyntaxTree.Parse(text);

        Assert.Equal(text, tree.Root.ToFullString());
        Assert.Contains(tree.Diagnostics, d => d.Message.Contains("nested too deeply"));
    }

    [Fact]
    public void ModerateNestingParsesWithoutDiagnostics()
    {
        var text = new string('(', 500) + "1" + new string(')', 500);
        var tree = SyntaxTree.Parse(text);
        Assert.Empty(tree.Diagnostics);
    }

    [Fact]
    public void LongFlatChainsAreNotNesting()
    {
        var text = string.Join(" ++ ", Enumerable.Repeat("[ 1 ]", 50_000)) + " + " + string.Join(" + ", Enumerable.Repeat("1", 50_000));
        var tree = SyntaxTree.Parse(text);
        Assert.Empty(tree.Diagnostics);
        Assert.Equal(text, tree.Root.ToFullString());
    }
}
