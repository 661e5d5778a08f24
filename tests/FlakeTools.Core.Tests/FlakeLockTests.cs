using System;
using System.IO;
using System.Linq;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Locks;
using FlakeTools.Core.Project;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests;

public class FlakeLockTests
{
    private static string ExampleLock => File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "examples", "desktop", "flake.lock"));

    [Fact]
    public void ResolvesInputPathsThroughFollows()
    {
        var lockFile = FlakeLock.Parse(ExampleLock);
        Assert.Equal(7, lockFile.Version);
        Assert.Equal("nixpkgs", lockFile.Resolve(new[] { "hyprland", "nixpkgs" })!.Key);
        Assert.Equal("nixpkgs", lockFile.Resolve(new[] { "hyprland", "hyprlang", "nixpkgs" })!.Key);
        Assert.Equal("systems", lockFile.Resolve(new[] { "hyprland", "hyprlang", "systems" })!.Key);
        Assert.Equal("nixpkgs_2", lockFile.Resolve(new[] { "waybar", "nixpkgs" })!.Key);
        Assert.Null(lockFile.Resolve(new[] { "missing" }));
        Assert.False(lockFile.Nodes["flake-compat"].IsFlake);
    }

    [Fact]
    public void LockedInfoCarriesDatesAndAges()
    {
        var lockFile = FlakeLock.Parse(ExampleLock);
        var now = DateTimeOffset.FromUnixTimeSeconds(1719838000 + 86400 * 3);
        var nixpkgs = LockedInfo.From(lockFile.Resolve(new[] { "nixpkgs" })!, now)!;
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1719838000), nixpkgs.LastModified);
        Assert.Equal(TimeSpan.FromDays(3), nixpkgs.Age);
        Assert.Equal("nixos-24.05", nixpkgs.Ref);
        Assert.Equal(7, nixpkgs.ShortRev!.Length);
        var wallpapers = LockedInfo.From(lockFile.Resolve(new[] { "wallpapers" })!, now)!;
        Assert.Equal(42, wallpapers.RevCount);
        Assert.Equal("https://codeberg.org/example/wallpapers", wallpapers.Url);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{\"nodes\":{},\"root\":\"root\",\"version\":4}", "version 4")]
    [InlineData("{\"nodes\":{},\"root\":\"root\",\"version\":7}", "root node 'root' is missing")]
    [InlineData("{\"nodes\":{\"root\":{\"inputs\":{\"a\":\"b\"}}},\"root\":\"root\",\"version\":7}", "'b' that does not exist")]
    [InlineData("{\"nodes\":{\"root\":{\"inputs\":{\"a\":5}}},\"root\":\"root\",\"version\":7}", "must be a node name or a follows path")]
    public void MalformedLocksGiveClearErrors(string json, string messagePart)
    {
        Assert.Contains(messagePart, Assert.Throws<FlakeLockException>(() => FlakeLock.Parse(json)).Message);
    }

    [Fact]
    public void FollowsCyclesAreReportedNotThrown()
    {
        var json = "{\"nodes\":{\"root\":{\"inputs\":{\"a\":[\"b\"],\"b\":[\"a\"]}}},\"root\":\"root\",\"version\":7}";
        var lockFile = FlakeLock.Parse(json);
        Assert.Null(lockFile.Resolve(new[] { "a" }));
        Assert.Equal(new[] { "FollowsCycle:a", "FollowsCycle:b" }, lockFile.Problems.Select(p => $"{p.Kind}:{p.InputName}").OrderBy(x => x));
        Assert.All(lockFile.Problems, p => Assert.Contains("cycle", p.Message));
    }

    [Fact]
    public void FlakeSourcePutsLockDataOnEachInput()
    {
        var source = FlakeSource.Open(Path.Combine(TestPaths.RepositoryRoot, "examples", "desktop"));
        var inputs = source.GetInputs(DateTimeOffset.FromUnixTimeSeconds(1720000000));
        Assert.Equal(new[] { "nixpkgs", "home-manager", "hyprland", "waybar", "wallpapers" }, inputs.Select(i => i.Name));
        Assert.All(inputs, i => Assert.NotNull(i.Locked));
        var hyprland = inputs.Single(i => i.Name == "hyprland");
        Assert.Equal("v0.41.2", hyprland.Ref);
        Assert.Equal("nixpkgs", hyprland.InputFollows["nixpkgs"]);
        Assert.Equal(source.Directory, hyprland.Path);
    }

    [Fact]
    public void ABrokenLockIsReportedButTheFlakeStillOpens()
    {
        var directory = Directory.CreateTempSubdirectory("flaketools-lock-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "flake.nix"), "{ inputs.a.url = \"github:o/r\"; outputs = _: { }; }");
            File.WriteAllText(Path.Combine(directory, "flake.lock"), "{ broken");
            var source = FlakeSource.Open(directory);
            Assert.Contains("not valid JSON", source.LockError);
            Assert.Null(source.GetInputs(DateTimeOffset.UtcNow).Single().Locked);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
