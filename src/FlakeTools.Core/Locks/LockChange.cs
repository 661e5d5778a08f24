using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Inputs;

namespace FlakeTools.Core.Locks;

/// <summary>How an input changed between two locks.</summary>
public enum LockChangeKind
{
    /// <summary>The input is new.</summary>
    Added,
    /// <summary>The input is gone.</summary>
    Removed,
    /// <summary>The input now locks another revision or content.</summary>
    Updated,
    /// <summary>The input now follows something else (or stopped or started following).</summary>
    FollowsChanged,
}

/// <summary>One difference between two locks, by input path.</summary>
public sealed class LockChange
{
    /// <summary>The input path (<c>home-manager/nixpkgs</c>).</summary>
    public InputPath InputPath { get; init; } = InputPath.Empty;

    /// <summary>The input's name.</summary>
    public string Name => InputPath.Name;

    /// <summary>What changed.</summary>
    public LockChangeKind Change { get; init; }

    /// <summary>The old commit (or content hash where there is no commit).</summary>
    public string? OldRev { get; init; }

    /// <summary>The new commit (or content hash).</summary>
    public string? NewRev { get; init; }

    /// <summary>When the old source was last modified.</summary>
    public DateTimeOffset? OldLastModified { get; init; }

    /// <summary>When the new source was last modified.</summary>
    public DateTimeOffset? NewLastModified { get; init; }

    /// <summary>The old follows target, if it followed.</summary>
    public string? OldFollows { get; init; }

    /// <summary>The new follows target, if it follows.</summary>
    public string? NewFollows { get; init; }

    /// <summary>The flake directory (of the new lock).</summary>
    public string? Path { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{InputPath}: {Change}";

    /// <summary>The differences between two locks, root inputs first, then by input path.</summary>
    public static IReadOnlyList<LockChange> Compare(FlakeLock? before, FlakeLock after, string? flakeDirectory = null)
    {
        var now = DateTimeOffset.UnixEpoch; // ages play no part in a comparison
        var old = (before?.Entries(recurse: true, now) ?? Array.Empty<LockEntry>()).GroupBy(e => e.InputPath).ToDictionary(g => g.Key, g => g.First());
        var current = after.Entries(recurse: true, now).GroupBy(e => e.InputPath).ToDictionary(g => g.Key, g => g.First());
        var changes = new List<LockChange>();
        var directory = flakeDirectory ?? (after.Path is null ? null : System.IO.Path.GetDirectoryName(after.Path));
        static string? Pin(LockEntry e) => e.Locked?.Rev ?? e.Locked?.NarHash;
        foreach (var path in old.Keys.Union(current.Keys).OrderBy(p => p.Count).ThenBy(p => p))
        {
            old.TryGetValue(path, out var was);
            current.TryGetValue(path, out var current2);
            LockChangeKind? kind = (was, current2) switch
            {
                (null, not null) => LockChangeKind.Added,
                (not null, null) => LockChangeKind.Removed,
                (not null, not null) when was.Follows != current2.Follows => LockChangeKind.FollowsChanged,
                (not null, not null) when !was.IsFollows && (Pin(was) != Pin(current2) || was.LastModified != current2.LastModified) => LockChangeKind.Updated,
                _ => null,
            };
            if (kind is null) continue;
            changes.Add(new LockChange
            {
                InputPath = path,
                Change = kind.Value,
                OldRev = was is null || was.IsFollows ? null : Pin(was),
                NewRev = current2 is null || current2.IsFollows ? null : Pin(current2),
                OldLastModified = was?.IsFollows == false ? was.LastModified : null,
                NewLastModified = current2?.IsFollows == false ? current2.LastModified : null,
                OldFollows = was?.Follows,
                NewFollows = current2?.Follows,
                Path = directory,
            });
        }
        return changes;
    }
}
