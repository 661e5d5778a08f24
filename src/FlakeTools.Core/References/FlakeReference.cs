using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace FlakeTools.Core.References;

/// <summary>How a reference was written in a flake.nix.</summary>
public enum FlakeReferenceForm
{
    /// <summary>A URL string: <c>github:NixOS/nixpkgs/nixos-23.05</c>.</summary>
    Url,
    /// <summary>An attribute set: <c>{ type = "github"; owner = "NixOS"; repo = "nixpkgs"; }</c>.</summary>
    AttributeSet,
}

/// <summary>A reference is not valid; the message names the bad part.</summary>
public sealed class FlakeReferenceException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public FlakeReferenceException(string reference, string message) : base($"'{reference}' is not a valid flake reference: {message}")
    {
        Reference = reference;
    }

    /// <summary>The reference as written.</summary>
    public string Reference { get; }
}

/// <summary>
/// A flake reference (nix-formats.md section 2) with typed parts. Formatting an unchanged parsed
/// reference gives back the exact string; <see cref="WithRef"/> and <see cref="WithRev"/> change
/// only their part and keep the rest as written.
/// </summary>
public sealed class FlakeReference : IEquatable<FlakeReference>
{
    private static readonly Regex RevPattern = new("^[0-9a-f]{40}$", RegexOptions.Compiled);
    private static readonly Regex RefPattern = new(@"^[a-zA-Z0-9@][a-zA-Z0-9_.\/@+-]*$", RegexOptions.Compiled);
    private static readonly Regex IndirectPattern = new(@"^(flake:)?([a-zA-Z][a-zA-Z0-9_-]*)(/[^/?#]+)?(/[^/?#]+)?$", RegexOptions.Compiled);
    private static readonly string[] ArchiveSuffixes = { ".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst" };
    private static readonly HashSet<string> TypedParameters = new(StringComparer.Ordinal) { "ref", "rev", "host", "dir", "narHash" };

    // What formatting needs to reproduce the original spelling.
    private readonly string _prefix;          // "github:", "flake:", "", "git+", "path:", ...
    private readonly List<KeyValuePair<string, string>> _query; // raw, in order, typed ones included
    private readonly string? _fragment;

    private FlakeReference(string type, string prefix, List<KeyValuePair<string, string>> query, string? fragment)
    {
        Type = type;
        _prefix = prefix;
        _query = query;
        _fragment = fragment;
    }

    /// <summary>github, gitlab, sourcehut, git, hg, path, tarball, file or indirect (or another type from an attribute set).</summary>
    public string Type { get; }

    /// <summary>How the reference was written.</summary>
    public FlakeReferenceForm Form { get; private init; } = FlakeReferenceForm.Url;

    /// <summary>Owner (github, gitlab, sourcehut).</summary>
    public string? Owner { get; private init; }

    /// <summary>Repository (github, gitlab, sourcehut).</summary>
    public string? Repo { get; private init; }

    /// <summary>Branch or tag.</summary>
    public string? Ref { get; private init; }

    /// <summary>Commit hash.</summary>
    public string? Rev { get; private init; }

    /// <summary>Host for github/gitlab/sourcehut on another server.</summary>
    public string? Host { get; private init; }

    /// <summary>Subdirectory holding flake.nix.</summary>
    public string? Dir { get; private init; }

    /// <summary>The transport URL of git, hg, tarball and file references (without the <c>git+</c> prefix and query).</summary>
    public string? Url { get; private init; }

    /// <summary>The path of a path reference.</summary>
    public string? Path { get; private init; }

    /// <summary>The registry name of an indirect reference.</summary>
    public string? Id { get; private init; }

    /// <summary>The narHash pin, if any.</summary>
    public string? NarHash { get; private init; }

    /// <summary>Other parameters (shallow, submodules, lastModified, ...), decoded, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters =>
        _query.Where(p => !TypedParameters.Contains(p.Key)).Select(p => new KeyValuePair<string, string>(p.Key, Decode(p.Value))).ToList();

    // ---------------- parsing ----------------

    /// <summary>Parses a URL-form reference; throws <see cref="FlakeReferenceException"/> naming the bad part.</summary>
    public static FlakeReference Parse(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Length == 0) throw new FlakeReferenceException(reference, "it is empty");
        if (reference.Any(char.IsWhiteSpace)) throw new FlakeReferenceException(reference, "it contains white space");

