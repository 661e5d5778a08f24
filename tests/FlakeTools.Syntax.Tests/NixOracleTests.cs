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
