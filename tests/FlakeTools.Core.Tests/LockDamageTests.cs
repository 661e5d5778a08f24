using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.Locks;
using FlakeTools.Core.Project;
using Xunit;

namespace FlakeTools.Core.Tests;

/// <summary>
/// Hand-damaged and unreadable locks (issues 11 and 15): never an unhandled exception; what Nix
/// 2.8 reads is read, with the damage reported; what it refuses is refused with a message that
/// says what it is.
/// </summary>
public class LockDamageTests
{
    private const string Good = """
        {
          "nodes": {
            "a": {
              "locked": { "lastModified": 1700000000, "narHash": "sha256-x", "path": "/a", "type": "path" },
              "original": { "path": "/a", "type": "path" }
            },
            "root": { "inputs": { "a": "a" } }
          },
          "root": "root",
          "version": 7
        }
        """;

    private static FlakeLockException Refused(string text) => Assert.Throws<FlakeLockException>(() => FlakeLock.Parse(text, "/f/flake.lock"));

    [Fact]
    public void AGitCryptEncryptedLockSaysSo()
    {
        var bytes = Encoding.ASCII.GetBytes("\0GITCRYPT\0").Concat(new byte[] { 0x93, 0xff, 0x01, 0x80 }).ToArray();
        var e = Assert.Throws<FlakeLockException>(() => FlakeLock.FromBytes(bytes, "/f/flake.lock"));
        Assert.Equal(FlakeLockError.Encrypted, e.Error);
        Assert.Equal("/f/flake.lock is encrypted with git-crypt: unlock the repository (git-crypt unlock) to read it", e.Message);
    }

    [Fact]
    public void BytesThatAreNotUtf8AreNamed()
    {
        var bytes = Encoding.UTF8.GetBytes(Good).Concat(new byte[] { 0xff }).ToArray();
        var e = Assert.Throws<FlakeLockException>(() => FlakeLock.FromBytes(bytes, "/f/flake.lock"));
        Assert.Equal(FlakeLockError.NotUtf8, e.Error);
        Assert.StartsWith("/f/flake.lock is not UTF-8 text (byte ff at offset", e.Message);
    }

    [Theory]
    [InlineData("{ broken", FlakeLockError.NotJson, "is not valid JSON (line 1, column 3)")]
    [InlineData("{\"nodes\":{},\"root\":\"root\",\"version\":9}", FlakeLockError.UnsupportedVersion, "has version 9; Nix and FlakeTools read versions 5 to 7")]
    [InlineData("{\"nodes\":{\"root\":{\"inputs\":{\"a\":[1]}}},\"root\":\"root\",\"version\":7}", FlakeLockError.Invalid, "node 'root' input 'a' has a follows path with the value 1 in it")]
    [InlineData("{\"nodes\":{\"root\":{\"inputs\":{\"a\":[[]]}}},\"root\":\"root\",\"version\":7}", FlakeLockError.Invalid, "node 'root' input 'a' has a follows path with an array in it")]
    [InlineData("{\"nodes\":{\"root\":{\"inputs\":{\"a\":[null]}}},\"root\":\"root\",\"version\":7}", FlakeLockError.Invalid, "has a follows path with a null in it")]
    public void LocksNixRefusesAreRefusedWithTheReason(string text, FlakeLockError error, string message)
    {
        var e = Refused(text);
        Assert.Equal(error, e.Error);
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain("LineNumber", e.Message);
    }

    [Fact]
    public void ADuplicateKeyIsReadAsNixReadsItTheLastOneWinningAndReported()
    {
        var text = Good.Replace("\"version\": 7", "\"version\": 9,\n  \"version\": 7");
        var lockFile = FlakeLock.Parse(text, "/f/flake.lock");
        Assert.Equal(7, lockFile.Version);
        var problem = Assert.Single(lockFile.Problems);
        Assert.Equal(LockProblemKind.DuplicateKey, problem.Kind);
        Assert.Equal(11, problem.Line);
        Assert.StartsWith("/f/flake.lock:11: the key 'version' is written twice", problem.Message);
        // And the other way round, as Nix: the last value decides.
        Assert.Equal(FlakeLockError.UnsupportedVersion, Refused(Good.Replace("\"version\": 7", "\"version\": 7, \"version\": 9")).Error);
    }

