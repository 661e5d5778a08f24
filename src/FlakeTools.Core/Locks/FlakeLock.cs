using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlakeTools.Core.Locks;

/// <summary>A flake.lock could not be read; the message says what and where.</summary>
public sealed class FlakeLockException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public FlakeLockException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>What an input of a lock node points at: another node, or a follows path from the root flake.</summary>
/// <param name="NodeKey">The node key, for a direct input.</param>
/// <param name="FollowsPath">The input path from the root, for a follows (empty for the empty follows).</param>
public sealed record LockInputTarget(string? NodeKey, IReadOnlyList<string>? FollowsPath)
{
    /// <summary>Whether this is a follows.</summary>
    public bool IsFollows => FollowsPath is not null;
}

/// <summary>One node of a flake.lock.</summary>
public sealed class LockNode
{
    internal LockNode(string key, JsonObject json, IReadOnlyDictionary<string, LockInputTarget> inputs)
    {
        Key = key;
        Json = json;
        Inputs = inputs;
    }

    /// <summary>The node's key (usually the input name, or <c>nixpkgs_2</c> for a second source of that name).</summary>
    public string Key { get; }

    /// <summary>The node as stored (unknown fields included).</summary>
    public JsonObject Json { get; }

    /// <summary>The node's inputs.</summary>
    public IReadOnlyDictionary<string, LockInputTarget> Inputs { get; }

    /// <summary>The <c>locked</c> attributes, or null (the root has none).</summary>
    public JsonObject? Locked => Json["locked"] as JsonObject;

    /// <summary>The <c>original</c> attributes, or null.</summary>
    public JsonObject? Original => Json["original"] as JsonObject;

    /// <summary>False when the node is not a flake (<c>"flake": false</c>).</summary>
    public bool IsFlake => Json["flake"] is not JsonValue value || !value.TryGetValue<bool>(out var flag) || flag;
}

/// <summary>
/// A flake.lock (versions 5 to 7, nix-formats.md section 3): its nodes, the root, and input paths
/// resolved through follows.
/// </summary>
public sealed partial class FlakeLock
{
    private readonly Dictionary<string, LockNode> _nodes;

    private FlakeLock(JsonObject json, int version, string root, Dictionary<string, LockNode> nodes)
    {
        Json = json;
        Version = version;
        RootKey = root;
        _nodes = nodes;
    }

    /// <summary>The whole document as stored (unknown fields included).</summary>
    public JsonObject Json { get; }

    /// <summary>The file it was read from, if any.</summary>
    public string? Path { get; private init; }

    /// <summary>The text Nix would write for this lock (sorted keys, two-space indent, final newline).</summary>
    public string ToText() => LockJson.Serialize(JsonNode.Parse(Json.ToJsonString()));

    /// <summary>The lock file version.</summary>
    public int Version { get; }

    /// <summary>The key of the root node.</summary>
    public string RootKey { get; }

    /// <summary>The root node.</summary>
    public LockNode Root => _nodes[RootKey];

    /// <summary>All nodes by key.</summary>
    public IReadOnlyDictionary<string, LockNode> Nodes => _nodes;

    /// <summary>The lock file for a path: a flake directory's flake.lock, the flake.lock beside a flake.nix, or the path itself.</summary>
    public static string PathFor(string path) =>
        System.IO.Directory.Exists(path) ? System.IO.Path.Combine(path, "flake.lock")
        : System.IO.Path.GetFileName(path) == "flake.nix" ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, "flake.lock")
        : path;

    /// <summary>Reads a lock; <paramref name="path"/> is only used in messages.</summary>
    public static FlakeLock Parse(string text, string? path = null)
    {
        var where = path ?? "flake.lock";
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new FlakeLockException($"{where} is not valid JSON (line {e.LineNumber + 1}): {e.Message}; restore it from version control or delete it and run 'nix flake lock'", e);
        }
        if (document is not JsonObject json) throw new FlakeLockException($"{where} is not a JSON object");
        var version = json["version"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : throw new FlakeLockException($"{where} has no numeric 'version'");
        if (version is < 5 or > 7) throw new FlakeLockException($"{where} has version {version}; Nix and FlakeTools read versions 5 to 7");
        var root = json["root"] is JsonValue r && r.TryGetValue<string>(out var rootKey) ? rootKey : throw new FlakeLockException($"{where} has no 'root'");
        if (json["nodes"] is not JsonObject nodesJson) throw new FlakeLockException($"{where} has no 'nodes' object");

        var nodes = new Dictionary<string, LockNode>(StringComparer.Ordinal);
        foreach (var (key, value) in nodesJson)
        {
            if (value is not JsonObject nodeJson) throw new FlakeLockException($"{where}: node '{key}' is not an object");
            var inputs = new Dictionary<string, LockInputTarget>(StringComparer.Ordinal);
            if (nodeJson["inputs"] is JsonObject inputsJson)
            {
                foreach (var (name, target) in inputsJson)
                {
                    inputs[name] = target switch
                    {
                        JsonValue s when s.TryGetValue<string>(out var nodeKey) => new LockInputTarget(nodeKey, null),
                        JsonArray array => new LockInputTarget(null, array.Select(item => item?.GetValue<string>() ?? throw new FlakeLockException($"{where}: node '{key}' input '{name}' has a null in its follows path")).ToList()),
                        _ => throw new FlakeLockException($"{where}: node '{key}' input '{name}' must be a node name or a follows path (an array)"),
                    };
                }
            }
            else if (nodeJson["inputs"] is not null)
            {
                throw new FlakeLockException($"{where}: node '{key}' has 'inputs' that is not an object");
            }
            nodes[key] = new LockNode(key, nodeJson, inputs);
        }
        if (!nodes.ContainsKey(root)) throw new FlakeLockException($"{where}: the root node '{root}' is missing");
        foreach (var node in nodes.Values)
        {
            foreach (var (name, target) in node.Inputs)
            {
                if (target.NodeKey is { } nodeKey && !nodes.ContainsKey(nodeKey))
                {
                    throw new FlakeLockException($"{where}: node '{node.Key}' input '{name}' points to a node '{nodeKey}' that does not exist");
                }
            }
        }
        return new FlakeLock(json, version, root, nodes) { Path = path };
    }

    /// <summary>
    /// The node an input path (<c>["home-manager", "nixpkgs"]</c>) leads to, following follows from
    /// the root; null for the empty follows or a path that leads nowhere.
    /// </summary>
    public LockNode? Resolve(IReadOnlyList<string> inputPath) => Resolve(inputPath, 0);

    private LockNode? Resolve(IReadOnlyList<string> inputPath, int depth)
    {
        if (depth > _nodes.Count + 1) throw new FlakeLockException($"flake.lock: the follows of '{string.Join("/", inputPath)}' go round in a cycle");
        var node = Root;
        foreach (var name in inputPath)
        {
            if (!node.Inputs.TryGetValue(name, out var target)) return null;
            if (target.NodeKey is not null)
            {
                node = _nodes[target.NodeKey];
                continue;
            }
            if (target.FollowsPath!.Count == 0) return null;
            var followed = Resolve(target.FollowsPath!, depth + 1);
            if (followed is null) return null;
            node = followed;
        }
        return node;
    }
}
