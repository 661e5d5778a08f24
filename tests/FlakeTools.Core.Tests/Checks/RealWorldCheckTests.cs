using System;
using System.IO;
using System.Linq;
using FlakeTools.Core.Checks;
using FlakeTools.Core.Project;
using FlakeTools.Core.Tests.Configurations;
using Xunit;
using Xunit.Abstractions;

namespace FlakeTools.Core.Tests.Checks;

/// <summary>
/// Test-Flake's checks over configuration repositories no one here wrote (FLAKETOOLS_CONFIGS):
/// no check stops on them, every finding says what, where and what to do, and the errors are
/// listed in the output for a person to judge.
/// </summary>
public class RealWorldCheckTests
{
    private readonly ITestOutputHelper _output;

    public RealWorldCheckTests(ITestOutputHelper output) => _output = output;

    [ConfigsFact]
    public void EveryRepositoryIsCheckedWithoutAFailedCheck()
    {
        var folder = Environment.GetEnvironmentVariable("FLAKETOOLS_CONFIGS")!;
        var repositories = Directory.EnumerateDirectories(folder).Where(d => File.Exists(Path.Combine(d, "flake.nix"))).OrderBy(d => d, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(repositories);
        foreach (var repository in repositories)
        {
            var context = CheckContext.Open(repository, DateTimeOffset.UtcNow);
            var findings = FlakeChecks.Run(context);
            _output.WriteLine($"{Path.GetFileName(repository)}: {string.Join(" ", findings.GroupBy(f => f.Id).Select(g => $"{g.Key}={g.Count()}"))}");
            Assert.DoesNotContain(findings, f => f.Id == FlakeChecks.CheckFailed);
            foreach (var finding in findings)
            {
                Assert.False(string.IsNullOrWhiteSpace(finding.Message), repository);
                Assert.False(string.IsNullOrWhiteSpace(finding.Fix), repository);
                Assert.False(string.IsNullOrWhiteSpace(finding.Target), repository);
                if (finding.Severity == FindingSeverity.Error) _output.WriteLine($"  Error {finding.Id} {finding.Target} {finding.Path}:{finding.Line}: {finding.Message}");
            }
            // Every fix offered can be made, and gives a file that parses.
            foreach (var finding in findings)
            {
                if (context.FixFor(finding) is { } fix) Assert.False(Syntax.SyntaxTree.Parse(fix.NewText).HasErrors, $"{repository}: fix for {finding.Id} does not parse");
            }
        }
    }
}
