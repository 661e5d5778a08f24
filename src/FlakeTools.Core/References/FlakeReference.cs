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
/// A flake reference (nix-formats.md section 2) with typed parts, read by the rules of Nix's own
/// fetchers (References/README.md lists them per type, with where Nix 2.8 differs).
/// Formatting an unchanged parsed reference gives back the exact string; <see cref="WithRef"/> and
/// <see cref="WithRev"/> change only their part and keep the rest as written.
/// </summary>
public sealed class FlakeReference : IEquatable<FlakeReference>
{
    private static readonly Regex SchemePattern = new(@"^([a-zA-Z][a-zA-Z0-9+.-]*):", RegexOptions.Compiled | RegexOptions.CultureInvariant);
    // Nix's flake-id form: id, id/ref-or-rev, id/ref/rev (the ref pattern allows slashes and matches
    // a commit too; the split at '/' decides which part is which).
    private static readonly Regex FlakeIdForm = new(@"\A" + FlakeReferenceTypes.FlakeIdPattern + "(?:/" + FlakeReferenceTypes.SimpleRefPattern + @")?\z", RegexOptions.Compiled | RegexOptions.CultureInvariant);
    private static readonly string[] ArchiveSuffixes = { ".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst" };
    private static readonly HashSet<string> TypedParameters = new(StringComparer.Ordinal) { "ref", "rev", "host", "dir", "narHash" };

    // Query parameters each URL scheme reads itself (the rest stay in a transport URL, or are refused).
    private static readonly string[] ForgeQuery = { "ref", "rev", "host", "narHash", "dir" };
    private static readonly string[] GitQuery = { "ref", "rev", "keytype", "publicKey", "publicKeys", "shallow", "submodules", "lfs", "exportIgnore", "allRefs", "verifyCommit", "dir" };
    private static readonly string[] GitBooleans = { "shallow", "submodules", "lfs", "exportIgnore", "allRefs", "verifyCommit" };
    private static readonly string[] MercurialQuery = { "ref", "rev", "dir" };
    private static readonly string[] CurlQuery = { "url", "narHash", "name", "unpack", "rev", "revCount", "lastModified", "dir" };
    private static readonly string[] PathQuery = { "rev", "narHash", "revCount", "lastModified", "dir" };

    // Attributes each type accepts in the attribute-set form (besides type, dir and __final).
    private static readonly Dictionary<string, string[]> AllowedAttributes = new(StringComparer.Ordinal)
    {
        [FlakeReferenceTypes.GitHub] = new[] { "owner", "repo", "ref", "rev", "narHash", "lastModified", "host", "treeHash" },
        [FlakeReferenceTypes.GitLab] = new[] { "owner", "repo", "ref", "rev", "narHash", "lastModified", "host", "treeHash" },
        [FlakeReferenceTypes.SourceHut] = new[] { "owner", "repo", "ref", "rev", "narHash", "lastModified", "host", "treeHash" },
        [FlakeReferenceTypes.Git] = new[] { "url", "ref", "rev", "shallow", "submodules", "lfs", "exportIgnore", "lastModified", "revCount", "narHash", "allRefs", "name", "dirtyRev", "dirtyShortRev", "verifyCommit", "keytype", "publicKey", "publicKeys" },
        [FlakeReferenceTypes.Mercurial] = new[] { "url", "ref", "rev", "revCount", "narHash", "name" },
        [FlakeReferenceTypes.Path] = new[] { "path", "rev", "revCount", "lastModified", "narHash" },
        [FlakeReferenceTypes.Tarball] = CurlQuery.Where(k => k != "dir").ToArray(),
        [FlakeReferenceTypes.File] = CurlQuery.Where(k => k != "dir").ToArray(),
        [FlakeReferenceTypes.Indirect] = new[] { "id", "ref", "rev", "narHash" },
    };
    private static readonly HashSet<string> BooleanAttributes = new(StringComparer.Ordinal) { "shallow", "submodules", "lfs", "exportIgnore", "allRefs", "verifyCommit", "unpack" };
    private static readonly HashSet<string> IntegerAttributes = new(StringComparer.Ordinal) { "lastModified", "revCount" };

    // The URL as written, in parts: scheme ("github", "git+https"; null for `nixpkgs/x` and plain paths),
    // authority (after "//"; null without), path (raw), query items (raw, in order).
    private readonly string? _scheme;
    private readonly string? _authority;
    private readonly string _path;
    private readonly List<QueryItem> _query;
    private readonly bool _queryMark;
    // The attribute-set form, as given (values: string, bool, long).
    private readonly List<KeyValuePair<string, object>>? _attributes;
    private readonly List<string> _warnings = new();

    private readonly record struct QueryItem(string Key, string? Value);

    private FlakeReference(string type, string? scheme, string? authority, string path, List<QueryItem> query, bool queryMark, List<KeyValuePair<string, object>>? attributes)
    {
        Type = type;
        _scheme = scheme;
        _authority = authority;
        _path = path;
        _query = query;
        _queryMark = queryMark;
        _attributes = attributes;
    }

    /// <summary>github, gitlab, sourcehut, git, hg, path, tarball, file or indirect (or another type from an attribute set).</summary>
    public string Type { get; }

