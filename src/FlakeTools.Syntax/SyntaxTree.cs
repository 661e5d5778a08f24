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

    private SyntaxTree(string text, string? filePath, GreenNode green, Func<SyntaxTree, IReadOnlyList<Diagnostic>> diagnostics)
    {
        Text = text;
        FilePath = filePath;
        _green = green;
        _diagnostics = new Lazy<IReadOnlyList<Diagnostic>>(() => diagnostics(this));
    }

    /// <summary>Parses Nix source text. Never throws on bad input; problems are in <see cref="Diagnostics"/>.</summary>
    public static SyntaxTree Parse(string text) => Parse(text, null);

    /// <summary>
    /// Parses Nix source text read from <paramref name="filePath"/>; the path is only a label: it
    /// goes into <see cref="FilePath"/> and every diagnostic, and is never read.
    /// </summary>
    public static SyntaxTree Parse(string text, string? filePath)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (root, raw, checkTargets) = Parser.ParseRoot(text);
        return new SyntaxTree(text, filePath, root, tree => tree.ToDiagnostics(raw, checkTargets));
    }

    /// <summary>A tree built by an edit: its text comes from the new green root, its diagnostics from parsing that text anew.</summary>
    internal static SyntaxTree FromGreen(GreenNode root, string? filePath)
    {
        var text = root.ToFullString();
        return new SyntaxTree(text, filePath, root, _ => Parse(text, filePath).Diagnostics);
    }

    /// <summary>The file the text came from, as given to <see cref="Parse(string, string?)"/>; null when none was given.</summary>
    public string? FilePath { get; }

    /// <summary>The source text.</summary>
    public string Text { get; }

    internal GreenNode Green => _green;

    /// <summary>The root node: one expression and the end of the file.</summary>
    public RootSyntax Root
    {
        get
        {
            if (_root is { } root) return root;
            // Several threads may read one tree: all of them get the same root.
            var created = (RootSyntax)SyntaxNodeFactory.Create(this, null, _green, 0, 0);
            return System.Threading.Interlocked.CompareExchange(ref _root, created, null) ?? created;
        }
    }

    /// <summary>Problems found in the text, in order.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics.Value;

    /// <summary>Whether Nix would reject the text.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>
    /// Whether the text has an error other than an undefined variable (<see cref="Diagnostic.IsUndefinedVariable"/>):
    /// the tree is then not what its author meant; a file with only undefined variables is well-formed,
    /// and an editor may still change it as long as it adds no new one (<see cref="NewUndefinedVariable"/>).
    /// </summary>
    public bool HasStructuralErrors => FirstStructuralError is not null;

    /// <summary>The first error other than an undefined variable, or null.</summary>
    public Diagnostic? FirstStructuralError => Diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error && !d.IsUndefinedVariable);

    /// <summary>
    /// An undefined variable of <paramref name="after"/> that <paramref name="before"/> did not have:
    /// names are compared as a multiset (positions move with every edit), so a name undefined in
    /// one more place than before counts as new. Null when the edit added none.
    /// </summary>
    public static Diagnostic? NewUndefinedVariable(SyntaxTree before, SyntaxTree after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var known = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var diagnostic in before.Diagnostics.Where(d => d.IsUndefinedVariable))
        {
            var name = before.Text.Substring(diagnostic.Span.Start, diagnostic.Span.Length);
            known[name] = known.GetValueOrDefault(name) + 1;
        }
        foreach (var diagnostic in after.Diagnostics.Where(d => d.IsUndefinedVariable))
        {
            var name = after.Text.Substring(diagnostic.Span.Start, diagnostic.Span.Length);
            var left = known.GetValueOrDefault(name);
            if (left == 0) return diagnostic;
            known[name] = left - 1;
        }
        return null;
    }

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

    private IReadOnlyList<Diagnostic> ToDiagnostics(List<RawDiagnostic> raw, List<(GreenNode Node, int Offset)> checkTargets)
    {
        // Scopes are checked only in well-formed text: in broken text they would guess.
        var wellFormed = raw.TrueForAll(d => d.Severity != DiagnosticSeverity.Error);
        ParseChecks.Run(this, checkTargets, raw);
        var undefined = wellFormed ? ScopeCheck.Run(this, _green) : null;
        var count = raw.Count + (undefined?.Count ?? 0);
        if (count == 0) return Array.Empty<Diagnostic>();
        var items = new List<(RawDiagnostic Raw, string? Id)>(count);
        foreach (var item in raw) items.Add((item, null));
        if (undefined is not null) foreach (var item in undefined) items.Add((item, ScopeCheck.UndefinedVariableId));
        var result = new List<Diagnostic>(count);
        foreach (var (item, id) in count == 1 ? items : (IEnumerable<(RawDiagnostic Raw, string? Id)>)items.OrderBy(d => d.Raw.Start))
        {
            var position = GetLinePosition(item.Start);
            result.Add(new Diagnostic(item.Message, new TextSpan(item.Start, item.Length), position.Line, position.Column, item.Severity) { FilePath = FilePath, Id = id });
        }
        return result;
    }
}
