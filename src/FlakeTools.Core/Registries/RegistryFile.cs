using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlakeTools.Core.Json;
using FlakeTools.Core.IO;

namespace FlakeTools.Core.Registries;

/// <summary>Something in a registry file that Nix cannot read.</summary>
/// <param name="Path">The file.</param>
/// <param name="Index">The entry (0-based), or null when the whole file is affected.</param>
/// <param name="Message">What is wrong and what Nix does about it.</param>
public sealed record RegistryProblem(string Path, int? Index, string Message);

/// <summary>A registry.json file cannot be changed; the message says why and what to do.</summary>
public sealed class RegistryWriteException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public RegistryWriteException(string path, string message, bool isReadOnly) : base(message)
    {
        Path = path;
        IsReadOnly = isReadOnly;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Whether the file is read-only (rather than unreadable or of another format).</summary>
    public bool IsReadOnly { get; }
}

/// <summary>
/// A registry.json (version 2) as text and entries. Reading keeps every field, known or not;
/// writing produces the text Nix writes (sorted keys, two-space indentation, no final newline).
/// Edits return a new file and follow <c>nix registry add/remove</c>: an added entry replaces
/// entries with the same <c>from</c> and goes to the end.
/// </summary>
public sealed class RegistryFile
{
    private readonly JsonObject? _root;
    private readonly List<FlakeRegistryEntry?> _slots; // one per element of "flakes"; null where it cannot be read
    private readonly List<RegistryProblem> _problems;

    private RegistryFile(RegistryLocation location, string? text, JsonObject? root, List<FlakeRegistryEntry?> slots, List<RegistryProblem> problems)
    {
        Location = location;
        Text = text;
        _root = root;
        _slots = slots;
        _problems = problems;
    }

    /// <summary>Where the file is and how Nix found it.</summary>
    public RegistryLocation Location { get; }

    /// <summary>The file's path.</summary>
    public string Path => Location.Path!;

    /// <summary>The text as read, or null when the file does not exist.</summary>
    public string? Text { get; }

    /// <summary>The entries that can be read, in file order.</summary>
    public IReadOnlyList<FlakeRegistryEntry> Entries => _slots.Where(e => e is not null).Select(e => e!).ToList();

    /// <summary>
    /// The entries Nix uses: Nix stops reading a registry at the first entry it cannot read
    /// (keeping the ones before it), and uses none when the file is not valid JSON of version 2.
    /// </summary>
    public IReadOnlyList<FlakeRegistryEntry> EntriesNixUses => _slots.TakeWhile(e => e is not null).Select(e => e!).ToList();

    /// <summary>What Nix cannot read in this file.</summary>
    public IReadOnlyList<RegistryProblem> Problems => _problems;

    /// <summary>Whether the file as a whole can be read and rewritten (valid JSON, version 2).</summary>
    public bool IsWellFormed => _root is not null;