    /// <summary>How the reference was written.</summary>
    public FlakeReferenceForm Form => _attributes is null ? FlakeReferenceForm.Url : FlakeReferenceForm.AttributeSet;

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

    /// <summary>
    /// The transport URL of git, hg, tarball and file references: without the <c>git+</c> prefix and
    /// without the parameters Nix reads itself (other parameters stay). In the attribute-set form, the
    /// <c>url</c> attribute as written (for git this may be scp-like, <c>git@host:me/x.git</c>).
    /// </summary>
    public string? Url { get; private init; }

    /// <summary>The path of a path reference.</summary>
    public string? Path { get; private init; }

    /// <summary>The registry name of an indirect reference.</summary>
    public string? Id { get; private init; }

    /// <summary>The narHash pin, if any.</summary>
    public string? NarHash { get; private init; }

    /// <summary>
    /// Other parameters Nix reads (shallow, submodules, lastModified, ...), decoded, in order. Parameters
    /// that a git, hg, tarball or file reference passes on to the server are part of <see cref="Url"/> instead.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters =>
        _attributes is not null
            ? _attributes.Where(p => !TypedParameters.Contains(p.Key) && p.Key is not ("type" or "owner" or "repo" or "url" or "path" or "id"))
                .Select(p => new KeyValuePair<string, string>(p.Key, FormatValue(p.Value))).ToList()
            : DistinctQuery().Where(p => !TypedParameters.Contains(p.Key) && (OwnQuery(Type) is not { } own || own.Contains(p.Key)))
                .Select(p => new KeyValuePair<string, string>(p.Key, Decode(p.Value!))).ToList();

    // The parameters a transport type reads itself; the others belong to its url.
    private static string[]? OwnQuery(string type) => type switch
    {
        FlakeReferenceTypes.Git => GitQuery,
        FlakeReferenceTypes.Mercurial => MercurialQuery,
        FlakeReferenceTypes.Tarball or FlakeReferenceTypes.File => CurlQuery,
        _ => null,
    };

    /// <summary>What Nix ignores in this reference and says so (a parameter without <c>=</c>, one given twice, ...).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    // ---------------- parsing ----------------

    /// <summary>Parses a URL-form reference of a flake input; throws <see cref="FlakeReferenceException"/> naming the bad part.</summary>
    public static FlakeReference Parse(string reference) => Parse(reference, isFlake: true);

