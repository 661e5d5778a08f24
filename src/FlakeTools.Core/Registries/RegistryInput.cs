using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlakeTools.Core.Json;
using FlakeTools.Core.References;

namespace FlakeTools.Core.Registries;

/// <summary>A registry entry's <c>from</c> or <c>to</c> is not an input Nix accepts.</summary>
public sealed class RegistryFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public RegistryFormatException(string message) : base(message) { }
}

/// <summary>A reference could not be resolved through the registries; the message says why and what to do.</summary>
public sealed class RegistryResolutionException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public RegistryResolutionException(string reference, string message) : base(message)
    {
        Reference = reference;
    }

    /// <summary>The reference that was being resolved.</summary>
    public string Reference { get; }
}

/// <summary>
/// An input as Nix holds it in a registry: a set of typed attributes (strings, unsigned integers,
/// booleans). Two inputs are equal when their attributes are equal, which is how Nix matches a
/// reference against an entry's <c>from</c>.
/// </summary>
public sealed class RegistryInput : IEquatable<RegistryInput>
{
    private static readonly Regex FlakeIdPattern = new("^[a-zA-Z][a-zA-Z0-9_-]*$", RegexOptions.Compiled);
    private static readonly Regex RevPattern = new("^[0-9a-f]{40}$", RegexOptions.Compiled);
    private static readonly string[] ArchiveSuffixes = { ".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst" };
    private static readonly string[] GitBooleans = { "shallow", "submodules", "lfs", "exportIgnore", "allRefs", "verifyCommit" };

    // The attributes Nix's fetchers accept per input type (newest Nix; older versions accept a subset).
    private static readonly Dictionary<string, HashSet<string>> AllowedAttributes = new(StringComparer.Ordinal)
    {
        ["indirect"] = new(StringComparer.Ordinal) { "id", "ref", "rev", "narHash" },
        ["github"] = new(StringComparer.Ordinal) { "owner", "repo", "ref", "rev", "narHash", "lastModified", "host", "treeHash" },
        ["gitlab"] = new(StringComparer.Ordinal) { "owner", "repo", "ref", "rev", "narHash", "lastModified", "host", "treeHash" },
        ["sourcehut"] = new(StringComparer.Ordinal) { "owner", "repo", "ref", "rev", "narHash", "lastModified", "host", "treeHash" },
        ["path"] = new(StringComparer.Ordinal) { "path", "rev", "revCount", "lastModified", "narHash" },
        ["git"] = new(StringComparer.Ordinal)
        {
            "url", "ref", "rev", "shallow", "submodules", "lfs", "exportIgnore", "allRefs", "lastModified", "revCount", "narHash",
            "name", "dirtyRev", "dirtyShortRev", "verifyCommit", "keytype", "publicKey", "publicKeys",
        },
        ["hg"] = new(StringComparer.Ordinal) { "url", "ref", "rev", "revCount", "narHash", "name" },
        ["tarball"] = new(StringComparer.Ordinal) { "url", "narHash", "name", "unpack", "rev", "revCount", "lastModified" },
        ["file"] = new(StringComparer.Ordinal) { "url", "narHash", "name", "unpack", "rev", "revCount", "lastModified" },
    };

    private readonly SortedDictionary<string, object> _attributes;

    private RegistryInput(SortedDictionary<string, object> attributes)
    {
        _attributes = attributes;
    }

    /// <summary>The attributes in byte order of their names; values are <see cref="string"/>, <see cref="ulong"/> or <see cref="bool"/>.</summary>
    public IReadOnlyDictionary<string, object> Attributes => _attributes;

    /// <summary>The input type: indirect, github, gitlab, sourcehut, path, git, hg, tarball, file (or another type Nix may know).</summary>
    public string Type => (string)_attributes["type"];

    /// <summary>The registry name of an indirect input.</summary>
    public string? Id => GetString("id");

    /// <summary>The branch or tag.</summary>
    public string? Ref => GetString("ref");

    /// <summary>The commit.</summary>
    public string? Rev => GetString("rev");

    /// <summary>Whether this input names a source by itself (every type but indirect).</summary>
    public bool IsDirect => Type != "indirect";

    /// <summary>A string attribute, or null.</summary>
    public string? GetString(string name) => _attributes.TryGetValue(name, out var value) ? value as string : null;

    // ---------------- from JSON ----------------

