using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace FlakeTools.Syntax.Parsing;

/// <summary>
/// The checks Nix's parser makes beyond the grammar, so that FlakeTools refuses what Nix refuses
/// (read from Nix's parser.y, parser-state.hh and lexer.l, and checked against nix-instantiate):
/// <list type="bullet">
/// <item>an attribute defined twice in one set or <c>let</c>, also through attribute paths and the
/// merging of attribute-set literals (<c>a.b = 1; a = { c = 2; };</c> merges; <c>a = 1; a.b = 2;</c>
/// does not);</item>
/// <item>a dynamic first name in a <c>let</c> binding (<c>let ${x} = 1;</c>; later parts may be dynamic);</item>
/// <item>a dynamic name in <c>inherit</c>;</item>
/// <item>a formal named twice, or the same as the <c>@</c> name;</item>
/// <item>an integer beyond 64 bits, a float beyond the range of a double.</item>
/// </list>
/// A name written <c>${"a"}</c> (a plain string, possibly parenthesised) is static, as in Nix.
/// The parser hands over the sets, lets and patterns it built, with their offsets (no walk over the
/// whole tree); only attribute names that are strings get a (detached) red node, to decode their
/// escapes. The number checks run in the parser itself (<see cref="NumberProblem"/>).
/// </summary>
internal sealed class ParseChecks
{
    private readonly SyntaxTree _tree;
    private readonly List<RawDiagnostic> _diagnostics;

