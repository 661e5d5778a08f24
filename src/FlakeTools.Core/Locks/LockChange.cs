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

    /// <summary>
    /// The differences between two locks, root inputs first, then level by level in input path
    /// order. Both locks are listed as <see cref="FlakeLock.Entries"/> lists them (each node's
    /// inputs once), and the two trees are walked side by side: the work grows with the entries.
    /// </summary>
    public static IReadOnlyList<LockChange> Compare(FlakeLock? before, FlakeLock after, string? flakeDirectory = null)
    {
        var now = DateTimeOffset.UnixEpoch; // ages play no part in a comparison
        var old = Children(before?.Entries(recurse: true, now) ?? Array.Empty<LockEntry>());
        var current = Children(after.Entries(recurse: true, now));
        var changes = new List<LockChange>();
        var directory = flakeDirectory ?? after.Directory;
        static string? Pin(LockEntry e) => e.Locked?.Rev ?? e.Locked?.NarHash;
        var queue = new Queue<(InputPath? Old, InputPath? New)>();
        queue.Enqueue((InputPath.Empty, InputPath.Empty));
        while (queue.Count > 0)
        {
            var (oldParent, newParent) = queue.Dequeue();
            var oldChildren = oldParent is not null && old.TryGetValue(oldParent, out var o) ? o : new List<LockEntry>();
            var newChildren = newParent is not null && current.TryGetValue(newParent, out var n) ? n : new List<LockEntry>();
            var oldByName = oldChildren.ToDictionary(e => e.Name, StringComparer.Ordinal);
            var newByName = newChildren.ToDictionary(e => e.Name, StringComparer.Ordinal);
            foreach (var name in oldByName.Keys.Union(newByName.Keys).Order(StringComparer.Ordinal))
            {
                oldByName.TryGetValue(name, out var was);
                newByName.TryGetValue(name, out var current2);
                queue.Enqueue((was?.InputPath, current2?.InputPath));
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
                    InputPath = current2?.InputPath ?? was!.InputPath,
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
        }
        return changes;
    }

    // The entries under each input path (by reference: each child's path extends its parent's object).
    private static Dictionary<InputPath, List<LockEntry>> Children(IReadOnlyList<LockEntry> entries)
    {
        var children = new Dictionary<InputPath, List<LockEntry>>(ReferenceEqualityComparer.Instance);
        foreach (var entry in entries)
        {
            var parent = entry.InputPath.Parent!;
            if (!children.TryGetValue(parent, out var list)) children[parent] = list = new List<LockEntry>();
            list.Add(entry);
        }
        return children;
    }
}
