using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.IO;
using FlakeTools.Core.Locks;
using FlakeTools.Core.Project;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests;

/// <summary>
/// The parse cache behind FlakeLock.Parse and FlakeFile.Parse (the steady state of
/// Get-FlakeInput and Get-FlakeLockEntry): the same text at the same path gives the same result,
/// any other text or path a fresh one, and a file changed on disk is always read afresh.
/// </summary>
public class ParseCacheTests
{
    private static string Example(string file) => File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "examples", "desktop", file));

    [Fact]
    public void TheSameTextAtTheSamePathIsParsedOnce()
    {
        var path = $"/cache-test/{Guid.NewGuid():N}/flake.lock";
        var text = Example("flake.lock");
        var first = FlakeLock.Parse(text, path);
        // An equal string that is another object: the comparison is by content.
        var second = FlakeLock.Parse(new string(text.AsSpan()), path);
        Assert.Same(first, second);
        Assert.NotSame(first, FlakeLock.Parse(text, path + ".other"));
        Assert.Equal(path + ".other", FlakeLock.Parse(text, path + ".other").Path);
    }

    [Fact]
    public void AnyChangeOfTheTextGivesAFreshResult()
    {
        var path = $"/cache-test/{Guid.NewGuid():N}/flake.lock";
        var text = Example("flake.lock");
        var before = FlakeLock.Parse(text, path);
        var changed = text.Replace("\"version\": 7", "\"version\": 6", StringComparison.Ordinal);
        Assert.NotEqual(text, changed);
        var after = FlakeLock.Parse(changed, path);
        Assert.NotSame(before, after);
        Assert.Equal(7, before.Version);
        Assert.Equal(6, after.Version);
        // The older text again: parsed again (the entry for that path was replaced), same answer.
        Assert.Equal(7, FlakeLock.Parse(text, path).Version);
    }

    [Fact]
    public void AFileChangedOnDiskIsReadAfresh()
    {
        var directory = Directory.CreateTempSubdirectory("flaketools-cache-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "flake.nix"), Example("flake.nix"));
            File.WriteAllText(Path.Combine(directory, "flake.lock"), Example("flake.lock"));
            var first = FlakeSource.Open(directory);
            Assert.Same(first.Flake, FlakeSource.Open(directory).Flake);
            Assert.Same(first.Lock, FlakeSource.Open(directory).Lock);

            // Same length and, within the file system's resolution, the same time stamp: only the content tells.
            var nix = Path.Combine(directory, "flake.nix");
            var stamp = File.GetLastWriteTimeUtc(nix);
            var edited = Example("flake.nix").Replace("hyprland", "hyprlanD", StringComparison.Ordinal);
            File.WriteAllText(nix, edited);
            File.SetLastWriteTimeUtc(nix, stamp);
            var second = FlakeSource.Open(directory);
            Assert.NotSame(first.Flake, second.Flake);
            Assert.Contains(second.Flake.Inputs, i => i.Name == "hyprlanD");
            Assert.DoesNotContain(second.Flake.Inputs, i => i.Name == "hyprland");
            Assert.Same(first.Lock, second.Lock);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AParseThatFailsIsNotKept()
    {
        var path = $"/cache-test/{Guid.NewGuid():N}/flake.lock";
        Assert.Throws<FlakeLockException>(() => FlakeLock.Parse("{ \"nodes\": ", path));
        Assert.Throws<FlakeLockException>(() => FlakeLock.Parse("{ \"nodes\": ", path));
    }

    [Fact]
    public void ManyThreadsAtOnceGetCorrectResults()
    {
        var cache = new ParseCache<string>(capacity: 3, maxTextLength: 1000);
        var texts = Enumerable.Range(0, 8).Select(i => $"text {i}").ToArray();
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, n =>
        {
            var text = texts[n % texts.Length];
            var path = $"/p{n % 5}";
            var value = cache.GetOrParse(path, text, (t, p) => p + ":" + t);
            Assert.Equal(path + ":" + text, value);
        });
    }

    [Fact]
    public void KeepsAtMostItsCapacityAndNoHugeTexts()
    {
        var parses = 0;
        var cache = new ParseCache<string>(capacity: 2, maxTextLength: 10);
        string Parse(string t, string? p) { parses++; return t; }
        cache.GetOrParse("/a", "a", Parse);
        cache.GetOrParse("/b", "b", Parse);
        cache.GetOrParse("/a", "a", Parse);
        Assert.Equal(2, parses);
        cache.GetOrParse("/c", "c", Parse); // /a, the first kept, falls out
        Assert.Equal(3, parses);
        cache.GetOrParse("/b", "b", Parse);
        Assert.Equal(3, parses);
        cache.GetOrParse("/a", "a", Parse);
        Assert.Equal(4, parses);
        var huge = new string('x', 11);
        cache.GetOrParse("/h", huge, Parse);
        cache.GetOrParse("/h", huge, Parse);
        Assert.Equal(6, parses); // each time: too long to keep
    }
}