    /// <summary>
    /// Reads an input from a registry file's <c>from</c> or <c>to</c> object, checked the way
    /// Nix checks it (attributes the input type accepts, a valid flake id).
    /// </summary>
    public static RegistryInput FromJson(JsonNode? node, string what)
    {
        if (node is not JsonObject obj) throw new RegistryFormatException($"'{what}' is not a JSON object");
        var attributes = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            attributes[key] = value switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
                JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<ulong>(out var n) => n,
                _ => throw new RegistryFormatException($"'{what}.{key}' is {Describe(value)}; Nix accepts only strings, unsigned integers and booleans in an input"),
            };
        }
        return Create(attributes, what);
    }

    private static string Describe(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => "a number that is not an unsigned integer",
        _ => "not a string",
    };

    private static RegistryInput Create(SortedDictionary<string, object> attributes, string what)
    {
        if (!attributes.TryGetValue("type", out var type) || type is not string typeName)
        {
            throw new RegistryFormatException($"'{what}' has no string attribute 'type' (such as \"indirect\", \"github\" or \"path\")");
        }
        if (AllowedAttributes.TryGetValue(typeName, out var allowed))
        {
            foreach (var name in attributes.Keys)
            {
                if (name is "type" or "__final" || allowed.Contains(name)) continue;
                throw new RegistryFormatException($"'{what}' has the attribute '{name}', which Nix does not accept for type '{typeName}' (it accepts: {string.Join(", ", allowed.OrderBy(a => a, StringComparer.Ordinal))})");
            }
            string Required(string name) => attributes.TryGetValue(name, out var v) && v is string s
                ? s
                : throw new RegistryFormatException($"'{what}' of type '{typeName}' needs the string attribute '{name}'");
            switch (typeName)
            {
                case "indirect":
                    var id = Required("id");
                    if (!FlakeIdPattern.IsMatch(id)) throw new RegistryFormatException($"'{what}.id' '{id}' is not a valid flake id (a letter, then letters, digits, '-' or '_')");
                    break;
                case "github" or "gitlab" or "sourcehut":
                    Required("owner");
                    Required("repo");
                    if (attributes.ContainsKey("ref") && attributes.ContainsKey("rev")) throw new RegistryFormatException($"'{what}' has both a commit hash (rev) and a branch or tag (ref); a {typeName} input takes one of them");
                    break;
                case "path":
                    Required("path");
                    break;
                default:
                    Required("url");
                    break;
            }
            if (attributes.TryGetValue("rev", out var rev) && (rev is not string r || !RevPattern.IsMatch(r)))
            {
                throw new RegistryFormatException($"'{what}.rev' is not a commit hash (40 hexadecimal digits)");
            }
        }
        return new RegistryInput(attributes);
    }

    /// <summary>The input as the JSON text Nix writes in a registry file (keys in byte order, two-space indentation).</summary>
    public string ToJson() => NixJson.Serialize(ToJsonObject());

    // A fresh object each call, for the file writer and tests; never handed out publicly.
    internal JsonObject ToJsonObject()
    {
        var obj = new JsonObject();
        foreach (var (key, value) in _attributes)
        {
            obj[key] = value switch
            {
                string s => JsonValue.Create(s),
                ulong n => JsonValue.Create(n),
                bool b => JsonValue.Create(b),
                _ => throw new InvalidOperationException($"unexpected attribute value {value}"),
            };
        }
        return obj;
    }

    // ---------------- from a reference ----------------

    /// <summary>
    /// The input Nix makes of a flake reference (its URL parser's rules), and the reference's
    /// subdirectory (<c>?dir=</c>), which Nix keeps beside the input. A relative path is made
    /// absolute against <paramref name="baseDirectory"/>.
    /// </summary>
    public static RegistryInput FromReference(FlakeReference reference, string baseDirectory, out string? dir)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var text = reference.ToUrl();
        dir = reference.Dir;
        var attributes = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["type"] = reference.Type };
        void Put(string name, string? value) { if (value is not null) attributes[name] = value; }
        var parameters = reference.Parameters.Where(p => p.Key != "dir").ToList();
        switch (reference.Type)
        {
            case "indirect":
                Put("id", reference.Id);
                Put("ref", reference.Ref);
                Put("rev", reference.Rev);
                break;
            case "github" or "gitlab" or "sourcehut":
                Put("owner", reference.Owner);
                Put("repo", reference.Repo);
                Put("ref", reference.Ref);
                Put("rev", reference.Rev);
                Put("host", reference.Host);
                Put("narHash", reference.NarHash);
                if (parameters.Count > 0) throw new RegistryResolutionException(text, $"'{text}' has the parameter '{parameters[0].Key}', which Nix does not accept in a {reference.Type} reference");
                break;
            case "path":
                var path = reference.Path!;
                attributes["path"] = System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.GetFullPath(path, baseDirectory);
                Put("rev", reference.Rev);
                Put("narHash", reference.NarHash);
                foreach (var (key, value) in parameters)
                {
                    if (key is not ("revCount" or "lastModified")) throw new RegistryResolutionException(text, $"'{text}' has the parameter '{key}', which a path reference does not take (only rev, revCount, lastModified, narHash, dir)");
                    attributes[key] = ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                        ? n
                        : throw new RegistryResolutionException(text, $"'{text}': {key} must be an unsigned integer");
                }
                break;
            case "git" or "hg":
                Put("ref", reference.Ref);
                Put("rev", reference.Rev);
                var kept = new List<KeyValuePair<string, string>>();
                foreach (var (key, value) in parameters)
                {
                    if (reference.Type == "git" && key is "keytype" or "publicKey" or "publicKeys") attributes[key] = value;
                    else if (reference.Type == "git" && GitBooleans.Contains(key)) attributes[key] = value == "1";
                    else kept.Add(new KeyValuePair<string, string>(key, value));
                }
                if (reference.NarHash is not null) kept.Add(new KeyValuePair<string, string>("narHash", reference.NarHash));
                attributes["url"] = reference.Url + QueryString(kept);
                break;
            case "tarball" or "file":
                Put("narHash", reference.NarHash);
                Put("rev", reference.Rev);
                var rest = new List<KeyValuePair<string, string>>();
                foreach (var (key, value) in parameters)
                {
                    if (key is "revCount" or "lastModified" && ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) attributes[key] = n;
                    else if (key is not ("name" or "unpack" or "revCount" or "lastModified")) rest.Add(new KeyValuePair<string, string>(key, value));
                }
                if (reference.Ref is not null) rest.Add(new KeyValuePair<string, string>("ref", reference.Ref));
                attributes["url"] = reference.Url + QueryString(rest);
                break;
            default:
                throw new RegistryResolutionException(text, $"'{text}' has the type '{reference.Type}', which FlakeTools cannot turn into registry attributes");
        }
        return Create(attributes, text);
    }

    /// <summary>The input with one attribute set (null removes it).</summary>
    public RegistryInput With(string name, object? value)
    {
        var copy = new SortedDictionary<string, object>(_attributes, StringComparer.Ordinal);
        if (value is null) copy.Remove(name); else copy[name] = value;
        return new RegistryInput(copy);
    }

    // ---------------- Nix's matching rules ----------------

    /// <summary>
    /// Nix's rule for an entry that is not exact: the entry's <c>from</c> (this) matches
    /// <paramref name="reference"/> when they are equal, or equal once the reference's own ref
    /// and rev are left out.
    /// </summary>
    public bool Contains(RegistryInput reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (Equals(reference)) return true;
        var other = reference._attributes;
        var withoutRefAndRev = other.Count - (other.ContainsKey("ref") ? 1 : 0) - (other.ContainsKey("rev") ? 1 : 0);
        if (withoutRefAndRev == other.Count || withoutRefAndRev != _attributes.Count) return false;
        foreach (var (key, value) in _attributes)
        {
            if (key is "ref" or "rev" || !other.TryGetValue(key, out var otherValue) || !value.Equals(otherValue)) return false;
        }
        return true;
    }

    /// <summary>
    /// Lays a reference's own branch/tag and commit over this input (an entry's <c>to</c>), as
    /// each fetcher of Nix does; throws when the input type has no place for them.
    /// </summary>
    public RegistryInput ApplyOverrides(string? newRef, string? newRev)
    {
        if (newRef is null && newRev is null) return this;
        switch (Type)
        {
            case "github" or "gitlab" or "sourcehut":
                if (newRef is not null && newRev is not null)
                {
                    throw new RegistryResolutionException(ToNixUrl(), $"cannot apply both a commit hash ({newRev}) and a branch/tag name ('{newRef}') to input '{ToNixUrl()}'");
                }
                return newRev is not null ? With("rev", newRev).With("ref", null) : With("ref", newRef).With("rev", null);
            case "git":
                var git = With("rev", newRev ?? Rev).With("ref", newRef ?? Ref);
                if (git.Ref is null && git.Rev is not null) throw new RegistryResolutionException(ToNixUrl(), $"Git input '{git.ToNixUrl()}' has a commit hash but no branch/tag name");
                return git;
            case "hg" or "indirect":
                return With("rev", newRev ?? Rev).With("ref", newRef ?? Ref);
            default:
                throw new RegistryResolutionException(ToNixUrl(), newRef is not null
                    ? $"don't know how to set branch/tag name of input '{ToNixUrl()}' to '{newRef}' (a {Type} input has none; give the reference without /{newRef})"
                    : $"don't know how to set revision of input '{ToNixUrl()}' to '{newRev}' (a {Type} input has none)");
        }
    }

    // ---------------- formatting ----------------

    /// <summary>The input as the URL Nix prints for it (<c>nix registry list</c>), with <paramref name="dir"/> as <c>?dir=</c>.</summary>
    public string ToNixUrl(string? dir = null)
    {
        var query = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string main;
        switch (Type)
        {
            case "indirect":
                main = "flake:" + Id + (Ref is not null ? "/" + Ref : "") + (Rev is not null ? "/" + Rev : "");
                break;
            case "github" or "gitlab" or "sourcehut":
                main = Type + ":" + GetString("owner") + "/" + GetString("repo") + (Ref is not null ? "/" + Ref.Replace("/", "%2F", StringComparison.Ordinal) : Rev is not null ? "/" + Rev : "");
                if (GetString("narHash") is { } hostedHash) query["narHash"] = hostedHash;
                if (GetString("host") is { } host) query["host"] = host;
                break;
            case "path":
                main = "path:" + GetString("path");
                foreach (var (key, value) in _attributes) if (key is not ("type" or "path")) query[key] = FormatValue(value);
                break;
            case "git" or "hg":
                main = SplitUrl(GetString("url") ?? "", query);
                if (!(Type == "git" && main.StartsWith("git:", StringComparison.Ordinal))) main = Type + "+" + main;
                if (Rev is not null) query["rev"] = Rev;
                if (Ref is not null) query["ref"] = Ref;
                foreach (var name in GitBooleans) if (_attributes.TryGetValue(name, out var b) && b is true) query[name] = "1";
                break;
            case "tarball" or "file":
                main = SplitUrl(GetString("url") ?? "", query);
                if (GetString("narHash") is { } narHash) query["narHash"] = narHash;
                var isArchive = ArchiveSuffixes.Any(s => main.EndsWith(s, StringComparison.Ordinal));
                if ((Type == "tarball") != isArchive) main = Type + "+" + main;
                break;
            default:
                return JsonSerializer.Serialize(_attributes);
        }
        if (dir is not null) query["dir"] = dir;
        return main + QueryString(query.ToList());
    }

    /// <summary>The input as a <see cref="FlakeReference"/> (parsed from <see cref="ToNixUrl"/>).</summary>
    public FlakeReference ToReference(string? dir = null)
    {
        // The parser reads nearly any string as a relative path, so a URL that comes back as another
        // type (the JSON printed for an unknown type, a scp-like git url) takes the attribute form.
        if (FlakeReference.TryParse(ToNixUrl(dir), out var parsed, out _) && parsed!.Type == Type) return parsed;
        // The reference model holds whole numbers as long (as Nix's evaluator does); registries hold them unsigned.
        var attributes = _attributes.Select(p => new KeyValuePair<string, object>(p.Key, p.Value is ulong n && n <= long.MaxValue ? (long)n : p.Value)).ToList();
        if (dir is not null) attributes.Add(new KeyValuePair<string, object>("dir", dir));
        return FlakeReference.FromAttributes(attributes);
    }

    private static string SplitUrl(string url, SortedDictionary<string, string> query)
    {
        var at = url.IndexOf('?');
        if (at < 0) return url;
        foreach (var part in url[(at + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals < 0) query[part] = ""; else query[Uri.UnescapeDataString(part[..equals])] = Uri.UnescapeDataString(part[(equals + 1)..]);
        }
        return url[..at];
    }

    private static string FormatValue(object value) => value switch
    {
        bool b => b ? "1" : "0",
        ulong n => n.ToString(CultureInfo.InvariantCulture),
        _ => (string)value,
    };

    private static string QueryString(IReadOnlyCollection<KeyValuePair<string, string>> query) =>
        query.Count == 0 ? "" : "?" + string.Join("&", query.Select(p => Encode(p.Key) + "=" + Encode(p.Value)));

    private static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            // Newest Nix's query encoding: unreserved characters and ":@/?" stay (Nix 2.8 kept '+' and '=' and encoded '/').
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '.' or '_' or '~' or '/' or ':' or '@' or '?') builder.Append(c);
            else builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    // ---------------- equality ----------------

    /// <inheritdoc />
    public bool Equals(RegistryInput? other) =>
        other is not null && _attributes.Count == other._attributes.Count &&
        _attributes.All(p => other._attributes.TryGetValue(p.Key, out var v) && p.Value.Equals(v));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RegistryInput);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (key, value) in _attributes)
        {
            hash.Add(key);
            hash.Add(value);
        }
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => ToNixUrl();
}
