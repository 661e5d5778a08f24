using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace FlakeTools.Syntax;

/// <summary>One part of a string's value: literal text or an interpolated expression.</summary>
/// <param name="Text">The literal text, or null for an interpolation.</param>
/// <param name="Interpolation">The <c>${ }</c> node, or null for text.</param>
public readonly record struct StringPart(string? Text, SyntaxNode? Interpolation);

/// <summary>The decoded value of a string: its parts after escapes and indentation stripping.</summary>
/// <param name="Parts">Text and interpolation parts, in order.</param>
public sealed record DecodedString(IReadOnlyList<StringPart> Parts)
{
    /// <summary>The whole value when there is no interpolation, else null.</summary>
    public string? Literal => Parts.All(p => p.Text is not null) ? string.Concat(Parts.Select(p => p.Text)) : null;
}

/// <summary>Reading and writing Nix string literals and attribute names.</summary>
public static class NixString
{
    private static readonly HashSet<string> Keywords = new() { "if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or" };

    /// <summary>
    /// A double-quoted Nix string literal whose value is <paramref name="value"/>: <c>"</c>, <c>\</c> and
    /// <c>${</c> are escaped, and so are line breaks and tabs.
    /// </summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '$' when i + 1 < value.Length && value[i + 1] == '{': builder.Append("\\$"); break;
                default: builder.Append(c); break;
            }
        }
        builder.Append('"');
        return builder.ToString();
    }

    /// <summary>Whether <paramref name="name"/> can be written as a bare identifier.</summary>
    public static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || Keywords.Contains(name)) return false;
        var first = name[0];
        if (!(first is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_')) return false;
        foreach (var c in name)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '\'' or '-')) return false;
        }
        return true;
    }

    /// <summary>An attribute name as Nix source: bare when it is an identifier, quoted otherwise.</summary>
    public static string AttrName(string name) => IsIdentifier(name) ? name : Quote(name);

    /// <summary>An attribute path as Nix source: <c>a.b."c d"</c>.</summary>
    public static string AttrPath(IEnumerable<string> names) => string.Join(".", names.Select(AttrName));

    /// <summary>Decodes a string node: escapes, line endings and (for <c>''</c> strings) indentation, as Nix does.</summary>
    public static DecodedString DecodeParts(StringSyntax node)
    {
        var raw = new List<(string? Text, bool Indentable, SyntaxNode? Interpolation)>();
        var first = true;
        foreach (var child in node.ChildNodesAndTokens())
        {
            if (child is SyntaxNode interpolation)
            {
                raw.Add((null, false, interpolation));
                first = false;
                continue;
            }
            var token = (SyntaxToken)child;
            if (token.Kind != SyntaxKind.StringTextToken) continue;
            if (node.IsIndented)
            {
                var text = token.Text;
                if (text.StartsWith("''", System.StringComparison.Ordinal))
                {
                    raw.Add((UnescapeIndented(text), false, null));
                }
                else
                {
                    if (first) text = SkipOpeningLine(text);
                    raw.Add((text, true, null));
                }
            }
            else
            {
                raw.Add((Unescape(token.Text), false, null));
            }
            first = false;
        }
        if (!node.IsIndented) return new DecodedString(raw.Select(r => new StringPart(r.Text, r.Interpolation)).ToList());
        return new DecodedString(StripIndentation(raw));
    }

    // Nix's opening token of an indented string takes `''` plus spaces and one '\n' if they follow directly.
    private static string SkipOpeningLine(string text)
    {
        var i = 0;
        while (i < text.Length && text[i] == ' ') i++;
        return i < text.Length && text[i] == '\n' ? text[(i + 1)..] : text;
    }

    private static string Unescape(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                var next = text[++i];
                builder.Append(next switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => next });
            }
            else if (c == '\r')
            {
                builder.Append('\n');
                if (i + 1 < text.Length && text[i + 1] == '\n') i++;
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    private static string UnescapeIndented(string text) => text switch
    {
        "''$" => "$",
        "'''" => "''",
        _ => text.Length >= 4 ? text[3] switch { 'n' => "\n", 'r' => "\r", 't' => "\t", var c => c.ToString() } : text,
    };

    private static List<StringPart> StripIndentation(List<(string? Text, bool Indentable, SyntaxNode? Interpolation)> parts)
    {
        var atStartOfLine = true;
        var minIndent = int.MaxValue;
        var curIndent = 0;
        foreach (var part in parts)
        {
            if (part.Text is null || !part.Indentable)
            {
                // Interpolations and escapes end the whitespace at the start of a line.
                if (atStartOfLine)
                {
                    atStartOfLine = false;
                    minIndent = System.Math.Min(minIndent, curIndent);
                }
                continue;
            }
            foreach (var c in part.Text)
            {
                if (atStartOfLine)
                {
                    if (c == ' ') curIndent++;
                    else if (c == '\n') curIndent = 0;
                    else
                    {
                        atStartOfLine = false;
                        minIndent = System.Math.Min(minIndent, curIndent);
                    }
                }
                else if (c == '\n')
                {
                    atStartOfLine = true;
                    curIndent = 0;
                }
            }
        }

        var result = new List<StringPart>(parts.Count);
        atStartOfLine = true;
        var curDropped = 0;
        for (var index = 0; index < parts.Count; index++)
        {
            var part = parts[index];
            if (part.Text is null)
            {
                atStartOfLine = false;
                curDropped = 0;
                result.Add(new StringPart(null, part.Interpolation));
                continue;
            }
            var builder = new StringBuilder(part.Text.Length);
            foreach (var c in part.Text)
            {
                if (atStartOfLine)
                {
                    if (c == ' ')
                    {
                        if (curDropped++ >= minIndent) builder.Append(c);
                    }
                    else if (c == '\n')
                    {
                        curDropped = 0;
                        builder.Append(c);
                    }
                    else
                    {
                        atStartOfLine = false;
                        curDropped = 0;
                        builder.Append(c);
                    }
                }
                else
                {
                    builder.Append(c);
                    if (c == '\n') atStartOfLine = true;
                }
            }
            var text = builder.ToString();
            if (index == parts.Count - 1)
            {
                // The last line goes when it holds only spaces.
                var lastBreak = text.LastIndexOf('\n');
                if (lastBreak >= 0 && text.AsSpan(lastBreak + 1).Trim(' ').IsEmpty) text = text[..(lastBreak + 1)];
            }
            result.Add(new StringPart(text, null));
        }
        return result;
    }
}
