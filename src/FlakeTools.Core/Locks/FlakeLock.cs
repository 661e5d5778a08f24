using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlakeTools.Core.Json;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.IO;

namespace FlakeTools.Core.Locks;

/// <summary>Why a flake.lock could not be read at all.</summary>
public enum FlakeLockError
{
    /// <summary>There is no such file.</summary>
    NotFound,
    /// <summary>The file exists but could not be read (permissions, I/O).</summary>
    Unreadable,
    /// <summary>The file is encrypted with git-crypt (it starts with <c>\0GITCRYPT\0</c>).</summary>
    Encrypted,
    /// <summary>The bytes are not UTF-8 text.</summary>
    NotUtf8,
    /// <summary>The text is not JSON.</summary>
    NotJson,
    /// <summary>A version Nix does not read (it reads 5 to 7).</summary>
    UnsupportedVersion,
    /// <summary>JSON, but not a lock Nix would read (a missing root, an input of the wrong type, ...).</summary>
    Invalid,
}

/// <summary>A flake.lock could not be read; the message says what and where, and what to do.</summary>
public sealed class FlakeLockException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public FlakeLockException(string message, Exception? inner = null) : this(FlakeLockError.Invalid, message, inner) { }

    /// <summary>Creates the exception for a kind of failure.</summary>
    public FlakeLockException(FlakeLockError error, string message, Exception? inner = null) : base(message, inner) => Error = error;

    /// <summary>What kind of failure.</summary>
    public FlakeLockError Error { get; }
}

/// <summary>What an input of a lock node points at: another node, or a follows path from the root flake.</summary>
/// <param name="NodeKey">The node key, for a direct input.</param>
/// <param name="FollowsPath">The input path from the root, for a follows (empty for the empty follows).</param>
public sealed record LockInputTarget(string? NodeKey, InputPath? FollowsPath)
{
    /// <summary>Whether this is a follows.</summary>
    public bool IsFollows => FollowsPath is not null;

    /// <inheritdoc />
    public override string ToString() => NodeKey ?? $"follows '{FollowsPath}'";
}

/// <summary>One node of a flake.lock, read-only.</summary>
public sealed class LockNode
{
    internal LockNode(string key, JsonObject json, IReadOnlyDictionary<string, LockInputTarget> inputs)
    {
        Key = key;
        Json = json;
        Inputs = inputs;
        SortedInputNames = inputs.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        Locked = json["locked"] is JsonObject locked ? LockJsonView.Object(locked) : null;
        Original = json["original"] is JsonObject original ? LockJsonView.Object(original) : null;
    }

    /// <summary>The node's key (usually the input name, or <c>nixpkgs_2</c> for a second source of that name).</summary>
    public string Key { get; }

    /// <summary>The node as stored (unknown fields included); internal so that nobody can change a lock behind its back.</summary>
    internal JsonObject Json { get; }

    /// <summary>The node's inputs.</summary>
    public IReadOnlyDictionary<string, LockInputTarget> Inputs { get; }

    /// <summary>The input names in ordinal order (the order listings use).</summary>
    internal IReadOnlyList<string> SortedInputNames { get; }

    /// <summary>The <c>locked</c> attributes (strings, numbers, booleans), or null (the root has none).</summary>
    public IReadOnlyDictionary<string, object?>? Locked { get; }

    /// <summary>The <c>original</c> attributes, or null.</summary>
    public IReadOnlyDictionary<string, object?>? Original { get; }

    /// <summary>False when the node is not a flake (<c>"flake": false</c>).</summary>
    public bool IsFlake => Json["flake"] is not JsonValue value || !value.TryGetValue<bool>(out var flag) || flag;

    /// <summary>The node as JSON text, as Nix writes it (a copy: changing it changes nothing).</summary>
    public string ToJson() => NixJson.Serialize(Json);

    /// <inheritdoc />
    public override string ToString() => Key;
}

