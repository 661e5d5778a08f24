using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using FlakeTools.Core.References;

namespace FlakeTools.Core.Locks;

/// <summary>
/// One input of a lock, at its input path from the root (<c>home-manager/nixpkgs</c>): a direct
/// node or a follows, with what the node pins.
/// </summary>
public sealed class LockEntry
{
    internal LockEntry(IReadOnlyList<string> inputPath, LockNode? node, IReadOnlyList<string>? follows, bool isDuplicate, LockedInfo? locked, string? flakeDirectory)
    {
        Segments = inputPath;
        Node = node;
        FollowsPath = follows;
        IsDuplicate = isDuplicate;
        Locked = locked;
        Path = flakeDirectory;
        _original = new Lazy<FlakeReference?>(() => ReadOriginal(node));
    }

    private readonly Lazy<FlakeReference?> _original;

    private static FlakeReference? ReadOriginal(LockNode? node)
    {
        if (node?.Original is not { } original) return null;
        try
        {
            return FlakeReference.FromAttributes(original.Select(p => new KeyValuePair<string, object>(p.Key, Scalar(p.Value))));
        }
        catch (FlakeReferenceException)
        {
            return null; // a reference FlakeTools cannot read: the raw attributes are still on Node
        }
    }

    private static object Scalar(JsonNode? value) => value is JsonValue v && v.TryGetValue<long>(out var n) ? n
        : value is JsonValue b && b.TryGetValue<bool>(out var flag) ? flag
        : value?.GetValue<string>() ?? "";

    /// <summary>The input's name (the last segment of its path).</summary>
    public string Name => Segments[^1];

    /// <summary>The path from the root: <c>home-manager/nixpkgs</c>.</summary>
    public string InputPath => string.Join("/", Segments);

    /// <summary>The path as segments.</summary>
    public IReadOnlyList<string> Segments { get; }

    /// <summary>0 for an input of the root flake, 1 for an input of an input, ...</summary>
    public int Depth => Segments.Count - 1;

    /// <summary>The node the input resolves to (through follows), or null (empty follows, or a follows that leads nowhere).</summary>
    public LockNode? Node { get; }

    /// <summary>The key of <see cref="Node"/>.</summary>
    public string? NodeKey => Node?.Key;

    /// <summary>Whether this input follows another instead of having its own node.</summary>
    public bool IsFollows => FollowsPath is not null;

    /// <summary>The follows target path, or null for a direct input.</summary>
    public IReadOnlyList<string>? FollowsPath { get; }

    /// <summary>The follows target as text (<c>""</c> for the empty follows), or null.</summary>
    public string? Follows => FollowsPath is null ? null : string.Join("/", FollowsPath);

    /// <summary>Whether the input's node is a second copy of a source that another node also locks (<c>nixpkgs_2</c>).</summary>
    public bool IsDuplicate { get; }

    /// <summary>What the node pins.</summary>
    public LockedInfo? Locked { get; }

    /// <summary>The reference as flake.nix (or the input's own flake) wrote it.</summary>
    public FlakeReference? Original => _original.Value;

    /// <summary>The locked type.</summary>
    public string? Type => Locked?.Type;

    /// <summary>The locked commit.</summary>
    public string? Rev => Locked?.Rev;

    /// <summary>The branch or tag that was locked.</summary>
    public string? Ref => Locked?.Ref;

    /// <summary>When the locked source was last modified.</summary>
    public DateTimeOffset? LastModified => Locked?.LastModified;

    /// <summary>How old the locked source is.</summary>
    public TimeSpan? Age => Locked?.Age;

    /// <summary>False for non-flake sources.</summary>
    public bool IsFlake => Node?.IsFlake ?? true;

    /// <summary>The flake directory the lock belongs to.</summary>
    public string? Path { get; }

    /// <inheritdoc />
    public override string ToString() => InputPath;
}

public sealed partial class FlakeLock
{
    /// <summary>
    /// The inputs of the root (and, with <paramref name="recurse"/>, of every input below it,
    /// parents before children, names in order), each resolved through follows.
    /// </summary>
    public IReadOnlyList<LockEntry> Entries(bool recurse, DateTimeOffset now, string? flakeDirectory = null)
    {
        var duplicates = DuplicateNodeKeys();
        var result = new List<LockEntry>();
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        void Visit(LockNode node, List<string> prefix)
        {
            onPath.Add(node.Key);
            foreach (var (name, target) in node.Inputs.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var path = new List<string>(prefix) { name };
                if (target.IsFollows)
                {
                    var resolved = target.FollowsPath!.Count == 0 ? null : Resolve(target.FollowsPath!);
                    result.Add(new LockEntry(path, resolved, target.FollowsPath, false, resolved is null ? null : LockedInfo.From(resolved, now), flakeDirectory));
                    continue;
                }
                var child = _nodes[target.NodeKey!];
                result.Add(new LockEntry(path, child, null, duplicates.Contains(child.Key), LockedInfo.From(child, now), flakeDirectory));
                if (recurse && !onPath.Contains(child.Key)) Visit(child, path);
            }
            onPath.Remove(node.Key);
        }
        Visit(Root, new List<string>());
        return result;
    }

    /// <summary>
    /// Keys of nodes that lock a source another node also locks, other than the ones the root
    /// uses directly: the second nixpkgs that a missing follows brings in.
    /// </summary>
    public IReadOnlySet<string> DuplicateNodeKeys()
    {
        var direct = Root.Inputs.Values.Where(t => t.NodeKey is not null).Select(t => t.NodeKey!).ToHashSet(StringComparer.Ordinal);
        var duplicates = new HashSet<string>(StringComparer.Ordinal);
        var bySource = _nodes.Values.Where(n => n.Key != RootKey).Select(n => (Node: n, Source: SourceIdentity(n))).Where(p => p.Source is not null);
        foreach (var group in bySource.GroupBy(p => p.Source!))
        {
            if (group.Count() < 2) continue;
            foreach (var (node, _) in group.Where(p => !direct.Contains(p.Node.Key))) duplicates.Add(node.Key);
        }
        return duplicates;
    }

    /// <summary>What a node locks, as one comparable string (type, owner/repo, url, path or id, dir), or null.</summary>
    public static string? SourceIdentity(LockNode node)
    {
        var attrs = node.Original ?? node.Locked;
        if (attrs is null) return null;
        string Get(string key) => attrs[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
        var type = Get("type");
        var where = type switch
        {
            _ when FlakeReferenceTypes.IsGitForge(type) => (Get("owner") + "/" + Get("repo")).ToLowerInvariant() + "@" + Get("host").ToLowerInvariant(),
            "path" => Get("path"),
            "indirect" => Get("id"),
            _ => Get("url"),
        };
        return type + ":" + where + "?dir=" + Get("dir");
    }
}