    private ParseChecks(SyntaxTree tree, List<RawDiagnostic> diagnostics)
    {
        _tree = tree;
        _diagnostics = diagnostics;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(SyntaxTree tree, List<(GreenNode Node, int Offset)> targets, List<RawDiagnostic> diagnostics)
    {
        if (targets.Count == 0) return;
        var checks = new ParseChecks(tree, diagnostics);
        foreach (var (node, offset) in targets)
        {
            switch (node.Kind)
            {
                case SyntaxKind.AttrSet:
                    checks.BuildSet(node, offset, isLet: false, report: true);
                    break;
                case SyntaxKind.LetIn:
                    checks.BuildSet(node, offset, isLet: true, report: true);
                    break;
                case SyntaxKind.Pattern:
                    checks.CheckFormals(node, offset);
                    break;
            }
        }
    }

    // ---------------- attribute sets ----------------

    /// <summary>What Nix's parser knows of one attribute set while it builds it.</summary>
    private sealed class SetModel
    {
        public readonly Dictionary<string, Definition> Attributes = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// One attribute: where its path was written, and whether its value is an attribute set
    /// (implicit, from a path, or a literal). A literal's own model is built only when something
    /// merges into it or a later path goes through it.
    /// </summary>
    private sealed class Definition
    {
        private SetModel? _set;
        private readonly GreenNode? _literal;
        private readonly int _literalOffset;

        public Definition(int position, SetModel? set)
        {
            Position = position;
            _set = set;
        }

        public Definition(int position, GreenNode? literal, int literalOffset)
        {
            Position = position;
            _literal = literal;
            _literalOffset = literalOffset;
        }

        public int Position { get; }

        public bool IsSet => _set is not null || _literal is not null;

        public SetModel? Set(ParseChecks checks) =>
            _set ??= _literal is null ? null : checks.BuildSet(_literal, _literalOffset, isLet: false, report: false) ?? new SetModel();
    }

    private readonly struct Name
    {
        public Name(string? value, int start, int length)
        {
            Value = value;
            Start = start;
            Length = length;
        }

        /// <summary>The static name, or null for a dynamic one.</summary>
        public string? Value { get; }

        public int Start { get; }

        public int Length { get; }
    }

    /// <summary>
    /// The model of an attribute set, <c>rec</c> set, legacy <c>let { }</c> or <c>let ... in</c>,
    /// built the way Nix's addAttr builds it. With <paramref name="report"/> false it only builds
    /// (for a set literal that is merged into another; its own problems are reported when the walk
    /// reaches it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SetModel? BuildSet(GreenNode node, int offset, bool isLet, bool report)
    {
        if (report && AllNamesSimpleAndDistinct(node)) return null; // nothing to report, nothing to merge
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack()) return null;
        var set = new SetModel();
        var childOffset = offset;
        foreach (var child in node.Children)
        {
            if (child is GreenNode member)
            {
                if (member.Kind == SyntaxKind.Binding) AddBinding(set, member, childOffset, isLet, report);
                else if (member.Kind == SyntaxKind.Inherit) AddInherit(set, member, childOffset, report);
            }
            childOffset += child.FullWidth;
        }
        return set;
    }

    [ThreadStatic]
    private static HashSet<string>? s_names;

    /// <summary>
    /// The common case, checked without building a model: every member defines one plain
    /// identifier (no paths, no strings, no dynamic names) and no name comes twice.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AllNamesSimpleAndDistinct(GreenNode node)
    {
        var names = s_names ??= new HashSet<string>(StringComparer.Ordinal);
        names.Clear();
        try
        {
            foreach (var child in node.Children)
            {
                if (child is not GreenNode member) continue;
                if (member.Kind == SyntaxKind.Binding)
                {
                    if (member.Children.Length == 0 || member.Children[0] is not GreenNode { Kind: SyntaxKind.AttrPath } path) return false;
                    if (path.Children.Length != 1 || path.Children[0] is not GreenNode { Kind: SyntaxKind.Identifier } identifier) return false;
                    if (!names.Add(((GreenToken)identifier.Children[0]).Text)) return false;
                }
                else if (member.Kind == SyntaxKind.Inherit)
                {
                    foreach (var part in member.Children)
                    {
                        if (part is not GreenNode name || name.Kind == SyntaxKind.InheritFrom) continue;
                        if (name.Kind != SyntaxKind.Identifier || !names.Add(((GreenToken)name.Children[0]).Text)) return false;
                    }
                }
            }
            return true;
        }
        finally
        {
            names.Clear();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddBinding(SetModel set, GreenNode binding, int offset, bool isLet, bool report)
    {
        GreenNode? path = null;
        GreenNode? value = null;
        int pathOffset = offset, valueOffset = offset;
        var childOffset = offset;
        foreach (var child in binding.Children)
        {
            if (child is GreenNode node)
            {
                if (node.Kind == SyntaxKind.AttrPath && path is null) { path = node; pathOffset = childOffset; }
                else if (value is null) { value = node; valueOffset = childOffset; }
            }
            childOffset += child.FullWidth;
        }
        if (path is null) return;
        var names = Names(path, pathOffset);
        if (names is null || names.Count == 0) return;
        var pathStart = names[0].Start;

        if (isLet && names[0].Value is null)
        {
            if (report) Report(names[0], "dynamic attribute names are not allowed in 'let' (only after a static first name, as in `set.\"${name}\" = ...`); write a static name");
            return;
        }

        // The intermediate names: nested sets, created or reused.
        for (var i = 0; i < names.Count - 1; i++)
        {
            var name = names[i];
            if (name.Value is null)
            {
                set = new SetModel(); // a dynamic name makes a fresh set of its own
                continue;
            }
            if (set.Attributes.TryGetValue(name.Value, out var existing))
            {
                if (!existing.IsSet)
                {
                    if (report) Duplicate(names, i, existing.Position);
                    return;
                }
                set = existing.Set(this)!;
            }
            else
            {
                var nested = new SetModel();
                set.Attributes[name.Value] = new Definition(pathStart, nested);
                set = nested;
            }
        }

        var last = names[^1];
        if (last.Value is null) return;
        var (literal, literalOffset) = value is null ? (null, 0) : SetLiteral(value, valueOffset);
        if (!set.Attributes.TryGetValue(last.Value, out var current))
        {
            set.Attributes[last.Value] = new Definition(pathStart, literal, literalOffset);
            return;
        }
        if (current.IsSet && literal is not null)
        {
            var prefix = new List<string>(names.Count);
            foreach (var name in names) prefix.Add(name.Value ?? "${...}");
            var valueSet = BuildSet(literal, literalOffset, isLet: false, report: false);
            if (valueSet is not null) Merge(current.Set(this)!, valueSet, prefix, report, depth: 0);
            return;
        }
        if (report) Duplicate(names, names.Count - 1, current.Position);
    }

    /// <summary>
    /// Nix merges two literal sets defined at one name: every attribute of the later one goes into
    /// the earlier, and one already there is an error unless both are sets, which current Nix
    /// merges in turn. Nix 2.8 stops at the first level (it refuses any name both sets define);
    /// that difference is reported as a warning.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Merge(SetModel target, SetModel source, List<string> path, bool report, int depth)
    {
        foreach (var (key, definition) in source.Attributes)
        {
            if (!target.Attributes.TryGetValue(key, out var existing))
            {
                target.Attributes[key] = definition;
                continue;
            }
            path.Add(key);
            if (existing.IsSet && definition.IsSet)
            {
                if (report && depth == 0)
                {
                    Report(definition.Position, key.Length, DiagnosticSeverity.Warning,
                        $"attribute '{NixString.AttrPath(path)}' is defined in both sets merged here (first at {Where(existing.Position)}): current Nix merges them, older Nix (2.8) refuses it as defined twice; write it once");
                }
                Merge(existing.Set(this)!, definition.Set(this)!, path, report, depth + 1);
            }
            else if (report)
            {
                Report(definition.Position, key.Length, DiagnosticSeverity.Error,
                    $"attribute '{NixString.AttrPath(path)}' is already defined at {Where(existing.Position)}; Nix refuses an attribute defined twice");
            }
            path.RemoveAt(path.Count - 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddInherit(SetModel set, GreenNode inherit, int offset, bool report)
    {
        var childOffset = offset;
        foreach (var child in inherit.Children)
        {
            if (child is GreenNode node && node.Kind != SyntaxKind.InheritFrom && node.Kind != SyntaxKind.Error)
            {
                var name = NameOf(node, childOffset);
                if (name.Value is null)
                {
                    if (report) Report(name, "dynamic attribute names are not allowed in 'inherit'; write a static name, or `name = expression;`");
                }
                else if (set.Attributes.TryGetValue(name.Value, out var existing))
                {
                    if (report) Report(name, $"attribute '{NixString.AttrName(name.Value)}' is already defined at {Where(existing.Position)}; Nix refuses an attribute defined twice");
                }
                else
                {
                    set.Attributes[name.Value] = new Definition(name.Start, (SetModel?)null);
                }
            }
            childOffset += child.FullWidth;
        }
    }

    /// <summary>The attribute-set literal an attribute's value is (<c>{ }</c> or <c>rec { }</c>, parentheses allowed), with its offset; else null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (GreenNode? Literal, int Offset) SetLiteral(GreenNode value, int offset)
    {
        while (value.Kind == SyntaxKind.Parenthesized)
        {
            GreenNode? inner = null;
            var childOffset = offset;
            foreach (var child in value.Children)
            {
                if (child is GreenNode node) { inner = node; offset = childOffset; break; }
                childOffset += child.FullWidth;
            }
            if (inner is null) return (null, 0);
            value = inner;
        }
        if (value.Kind != SyntaxKind.AttrSet) return (null, 0);
        // `let { ... }` is a selection of `body` to Nix, not a set.
        foreach (var child in value.Children)
        {
            if (child.Kind == SyntaxKind.LetKeyword) return (null, 0);
            if (child.Kind == SyntaxKind.OpenBraceToken) break;
        }
        return (value, offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<Name>? Names(GreenNode path, int offset)
    {
        var names = new List<Name>(path.Children.Length / 2 + 1);
        var childOffset = offset;
        foreach (var child in path.Children)
        {
            if (child is GreenNode node)
            {
                if (node.Kind == SyntaxKind.Error) return null;
                names.Add(NameOf(node, childOffset));
            }
            childOffset += child.FullWidth;
        }
        return names;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Name NameOf(GreenNode node, int offset)
    {
        var first = node.FirstToken();
        var start = offset + (first?.LeadingWidth ?? 0);
        var last = node.LastToken();
        var length = Math.Max(0, node.FullWidth - (first?.LeadingWidth ?? 0) - (last?.TrailingWidth ?? 0));
        string? value;
        if (node.Kind == SyntaxKind.Identifier) value = first?.Text;
        else value = AttrPathSyntax.GetStaticName(SyntaxNodeFactory.Create(_tree, null, node, offset, 0));
        return new Name(value, start, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Duplicate(List<Name> names, int upTo, int previous)
    {
        var parts = new List<string>(upTo + 1);
        for (var i = 0; i <= upTo; i++) parts.Add(names[i].Value ?? "${...}");
        var start = names[0].Start;
        var end = names[upTo].Start + names[upTo].Length;
        Report(start, end - start, DiagnosticSeverity.Error,
            $"attribute '{NixString.AttrPath(parts)}' is already defined at {Where(previous)}; Nix refuses an attribute defined twice");
    }

    // ---------------- formals ----------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckFormals(GreenNode pattern, int offset)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Name? bind = null;
        var formals = new List<Name>();
        var childOffset = offset;
        foreach (var child in pattern.Children)
        {
            if (child is GreenNode node)
            {
                if (node.Kind == SyntaxKind.Formal && node.Children.Length > 0 && node.Children[0] is GreenNode { Kind: SyntaxKind.Identifier } identifier)
                {
                    formals.Add(NameOf(identifier, childOffset));
                }
                else if (node.Kind == SyntaxKind.PatternBind)
                {
                    var inner = childOffset;
                    foreach (var part in node.Children)
                    {
                        if (part is GreenNode { Kind: SyntaxKind.Identifier } name) bind = NameOf(name, inner);
                        inner += part.FullWidth;
                    }
                }
            }
            childOffset += child.FullWidth;
        }
        foreach (var formal in formals)
        {
            if (formal.Value is not null && !seen.Add(formal.Value))
            {
                Report(formal, $"the function argument '{formal.Value}' is named twice in this pattern; Nix refuses duplicate formals");
            }
        }
        if (bind is { Value: { } bindName } b && seen.Contains(bindName))
        {
            Report(b, $"'{bindName}' names both the whole argument (with '@') and one of its formals; Nix refuses this: rename one of them");
        }
    }

    // ---------------- numbers ----------------

    /// <summary>Why Nix refuses a number token, or null when it does not.</summary>
    public static string? NumberProblem(GreenToken token)
    {
        if (token.Kind == SyntaxKind.IntegerToken)
        {
            if (!long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                return $"invalid integer '{token.Text}': Nix integers are 64-bit (at most 9223372036854775807)";
            }
        }
        else if (token.Kind == SyntaxKind.FloatToken)
        {
            // Nix reads floats with strtod and refuses what it reports out of range (overflow or underflow).
            if (double.TryParse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && (double.IsInfinity(value) || (Math.Abs(value) < 2.2250738585072014E-308 && HasNonZeroDigit(token.Text))))
            {
                return $"invalid float '{token.Text}': it is beyond the range of a 64-bit float";
            }
        }
        return null;
    }

    private static bool HasNonZeroDigit(string text)
    {
        foreach (var c in text)
        {
            if (c is 'e' or 'E') return false;
            if (c is >= '1' and <= '9') return true;
        }
        return false;
    }

    // ---------------- reporting ----------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string Where(int position)
    {
        var line = _tree.GetLinePosition(position);
        return $"line {line.Line}, column {line.Column}";
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Report(Name name, string message) => Report(name.Start, name.Length, DiagnosticSeverity.Error, message);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Report(int start, int length, DiagnosticSeverity severity, string message) =>
        _diagnostics.Add(new RawDiagnostic(start, length, message, severity));
}