/// <summary>
/// A flake.lock (versions 5 to 7, nix-formats.md section 3): its nodes, the root, and input paths
/// resolved through follows. Read-only; every follows is resolved once, when the lock is read.
/// </summary>
public sealed partial class FlakeLock
{
    private static readonly byte[] GitCryptHeader = Encoding.ASCII.GetBytes("\0GITCRYPT\0");
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Dictionary<string, LockNode> _nodes;
    private readonly Dictionary<InputPath, FollowsResolution> _follows = new();
    private readonly List<LockProblem> _problems;

    private FlakeLock(JsonObject json, int version, string root, Dictionary<string, LockNode> nodes, List<LockProblem> problems, string? path)
    {
        Json = json;
        Version = version;
        RootKey = root;
        _nodes = nodes;
        _problems = problems;
        Path = path;
        ResolveAllFollows();
    }

    /// <summary>The whole document as stored (unknown fields included); internal: the lock is read-only.</summary>
    internal JsonObject Json { get; }

    /// <summary>The file it was read from, if any.</summary>
    public string? Path { get; }

    /// <summary>The flake directory the lock belongs to (the folder of <see cref="Path"/>), if known.</summary>
    public string? Directory => Path is null ? null : System.IO.Path.GetDirectoryName(Path);

    /// <summary>The text Nix would write for this lock (sorted keys, two-space indent, final newline).</summary>
    public string ToText() => NixJson.Serialize(Json) + "\n"; // Nix ends flake.lock with a newline

    /// <summary>The lock file version.</summary>
    public int Version { get; }

    /// <summary>The key of the root node.</summary>
    public string RootKey { get; }

    /// <summary>The root node.</summary>
    public LockNode Root => _nodes[RootKey];

    /// <summary>All nodes by key.</summary>
    public IReadOnlyDictionary<string, LockNode> Nodes => _nodes;

    /// <summary>
    /// What is wrong in a lock that can still be read (Nix reads it too): a key written twice, a
    /// field out of range, follows that go round in a cycle. Empty for a healthy lock.
    /// </summary>
    public IReadOnlyList<LockProblem> Problems => _problems;

