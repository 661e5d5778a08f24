using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.NixOracle;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Syntax.Tests;

/// <summary>Our parse against nix-instantiate --parse (Nix 2.8), the real peer.</summary>
public class NixOracleTests
{
    public static IEnumerable<object[]> Files() =>
        TestData.Cases("success").Concat(TestData.Cases("error")).Concat(TestData.SharedFixtureFiles())
            .Select(f => new object[] { Path.GetRelativePath(TestPaths.RepositoryRoot, f) });

    [NixTheory]
    [MemberData(nameof(Files))]
    public void AgreesWithNixInstantiateParse(string relativePath)
    {
        var result = new ParseOracle().Compare(Path.Combine(TestPaths.RepositoryRoot, relativePath));
        Assert.True(result.Verdict is Verdict.Agree or Verdict.BothReject or Verdict.NewerThanOracle, $"{result.Verdict}: {result.Detail}");
        // Only the pipe cases may be beyond Nix 2.8; they are checked by PipesMeanTheCallsNixBuilds.
        if (result.Verdict == Verdict.NewerThanOracle) Assert.Contains("pipe", relativePath);
    }

    /// <summary>
    /// A large body of real Nix no one here wrote: set FLAKETOOLS_CORPUS to a folder of .nix files
    /// (e.g. a checkout of home-manager). Target: at least 99% agreement, every file round-trips, no crash.
    /// </summary>
    [CorpusFact]
    public void AgreesOnTheCorpus()
    {
        var corpus = Environment.GetEnvironmentVariable("FLAKETOOLS_CORPUS")!;
        var oracle = new ParseOracle();
        var results = Directory.EnumerateFiles(corpus, "*.nix", SearchOption.AllDirectories).AsParallel().WithDegreeOfParallelism(2).Select(oracle.Compare).ToList();
        Assert.DoesNotContain(results, r => r.Verdict is Verdict.Crash or Verdict.RoundTripFailure);
        var decided = results.Where(r => r.Verdict != Verdict.NewerThanOracle).ToList();
        var agreeing = decided.Count(r => r.Verdict is Verdict.Agree or Verdict.BothReject);
        Assert.True(agreeing >= decided.Count * 0.99, $"{agreeing}/{decided.Count} agree");
    }

    /// <summary>
    /// Nix 2.8 has no pipe operators, so it cannot parse our pipe cases; it can parse the calls
    /// they stand for. Our lowering of each pipe text must equal Nix 2.8's parse of the call
    /// written out by hand (what Nix 2.24+ builds for the pipe, per its parser.y).
    /// </summary>
    [NixTheory]
    [InlineData("f: g: x: x |> f |> g", "f: g: x: g (f x)")]
    [InlineData("f: g: x: g <| f <| x", "f: g: x: g (f x)")]
    [InlineData("f: xs: xs ++ [ 1 ] |> map f |> builtins.length", "f: xs: builtins.length (map f (xs ++ [ 1 ]))")]
    [InlineData("a: b: f: a -> b |> f", "a: b: f: f (a -> b)")]
    [InlineData("a: b: f: f <| a // b", "a: b: f: f (a // b)")]
    [InlineData("x: f: x |> (y: f y)", "x: f: (y: f y) x")]
    [InlineData("c: x: f: if c then x |> f else f <| x", "c: x: f: if c then f x else f x")]
    [InlineData("f: g: x: f <| (x |> g)", "f: g: x: f (g x)")]
    public void PipesMeanTheCallsNixBuilds(string withPipes, string withoutPipes)
    {
        var file = Path.Combine(Path.GetTempPath(), $"flaketools-pipe-{Guid.NewGuid():N}.nix");
        File.WriteAllText(file, withoutPipes);
        try
        {
            var (code, stdout, stderr) = ParseOracle.Run("nix-instantiate", new[] { "--parse", file }, TimeSpan.FromSeconds(30));
            Assert.True(code == 0, stderr);
            var tree = SyntaxTree.Parse(withPipes);
            Assert.False(tree.HasErrors, string.Join("; ", tree.Diagnostics));
            Assert.Equal(ParseOracle.CanonicalOfNixOutput(stdout), new Lowering("/", "/").Lower(tree).Print());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void NixOutputCanonicalisationIsBlindToAttributeOrderOnly()
    {
        Assert.Equal(ParseOracle.CanonicalOfNixOutput("{ b = 1; a = 2; }"), ParseOracle.CanonicalOfNixOutput("{ a = 2; b = 1; }"));
        Assert.NotEqual(ParseOracle.CanonicalOfNixOutput("{ b = 1; a = 2; }"), ParseOracle.CanonicalOfNixOutput("{ a = 1; b = 2; }"));
        Assert.NotEqual(ParseOracle.CanonicalOfNixOutput("(__sub 1 2)"), ParseOracle.CanonicalOfNixOutput("(__sub 2 1)"));
    }
}

/// <summary>Runs when nix is installed and FLAKETOOLS_CORPUS names a folder of .nix files.</summary>
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        var corpus = Environment.GetEnvironmentVariable("FLAKETOOLS_CORPUS");
        if (!NixEnvironment.IsAvailable) Skip = NixEnvironment.SkipReason;
        else if (string.IsNullOrEmpty(corpus) || !Directory.Exists(corpus)) Skip = "FLAKETOOLS_CORPUS is not set to a folder of real-world .nix files";
    }
}
