using System;
using System.IO;
using System.Linq;
using FlakeTools.Core.Locks;
using Xunit;

namespace FlakeTools.Core.Tests;

/// <summary>
/// Lock files no one here wrote. Set FLAKETOOLS_LOCKS to a folder of *.lock / flake.lock files
/// (real-world locks of 20+ nodes); each must read without loss and write back byte for byte.
/// </summary>
public class RealWorldLockTests
{
    [LocksFact]
    public void RealWorldLocksReadWithoutLossAndWriteBackByteForByte()
    {
        var folder = Environment.GetEnvironmentVariable("FLAKETOOLS_LOCKS")!;
        var files = Directory.EnumerateFiles(folder, "*.lock", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var lockFile = FlakeLock.Parse(text, file);
            Assert.True(text == lockFile.ToText(), $"{file} does not write back byte for byte");
            var entries = lockFile.Entries(recurse: true, DateTimeOffset.UtcNow);
            // Every node but the root is reached from the root, and every direct entry resolves to its own node.
            var reached = entries.Where(e => e.Node is not null).Select(e => e.NodeKey!).ToHashSet();
            Assert.True(lockFile.Nodes.Keys.Where(k => k != lockFile.RootKey).All(reached.Contains), $"{file}: nodes not reached from the root");
            foreach (var entry in entries.Where(e => !e.IsFollows)) Assert.Same(entry.Node, lockFile.Resolve(entry.InputPath));
            Assert.All(entries.Where(e => e.IsFollows && !e.FollowsPath!.IsEmpty), e => Assert.NotNull(e.Node));
        }
    }
}

/// <summary>Runs when FLAKETOOLS_LOCKS names a folder of real-world lock files.</summary>
public sealed class LocksFactAttribute : FactAttribute
{
    public LocksFactAttribute()
    {
        var folder = Environment.GetEnvironmentVariable("FLAKETOOLS_LOCKS");
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder)) Skip = "FLAKETOOLS_LOCKS is not set to a folder of real-world flake.lock files";
    }
}
