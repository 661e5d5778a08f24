using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Syntax.Parsing;

namespace FlakeTools.Syntax;

/// <summary>
/// A parsed Nix file: a lossless tree (<c>Root.ToFullString()</c> is the input, byte for byte),
/// the diagnostics found while parsing, and line/column lookup.
/// </summary>
public sealed class SyntaxTree
{
    private readonly GreenNode _green;
    private readonly Lazy<IReadOnlyList<Diagnostic>> _diagnostics;
    private int[]? _lineStarts;
    private RootSyntax? _root;

    private SyntaxTree(string text, GreenNode green, Func<SyntaxTree, IReadOnlyList<Diagnostic>> diagnostics)
    {
        Text = text;
        _green = green;
        _diagnostics = new Lazy<IReadOnlyList<Diagnostic>>(() => diagnostics(this));
    }

    /// <summary>Parses Nix source text. Never throws on bad input; problems are in <see cref="Diagnostics"/>.</summary>
    public static SyntaxTree Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (root, raw) = Parser.ParseRoot(text);
        return new SyntaxTree(text, root, tree => tree.ToDiagnostics(raw));
    }

    /// <summary>A tree built by an edit: its text comes from the new green root, its diagnostics from parsing that text anew.</summary>
    internal static SyntaxTree FromGreen(GreenNode root)
    {
        var text = root.ToFullString();
        return new SyntaxTree(text, root, _ => Parse(text).Diagnostics);
    }

    /// <summary>The source text.</summary>
    public string Text { get; }

    internal GreenNode Green => _green;

    /// <summary>The root node: one expression and the end of the file.</summary>
    public RootSyntax Root => _root ??= (RootSyntax)SyntaxNodeFactory.Create(this, null, _green, 0, 0);

    /// <summary>Problems found in the text, in order.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics.Value;

    /// <summary>Whether Nix would reject the text.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>The line ending the file uses most: <c>"\r\n"</c> or <c>"\n"</c> (for a file with none, <c>"\n"</c>).</summary>
    public string LineEnding
    {
        get
        {
            int crlf = 0, lf = 0;
            for (var i = 0; i < Text.Length; i++)
            {
                if (Text[i] != '\n') continue;
                if (i > 0 && Text[i - 1] == '\r') crlf++; else lf++;
            }
            return crlf > lf ? "\r\n" : "\n";
        }
    }

    /// <summary>The one-based line and column of a text offset.</summary>
    public LinePosition GetLinePosition(int offset)
    {
        var starts = _lineStarts ??= ComputeLineStarts(Text);
        offset = Math.Clamp(offset, 0, Text.Length);
        var line = Array.BinarySearch(starts, offset);
        if (line < 0) line = ~line - 1;
        return new LinePosition(line + 1, offset - starts[line] + 1);
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static int[] ComputeLineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n') i++;
                starts.Add(i + 1);
            }
            else if (c == '\n')
            {
                starts.Add(i + 1);
            }
        }
        return starts.ToArray();
    }

    private IReadOnlyList<Diagnostic> ToDiagnostics(List<RawDiagnostic> raw)
    {
        var result = new List<Diagnostic>(raw.Count);
        foreach (var item in raw.OrderBy(d => d.Start))
        {
            var position = GetLinePosition(item.Start);
            result.Add(new Diagnostic(item.Message, new TextSpan(item.Start, item.Length), position.Line, position.Column, DiagnosticSeverity.Error));
        }
        return result;
    }
}