    /// <summary>
    /// The lock file for a path: a flake directory's flake.lock; for a flake.nix (or any other
    /// <c>.nix</c> file), the flake.lock beside it; for a lock file (any other name), the path itself.
    /// The one place that decides which lock belongs to a path.
    /// </summary>
    public static string PathFor(string path) =>
        System.IO.Directory.Exists(path) ? System.IO.Path.Combine(path, "flake.lock")
        : path.EndsWith(".nix", StringComparison.Ordinal) ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, "flake.lock")
        : path;

    /// <summary>
    /// Reads the lock file at <paramref name="path"/> (see <see cref="PathFor"/> for the lock of a
    /// flake). Throws <see cref="FlakeLockException"/> saying what is wrong when it cannot be read.
    /// </summary>
    public static FlakeLock Load(string path)
    {
        // A FIFO or device named flake.lock would block the read forever: regular files only.
        if (IO.UnixFile.Status(path) is { IsRegularFile: false } status)
        {
            throw new FlakeLockException(FlakeLockError.Unreadable, $"{path} is {(status.IsDirectory ? "a directory" : "not a regular file (a FIFO, device or socket)")}; a flake.lock is a regular file: remove it and run 'nix flake lock'");
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FlakeLockException(FlakeLockError.NotFound, $"{path} does not exist; run 'nix flake lock' (or Update-FlakeInput) in the flake's directory to create it", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FlakeLockException(FlakeLockError.Unreadable, $"{path} cannot be read: {e.Message}", e);
        }
        return FromBytes(bytes, path);
    }

    /// <summary>Reads a lock from the bytes of the file; <paramref name="path"/> is used in messages.</summary>
    public static FlakeLock FromBytes(ReadOnlySpan<byte> bytes, string? path = null)
    {
        var where = path ?? "flake.lock";
        if (bytes.StartsWith(GitCryptHeader))
        {
            throw new FlakeLockException(FlakeLockError.Encrypted, $"{where} is encrypted with git-crypt: unlock the repository (git-crypt unlock) to read it");
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new FlakeLockException(FlakeLockError.NotUtf8, $"{where} is not UTF-8 text (byte {e.BytesUnknown?.FirstOrDefault():x2} at offset {e.Index}); Nix reads flake.lock as UTF-8 JSON: restore it from version control or delete it and run 'nix flake lock'", e);
        }
        return Parse(text, path);
    }

    // A lock is read-only once read: the same text at the same path gives the same lock (bench/startup.ps1, steady state).
    private static readonly ParseCache<FlakeLock> Cache = new(capacity: 4, maxTextLength: 4 << 20);

    /// <summary>Reads a lock; <paramref name="path"/> is only used in messages.</summary>
    public static FlakeLock Parse(string text, string? path = null) => Cache.GetOrParse(path, text, ParseText);

    private static FlakeLock ParseText(string text, string? path)
    {
        var where = path ?? "flake.lock";
        if (text.StartsWith('\uFEFF')) text = text[1..]; // Nix's JSON parser skips a byte-order mark too
        if (text.StartsWith("\0GITCRYPT\0", StringComparison.Ordinal))
        {
            throw new FlakeLockException(FlakeLockError.Encrypted, $"{where} is encrypted with git-crypt: unlock the repository (git-crypt unlock) to read it");
        }
        var problems = new List<LockProblem>();
        JsonNode? document;
        try
        {
            // Not disposed: the values keep pointing into it (cheaper than a copy of each).
            var parsed = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false });
            document = LockJsonView.ToNode(parsed.RootElement);
        }
        catch (JsonException e)
        {
            throw new FlakeLockException(FlakeLockError.NotJson, $"{where} is not valid JSON (line {e.LineNumber + 1}, column {e.BytePositionInLine + 1}): {JsonReason(e)}; restore it from version control or delete it and run 'nix flake lock'", e);
        }
        foreach (var (key, line) in LockJsonView.DuplicateKeys(text))
        {
            problems.Add(new LockProblem(LockProblemKind.DuplicateKey, null, null,
                $"{where}:{line}: the key '{key}' is written twice in one object (a merge resolved by hand?); Nix silently uses the last one: remove the other (or run 'nix flake lock' to rewrite the file)", line));
        }
        if (document is not JsonObject json) throw new FlakeLockException($"{where} is not a JSON object");
        int version;
        if (json["version"] is JsonValue v && v.TryGetValue<JsonElement>(out var versionElement) && versionElement.ValueKind == JsonValueKind.Number && versionElement.TryGetInt32(out var n)) version = n;
        else throw new FlakeLockException($"{where} has no numeric 'version'");
        if (version is < 5 or > 7) throw new FlakeLockException(FlakeLockError.UnsupportedVersion, $"{where} has version {version}; Nix and FlakeTools read versions 5 to 7: lock it again with the Nix you use ('nix flake lock')");
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
                        JsonArray array => new LockInputTarget(null, FollowsPath(array, where, key, name)),
                        _ => throw new FlakeLockException($"{where}: node '{key}' input '{name}' must be a node name or a follows path (an array)"),
                    };
                }
            }
            else if (nodeJson["inputs"] is not null)
            {
                throw new FlakeLockException($"{where}: node '{key}' has 'inputs' that is not an object");
            }
            CheckFields(nodeJson, key, where, problems);
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
        return new FlakeLock(json, version, root, nodes, problems, path);
    }

    // System.Text.Json ends its messages with " LineNumber: 0 | BytePositionInLine: 2."; the line is said already.
    private static string JsonReason(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal) is >= 0 and var path ? path : message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    private static InputPath FollowsPath(JsonArray array, string where, string key, string name)
    {
        var path = InputPath.Empty;
        foreach (var item in array)
        {
            // Nix refuses these too ("type must be string, but is number").
            if (item is not JsonValue value || !value.TryGetValue<string>(out var segment))
            {
                throw new FlakeLockException($"{where}: node '{key}' input '{name}' has a follows path with {Describe(item)} in it; a follows path holds input names (strings) only: restore the lock from version control or run 'nix flake lock'");
            }
            if (segment.Length == 0) throw new FlakeLockException($"{where}: node '{key}' input '{name}' has an empty name in its follows path");
            path = path.Append(segment);
        }
        return path;
    }

    private static string Describe(JsonNode? item) => item switch
    {
        null => "a null",
        JsonArray => "an array",
        JsonObject => "an object",
        _ => $"the value {item.ToJsonString()}",
    };

    private static void CheckFields(JsonObject node, string key, string where, List<LockProblem> problems)
    {
        if (node["locked"] is not JsonObject locked) return;
        foreach (var field in new[] { "lastModified", "revCount" })
        {
            if (locked[field] is not { } value) continue;
            var ok = value is JsonValue v && v.TryGetValue<JsonElement>(out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var number) && number >= 0
                && (field != "lastModified" || number <= LockedInfo.MaxUnixSeconds);
            if (ok) continue;
            problems.Add(new LockProblem(LockProblemKind.InvalidField, key, null,
                $"{where}: node '{key}' has {field} {value.ToJsonString()}, which is not " + (field == "lastModified" ? "a time (seconds since 1970, before the year 10000)" : "a count") +
                "; it is shown as unknown. The lock was probably edited by hand: restore it from version control or update that input"));
        }
    }

    /// <summary>
    /// The node an input path (<c>home-manager/nixpkgs</c>) leads to, following follows from the
    /// root; null for the empty follows, a path that leads nowhere, or follows that go round in a cycle.
    /// </summary>
    public LockNode? Resolve(InputPath inputPath) => Walk(inputPath).Node;

    /// <summary>The same, from the names of the path.</summary>
    public LockNode? Resolve(IReadOnlyList<string> inputPath) => Resolve(InputPath.Of(inputPath));

    /// <summary>Where a follows target leads (resolved once, when the lock was read).</summary>
    internal FollowsResolution ResolveFollows(InputPath target) =>
        target.IsEmpty ? FollowsResolution.None : _follows.TryGetValue(target, out var known) ? known : Walk(target);

    private FollowsResolution Walk(InputPath inputPath)
    {
        var node = Root;
        foreach (var name in inputPath.Segments)
        {
            if (!node.Inputs.TryGetValue(name, out var target)) return FollowsResolution.None;
            if (target.NodeKey is not null)
            {
                node = _nodes[target.NodeKey];
                continue;
            }
            var followed = ResolveFollows(target.FollowsPath!);
            if (followed.Node is null) return followed;
            node = followed.Node;
        }
        return new FollowsResolution(node, false);
    }

    // Resolves every follows target of every node once, with cycle detection, without recursion
    // (a chain of thousands of follows must not overflow the stack).
    private void ResolveAllFollows()
    {
        var inProgress = new HashSet<InputPath>();
        foreach (var node in _nodes.Values)
        {
            foreach (var (name, target) in node.Inputs)
            {
                if (target.FollowsPath is not { IsEmpty: false } path || _follows.ContainsKey(path)) continue;
                Solve(path, inProgress);
                if (_follows[path].IsCycle)
                {
                    var who = node.Key == RootKey ? $"input '{name}'" : $"input '{name}' of node '{node.Key}'";
                    _problems.Add(new LockProblem(LockProblemKind.FollowsCycle, node.Key, name,
                        $"{Path ?? "flake.lock"}: {who} follows '{path}', and that leads back round to itself: the follows go round in a cycle; fix the follows in flake.nix and run 'nix flake lock'"));
                }
            }
        }
        foreach (var node in _nodes.Values)
        {
            foreach (var (name, target) in node.Inputs)
            {
                if (target.FollowsPath is { IsEmpty: false } path && _follows[path].IsCycle && !_problems.Any(p => p.Kind == LockProblemKind.FollowsCycle && p.NodeKey == node.Key && p.InputName == name))
                {
                    var who = node.Key == RootKey ? $"input '{name}'" : $"input '{name}' of node '{node.Key}'";
                    _problems.Add(new LockProblem(LockProblemKind.FollowsCycle, node.Key, name,
                        $"{Path ?? "flake.lock"}: {who} follows '{path}', which is part of a follows cycle; fix the follows in flake.nix and run 'nix flake lock'"));
                }
            }
        }
    }

    // An explicit stack of (path, step reached, node reached) frames: resolving a path walks it from
    // the root, and a follows met on the way is resolved first (pushed), unless it is in progress,
    // which is a cycle.
    private void Solve(InputPath start, HashSet<InputPath> inProgress)
    {
        var stack = new Stack<(InputPath Path, int Step, LockNode Node)>();
        stack.Push((start, 0, Root));
        inProgress.Add(start);
        FollowsResolution? returned = null;
        while (stack.Count > 0)
        {
            var (path, step, node) = stack.Pop();
            FollowsResolution? result = null;
            var segments = path.Segments;
            while (result is null && step < segments.Count)
            {
                if (!node.Inputs.TryGetValue(segments[step], out var target)) { result = FollowsResolution.None; break; }
                if (target.NodeKey is not null) { node = _nodes[target.NodeKey]; step++; continue; }
                var followed = target.FollowsPath!;
                if (followed.IsEmpty) { result = FollowsResolution.None; break; }
                FollowsResolution? known = returned is not null ? returned : _follows.TryGetValue(followed, out var k) ? k : null;
                returned = null;
                if (known is null)
                {
                    if (inProgress.Contains(followed)) { result = FollowsResolution.Cycle; break; }
                    stack.Push((path, step, node));
                    stack.Push((followed, 0, Root));
                    inProgress.Add(followed);
                    break;
                }
                if (known.Node is null) { result = known; break; }
                node = known.Node;
                step++;
            }
            if (result is null && step < segments.Count) continue; // a follows was pushed: resolve it first
            result ??= new FollowsResolution(node, false);
            _follows[path] = result;
            inProgress.Remove(path);
            returned = result;
        }
    }
}