    [Fact]
    public void ALastModifiedOutOfRangeIsUnknownAndReported()
    {
        var lockFile = FlakeLock.Parse(Good.Replace("1700000000", "300000000000"), "/f/flake.lock");
        var entry = Assert.Single(lockFile.Entries(recurse: true, DateTimeOffset.UnixEpoch));
        Assert.Null(entry.LastModified);
        Assert.Null(entry.Age);
        Assert.Equal("sha256-x", entry.Locked!.NarHash);
        var problem = Assert.Single(lockFile.Problems);
        Assert.Equal(LockProblemKind.InvalidField, problem.Kind);
        Assert.Contains("node 'a' has lastModified 300000000000", problem.Message);
        Assert.Contains(LockCheck.Check(lockFile, null, TimeSpan.FromDays(1), DateTimeOffset.UnixEpoch), f => f.Id == LockCheck.InvalidField);
    }

    [Fact]
    public void AFollowsCycleIsAFindingAndNothingThrows()
    {
        var json = JsonNode.Parse(Good)!.AsObject();
        json["nodes"]!["a"]!["inputs"] = new JsonObject { ["x"] = new JsonArray("a", "y"), ["y"] = new JsonArray("a", "x"), ["z"] = new JsonArray("a", "x") };
        var lockFile = FlakeLock.Parse(json.ToJsonString(), "/f/flake.lock");
        var entries = lockFile.Entries(recurse: true, DateTimeOffset.UnixEpoch);
        Assert.Equal(new[] { "a", "a/x", "a/y", "a/z" }, entries.Select(e => e.InputPath.ToString()));
        Assert.All(entries.Skip(1), e => Assert.True(e.IsFollowsCycle && e.Node is null));
        Assert.Null(lockFile.Resolve(new[] { "a", "z" }));
        Assert.Equal(new[] { "x", "y", "z" }, lockFile.Problems.Where(p => p.Kind == LockProblemKind.FollowsCycle).Select(p => p.InputName).OrderBy(n => n));
        var findings = LockCheck.Check(lockFile, FlakeFile.Parse("{ inputs.a.url = \"path:/a\"; outputs = { self, a }: { }; }"), null, DateTimeOffset.UnixEpoch);
        Assert.Equal(new[] { "FollowsCycle:a/x", "FollowsCycle:a/y", "FollowsCycle:a/z" }, findings.Select(f => $"{f.Id}:{f.Target}"));
        Assert.Empty(FollowsOptimizer.Suggest(lockFile));
        Assert.Empty(LockChange.Compare(lockFile, lockFile));
    }

    [Fact]
    public void ALongChainOfFollowsResolvesWithoutRecursion()
    {
        // root input f0 follows f1, which follows f2, ... : 20,000 deep.
        var inputs = new JsonObject { ["end"] = "end" };
        for (var i = 0; i < 20000; i++) inputs[$"f{i}"] = new JsonArray($"f{i + 1}");
        inputs["f20000"] = new JsonArray("end");
        var json = new JsonObject
        {
            ["nodes"] = new JsonObject { ["root"] = new JsonObject { ["inputs"] = inputs }, ["end"] = JsonNode.Parse("{\"locked\":{\"type\":\"path\",\"path\":\"/e\"}}") },
            ["root"] = "root",
            ["version"] = 7,
        };
        var lockFile = FlakeLock.Parse(json.ToJsonString());
        Assert.Equal("end", lockFile.Resolve(new[] { "f0" })!.Key);
        Assert.Empty(lockFile.Problems);
    }

