using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using FlakeTools.Core.Processes;
using Xunit;

namespace FlakeTools.Core.Tests;

public class ProcessRunnerTests
{
    [Fact]
    public async Task CancellationKillsTheChildAndItsChildren()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"flaketools-cancel-{Guid.NewGuid():N}");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        // A shell that starts a grandchild which would write the marker after 3 seconds.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ProcessRunner.RunAsync("sh", new[] { "-c", $"sleep 3 && touch {marker}" }, null, null, cancellation.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"cancellation took {clock.Elapsed}");
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        Assert.False(File.Exists(marker), "the child went on after cancellation");
    }

    [Fact]
    public async Task ArgumentsAreNeverParsedByAShell()
    {
        var result = await ProcessRunner.RunAsync("printf", new[] { "%s|", "a b", "$(echo no)", "'quoted'" }, null, null, CancellationToken.None);
        Assert.Equal("a b|$(echo no)|'quoted'|", result.Stdout);
    }

    [Fact]
    public async Task AMissingProgramSaysWhich()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ProcessRunner.RunAsync("no-such-program-here", Array.Empty<string>(), null, null, CancellationToken.None));
        Assert.Contains("no-such-program-here", error.Message);
    }
}
