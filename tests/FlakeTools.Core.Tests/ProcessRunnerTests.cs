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
        // A shell that starts a grandchild which would write the marker after 6 seconds. Cancelling
        // kills both and waits until they are gone (callers restore files after it), which on a
        // loaded machine takes a moment: the bound only says it did not wait for the sleep.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ProcessRunner.RunAsync("sh", new[] { "-c", $"sleep 6 && touch {marker}" }, null, null, cancellation.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"cancellation took {clock.Elapsed}");
        await Task.Delay(TimeSpan.FromSeconds(6.5) - clock.Elapsed);
        Assert.False(File.Exists(marker), "the child went on after cancellation");
    }

    [Fact]
    public async Task WhenCancellationReturnsTheProcessIsGone()
    {
        // Update-FlakeInput restores flake.lock right after a stop: nix must not be alive then.
        var pidFile = Path.Combine(Path.GetTempPath(), $"flaketools-pid-{Guid.NewGuid():N}");
        using var cancellation = new CancellationTokenSource();
        var run = ProcessRunner.RunAsync("sh", new[] { "-c", $"echo $$ > {pidFile}; exec sleep 30" }, null, null, cancellation.Token);
        var clock = Stopwatch.StartNew();
        while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the shell did not start");
            await Task.Delay(20);
        }
        var pid = File.ReadAllText(pidFile).Trim();
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} still exists after the cancelled run returned");
        File.Delete(pidFile);
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
