using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.References;

namespace FlakeTools.Core.Locks;

/// <summary>
/// One input of a lock, at its input path from the root (<c>home-manager/nixpkgs</c>): a direct
/// node or a follows, with what the node pins.
/// </summary>
public sealed class LockEntry
{
    internal LockEntry(InputPath inputPath, LockNode? node, InputPath? follows, bool isFollowsCycle, bool isDuplicate, LockedInfo? locked, string? flakeDirectory)
    {
        InputPath = inputPath;
        Node = node;
        FollowsPath = follows;
        IsFollowsCycle = isFollowsCycle;
        IsDuplicate = isDuplicate;
        Locked = locked;
        Path = flakeDirectory;
        _original = new Lazy<FlakeReference?>(() => ReadOriginal(node));
    }

    private readonly Lazy<FlakeReference?> _original;

    private static FlakeReference? ReadOriginal(LockNode? node)
    {
        if (node?.Json["original"] is not JsonObject original) return null;
        try
        {
            return FlakeReference.FromAttributes(original.Select(p => new KeyValuePair<string, object>(p.Key, Scalar(p.Value))));
        }
        catch (FlakeReferenceException)
        {
            return null; // a reference FlakeTools cannot read: the raw attributes are still on Node
        }
    }

    private static object Scalar(JsonNode? value) => LockJsonView.Value(value) ?? "";

    /// <summary>The input's name (the last name of its path).</summary>
    public string Name => InputPath.Name;

    /// <summary>The path from the root: <c>home-manager/nixpkgs</c>.</summary>
    public InputPath InputPath { get; }

    /// <summary>0 for an input of the root flake, 1 for an input of an input, ...</summary>
    public int Depth => InputPath.Depth;

    /// <summary>The node the input resolves to (through follows), or null (empty follows, a follows that leads nowhere or round in a cycle).</summary>
    public LockNode? Node { get; }

    /// <summary>The key of <see cref="Node"/>.</summary>
    public string? NodeKey => Node?.Key;

    /// <summary>Whether this input follows another instead of having its own node.</summary>
    public bool IsFollows => FollowsPath is not null;

    /// <summary>The follows target path, or null for a direct input.</summary>
    public InputPath? FollowsPath { get; }

    /// <summary>The follows target as text (<c>""</c> for the empty follows), or null.</summary>
    public string? Follows => FollowsPath?.ToString();

    /// <summary>Whether the follows go round in a cycle (a damaged lock): the input resolves to nothing.</summary>
    public bool IsFollowsCycle { get; }

    /// <summary>Whether the input's node is a second copy of a source that another node also locks (<c>nixpkgs_2</c>).</summary>
    public bool IsDuplicate { get; }

    /// <summary>
    /// When a listing shows each node's inputs once and this node's inputs are shown under another
    /// input path (a node several inputs share), that path; otherwise null.
    /// </summary>
    public InputPath? InputsListedAt { get; internal set; }

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
    public override string ToString() => InputPath.ToString();
}

public sealed partial class FlakeLock
{
    /// <summary>
    /// The inputs of the root (and, with <paramref name="recurse"/>, of the inputs below it, parents
    /// before children, names in order), each resolved through follows. A node that several inputs
    /// share has its inputs listed once, under the first path that reaches it (as
    /// <c>nix flake metadata</c> prints its tree); the other entries for it carry
    /// <see cref="LockEntry.InputsListedAt"/>. So the list grows with the nodes and their inputs,
    /// never with the number of paths, which a lock of shared nodes makes exponential.
    /// </summary>
    public IReadOnlyList<LockEntry> Entries(bool recurse, DateTimeOffset now, string? flakeDirectory = null) =>
        Walk(Root, InputPath.Empty, recurse, now, flakeDirectory);

    /// <summary>
    /// The entry at exactly this input path (through follows and shared nodes, however deep), or
    /// null when the lock has no such input.
    /// </summary>
    public LockEntry? Entry(InputPath inputPath, DateTimeOffset now, string? flakeDirectory = null)
    {
        if (inputPath.IsEmpty) return null;
        var parent = inputPath.Parent!.IsEmpty ? Root : Resolve(inputPath.Parent!);
        if (parent is null || !parent.Inputs.TryGetValue(inputPath.Name, out var target)) return null;
        return MakeEntry(inputPath, target, DuplicateNodeKeys(), now, flakeDirectory);
    }

    /// <summary>The inputs below an entry, at every depth, each node's inputs once (see <see cref="Entries"/>).</summary>
    public IReadOnlyList<LockEntry> EntriesBelow(LockEntry entry, DateTimeOffset now)
    {
        if (entry.IsFollows || entry.Node is null) return Array.Empty<LockEntry>();
        return Walk(entry.Node, entry.InputPath, recurse: true, now, entry.Path);
    }

    private IReadOnlyList<LockEntry> Walk(LockNode start, InputPath prefix, bool recurse, DateTimeOffset now, string? flakeDirectory)
    {
        var duplicates = DuplicateNodeKeys();
        var result = new List<LockEntry>();
        var listedAt = new Dictionary<string, InputPath>(StringComparer.Ordinal) { [start.Key] = prefix };
        // An explicit stack (a chain of thousands of nodes must not overflow the call stack).
        var stack = new Stack<(LockNode Node, InputPath Prefix, int Index)>();
        stack.Push((start, prefix, 0));
        while (stack.Count > 0)
        {
            var (node, at, index) = stack.Pop();
            var names = node.SortedInputNames;
            if (index >= names.Count) continue;
            stack.Push((node, at, index + 1));
            var entry = MakeEntry(at.Append(names[index]), node.Inputs[names[index]], duplicates, now, flakeDirectory);
            result.Add(entry);
            if (!recurse || entry.IsFollows || entry.Node is not { } child || child.Inputs.Count == 0) continue;
            if (listedAt.TryGetValue(child.Key, out var first))
            {
                entry.InputsListedAt = first;
                continue;
            }
            listedAt[child.Key] = entry.InputPath;
            stack.Push((child, entry.InputPath, 0));
        }
        return result;
    }

    private LockEntry MakeEntry(InputPath path, LockInputTarget target, IReadOnlySet<string> duplicates, DateTimeOffset now, string? flakeDirectory)
    {
        if (target.FollowsPath is { } follows)
        {
            var resolved = ResolveFollows(follows);
            return new LockEntry(path, resolved.Node, follows, resolved.IsCycle, false, resolved.Node is null ? null : LockedInfo.From(resolved.Node, now), flakeDirectory);
        }
        var child = _nodes[target.NodeKey!];
        return new LockEntry(path, child, null, false, duplicates.Contains(child.Key), LockedInfo.From(child, now), flakeDirectory);
    }

    private IReadOnlySet<string>? _duplicates;

    /// <summary>
    /// Keys of nodes that lock a source another node also locks, other than the ones the root
    /// uses directly: the second nixpkgs that a missing follows brings in.
    /// </summary>
    public IReadOnlySet<string> DuplicateNodeKeys() => _duplicates ??= FindDuplicates();

    private HashSet<string> FindDuplicates()
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
        var attrs = node.Json["original"] as JsonObject ?? node.Json["locked"] as JsonObject;
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