    /// <summary>Reads the file at <paramref name="location"/>; a missing file is an empty registry.</summary>
    public static RegistryFile Load(RegistryLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Path is null || !System.IO.File.Exists(location.Path))
        {
            return new RegistryFile(location, null, NewRoot(), new List<FlakeRegistryEntry?>(), new List<RegistryProblem>());
        }
        string text;
        try
        {
            text = TextFile.Read(location.Path);
        }
        catch (FileAccessException e)
        {
            return new RegistryFile(location, null, null, new List<FlakeRegistryEntry?>(), new List<RegistryProblem> { new(location.Path, null, e.Message + "; Nix ignores this registry") });
        }
        return Parse(text, location);
    }

    /// <summary>Reads registry text that belongs at <paramref name="location"/>.</summary>
    public static RegistryFile Parse(string text, RegistryLocation location)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(location);
        var path = location.Path ?? "(registry)";
        var problems = new List<RegistryProblem>();
        var slots = new List<FlakeRegistryEntry?>();
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text.TrimStart('\uFEFF'), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            problems.Add(new RegistryProblem(path, null, $"{path} is not valid JSON ({e.Message}); Nix warns and ignores the whole registry. Fix the JSON or remove the file"));
            return new RegistryFile(location, text, null, slots, problems);
        }
        if (node is not JsonObject root)
        {
            problems.Add(new RegistryProblem(path, null, $"{path} is not a JSON object; Nix ignores the whole registry"));
            return new RegistryFile(location, text, null, slots, problems);
        }
        var version = root["version"] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) ? n : 0;
        if (version != 2)
        {
            problems.Add(new RegistryProblem(path, null, $"{path} has version {version}; Nix reads only version 2 and ignores this registry. Rewrite it as {{\"version\": 2, \"flakes\": [...]}}"));
            return new RegistryFile(location, text, null, slots, problems);
        }
        if (root["flakes"] is JsonArray flakes)
        {
            for (var i = 0; i < flakes.Count; i++)
            {
                try
                {
                    slots.Add(ReadEntry(flakes[i], location, i));
                }
                catch (RegistryFormatException e)
                {
                    slots.Add(null);
                    var later = flakes.Count - i - 1;
                    var after = later > 0 && problems.All(p => p.Index is null) ? $", and Nix stops reading the file there: it also ignores the {later} entr{(later == 1 ? "y" : "ies")} after it" : "";
                    problems.Add(new RegistryProblem(path, i, $"{path}: entry {i} cannot be read: {e.Message}. Nix ignores it{after}. Fix or remove the entry"));
                }
            }
        }
        else if (root["flakes"] is not null)
        {
            problems.Add(new RegistryProblem(path, null, $"{path}: 'flakes' is not an array; Nix ignores this registry"));
            return new RegistryFile(location, text, null, slots, problems);
        }
        return new RegistryFile(location, text, root, slots, problems);
    }

    private static FlakeRegistryEntry ReadEntry(JsonNode? node, RegistryLocation location, int index)
    {
        if (node is not JsonObject obj) throw new RegistryFormatException("it is not a JSON object");
        var from = RegistryInput.FromJson(obj["from"], "from");
        string? dir = null;
        JsonNode? toNode = obj["to"];
        if (toNode is JsonObject toObject && toObject["dir"] is { } dirNode)
        {
            dir = dirNode is JsonValue dv && dv.GetValueKind() == JsonValueKind.String ? dv.GetValue<string>() : throw new RegistryFormatException("'to.dir' is not a string");
            var copy = (JsonObject)toObject.DeepClone();
            copy.Remove("dir");
            toNode = copy;
        }
        var to = RegistryInput.FromJson(toNode, "to");
        var exact = false;
        if (obj["exact"] is { } exactNode)
        {
            exact = exactNode is JsonValue ev && ev.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                ? ev.GetValue<bool>()
                : throw new RegistryFormatException("'exact' is not true or false");
        }
        return new FlakeRegistryEntry(location.Scope, from, to, dir, exact, new RegistryFileOrigin(location, index));
    }

    private static JsonObject NewRoot() => new() { ["flakes"] = new JsonArray(), ["version"] = 2 };

    /// <summary>The JSON of the entry at <paramref name="index"/> as Nix would write it (for -WhatIf), or null.</summary>
    public string? EntryJson(int index) =>
        _root?["flakes"] is JsonArray flakes && index >= 0 && index < flakes.Count ? NixJson.Serialize(flakes[index]) : null;

    /// <summary>The file's text as Nix writes it.</summary>
    public string ToText()
    {
        if (_root is null) throw new RegistryWriteException(Path, _problems.FirstOrDefault()?.Message ?? $"{Path} cannot be rewritten", isReadOnly: false);
        return NixJson.Serialize(_root);
    }

    /// <summary>The JSON text of the entry Nix would write for these inputs (for -WhatIf).</summary>
    public static string EntryJson(RegistryInput from, RegistryInput to, string? dir, bool exact)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        return NixJson.Serialize(EntryToJson(from, to, dir, exact));
    }

    private static JsonObject EntryToJson(RegistryInput from, RegistryInput to, string? dir, bool exact)
    {
        var toJson = to.ToJsonObject();
        if (dir is not null) toJson["dir"] = dir;
        var entry = new JsonObject { ["from"] = from.ToJsonObject(), ["to"] = toJson };
        if (exact) entry["exact"] = true;
        return entry;
    }

    /// <summary>
    /// The file with an entry from <paramref name="from"/> to <paramref name="to"/>: like
    /// <c>nix registry add</c>, entries with the same <c>from</c> go and the new entry is appended.
    /// When the file already holds exactly that entry (and no other with the same <c>from</c>),
    /// nothing changes, where Nix would move it to the end.
    /// </summary>
    public RegistryFile Add(RegistryInput from, RegistryInput to, string? dir, bool exact)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var same = _slots.Where(e => e?.FromInput.Equals(from) == true).ToList();
        if (same.Count == 1 && same[0]!.ToInput.Equals(to) && same[0]!.Dir == dir && same[0]!.Exact == exact && _root is not null &&
            NixJson.Serialize(((JsonArray)_root["flakes"]!)[same[0]!.Index!.Value]) == NixJson.Serialize(EntryToJson(from, to, dir, exact)))
        {
            return this;
        }
        var root = EditableRoot();
        var flakes = (JsonArray)root["flakes"]!;
        RemoveWhere(flakes, (index, _) => _slots.ElementAtOrDefault(index)?.FromInput.Equals(from) == true);
        flakes.Add(EntryToJson(from, to, dir, exact));
        return Reparse(root);
    }

    /// <summary>The file without the entries at <paramref name="indexes"/>.</summary>
    public RegistryFile RemoveAt(IEnumerable<int> indexes)
    {
        var set = new HashSet<int>(indexes);
        var root = EditableRoot();
        RemoveWhere((JsonArray)root["flakes"]!, (index, _) => set.Contains(index));
        return Reparse(root);
    }

    /// <summary>The file without the entries whose <c>from</c> equals <paramref name="from"/> (<c>nix registry remove</c>).</summary>
    public RegistryFile Remove(RegistryInput from) =>
        RemoveAt(_slots.Select((e, i) => (e, i)).Where(p => p.e?.FromInput.Equals(from) == true).Select(p => p.i));

    private JsonObject EditableRoot()
    {
        if (_root is null)
        {
            throw new RegistryWriteException(Path, (_problems.FirstOrDefault()?.Message ?? $"{Path} cannot be read") + "; FlakeTools does not rewrite a registry it cannot read", isReadOnly: false);
        }
        var root = (JsonObject)_root.DeepClone();
        if (root["flakes"] is null) root["flakes"] = new JsonArray();
        return root;
    }

    private static void RemoveWhere(JsonArray flakes, Func<int, JsonNode?, bool> predicate)
    {
        for (var i = flakes.Count - 1; i >= 0; i--)
        {
            if (predicate(i, flakes[i])) flakes.RemoveAt(i);
        }
    }

    private RegistryFile Reparse(JsonObject root)
    {
        var text = NixJson.Serialize(root);
        var reparsed = Parse(text, Location);
        return new RegistryFile(Location, Text, reparsed._root, reparsed._slots, reparsed._problems);
    }

    /// <summary>The file's new text compared to what is on disk: whether writing would change anything.</summary>
    public bool DiffersFromDisk => Text is null || Text != ToText();
}
