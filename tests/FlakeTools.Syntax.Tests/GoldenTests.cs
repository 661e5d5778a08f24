using System;
using System.IO;
using Xunit;

namespace FlakeTools.Syntax.Tests;

/// <summary>
/// One .nix case per construct with a readable tree dump (.expect) beside it.
/// Set FLAKETOOLS_UPDATE_GOLDEN=1 to rewrite the .expect files after a deliberate change, then review the diff.
/// </summary>
public class GoldenTests
{
    [Theory]
    [MemberData(nameof(TestData.SuccessCases), MemberType = typeof(TestData))]
    public void SuccessCaseParsesWithoutDiagnosticsAndMatchesItsDump(string name) => Check("success", name, expectErrors: false);

    [Theory]
    [MemberData(nameof(TestData.ErrorCases), MemberType = typeof(TestData))]
    public void ErrorCaseGivesDiagnosticsAndMatchesItsDump(string name) => Check("error", name, expectErrors: true);

    private static void Check(string folder, string name, bool expectErrors)
    {
        var path = Path.Combine(TestData.ParserDirectory, folder, name);
        var text = TestData.Read(path);
        var tree = SyntaxTree.Parse(text);
        Assert.Equal(text, tree.Root.ToFullString());
        Assert.Equal(expectErrors, tree.HasErrors);

        var dump = SyntaxDump.Dump(tree.Root);
        foreach (var diagnostic in tree.Diagnostics) dump += "diagnostic " + diagnostic + "\n";
        var expectPath = Path.ChangeExtension(path, ".expect");
        var expected = File.Exists(expectPath) ? File.ReadAllText(expectPath) : null;
        if (expected != dump && (expected is null || Environment.GetEnvironmentVariable("FLAKETOOLS_UPDATE_GOLDEN") == "1"))
        {
            // Writing the dump is not a pass: the case passes once the reviewed file agrees with the parser.
            File.WriteAllText(expectPath, dump);
            Assert.Fail(expected is null
                ? $"{expectPath} did not exist; it has been written: review and commit it, then run the tests again"
                : $"{expectPath} differed and has been rewritten (FLAKETOOLS_UPDATE_GOLDEN=1): review the diff, then run the tests again without it");
        }
        Assert.Equal(expected, dump);
    }
}
