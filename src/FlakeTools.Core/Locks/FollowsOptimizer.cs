using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Inputs;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Locks;

/// <summary>A follows that would remove a duplicate from the lock.</summary>
public sealed class FollowsSuggestion
{
    /// <summary>The root input to declare it on.</summary>
    public string Input { get; init; } = "";

    /// <summary>The input path that locks the duplicate (<c>waybar/nixpkgs</c>).</summary>
    public InputPath InputPath { get; init; } = InputPath.Empty;

    /// <summary>The path below <see cref="Input"/> (<c>nixpkgs</c> or <c>hyprlang/nixpkgs</c>).</summary>
    public InputPath OverridePath { get; init; } = InputPath.Empty;

    /// <summary>The root input to follow.</summary>
    public string Follows { get; init; } = "";

    /// <summary>The duplicate node's key.</summary>
    public string NodeKey { get; init; } = "";

    /// <summary>The declaration as Nix: <c>waybar.inputs.nixpkgs.follows = "nixpkgs";</c></summary>
    public string Declaration => NixString.AttrPath(new[] { Input }.Concat(OverridePath.FollowsAttributePath())) + " = " + NixString.Quote(Follows) + ";";

    /// <summary>The flake directory.</summary>
    public string? Path { get; init; }

    /// <inheritdoc />
    public override string ToString() => Declaration;
}

/// <summary>
/// Finds the follows that make duplicated transitive inputs use a root input with the same source
/// (the edit of flake.nix that adds them is FlakeTools.Core.Project.FollowsOptimization's).
/// </summary>
public static class FollowsOptimizer
{
    /// <summary>One suggestion per duplicated input path that a root input with the same source can replace.</summary>
    /// <param name="lockFile">The lock.</param>
    /// <param name="canFollow">Which root inputs can take a follows (the ones flake.nix declares); null for all.</param>
    /// <param name="directory">The flake directory, carried on the suggestions.</param>
    public static IReadOnlyList<FollowsSuggestion> Suggest(FlakeLock lockFile, Func<string, bool>? canFollow = null, string? directory = null) =>
        Suggest(lockFile, lockFile.Entries(recurse: true, DateTimeOffset.UnixEpoch /* ages play no part here */, directory), canFollow, directory);

    /// <summary>The same, from entries already listed (with duplicates marked).</summary>
    public static IReadOnlyList<FollowsSuggestion> Suggest(FlakeLock lockFile, IReadOnlyList<LockEntry> entries, Func<string, bool>? canFollow, string? directory)
    {
        if (!entries.Any(e => e.IsDuplicate)) return Array.Empty<FollowsSuggestion>();
        // The root inputs by the source they lock.
        var rootBySource = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, target) in lockFile.Root.Inputs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (target.NodeKey is null) continue;
            var identity = FlakeLock.SourceIdentity(lockFile.Nodes[target.NodeKey]);
            if (identity is not null) rootBySource.TryAdd(identity, name);
        }
        var result = new List<FollowsSuggestion>();
        var suggested = new HashSet<InputPath>();
        foreach (var entry in entries)
        {
            if (!entry.IsDuplicate || entry.Depth == 0 || entry.Node is null) continue;
            var identity = FlakeLock.SourceIdentity(entry.Node);
            if (identity is null || !rootBySource.TryGetValue(identity, out var rootInput)) continue;
            var input = entry.InputPath.RootInput;
            if (canFollow is not null && !canFollow(input)) continue; // only inputs flake.nix declares can take a follows
            // A path inside another duplicate's subtree goes away with that duplicate's follows.
            if (AncestorIn(entry.InputPath, suggested)) continue;
            suggested.Add(entry.InputPath);
            result.Add(new FollowsSuggestion
            {
                Input = input,
                InputPath = entry.InputPath,
                OverridePath = entry.InputPath.Skip(1),
                Follows = rootInput,
                NodeKey = entry.Node.Key,
                Path = directory,
            });
        }
        return result;
    }

    private static bool AncestorIn(InputPath path, HashSet<InputPath> set)
    {
        for (var p = path.Parent; p is { IsEmpty: false }; p = p.Parent) if (set.Contains(p)) return true;
        return false;
    }
}
