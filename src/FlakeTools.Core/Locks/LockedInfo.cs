using System;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlakeTools.Core.Locks;

/// <summary>What the lock pins an input to.</summary>
public sealed class LockedInfo
{
    /// <summary>The last second a <see cref="DateTimeOffset"/> can hold (the end of the year 9999).</summary>
    internal const long MaxUnixSeconds = 253402300799;

    /// <summary>
    /// Reads the pin of a lock node; null when the node has no <c>locked</c> attributes.
    /// <see cref="Age"/> is the age at <paramref name="now"/>, which the caller passes in.
    /// </summary>
    public static LockedInfo? From(LockNode node, DateTimeOffset now)
    {
        if (node.Json["locked"] is not JsonObject locked) return null;
        string? Get(JsonObject? obj, string key) => obj?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        long? GetNumber(string key) => locked[key] is JsonValue v && v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n) ? n : null;
        // Out of range (a hand-edited lock): unknown, and FlakeLock.Problems says so.
        var lastModified = GetNumber("lastModified") is { } seconds and >= 0 and <= MaxUnixSeconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        return new LockedInfo
        {
            NodeKey = node.Key,
            Type = Get(locked, "type"),
            Owner = Get(locked, "owner"),
            Repo = Get(locked, "repo"),
            Rev = Get(locked, "rev"),
            Ref = Get(locked, "ref") ?? Get(node.Json["original"] as JsonObject, "ref"),
            Url = Get(locked, "url"),
            Path = Get(locked, "path"),
            NarHash = Get(locked, "narHash"),
            RevCount = GetNumber("revCount"),
            LastModified = lastModified,
            Age = lastModified is { } date ? now - date : null,
        };
    }

    /// <summary>The lock node's key.</summary>
    public string NodeKey { get; private init; } = "";

    /// <summary>The locked type (github, git, path, ...).</summary>
    public string? Type { get; private init; }

    /// <summary>Owner, for github-like types.</summary>
    public string? Owner { get; private init; }

    /// <summary>Repository, for github-like types.</summary>
    public string? Repo { get; private init; }

    /// <summary>The locked commit.</summary>
    public string? Rev { get; private init; }

    /// <summary>The first 7 characters of the commit.</summary>
    public string? ShortRev => Rev is { Length: >= 7 } ? Rev[..7] : Rev;

    /// <summary>The branch or tag that was locked.</summary>
    public string? Ref { get; private init; }

    /// <summary>The locked URL (git, tarball, file).</summary>
    public string? Url { get; private init; }

    /// <summary>The locked path (path type).</summary>
    public string? Path { get; private init; }

    /// <summary>The content hash.</summary>
    public string? NarHash { get; private init; }

    /// <summary>The number of commits (git).</summary>
    public long? RevCount { get; private init; }

    /// <summary>When the locked source was last modified.</summary>
    public DateTimeOffset? LastModified { get; private init; }

    /// <summary>How old the locked source is.</summary>
    public TimeSpan? Age { get; private init; }

    /// <inheritdoc />
    public override string ToString() => ShortRev ?? NarHash ?? NodeKey;
}