    [Theory]
    [InlineData("\0GITCRYPT\0\u0093", "encrypted with git-crypt")]
    [InlineData("{\"nodes\":{\"root\":{\"inputs\":{\"a\":[[]]}}},\"root\":\"root\",\"version\":7}", "has a follows path with an array")]
    public void AFlakeWithAnUnreadableLockStillListsItsInputs(string lockText, string message)
    {
        var directory = Directory.CreateTempSubdirectory("flaketools-damage-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "flake.nix"), "{ inputs.a.url = \"path:/a\"; outputs = { self, a }: { }; }");
            File.WriteAllBytes(Path.Combine(directory, "flake.lock"), Encoding.Latin1.GetBytes(lockText));
            var source = FlakeSource.Open(directory);
            Assert.Contains(message, source.LockError);
            Assert.Null(Assert.Single(source.GetInputs(DateTimeOffset.UnixEpoch)).Locked);
            // Given the lock itself, the flake is the one beside it (the lock is not read as Nix).
            Assert.Equal(Path.Combine(directory, "flake.nix"), FlakeSource.Open(Path.Combine(directory, "flake.lock")).FlakePath);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void APathBelongsToOneLock()
    {
        var directory = Directory.CreateTempSubdirectory("flaketools-pathfor-").FullName;
        try
        {
            Assert.Equal(Path.Combine(directory, "flake.lock"), FlakeLock.PathFor(directory));
            Assert.Equal(Path.Combine(directory, "flake.lock"), FlakeLock.PathFor(Path.Combine(directory, "flake.nix")));
            Assert.Equal(Path.Combine(directory, "flake.lock"), FlakeLock.PathFor(Path.Combine(directory, "other.nix")));
            Assert.Equal(Path.Combine(directory, "old.lock"), FlakeLock.PathFor(Path.Combine(directory, "old.lock")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>Locks whose paths grow exponentially with their nodes (issue 15 item 10): the work must grow with the nodes.</summary>
public class LockScaleTests
{
    /// <summary>
    /// Levels of two nodes, each with inputs x and y pointing at both nodes of the next level:
    /// 2^(levels+1) paths, 2 * levels nodes. Every node also follows the root's <c>pkgs</c>.
    /// </summary>
    internal static FlakeLock Diamond(int levels)
    {
        var nodes = new JsonObject();
        JsonObject Node(int level, string side)
        {
            var node = JsonNode.Parse($"{{\"locked\":{{\"type\":\"github\",\"owner\":\"o{level}{side}\",\"repo\":\"r\",\"rev\":\"{new string('a', 40)}\",\"lastModified\":1700000000}},\"original\":{{\"type\":\"github\",\"owner\":\"o{level}{side}\",\"repo\":\"r\"}}}}")!.AsObject();
            var inputs = new JsonObject { ["pkgs"] = new JsonArray("pkgs") };
            if (level + 1 < levels) { inputs["x"] = $"n{level + 1}a"; inputs["y"] = $"n{level + 1}b"; }
            node["inputs"] = inputs;
            return node;
        }
        for (var level = 0; level < levels; level++)
        {
            nodes[$"n{level}a"] = Node(level, "a");
            nodes[$"n{level}b"] = Node(level, "b");
        }
        nodes["pkgs"] = JsonNode.Parse("{\"locked\":{\"type\":\"path\",\"path\":\"/p\",\"lastModified\":1700000000},\"original\":{\"type\":\"path\",\"path\":\"/p\"}}");
        nodes["root"] = new JsonObject { ["inputs"] = new JsonObject { ["x"] = "n0a", ["y"] = "n0b", ["pkgs"] = "pkgs" } };
        return FlakeLock.Parse(new JsonObject { ["nodes"] = nodes, ["root"] = "root", ["version"] = 7 }.ToJsonString());
    }

    [Fact]
    public void AFortyLevelDiamondListsEachNodesInputsOnce()
    {
        var lockFile = Diamond(40);
        var entries = lockFile.Entries(recurse: true, DateTimeOffset.UnixEpoch);
        // 3 root inputs, then 80 nodes with pkgs (+ x and y above the last level), each listed once.
        Assert.Equal(3 + 80 + 2 * 78, entries.Count);
        Assert.Equal(entries.Count, entries.Select(e => e.InputPath).Distinct().Count());
        var shared = entries.Where(e => e.InputsListedAt is not null).ToList();
        Assert.NotEmpty(shared);
        Assert.All(shared, e => Assert.Equal(e.NodeKey, lockFile.Resolve(e.InputsListedAt!)!.Key));
        // Any one of the 2^41 paths is still found exactly.
        var deep = InputPath.Of(Enumerable.Repeat("y", 39).Append("pkgs"));
        Assert.Equal("pkgs", lockFile.Entry(deep, DateTimeOffset.UnixEpoch)!.NodeKey);
        Assert.Equal("n39b", lockFile.Resolve(InputPath.Of(Enumerable.Repeat("y", 40)))!.Key);
        Assert.Empty(LockCheck.Check(lockFile, null, TimeSpan.FromDays(1), DateTimeOffset.FromUnixTimeSeconds(1700000000)));
        Assert.Empty(FollowsOptimizer.Suggest(lockFile));
        Assert.Empty(LockChange.Compare(lockFile, lockFile));
    }

    [Fact]
    public void AFiveThousandNodeChainIsListedInOnePass()
    {
        var nodes = new JsonObject();
        const int Count = 5000;
        for (var i = 0; i < Count; i++)
        {
            var node = JsonNode.Parse($"{{\"locked\":{{\"type\":\"path\",\"path\":\"/n{i}\"}},\"original\":{{\"type\":\"path\",\"path\":\"/n{i}\"}}}}")!.AsObject();
            if (i + 1 < Count) node["inputs"] = new JsonObject { ["next"] = $"n{i + 1}" };
            nodes[$"n{i}"] = node;
        }
        nodes["root"] = new JsonObject { ["inputs"] = new JsonObject { ["next"] = "n0" } };
        var lockFile = FlakeLock.Parse(new JsonObject { ["nodes"] = nodes, ["root"] = "root", ["version"] = 7 }.ToJsonString());
        var entries = lockFile.Entries(recurse: true, DateTimeOffset.UnixEpoch);
        Assert.Equal(Count, entries.Count);
        Assert.Equal(Count - 1, entries[^1].Depth);
        Assert.Equal($"n{Count - 1}", entries[^1].NodeKey);
        Assert.Empty(LockCheck.Check(lockFile, null, null, DateTimeOffset.UnixEpoch));
    }
}

public class InputPathTests
{
    [Fact]
    public void PathsCompareByTheirNames()
    {
        var path = InputPath.Parse("home-manager/nixpkgs");
        Assert.Equal(2, path.Count);
        Assert.Equal("nixpkgs", path.Name);
        Assert.Equal("home-manager", path.RootInput);
        Assert.Equal(1, path.Depth);
        Assert.Equal(new[] { "home-manager", "nixpkgs" }, path.Segments);
        Assert.Equal(path, InputPath.Of("home-manager").Append("nixpkgs"));
        Assert.Equal(path.GetHashCode(), InputPath.Of(new[] { "home-manager", "nixpkgs" }).GetHashCode());
        Assert.True(path == InputPath.Parse("/home-manager//nixpkgs/"));
        Assert.NotEqual(path, InputPath.Parse("home-manager/nixpkgs/x"));
        Assert.Equal("home-manager/nixpkgs", path.ToString());
        Assert.True(InputPath.Parse("a/b/c").StartsWith(InputPath.Parse("a/b")));
        Assert.False(InputPath.Parse("a/bc").StartsWith(InputPath.Parse("a/b")));
        Assert.Equal("b/c", InputPath.Parse("a/b/c").Skip(1).ToString());
        Assert.True(InputPath.Parse("").IsEmpty);
        Assert.Equal(new[] { "a", "a/b", "a-b", "b" }, new[] { "b", "a-b", "a/b", "a" }.Select(InputPath.Parse).Order().Select(p => p.ToString()));
        Assert.Throws<ArgumentException>(() => path.Append(""));
    }
}