    /// <summary>
    /// Parses a URL-form reference; <paramref name="isFlake"/> is the input's <c>flake</c> attribute,
    /// which decides whether a plain <c>https://</c> URL without an archive extension is a tarball
    /// (a flake) or a file (<c>flake = false</c>), as in Nix.
    /// </summary>
    public static FlakeReference Parse(string reference, bool isFlake)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Length == 0) throw new FlakeReferenceException(reference, "it is empty");
        if (reference.Any(char.IsWhiteSpace)) throw new FlakeReferenceException(reference, "it contains white space");
        var hash = reference.IndexOf('#');
        if (hash >= 0) throw new FlakeReferenceException(reference, $"a flake input's reference cannot name an output ('{reference[hash..]}'); remove the '#' part");

        if (FlakeIdForm.IsMatch(reference)) return ParseIndirect(reference, null, reference, new List<QueryItem>(), false);

        var scheme = SchemePattern.Match(reference);
        if (!scheme.Success) return ParsePath(reference, null, null, reference);

        var name = scheme.Groups[1].Value;
        var rest = reference[(name.Length + 1)..];
        string? authority = null;
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var end = rest.IndexOfAny(new[] { '/', '?' }, 2);
            authority = end < 0 ? rest[2..] : rest[2..end];
            rest = end < 0 ? "" : rest[end..];
        }
        var queryAt = rest.IndexOf('?');
        var path = queryAt < 0 ? rest : rest[..queryAt];
        var queryText = queryAt < 0 ? null : rest[(queryAt + 1)..];
        CheckUrlCharacters(reference, authority, path, queryText);
        var query = SplitQuery(queryText);

        var (application, transport) = SplitScheme(name);
        if (transport == "file" && !string.IsNullOrEmpty(authority) && Decode(HostOf(authority)) is { Length: > 0 } host)
        {
            throw new FlakeReferenceException(reference, $"a file URL has no host ('{host}'): write {name}:///path or {name}:/path");
        }
        FlakeReference result = name switch
        {
            FlakeReferenceTypes.GitHub or FlakeReferenceTypes.GitLab or FlakeReferenceTypes.SourceHut => ParseForge(reference, name, authority, path, query, queryText is not null),
            "flake" => ParseIndirect(reference, name, path, query, queryText is not null, authority),
            "path" => ParsePath(reference, name, authority, path, query, queryText is not null),
            "git" => ParseTransport(reference, FlakeReferenceTypes.Git, name, authority, path, query, queryText is not null),
            _ when application == "git" => ParseTransport(reference, FlakeReferenceTypes.Git, name, authority, path, query, queryText is not null),
            "hg+http" or "hg+https" or "hg+ssh" or "hg+file" => ParseTransport(reference, FlakeReferenceTypes.Mercurial, name, authority, path, query, queryText is not null),
            _ when transport is "http" or "https" or "file" && application is null or "tarball" or "file" =>
                ParseTransport(reference, application ?? (isFlake || HasArchiveExtension(path) ? FlakeReferenceTypes.Tarball : FlakeReferenceTypes.File), name, authority, path, query, queryText is not null),
            _ when application == "file" && transport == "git" => throw new FlakeReferenceException(reference, "did you mean 'git+file' instead of 'file+git'?"),
            _ => throw new FlakeReferenceException(reference, $"'{name}:' is not a scheme Nix knows (github:, gitlab:, sourcehut:, git+https:, git+ssh:, git+file:, hg+https:, path:, tarball+https:, file+https:, https:, flake:)"),
        };
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

    private static (string? Application, string Transport) SplitScheme(string scheme)
    {
        var plus = scheme.IndexOf('+');
        return plus < 0 ? (null, scheme) : (scheme[..plus], scheme[(plus + 1)..]);
    }

    private static string HostOf(string authority)
    {
        var at = authority.LastIndexOf('@');
        var host = at >= 0 ? authority[(at + 1)..] : authority;
        if (host.StartsWith('[')) return host;
        var colon = host.LastIndexOf(':');
        return colon >= 0 ? host[..colon] : host;
    }

    private static bool HasArchiveExtension(string path)
    {
        var last = Decode(path[(path.LastIndexOf('/') + 1)..]);
        return ArchiveSuffixes.Any(s => last.EndsWith(s, StringComparison.Ordinal));
    }

    // RFC 3986 characters, with Nix's leniency (spaces and '"' in the query are encoded for you).
    private static void CheckUrlCharacters(string original, string? authority, string path, string? query)
    {
        static bool Unreserved(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '.' or '_' or '~';
        static bool SubDelim(char c) => c is '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=';
        void Check(string part, string what, Func<char, bool> allowed)
        {
            for (var i = 0; i < part.Length; i++)
            {
                var c = part[i];
                if (c == '%')
                {
                    if (i + 2 < part.Length && Uri.IsHexDigit(part[i + 1]) && Uri.IsHexDigit(part[i + 2])) { i += 2; continue; }
                    throw new FlakeReferenceException(original, $"'%' in the {what} must start an escape such as %2F");
                }
                if (!Unreserved(c) && !SubDelim(c) && !allowed(c))
                {
                    throw new FlakeReferenceException(original, $"'{c}' is not allowed in the {what} of a URL; write it as %{(int)c:X2}");
                }
            }
        }
        if (authority is not null) Check(authority, "host part", c => c is ':' or '@' or '[' or ']');
        Check(path, "path", c => c is ':' or '@' or '/');
        if (query is not null) Check(query, "query", c => c is ':' or '@' or '/' or '?' or '"');
    }

    private static List<QueryItem> SplitQuery(string? query)
    {
        var result = new List<QueryItem>();
        if (string.IsNullOrEmpty(query)) return result;
        foreach (var part in query.Split('&'))
        {
            var equals = part.IndexOf('=');
            result.Add(equals < 0 ? new QueryItem(part, null) : new QueryItem(part[..equals], part[(equals + 1)..]));
        }
        return result;
    }

    // The parameters as Nix sees them: ones without '=' ignored, the first of a repeated key wins.
    private IEnumerable<QueryItem> DistinctQuery()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in _query)
        {
            if (item.Value is null || item.Key.Length == 0) continue;
            if (seen.Add(Decode(item.Key))) yield return item with { Key = Decode(item.Key) };
        }
    }

    private static void CheckQuery(string original, List<QueryItem> query, List<string> warnings)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in query)
        {
            if (item.Key.Length == 0 && item.Value is null) continue;
            if (item.Value is null)
            {
                warnings.Add($"'{item.Key}' in '{original}' has no value and Nix ignores it; write {item.Key}=1 if you meant to turn it on");
                continue;
            }
            if (!seen.Add(Decode(item.Key))) warnings.Add($"'{Decode(item.Key)}' is given twice in '{original}'; Nix takes the first");
        }
    }

    private static string? Lookup(IEnumerable<QueryItem> query, string key)
    {
        foreach (var item in query)
        {
            if (item.Value is not null && Decode(item.Key) == key) return Decode(item.Value);
        }
        return null;
    }

    private static FlakeReference ParseForge(string original, string type, string? authority, string path, List<QueryItem> query, bool queryMark)
    {
        var warnings = new List<string>();
        CheckQuery(original, query, warnings);
        // Nix skips empty segments; everything after owner/repo is one ref, slashes included.
        var segments = path.Split('/').Where(s => s.Length > 0).Select(Decode).ToList();
        if (segments.Count < 2)
        {
            throw new FlakeReferenceException(original, $"a {type} reference needs an owner and a repository: {type}:<owner>/<repo>[/<branch, tag or commit>]");
        }
        string? refInPath = null, revInPath = null;
        if (segments.Count == 3 && FlakeReferenceTypes.IsRev(segments[2])) revInPath = segments[2];
        else if (segments.Count >= 3) refInPath = string.Join("/", segments.Skip(2));

        var distinct = Distinct(query);
        foreach (var key in distinct.Keys)
        {
            if (!ForgeQuery.Contains(key)) throw new FlakeReferenceException(original, $"a {type} reference takes no parameter '{key}' (only ref, rev, host, dir and narHash)");
        }
        if (refInPath is not null && distinct.ContainsKey("ref")) throw new FlakeReferenceException(original, "it names a branch or tag twice (in the path and as ?ref=)");
        if (revInPath is not null && distinct.ContainsKey("rev")) throw new FlakeReferenceException(original, "it names a commit twice (in the path and as ?rev=)");
        var result = new FlakeReference(type, type, authority, path, query, queryMark, null)
        {
            Owner = segments[0],
            Repo = segments[1],
            Ref = refInPath ?? distinct.GetValueOrDefault("ref"),
            Rev = revInPath ?? distinct.GetValueOrDefault("rev"),
            Host = distinct.GetValueOrDefault("host"),
            Dir = distinct.GetValueOrDefault("dir"),
            NarHash = distinct.GetValueOrDefault("narHash"),
        };
        result._warnings.AddRange(warnings);
        result.CheckParts(original);
        return result;
    }

    private static Dictionary<string, string> Distinct(List<QueryItem> query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in query)
        {
            if (item.Value is null || item.Key.Length == 0) continue;
            result.TryAdd(Decode(item.Key), Decode(item.Value));
        }
        return result;
    }

    private static FlakeReference ParseIndirect(string original, string? scheme, string path, List<QueryItem> query, bool queryMark, string? authority = null)
    {
        var warnings = new List<string>();
        CheckQuery(original, query, warnings);
        var distinct = Distinct(query);
        var ignored = distinct.Keys.Where(k => k != "dir").ToList();
        if (ignored.Count > 0) warnings.Add($"Nix ignores {string.Join(", ", ignored.Select(k => "?" + k + "="))} on '{original}'; write the branch or commit in the path: flake:<id>/<ref>/<rev>");
        var segments = path.Split('/').Where(s => s.Length > 0).Select(Decode).ToList();
        string? reference = null, rev = null;
        switch (segments.Count)
        {
            case 1:
                break;
            case 2:
                if (FlakeReferenceTypes.IsRev(segments[1])) rev = segments[1];
                else if (FlakeReferenceTypes.IsLegalRefName(segments[1])) reference = segments[1];
                else throw new FlakeReferenceException(original, $"'{segments[1]}' is neither a commit hash nor a branch or tag name");
                break;
            case 3:
                if (!FlakeReferenceTypes.IsLegalRefName(segments[1])) throw new FlakeReferenceException(original, $"'{segments[1]}' is not a branch or tag name");
                if (!FlakeReferenceTypes.IsRev(segments[2])) throw new FlakeReferenceException(original, $"'{segments[2]}' is not a commit hash (40 hexadecimal digits)");
                reference = segments[1];
                rev = segments[2];
                break;
            default:
                throw new FlakeReferenceException(original, segments.Count == 0 ? "it names no flake" : "a registry name takes at most a branch or tag and a commit: <id>[/<ref>][/<rev>]");
        }
        if (!FlakeReferenceTypes.FlakeIdRegex.IsMatch(segments[0])) throw new FlakeReferenceException(original, $"'{segments[0]}' is not a registry name (a letter, then letters, digits, '-' or '_')");
        var result = new FlakeReference(FlakeReferenceTypes.Indirect, scheme, authority, path, query, queryMark, null)
        {
            Id = segments[0],
            Ref = reference,
            Rev = rev,
            Dir = distinct.GetValueOrDefault("dir"),
        };
        result._warnings.AddRange(warnings);
        return result;
    }

    private static FlakeReference ParsePath(string original, string? scheme, string? authority, string path, List<QueryItem>? query = null, bool queryMark = false)
    {
        if (scheme is null)
        {
            // `./sub?dir=x` and friends: Nix splits the query off a plain path as well.
            var queryAt = path.IndexOf('?');
            if (queryAt >= 0)
            {
                query = SplitQuery(path[(queryAt + 1)..]);
                queryMark = true;
                path = path[..queryAt];
            }
        }
        query ??= new List<QueryItem>();
        var warnings = new List<string>();
        CheckQuery(original, query, warnings);
        var distinct = Distinct(query);
        foreach (var (key, value) in distinct)
        {
            if (!PathQuery.Contains(key)) throw new FlakeReferenceException(original, $"a path reference takes no parameter '{key}' (only rev, narHash, revCount, lastModified and dir)");
            if (key is "revCount" or "lastModified" && !ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _)) throw new FlakeReferenceException(original, $"'{key}' must be a whole number");
        }
        var decoded = scheme is null ? path : Decode(path);
        if (decoded.Length == 0) throw new FlakeReferenceException(original, "the path is empty");
        var result = new FlakeReference(FlakeReferenceTypes.Path, scheme, authority, path, query, queryMark, null)
        {
            Path = decoded,
            Rev = distinct.GetValueOrDefault("rev"),
            Dir = distinct.GetValueOrDefault("dir"),
            NarHash = distinct.GetValueOrDefault("narHash"),
        };
        result._warnings.AddRange(warnings);
        result.CheckParts(original);
        return result;
    }

    private static FlakeReference ParseTransport(string original, string type, string scheme, string? authority, string path, List<QueryItem> query, bool queryMark)
    {
        var warnings = new List<string>();
        CheckQuery(original, query, warnings);
        var distinct = Distinct(query);
        var own = OwnQuery(type)!;
        // The transport URL keeps the parameters Nix does not read itself (they go to the server).
        var (application, transport) = SplitScheme(scheme);
        var transportScheme = type == FlakeReferenceTypes.Git && application is null ? scheme : transport;
        // Spelled as Nix spells the url it stores (each path segment and parameter decoded, then encoded its way).
        var kept = query.Where(q => q.Value is not null && !own.Contains(Decode(q.Key))).Select(q => EncodeQuery(Decode(q.Key)) + "=" + EncodeQuery(Decode(q.Value!))).ToList();
        var nixPath = string.Join("/", path.Split('/').Select(segment => Encode(Decode(segment), c => c is ':' or '@')));
        var url = transportScheme + ":" + (authority is null ? "" : "//" + authority) + nixPath + (kept.Count > 0 ? "?" + string.Join("&", kept) : "");
        if (type == FlakeReferenceTypes.Git)
        {
            foreach (var flag in GitBooleans)
            {
                if (distinct.TryGetValue(flag, out var value) && value is not ("0" or "1"))
                {
                    warnings.Add($"'{flag}={value}' in '{original}' is read as false: Nix turns it on only with {flag}=1");
                }
            }
        }
        if (type is FlakeReferenceTypes.Tarball or FlakeReferenceTypes.File)
        {
            foreach (var key in new[] { "revCount", "lastModified" })
            {
                if (distinct.TryGetValue(key, out var value) && !ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _)) warnings.Add($"'{key}={value}' in '{original}' is not a whole number; Nix ignores it");
            }
        }
        var result = new FlakeReference(type, scheme, authority, path, query, queryMark, null)
        {
            Url = url,
            Ref = type is FlakeReferenceTypes.Git or FlakeReferenceTypes.Mercurial ? distinct.GetValueOrDefault("ref") : null,
            Rev = distinct.GetValueOrDefault("rev"),
            Dir = distinct.GetValueOrDefault("dir"),
            NarHash = distinct.GetValueOrDefault("narHash"),
        };
        result._warnings.AddRange(warnings);
        result.CheckParts(original);
        return result;
    }

    /// <summary>The per-type checks Nix makes on the parts, in both forms.</summary>
    private void CheckParts(string original)
    {
        if (FlakeReferenceTypes.IsGitForge(Type))
        {
            if (string.IsNullOrEmpty(Owner) || string.IsNullOrEmpty(Repo)) throw new FlakeReferenceException(original, $"a {Type} reference needs 'owner' and 'repo'");
            if (Ref is not null && Rev is not null)
            {
                throw new FlakeReferenceException(original, $"it names both a branch or tag ('{Ref}') and a commit ('{Rev}'); a {Type} reference takes one of them");
            }
            if (Host is not null && !FlakeReferenceTypes.HostRegex.IsMatch(Host)) throw new FlakeReferenceException(original, $"'{Host}' is not a host name");
        }
        if (Ref is not null)
        {
            var legal = Type == FlakeReferenceTypes.Mercurial ? FlakeReferenceTypes.SimpleRefRegex.IsMatch(Ref) : FlakeReferenceTypes.IsLegalRefName(Ref);
            if (!legal) throw new FlakeReferenceException(original, $"'{Ref}' is not a valid branch or tag name");
        }
        if (Rev is not null && !FlakeReferenceTypes.IsRev(Rev)) throw new FlakeReferenceException(original, $"'{Rev}' is not a commit hash (40 hexadecimal digits)");
        if (Type == FlakeReferenceTypes.Indirect && (Id is null || !FlakeReferenceTypes.FlakeIdRegex.IsMatch(Id))) throw new FlakeReferenceException(original, $"'{Id}' is not a registry name (a letter, then letters, digits, '-' or '_')");
        if (Type == FlakeReferenceTypes.Path && string.IsNullOrEmpty(Path)) throw new FlakeReferenceException(original, "a path reference needs a 'path'");
    }

    // ---------------- the attribute-set form ----------------

    /// <summary>
    /// A reference from the attribute-set form. Values are strings, booleans or integers;
    /// <c>type</c> is required, and each known type takes the attributes Nix's fetcher for it takes
    /// (with <c>url</c> as that fetcher reads it: for git a git URL, scp-like or a local path).
    /// Unknown types are kept as they are, as Nix does until it fetches them.
    /// </summary>
    public static FlakeReference FromAttributes(IEnumerable<KeyValuePair<string, object>> attributes)
    {
        var map = attributes.ToList();
        var typeValue = map.FirstOrDefault(p => p.Key == "type").Value;
        if (typeValue is null) throw new FlakeReferenceException("{ ... }", "the attribute set has no 'type'");
        if (typeValue is not string type) throw new FlakeReferenceException("{ ... }", "'type' must be a string");
        var shown = "{ type = \"" + type + "\"; ... }";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            if (!seen.Add(key)) throw new FlakeReferenceException(shown, $"'{key}' is given twice");
            if (key is "type" or "dir" or "__final") continue;
            if (AllowedAttributes.TryGetValue(type, out var allowed) && !allowed.Contains(key))
            {
                throw new FlakeReferenceException(shown, $"a {type} reference takes no attribute '{key}' (it takes {string.Join(", ", allowed)} and dir)");
            }
            if (!AllowedAttributes.ContainsKey(type)) continue;
            var expected = BooleanAttributes.Contains(key) ? typeof(bool) : IntegerAttributes.Contains(key) ? typeof(long) : typeof(string);
            if (key == "publicKeys" && value is string) continue;
            if (value.GetType() != expected && !(expected == typeof(long) && value is int))
            {
                throw new FlakeReferenceException(shown, $"'{key}' must be {(expected == typeof(bool) ? "true or false" : expected == typeof(long) ? "a whole number" : "a string")}");
            }
        }
        string? Get(string key) => map.Where(p => p.Key == key).Select(p => p.Value as string).FirstOrDefault();
        string Require(string key) => Get(key) ?? throw new FlakeReferenceException(shown, $"a {type} reference needs a '{key}' attribute");
        var url = Get("url");
        switch (type)
        {
            case FlakeReferenceTypes.GitHub or FlakeReferenceTypes.GitLab or FlakeReferenceTypes.SourceHut:
                Require("owner");
                Require("repo");
                break;
            case FlakeReferenceTypes.Git:
                GitTransportUrl(shown, Require("url"));
                break;
            case FlakeReferenceTypes.Mercurial or FlakeReferenceTypes.Tarball or FlakeReferenceTypes.File:
                if (!SchemePattern.IsMatch(Require("url"))) throw new FlakeReferenceException(shown, $"'{url}' is not a URL");
                break;
            case FlakeReferenceTypes.Path:
                Require("path");
                break;
            case FlakeReferenceTypes.Indirect:
                Require("id");
                break;
        }
        var reference = Build(type, map);
        reference.CheckParts(shown);
        return reference;
    }

    /// <summary>
    /// The URL Nix makes of a git <c>url</c> attribute: a local path becomes <c>file://</c>, an
    /// scp-like <c>user@host:path</c> becomes <c>ssh://user@host/path</c>, a URL stays (without <c>git+</c>).
    /// </summary>
    private static string GitTransportUrl(string shown, string url)
    {
        if (url.StartsWith('/')) return "file://" + url;
        if (!url.Contains("://", StringComparison.Ordinal))
        {
            var colon = url.IndexOf(':');
            var head = colon < 0 ? null : url[..colon];
            if (head is not null && !head.Contains('/') && head is not ("ssh" or "http" or "https" or "file" or "ftp" or "ftps" or "git") && !head.StartsWith("git+", StringComparison.Ordinal))
            {
                var pathPart = url[(colon + 1)..];
                if (pathPart.Length == 0) throw new FlakeReferenceException(shown, $"the git URL '{url}' has an empty path");
                return "ssh://" + head + (pathPart.StartsWith('/') ? "" : "/") + pathPart;
            }
        }
        var scheme = SchemePattern.Match(url);
        if (!scheme.Success) throw new FlakeReferenceException(shown, $"'{url}' is not a git URL (https://, ssh://, file://, git://, user@host:path or an absolute path)");
        return url.StartsWith("git+", StringComparison.Ordinal) ? url[4..] : url;
    }

    // A reference in the attribute-set form, its URL parts made as Nix would print it.
    private static FlakeReference Build(string type, List<KeyValuePair<string, object>> map)
    {
        string? Get(string key) => map.Where(p => p.Key == key).Select(p => p.Value is string s ? s : FormatValue(p.Value)).FirstOrDefault();
        var query = new List<QueryItem>();
        string? scheme;
        string? authority = null;
        string path;
        var url = Get("url");
        switch (type)
        {
            case FlakeReferenceTypes.GitHub or FlakeReferenceTypes.GitLab or FlakeReferenceTypes.SourceHut:
                scheme = type;
                path = EncodeSegment(Get("owner") ?? "") + "/" + EncodeSegment(Get("repo") ?? "");
                break;
            case FlakeReferenceTypes.Indirect:
                scheme = "flake";
                path = string.Join("/", new[] { Get("id"), Get("ref"), Get("rev") }.Where(s => s is not null).Select(s => EncodePath(s!)));
                break;
            case FlakeReferenceTypes.Path:
                scheme = "path";
                path = EncodePath(Get("path") ?? "");
                break;
            case FlakeReferenceTypes.Git:
                var transport = url is null ? "" : GitTransportUrl("{ type = \"git\"; ... }", url);
                scheme = null;
                path = (transport.StartsWith("git:", StringComparison.Ordinal) ? "" : "git+") + transport;
                break;
            case FlakeReferenceTypes.Mercurial or FlakeReferenceTypes.Tarball or FlakeReferenceTypes.File:
                scheme = null;
                path = type + "+" + url;
                break;
            default:
                scheme = type;
                path = "";
                break;
        }
        var urlQuery = path.IndexOf('?');
        if (urlQuery >= 0)
        {
            // A url attribute with its own query: its parameters come first.
            query.AddRange(SplitQuery(path[(urlQuery + 1)..]));
            path = path[..urlQuery];
        }
        foreach (var (key, value) in map)
        {
            if (key is "type" or "__final") continue;
            if (key is "owner" or "repo" or "url" or "path" or "id" && AllowedAttributes.ContainsKey(type)) continue;
            if (type == FlakeReferenceTypes.Indirect && key is "ref" or "rev") continue;
            query.Add(new QueryItem(key, EncodeQuery(FormatValue(value))));
        }
        return new FlakeReference(type, scheme, authority, path, query, query.Count > 0, map)
        {
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
    }

    private static string FormatValue(object value) => value switch
    {
        bool b => b ? "1" : "0",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // ---------------- encoding ----------------

    private static string Decode(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            return value;
        }
    }

    private static string Encode(string value, Func<char, bool> keep)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '.' or '_' or '~' || (b < 0x80 && keep(c))) builder.Append(c);
            else builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    // A query value: what Nix itself leaves unencoded.
    private static string EncodeQuery(string value) => Encode(value, c => c is ':' or '@' or '/' or '?');

    // A path that may span segments (a ref with slashes, a file path).
    private static string EncodePath(string value) => Encode(value, c => c is ':' or '@' or '/' or '+' or '!' or '$' or '\'' or '(' or ')' or '*' or ',' or ';' or '=');

    // One segment: a slash inside it is %2F (a gitlab subgroup in the owner).
    private static string EncodeSegment(string value) => Encode(value, c => c is ':' or '@' or '+' or '!' or '$' or '\'' or '(' or ')' or '*' or ',' or ';' or '=');

    // ---------------- formatting ----------------

    /// <summary>The reference as a URL string; for an unchanged parsed reference, the original text.</summary>
    public string ToUrl()
    {
        var builder = new StringBuilder();
        if (_scheme is not null) builder.Append(_scheme).Append(':');
        if (_authority is not null) builder.Append("//").Append(_authority);
        builder.Append(_path);
        if (_queryMark || _query.Count > 0) builder.Append('?').Append(string.Join("&", _query.Select(q => q.Value is null ? q.Key : q.Key + "=" + q.Value)));
        return builder.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ToUrl();

    // ---------------- edits ----------------

    /// <summary>
    /// The same reference with another branch or tag (null removes it), written where the old one
    /// was: in the path (<c>github:o/r/v1</c>, slashes kept: <c>github:o/r/fix/x</c>) or as <c>?ref=</c>.
    /// On github, gitlab and sourcehut, which take a branch or a commit but not both, the new ref
    /// takes the place of a commit.
    /// </summary>
    public FlakeReference WithRef(string? newRef)
    {
        if (newRef is not null && !FlakeReferenceTypes.IsLegalRefName(newRef)) throw new FlakeReferenceException(newRef, $"'{newRef}' is not a valid branch or tag name");
        if (Type is FlakeReferenceTypes.Path or FlakeReferenceTypes.Tarball or FlakeReferenceTypes.File) throw new FlakeReferenceException(ToUrl(), $"a {Type} reference has no branch or tag");
        var forge = FlakeReferenceTypes.IsGitForge(Type);
        return Edit("ref", newRef, forge ? "rev" : null);
    }

    /// <summary>
    /// The same reference pinned to another commit (null removes the pin). On github, gitlab and
    /// sourcehut the commit takes the place of the branch or tag.
    /// </summary>
    public FlakeReference WithRev(string? newRev)
    {
        if (newRev is not null && !FlakeReferenceTypes.IsRev(newRev)) throw new FlakeReferenceException(newRev, $"'{newRev}' is not a commit hash (40 hexadecimal digits)");
        if (Type is FlakeReferenceTypes.Tarball or FlakeReferenceTypes.File) throw new FlakeReferenceException(ToUrl(), $"a {Type} reference cannot be pinned to a commit");
        var forge = FlakeReferenceTypes.IsGitForge(Type);
        return Edit("rev", newRev, forge ? "ref" : null);
    }

    /// <summary>
    /// The same reference with a new branch or tag and/or commit (null keeps that part), as
    /// <c>Set-FlakeInput -Ref -Rev</c> asks. github, gitlab and sourcehut take one of the two:
    /// asking for both there is an error rather than a silent choice.
    /// </summary>
    public FlakeReference WithRefAndRev(string? newRef, string? newRev)
    {
        if (newRef is not null && newRev is not null && FlakeReferenceTypes.IsGitForge(Type))
        {
            throw new FlakeReferenceException(ToUrl(), $"a {Type} reference takes a branch or tag or a commit, not both; give -Ref or -Rev");
        }
        var result = this;
        if (newRef is not null) result = result.WithRef(newRef);
        if (newRev is not null) result = result.WithRev(newRev);
        return result;
    }

    // Sets `key` (ref or rev) to `value`; `displaced` (the other one, on forges) gives way.
    private FlakeReference Edit(string key, string? value, string? displaced)
    {
        if (_attributes is not null)
        {
            var map = new List<KeyValuePair<string, object>>(_attributes);
            var at = map.FindIndex(p => p.Key == key);
            var other = displaced is null ? -1 : map.FindIndex(p => p.Key == displaced);
            if (value is null) { if (at >= 0) map.RemoveAt(at); }
            else if (at >= 0) map[at] = new KeyValuePair<string, object>(key, value);
            else if (other >= 0) { map[other] = new KeyValuePair<string, object>(key, value); other = -1; }
            else map.Add(new KeyValuePair<string, object>(key, value));
            if (value is not null && other >= 0) map.RemoveAt(map.FindIndex(p => p.Key == displaced));
            return Build(Type, map);
        }

        var query = new List<QueryItem>(_query);
        var path = _path;
        string? newRef = key == "ref" ? value : Ref, newRev = key == "rev" ? value : Rev;
        if (value is not null && displaced is not null) { if (displaced == "ref") newRef = null; else newRev = null; }
        var inQuery = QueryIndex(query, key);
        var displacedInQuery = displaced is null ? -1 : QueryIndex(query, displaced);
        if (Type == FlakeReferenceTypes.Indirect)
        {
            if (value is not null && value.Contains('/')) throw new FlakeReferenceException(ToUrl(), $"a registry reference has no place for a branch with '/' ('{value}'); use a reference to the repository itself");
            if (inQuery >= 0) query.RemoveAt(inQuery); // Nix ignores it there; the path says it
            path = IndirectPath(newRef, newRev);
        }
        else if (FlakeReferenceTypes.IsGitForge(Type))
        {
            // One slot after owner/repo holds a ref or a commit; ?ref= and ?rev= are the other places.
            var slot = PathSlot();
            var slotHolder = slot is null ? null : FlakeReferenceTypes.IsRev(slot) ? "rev" : "ref";
            var pathCanHold = value is not null && !(key == "ref" && FlakeReferenceTypes.IsRev(value));
            if (value is null)
            {
                if (inQuery >= 0) query.RemoveAt(inQuery);
                else if (slotHolder == key) path = ForgePath(null);
            }
            else if (inQuery >= 0)
            {
                query[inQuery] = query[inQuery] with { Value = EncodeQuery(value) };
                if (slotHolder == displaced) path = ForgePath(null);
                if (displacedInQuery >= 0) query.RemoveAt(displacedInQuery);
            }
            else if (slotHolder is not null && pathCanHold)
            {
                path = ForgePath(value);
                if (displacedInQuery >= 0) query.RemoveAt(displacedInQuery);
            }
            else if (displacedInQuery >= 0)
            {
                query[displacedInQuery] = new QueryItem(key, EncodeQuery(value));
                if (slotHolder is not null) path = ForgePath(null);
            }
            else if (pathCanHold)
            {
                path = ForgePath(value);
            }
            else
            {
                if (slotHolder is not null) path = ForgePath(null);
                query.Add(new QueryItem(key, EncodeQuery(value)));
            }
        }
        else
        {
            if (value is null) { if (inQuery >= 0) query.RemoveAt(inQuery); }
            else if (inQuery >= 0) query[inQuery] = query[inQuery] with { Value = EncodeQuery(value) };
            else query.Add(new QueryItem(key, EncodeQuery(value)));
        }
        var url = Url;
        return new FlakeReference(Type, _scheme, _authority, path, query, _queryMark && query.Count > 0, null)
        {
            Owner = Owner,
            Repo = Repo,
            Ref = newRef,
            Rev = newRev,
            Host = Host,
            Dir = Dir,
            Url = url,
            Path = Path,
            Id = Id,
            NarHash = NarHash,
        };
    }

    private static int QueryIndex(List<QueryItem> query, string key) => query.FindIndex(q => q.Value is not null && Decode(q.Key) == key);

    // What a forge reference holds after owner/repo in its path, or null.
    private string? PathSlot()
    {
        var segments = _path.Split('/').Where(s => s.Length > 0).ToList();
        return segments.Count > 2 ? string.Join("/", segments.Skip(2).Select(Decode)) : null;
    }

    // The path as written up to the repository, then the new slot (or none).
    private string ForgePath(string? slot)
    {
        var seen = 0;
        var end = _path.Length;
        for (var i = 0; i < _path.Length; i++)
        {
            if (_path[i] == '/') continue;
            var next = _path.IndexOf('/', i);
            if (next < 0) next = _path.Length;
            if (++seen == 2) { end = next; break; }
            i = next;
        }
        var prefix = _path[..end];
        return slot is null ? prefix : prefix + "/" + EncodePath(slot);
    }

    private string IndirectPath(string? newRef, string? newRev)
    {
        var leading = _path.StartsWith('/') ? "/" : "";
        return leading + string.Join("/", new[] { Id, newRef, newRev }.Where(s => s is not null).Select(s => EncodePath(s!)));
    }

    /// <summary>
    /// The attributes of the attribute-set form: for a reference read from that form, its
    /// attributes as written (with any changed ref or rev); otherwise in Nix's canonical order (type first).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToAttributes()
    {
        if (_attributes is not null)
        {
            var own = new List<KeyValuePair<string, string>> { new("type", Type) };
            own.AddRange(_attributes.Where(p => p.Key != "type").Select(p => new KeyValuePair<string, string>(p.Key, p.Value is string s ? s : FormatValue(p.Value))));
            return own;
        }
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