/// <summary>Where a follows leads: a node, nowhere (<see cref="Node"/> null), or round in a cycle.</summary>
internal sealed record FollowsResolution(LockNode? Node, bool IsCycle)
{
    public static FollowsResolution None { get; } = new(null, false);

    public static FollowsResolution Cycle { get; } = new(null, true);
}

/// <summary>Read-only copies of lock JSON for public properties, and the reading helpers behind them.</summary>
internal static class LockJsonView
{
    public static IReadOnlyDictionary<string, object?> Object(JsonObject json) =>
        new ReadOnlyDictionary<string, object?>(json.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => Value(p.Value), StringComparer.Ordinal));

    public static object? Value(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => Object(obj),
        JsonArray array => new ReadOnlyCollection<object?>(array.Select(Value).ToList()),
        JsonValue value when value.TryGetValue<JsonElement>(out var element) => element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => element.TryGetInt64(out var integer) ? integer : element.GetDouble(),
            _ => null,
        },
        _ => node.ToJsonString(),
    };

    /// <summary>A mutable node tree from a document, the last of duplicate keys winning as in Nix's parser.</summary>
    public static JsonNode? ToNode(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject()) obj[property.Name] = ToNode(property.Value);
                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray()) array.Add(ToNode(item));
                return array;
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element);
        }
    }

    /// <summary>Keys written twice in one object, with their one-based lines.</summary>
    public static IEnumerable<(string Key, int Line)> DuplicateKeys(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        var scopes = new Stack<HashSet<string>?>();
        var found = new List<(string, int)>();
        var line = 1;
        var counted = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject: scopes.Push(new HashSet<string>(StringComparer.Ordinal)); break;
                case JsonTokenType.StartArray: scopes.Push(null); break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray: scopes.Pop(); break;
                case JsonTokenType.PropertyName:
                    var name = reader.GetString()!;
                    if (scopes.Peek() is { } keys && !keys.Add(name))
                    {
                        var at = (int)reader.TokenStartIndex;
                        for (; counted < at; counted++) if (bytes[counted] == (byte)'\n') line++;
                        found.Add((name, line));
                    }
                    break;
            }
        }
        return found;
    }
}