        var fragmentAt = reference.IndexOf('#');
        var fragment = fragmentAt >= 0 ? reference[(fragmentAt + 1)..] : null;
        var body = fragmentAt >= 0 ? reference[..fragmentAt] : reference;
        var queryAt = body.IndexOf('?');
        var query = ParseQuery(reference, queryAt >= 0 ? body[(queryAt + 1)..] : "");
        var main = queryAt >= 0 ? body[..queryAt] : body;

        var colon = main.IndexOf(':');
        var scheme = colon > 0 && !main.StartsWith('/') && !main.StartsWith('.') ? main[..colon] : null;
        if (scheme is not null && scheme.Contains('/')) scheme = null;

        FlakeReference result = scheme switch
        {
            "github" or "gitlab" or "sourcehut" => ParseHosted(reference, scheme, main[(colon + 1)..], query, fragment),
            "flake" => ParseIndirect(reference, main, query, fragment),
            "path" => MakePath(reference, "path:", main[(colon + 1)..], query, fragment),
            null when main.StartsWith('/') || main.StartsWith("./", StringComparison.Ordinal) || main.StartsWith("../", StringComparison.Ordinal) || main is "." or ".." =>
                MakePath(reference, "", main, query, fragment),
            null => ParseIndirect(reference, main, query, fragment),
            _ => ParseTransport(reference, scheme, main, query, fragment),
        };
        result.Validate(reference);
        return result;
    }

    /// <summary>Parses without throwing.</summary>
    public static bool TryParse(string reference, out FlakeReference? result, out string? error)
    {
        try
        {
            result = Parse(reference);
            error = null;
            return true;
        }
        catch (FlakeReferenceException e)
        {
            result = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// A reference from the attribute-set form. Values are strings, booleans or integers;
    /// <c>type</c> is required.
    /// </summary>
    public static FlakeReference FromAttributes(IEnumerable<KeyValuePair<string, object>> attributes)
    {
        var map = attributes.ToList();
        string? Get(string key) => map.Where(p => p.Key == key).Select(p => FormatValue(p.Value)).FirstOrDefault();
        var type = Get("type") ?? throw new FlakeReferenceException("{ ... }", "the attribute set has no 'type'");
        var query = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in map)
        {
            if (key is "type" or "owner" or "repo" or "url" or "path" or "id") continue;
            query.Add(new KeyValuePair<string, string>(key, Encode(FormatValue(value))));
        }
        var prefix = type switch
        {
            "github" or "gitlab" or "sourcehut" or "path" => type + ":",
            "indirect" => "flake:",
            "git" or "hg" or "tarball" or "file" => type + "+",
            _ => type + ":",
        };
        var url = Get("url");
        if (type is "git" or "hg" or "tarball" or "file" && url is null) throw new FlakeReferenceException("{ type = \"" + type + "\"; }", "it needs a 'url' attribute");
        var reference = new FlakeReference(type, prefix, query, null)
        {
            Form = FlakeReferenceForm.AttributeSet,
            Owner = Get("owner"),
            Repo = Get("repo"),
            Ref = Get("ref"),
            Rev = Get("rev"),
            Host = Get("host"),
            Dir = Get("dir"),
            NarHash = Get("narHash"),
            Url = url,
            Path = Get("path"),
            Id = Get("id"),
        };
        reference.Validate("{ type = \"" + type + "\"; ... }");
        return reference;
    }

    private static string FormatValue(object value) => value switch
    {
        bool b => b ? "1" : "0",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static FlakeReference ParseHosted(string original, string type, string rest, List<KeyValuePair<string, string>> query, string? fragment)
    {
        var segments = rest.Split('/');
        if (segments.Length < 2 || segments[0].Length == 0 || segments[1].Length == 0)
        {
            throw new FlakeReferenceException(original, $"a {type} reference needs an owner and a repository: {type}:<owner>/<repo>[/<branch, tag or commit>]");
        }
        if (segments.Length > 3) throw new FlakeReferenceException(original, $"'{rest}' has too many parts: {type}:<owner>/<repo>[/<branch, tag or commit>]");
        string? refInPath = null, revInPath = null;
        if (segments.Length == 3)
        {
            if (segments[2].Length == 0) throw new FlakeReferenceException(original, "the branch, tag or commit after the repository is empty");
            if (RevPattern.IsMatch(segments[2])) revInPath = segments[2]; else refInPath = Decode(segments[2]);
        }
        var queryRef = Lookup(query, "ref");
        var queryRev = Lookup(query, "rev");
        if (refInPath is not null && queryRef is not null) throw new FlakeReferenceException(original, "it names a branch or tag twice (in the path and as ?ref=)");
        if (revInPath is not null && queryRev is not null) throw new FlakeReferenceException(original, "it names a commit twice (in the path and as ?rev=)");
        return new FlakeReference(type, type + ":", query, fragment)
        {
            Owner = Decode(segments[0]),
            Repo = Decode(segments[1]),
            Ref = refInPath ?? queryRef,
            Rev = revInPath ?? queryRev,
            Host = Lookup(query, "host"),
            Dir = Lookup(query, "dir"),
            NarHash = Lookup(query, "narHash"),
        };
    }

    private static FlakeReference ParseIndirect(string original, string main, List<KeyValuePair<string, string>> query, string? fragment)
    {
        var match = IndirectPattern.Match(main);
        if (!match.Success)
        {
            throw new FlakeReferenceException(original, "it is neither a URL with a known scheme (github:, gitlab:, sourcehut:, git+https:, path:, https:, ...) nor a registry name like nixpkgs or nixpkgs/nixos-23.05");
        }
        string? reference = null, rev = null;
        var second = match.Groups[3].Success ? match.Groups[3].Value[1..] : null;
        var third = match.Groups[4].Success ? match.Groups[4].Value[1..] : null;
        if (third is not null)
        {
            reference = second;
            rev = third;
            if (!RevPattern.IsMatch(rev)) throw new FlakeReferenceException(original, $"'{rev}' is not a commit hash (40 hexadecimal digits)");
        }
        else if (second is not null)
        {
            if (RevPattern.IsMatch(second)) rev = second; else reference = second;
        }
        return new FlakeReference("indirect", match.Groups[1].Value, query, fragment)
        {
            Id = match.Groups[2].Value,
            Ref = reference ?? Lookup(query, "ref"),
            Rev = rev ?? Lookup(query, "rev"),
            Dir = Lookup(query, "dir"),
            NarHash = Lookup(query, "narHash"),
        };
    }

    private static FlakeReference MakePath(string original, string prefix, string path, List<KeyValuePair<string, string>> query, string? fragment)
    {
        if (path.Length == 0) throw new FlakeReferenceException(original, "the path is empty");
        return new FlakeReference("path", prefix, query, fragment)
        {
            Path = Decode(path),
            Rev = Lookup(query, "rev"),
            Dir = Lookup(query, "dir"),
            NarHash = Lookup(query, "narHash"),
        };
    }

    private static FlakeReference ParseTransport(string original, string scheme, string main, List<KeyValuePair<string, string>> query, string? fragment)
    {
        var plus = scheme.IndexOf('+');
        var kind = plus >= 0 ? scheme[..plus] : scheme;
        var transport = plus >= 0 ? scheme[(plus + 1)..] : scheme;
        var rest = main[(scheme.Length + 1)..];
        string type;
        string prefix;
        switch (kind)
        {
            case "git" when plus >= 0:
                type = "git";
                prefix = "git+";
                if (transport is not ("https" or "http" or "ssh" or "file")) throw new FlakeReferenceException(original, $"git+{transport} is not a supported transport (use git+https, git+ssh, git+http or git+file)");
                break;
            case "git":
                type = "git";
                prefix = "";
                break;
            case "hg":
                type = "hg";
                prefix = "hg+";
                if (plus < 0 || transport is not ("https" or "http" or "ssh" or "file")) throw new FlakeReferenceException(original, "use hg+https, hg+ssh, hg+http or hg+file");
                break;
            case "tarball" when plus >= 0:
                type = "tarball";
                prefix = "tarball+";
                break;
            case "file" when plus >= 0:
                type = "file";
                prefix = "file+";
                break;
            case "http" or "https" or "file":
                type = ArchiveSuffixes.Any(s => rest.EndsWith(s, StringComparison.Ordinal)) ? "tarball" : "file";
                prefix = "";
                transport = scheme;
                break;
            default:
                throw new FlakeReferenceException(original, $"'{scheme}:' is not a scheme Nix knows (github:, gitlab:, sourcehut:, git+https:, git+ssh:, git+file:, hg+https:, path:, tarball+https:, file+https:, https:)");
        }
        if (!rest.StartsWith("//", StringComparison.Ordinal) && transport != "file") throw new FlakeReferenceException(original, $"'{rest}' should start with // after '{scheme}:'");
        return new FlakeReference(type, prefix, query, fragment)
        {
            Url = transport + ":" + rest,
            Ref = Lookup(query, "ref"),
            Rev = Lookup(query, "rev"),
            Dir = Lookup(query, "dir"),
            NarHash = Lookup(query, "narHash"),
        };
    }

    private void Validate(string original)
    {
        if (Ref is not null && !RefPattern.IsMatch(Ref)) throw new FlakeReferenceException(original, $"'{Ref}' is not a valid branch or tag name");
        if (Rev is not null && !RevPattern.IsMatch(Rev)) throw new FlakeReferenceException(original, $"'{Rev}' is not a commit hash (40 hexadecimal digits)");
        if (Type is "github" or "gitlab" or "sourcehut" && (string.IsNullOrEmpty(Owner) || string.IsNullOrEmpty(Repo)))
        {
            throw new FlakeReferenceException(original, $"a {Type} reference needs 'owner' and 'repo'");
        }
        if (Type == "indirect" && string.IsNullOrEmpty(Id)) throw new FlakeReferenceException(original, "an indirect reference needs an 'id'");
        if (Type == "path" && string.IsNullOrEmpty(Path)) throw new FlakeReferenceException(original, "a path reference needs a 'path'");
    }

    private static List<KeyValuePair<string, string>> ParseQuery(string original, string query)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (query.Length == 0) return result;
        foreach (var part in query.Split('&'))
        {
            if (part.Length == 0) continue;
            var equals = part.IndexOf('=');
            if (equals <= 0) throw new FlakeReferenceException(original, $"the parameter '{part}' has no value (write name=value)");
            var key = part[..equals];
            if (result.Any(p => p.Key == key)) throw new FlakeReferenceException(original, $"the parameter '{key}' is given twice");
            result.Add(new KeyValuePair<string, string>(key, part[(equals + 1)..]));
        }
        return result;
    }

    private static string? Lookup(List<KeyValuePair<string, string>> query, string key)
    {
        foreach (var pair in query) if (pair.Key == key) return Decode(pair.Value);
        return null;
    }

    private static string Decode(string value) => Uri.UnescapeDataString(value);

    private static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '.' or '_' or '~' or '/' or '@' or '+' or ':') builder.Append(c);
            else builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    // ---------------- formatting ----------------

    /// <summary>The reference as a URL string; for an unchanged parsed reference, the original text.</summary>
    /// <remarks>
    /// A ref or rev that is not a query parameter is written in the path: github-like references
    /// have one slot there (the ref, else the rev), indirect ones two (<c>id/ref/rev</c>).
    /// </remarks>
    public string ToUrl()
    {
        var builder = new StringBuilder(_prefix);
        var queryRef = Lookup(_query, "ref") is not null;
        var queryRev = Lookup(_query, "rev") is not null;
        switch (Type)
        {
            case "github" or "gitlab" or "sourcehut":
                builder.Append(EncodeSegment(Owner!)).Append('/').Append(EncodeSegment(Repo!));
                var slot = !queryRef && Ref is not null ? EncodeSegment(Ref) : !queryRev ? Rev : null;
                if (slot is not null) builder.Append('/').Append(slot);
                break;
            case "indirect":
                builder.Append(Id);
                if (!queryRef && Ref is not null) builder.Append('/').Append(Ref);
                if (!queryRev && Rev is not null) builder.Append('/').Append(Rev);
                break;
            case "path":
                builder.Append(Path);
                break;
            default:
                builder.Append(Url);
                break;
        }
        if (_query.Count > 0) builder.Append('?').Append(string.Join("&", _query.Select(p => p.Key + "=" + p.Value)));
        if (_fragment is not null) builder.Append('#').Append(_fragment);
        return builder.ToString();
    }

    private static string EncodeSegment(string value) => value.Replace("/", "%2F", StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => ToUrl();

    // ---------------- edits ----------------

    /// <summary>
    /// The same reference with another branch or tag (null removes it), written where the old one
    /// was: in the path (<c>github:o/r/v1</c>) or as <c>?ref=</c>. On github-like references a
    /// commit in the path slot gives way to the new ref.
    /// </summary>
    public FlakeReference WithRef(string? newRef)
    {
        if (newRef is not null && !RefPattern.IsMatch(newRef)) throw new FlakeReferenceException(newRef, $"'{newRef}' is not a valid branch or tag name");
        if (Type is "path" or "tarball" or "file") throw new FlakeReferenceException(ToUrl(), $"a {Type} reference has no branch or tag");
        var query = new List<KeyValuePair<string, string>>(_query);
        var rev = Rev;
        if (Form == FlakeReferenceForm.AttributeSet || Type is not ("github" or "gitlab" or "sourcehut" or "indirect") || Lookup(query, "ref") is not null)
        {
            Set(query, "ref", newRef);
        }
        else if (Type != "indirect" && newRef is not null && Lookup(query, "rev") is null)
        {
            rev = null; // the commit held the one path slot
        }
        return Copy(query, newRef, rev);
    }

    /// <summary>
    /// The same reference pinned to another commit (null removes the pin). On github-like
    /// references a commit written in the path replaces the branch or tag there.
    /// </summary>
    public FlakeReference WithRev(string? newRev)
    {
        if (newRev is not null && !RevPattern.IsMatch(newRev)) throw new FlakeReferenceException(newRev, $"'{newRev}' is not a commit hash (40 hexadecimal digits)");
        if (Type is "tarball" or "file") throw new FlakeReferenceException(ToUrl(), $"a {Type} reference cannot be pinned to a commit");
        var query = new List<KeyValuePair<string, string>>(_query);
        var reference = Ref;
        if (Form == FlakeReferenceForm.AttributeSet || Type is not ("github" or "gitlab" or "sourcehut" or "indirect") || Lookup(query, "rev") is not null)
        {
            Set(query, "rev", newRev);
        }
        else if (Type != "indirect" && newRev is not null && Lookup(query, "ref") is null)
        {
            reference = null; // the ref held the one path slot
        }
        return Copy(query, reference, newRev);
    }

    private FlakeReference Copy(List<KeyValuePair<string, string>> query, string? newRef, string? newRev) =>
        new(Type, _prefix, query, _fragment)
        {
            Form = Form,
            Owner = Owner,
            Repo = Repo,
            Ref = newRef,
            Rev = newRev,
            Host = Host,
            Dir = Dir,
            Url = Url,
            Path = Path,
            Id = Id,
            NarHash = NarHash,
        };

    private static void Set(List<KeyValuePair<string, string>> query, string key, string? value)
    {
        var index = query.FindIndex(p => p.Key == key);
        if (value is null)
        {
            if (index >= 0) query.RemoveAt(index);
            return;
        }
        var pair = new KeyValuePair<string, string>(key, Encode(value));
        if (index >= 0) query[index] = pair; else query.Add(pair);
    }

    /// <summary>The attributes of the attribute-set form, in Nix's canonical order (type first).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToAttributes()
    {
        var result = new List<KeyValuePair<string, string>> { new("type", Type) };
        void Add(string key, string? value) { if (value is not null) result.Add(new KeyValuePair<string, string>(key, value)); }
        Add("id", Id);
        Add("owner", Owner);
        Add("repo", Repo);
        Add("url", Url);
        Add("path", Path);
        Add("ref", Ref);
        Add("rev", Rev);
        Add("host", Host);
        Add("dir", Dir);
        Add("narHash", NarHash);
        foreach (var pair in Parameters) result.Add(pair);
        return result;
    }

    // ---------------- equality ----------------

    /// <inheritdoc />
    public bool Equals(FlakeReference? other) => other is not null && ToUrl() == other.ToUrl();

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FlakeReference);

    /// <inheritdoc />
    public override int GetHashCode() => ToUrl().GetHashCode(StringComparison.Ordinal);
}
