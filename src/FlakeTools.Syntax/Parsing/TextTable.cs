using System.Runtime.CompilerServices;
using System;

namespace FlakeTools.Syntax.Parsing;

/// <summary>
/// Shares the strings of short tokens (names, keywords, indentation): real Nix repeats the same few
/// hundred of them, and one string each saves most of the parser's allocations.
/// </summary>
internal sealed class TextTable
{
    [ThreadStatic]
    private static TextTable? s_current;

    /// <summary>
    /// This thread's table, kept from one parse to the next: its arrays cost more than most files'
    /// tokens, and names repeat across the files of a configuration. Strings are immutable and each
    /// thread has its own table, so parsing files in parallel shares nothing mutable.
    /// </summary>
    public static TextTable ForThisThread() => s_current ??= new TextTable();

    private const int MaxLength = 40;
    private readonly string?[] _entries = new string?[4096];

    private readonly GreenTrivia[]?[] _singleTrivia = new GreenTrivia[]?[1024];

    /// <summary>
    /// A one-piece trivia array, shared: most tokens carry exactly one space or one line break.
    /// Green arrays are never mutated, so sharing them is safe.
    /// </summary>
    [MethodImpl(Compile.Eager)]
    public GreenTrivia[] Single(SyntaxKind kind, string text)
    {
        var index = (int)((uint)(text.GetHashCode() ^ (int)kind) & (uint)(_singleTrivia.Length - 1));
        var existing = _singleTrivia[index];
        if (existing is not null && existing[0].Kind == kind && ReferenceEquals(existing[0].Text, text)) return existing;
        var created = new[] { new GreenTrivia(kind, text) };
        _singleTrivia[index] = created;
        return created;
    }

    [MethodImpl(Compile.Eager)]
    public string Get(string source, int start, int length)
    {
        if (length == 0) return string.Empty;
        if (length > MaxLength) return source.Substring(start, length);
        var span = source.AsSpan(start, length);
        var hash = (uint)string.GetHashCode(span);
        var index = (int)(hash & (uint)(_entries.Length - 1));
        var existing = _entries[index];
        if (existing is not null && span.SequenceEqual(existing)) return existing;
        var created = span.ToString();
        _entries[index] = created;
        return created;
    }
}
