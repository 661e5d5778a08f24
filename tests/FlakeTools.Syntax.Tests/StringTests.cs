using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Syntax.Tests;

public class StringTests
{
    private static string? ValueOf(string source) => Assert.IsType<StringSyntax>(SyntaxTree.Parse(source).Root.Expression).ConstantValue;

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("quote \" and backslash \\", "\"quote \\\" and backslash \\\\\"")]
    [InlineData("${x}", "\"\\${x}\"")]
    [InlineData("$${x}", "\"$\\${x}\"")]
    [InlineData("a $ b", "\"a $ b\"")]
    [InlineData("line\nbreak\ttab\rcr", "\"line\\nbreak\\ttab\\rcr\"")]
    public void QuoteEscapesQuotesBackslashesAndInterpolation(string value, string expected) =>
        Assert.Equal(expected, NixString.Quote(value));

    [Fact]
    public void QuotedValuesParseBackToTheSameValue()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<string>().Filter(s => s is not null && !s.Contains('\0')), value =>
        {
            var tree = SyntaxTree.Parse(NixString.Quote(value));
            return !tree.HasErrors && ValueOf(NixString.Quote(value)) == value;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Theory]
    [InlineData("\"a\\nb\"", "a\nb")]
    [InlineData("\"crlf\r\nline\"", "crlf\nline")]
    [InlineData("''\n  a\n    b\n  ''", "a\n  b\n")]
    [InlineData("''  x''", "x")]
    [InlineData("''''$ ''' ''\\t''", "$ '' \t")]
    [InlineData("''\n\n    a\n  ''", "\na\n")]
    public void DecodingFollowsNix(string source, string expected) => Assert.Equal(expected, ValueOf(source));

    [Theory]
    [InlineData("nixpkgs", "nixpkgs")]
    [InlineData("home-manager", "home-manager")]
    [InlineData("x'", "x'")]
    [InlineData("with space", "\"with space\"")]
    [InlineData("1abc", "\"1abc\"")]
    [InlineData("inherit", "\"inherit\"")]
    [InlineData("", "\"\"")]
    public void AttrNamesAreQuotedOnlyWhenNeeded(string name, string expected) => Assert.Equal(expected, NixString.AttrName(name));

    [NixFact]
    public void NixEvaluatesQuotedStringsToTheOriginalValue()
    {
        var values = new[] { "plain", "q\"uote", "back\\slash", "${not interpolated}", "$${x}", "tab\tnew\nline", "ünï 🙂", "$", "a$", "\\${" };
        foreach (var value in values)
        {
            var (code, stdout, stderr) = NixRunner.Run("nix-instantiate", "--eval", "--strict", "--json", "-E", NixString.Quote(value));
            Assert.True(code == 0, stderr);
            Assert.Equal(value, System.Text.Json.JsonSerializer.Deserialize<string>(stdout));
        }
    }
}
