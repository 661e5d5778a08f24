using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using FlakeTools.Tests;

namespace FlakeTools.Syntax.Tests;

internal static class TestData
{
    public static string ParserDirectory => Path.Combine(TestPaths.RepositoryRoot, "tests", "FlakeTools.Syntax.Tests", "TestData", "parser");

    /// <summary>Reads a file as its exact characters (a BOM stays in the text).</summary>
    public static string Read(string path) => Encoding.UTF8.GetString(File.ReadAllBytes(path));

    public static IEnumerable<string> Cases(string folder) =>
        Directory.EnumerateFiles(Path.Combine(ParserDirectory, folder), "*.nix").OrderBy(f => f, System.StringComparer.Ordinal);

    public static IEnumerable<object[]> SuccessCases() => Cases("success").Select(f => new object[] { Path.GetFileName(f) });

    public static IEnumerable<object[]> ErrorCases() => Cases("error").Select(f => new object[] { Path.GetFileName(f) });

    /// <summary>Every .nix file of the shared real-world fixtures, when they are beside the clone.</summary>
    public static IEnumerable<string> SharedFixtureFiles() => TestPaths.SharedFixtures is { } dir
        ? Directory.EnumerateFiles(dir, "*.nix", SearchOption.AllDirectories).OrderBy(f => f, System.StringComparer.Ordinal)
        : Enumerable.Empty<string>();
}
