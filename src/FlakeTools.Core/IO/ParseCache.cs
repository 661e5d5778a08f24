using System;
using System.Threading;

namespace FlakeTools.Core.IO;

/// <summary>
/// The last few results of a pure parse function, keyed by the path and the whole text parsed.
/// A pwsh session runs <c>Get-FlakeInput</c> and <c>Get-FlakeLockEntry</c> over the same files
/// again and again; each call still reads the file (so a changed file is always seen), and when
/// the text is exactly the one parsed before (an ordinal comparison of every character, stronger
/// than a length, time stamp or hash), the earlier result is returned instead of parsing it again.
/// Only for results that cannot change after they are made (the lock and the flake are read-only
/// once read), since callers on several threads may share one. Thread-safe: the entries are an
/// immutable array replaced as a whole.
/// </summary>
internal sealed class ParseCache<T> where T : class
{
    private sealed record Entry(string? Path, string Text, T Value);

    private readonly int _capacity;
    private readonly int _maxTextLength;
    private Entry[] _entries = Array.Empty<Entry>();

    /// <summary>Keeps up to <paramref name="capacity"/> results of texts up to <paramref name="maxTextLength"/> characters.</summary>
    public ParseCache(int capacity, int maxTextLength)
    {
        _capacity = capacity;
        _maxTextLength = maxTextLength;
    }

    /// <summary>The result for this path and text: the cached one if the text is the same, else <paramref name="parse"/>'s (kept unless it throws).</summary>
    public T GetOrParse(string? path, string text, Func<string, string?, T> parse)
    {
        var entries = Volatile.Read(ref _entries);
        foreach (var entry in entries)
        {
            if (entry.Path == path && string.Equals(entry.Text, text, StringComparison.Ordinal)) return entry.Value;
        }
        var value = parse(text, path);
        if (text.Length <= _maxTextLength)
        {
            // Newest first; the oldest falls out. A lost race only loses a cache entry.
            var kept = Math.Min(entries.Length, _capacity - 1);
            var next = new Entry[kept + 1];
            next[0] = new Entry(path, text, value);
            var k = 1;
            foreach (var entry in entries)
            {
                if (k > kept) break;
                if (entry.Path == path) continue; // the file's older text: it changed
                next[k++] = entry;
            }
            if (k < next.Length) Array.Resize(ref next, k);
            Volatile.Write(ref _entries, next);
        }
        return value;
    }
}
