using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace FlakeTools.Syntax.Parsing;

/// <summary>
/// Nix's last check at parse time (its <c>bindVars</c>, run before any evaluation, so
/// <c>nix-instantiate --parse</c> reports it): every variable must be bound, or Nix refuses the file
/// with <c>undefined variable 'x'</c>. What binds a name, as Nix 2.8 and current Nix do it (read from
/// nixexpr.cc and checked against nix-instantiate 2.8):
/// <list type="bullet">
/// <item><c>let</c>: its names are seen by all its values (recursively) and by its body;</item>
/// <item><c>rec { }</c> and the legacy <c>let { }</c>: their static names are seen by all their values
/// and by their dynamic names (<c>rec { ${b} = 1; b = "x"; }</c>); a plain set binds nothing;</item>
/// <item>a lambda: its argument, or its formals and <c>@</c> name, seen by the body and by the
/// defaults (so a default may use another formal or the <c>@</c> name);</item>
/// <item><c>inherit x;</c> reads <c>x</c> in the scope around the set or <c>let</c> (not its own
/// names); <c>inherit (e) x;</c> evaluates <c>e</c> where the set's values are evaluated (inside a
/// <c>let</c> or <c>rec</c>, its own names are seen);</item>
/// <item><c>with e; body</c>: any name in <c>body</c> may come from <c>e</c>, so nothing under a
/// <c>with</c> is reported (<c>e</c> itself is checked);</item>
/// <item>the global names of Nix (<see cref="GlobalNames"/>).</item>
/// </list>
/// Deliberately lenient where Nix's answer depends on how sets merge: when one name is defined by
/// several members of a set and one of them is a <c>rec { }</c> literal (<c>a = rec { x = 1; }; a.y = x;</c>
/// puts <c>y</c> into the <c>rec</c> set, where <c>x</c> is bound), the values of those members are
/// not checked. Other merged paths (<c>a.b = 1; a.c = x;</c>) are. It runs only on
/// trees without syntax errors, and gives up silently (reporting nothing more) on nesting too deep
/// for the stack.
/// </summary>
internal sealed class ScopeCheck
{
    /// <summary>The id of the diagnostics this check reports (<see cref="Diagnostic.Id"/>).</summary>
    public const string UndefinedVariableId = "UndefinedVariable";

    /// <summary>
    /// The names Nix binds in its global scope, the union of Nix 2.8 and current Nix, so that
    /// FlakeTools never refuses a name some Nix accepts:
    /// <list type="bullet">
    /// <item>Nix 2.8 (measured: every name <c>nix-instantiate --parse</c> 2.8 takes, for each
    /// attribute of <c>builtins</c> with and without <c>__</c>): the constants <c>builtins</c>,
    /// <c>true</c>, <c>false</c>, <c>null</c>, <c>derivation</c>, the primops registered without
    /// <c>__</c> (<c>import</c>, <c>map</c>, <c>toString</c>, <c>throw</c>, ...), and every other builtin as
    /// <c>__name</c>;</item>
    /// <item>newer Nix (src/libexpr/eval.cc <c>addConstant</c>/<c>addPrimOp</c>, primops*.cc and
    /// libflake's flake-primops.cc): <c>break</c>, <c>__addDrvOutputDependencies</c>,
    /// <c>__convertHash</c>, <c>__outputOf</c>, <c>__readFileType</c>, <c>__traceVerbose</c>,
    /// <c>__warn</c>, <c>__getFlake</c>, <c>__parseFlakeRef</c>, <c>__flakeRefToString</c>;</item>
    /// <item>names that exist only with a setting or an experimental feature, in 2.8 as now:
    /// <c>__exec</c>, <c>__importNative</c> (allow-unsafe-native-code-during-evaluation),
    /// <c>__fetchClosure</c> (fetch-closure), <c>__getFlake</c> (flakes); the impure constants
    /// (<c>__currentTime</c>, <c>__currentSystem</c>, <c>__nixPath</c>), which pure evaluation leaves out;</item>
    /// <item><c>__curPos</c>, which the parser itself turns into a position.</item>
    /// </list>
    /// Internal primops (<c>fetchFinalTree</c>, <c>__forceLazyFetcherAttr</c>) are not in scope.
    /// </summary>
    public static readonly HashSet<string> GlobalNames = new(StringComparer.Ordinal)
    {
        // Nix 2.8, as nix-instantiate --parse 2.8 accepts them.
        "__add", "__addErrorContext", "__all", "__any", "__appendContext", "__attrNames", "__attrValues",
        "__bitAnd", "__bitOr", "__bitXor", "__catAttrs", "__ceil", "__compareVersions", "__concatLists",
        "__concatMap", "__concatStringsSep", "__currentSystem", "__currentTime", "__deepSeq", "__div",
        "__elem", "__elemAt", "__fetchurl", "__filter", "__filterSource", "__findFile", "__floor",
        "__foldl'", "__fromJSON", "__functionArgs", "__genList", "__genericClosure", "__getAttr",
        "__getContext", "__getEnv", "__groupBy", "__hasAttr", "__hasContext", "__hashFile",
        "__hashString", "__head", "__intersectAttrs", "__isAttrs", "__isBool", "__isFloat",
        "__isFunction", "__isInt", "__isList", "__isPath", "__isString", "__langVersion", "__length",
        "__lessThan", "__listToAttrs", "__mapAttrs", "__match", "__mul", "__nixPath", "__nixVersion",
        "__parseDrvName", "__partition", "__path", "__pathExists", "__readDir", "__readFile",
        "__replaceStrings", "__seq", "__sort", "__split", "__splitVersion", "__storeDir", "__storePath",
        "__stringLength", "__sub", "__substring", "__tail", "__toFile", "__toJSON", "__toPath",
        "__toXML", "__trace", "__tryEval", "__typeOf", "__unsafeDiscardOutputDependency",
        "__unsafeDiscardStringContext", "__unsafeGetAttrPos", "__zipAttrsWith",
        "abort", "baseNameOf", "builtins", "derivation", "derivationStrict", "dirOf", "false",
        "fetchGit", "fetchMercurial", "fetchTarball", "fetchTree", "fromTOML", "import", "isNull",
        "map", "null", "placeholder", "removeAttrs", "scopedImport", "throw", "toString", "true",
        // Newer Nix.
        "break", "__addDrvOutputDependencies", "__convertHash", "__outputOf", "__readFileType",
        "__traceVerbose", "__warn", "__getFlake", "__parseFlakeRef", "__flakeRefToString",
        // With a setting or an experimental feature.
        "__exec", "__importNative", "__fetchClosure",
        // The parser's own.
        "__curPos",
    };

    private static readonly List<RawDiagnostic> None = new();

    private readonly SyntaxTree _tree;
    private List<RawDiagnostic>? _diagnostics;
    // The names in scope (how many binders bind each), and the binders' names as one stack: a scope
    // pushes its names and pops them when it ends. Both are kept per thread and reused, so that a
    // check allocates (next to) nothing when it finds nothing.
    private readonly Dictionary<string, int> _bound;
    private readonly List<string> _scopes;
    private readonly HashSet<string> _seen;
    private int _unchecked; // > 0 under a merged definition: nothing is reported
    private bool _tooDeep;

    [ThreadStatic]
    private static ScopeCheck? s_cached;

    private ScopeCheck(SyntaxTree tree, Dictionary<string, int> bound, List<string> scopes, HashSet<string> seen)
    {
        _tree = tree;
        _bound = bound;
        _scopes = scopes;
        _seen = seen;
    }

    /// <summary>The undefined variables of a tree, in the order they are met.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<RawDiagnostic> Run(SyntaxTree tree, GreenNode root)
    {
        var cached = s_cached;
        s_cached = null; // not shared with a nested run on this thread
        var check = cached is null
            ? new ScopeCheck(tree, new Dictionary<string, int>(StringComparer.Ordinal), new List<string>(), new HashSet<string>(StringComparer.Ordinal))
            : new ScopeCheck(tree, cached._bound, cached._scopes, cached._seen);
        try
        {
            check.Visit(root, 0);
        }
        finally
        {
            check._bound.Clear();
            check._scopes.Clear();
            check._seen.Clear();
            s_cached = check;
        }
        return check._diagnostics ?? None;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Visit(GreenNode node, int offset)
    {
        if (_tooDeep) return;
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            _tooDeep = true;
            return;
        }
        switch (node.Kind)
        {
            case SyntaxKind.Identifier:
                Use(node, offset);
                return;
            case SyntaxKind.Lambda:
                VisitLambda(node, offset);
                return;
            case SyntaxKind.LetIn:
                VisitBindings(node, offset, recursive: true);
                return;
            case SyntaxKind.AttrSet:
                VisitBindings(node, offset, recursive: IsRecursive(node));
                return;
            case SyntaxKind.With:
                VisitWith(node, offset);
                return;
            case SyntaxKind.AttrPath:
                VisitAttrPath(node, offset);
                return;
            default:
                VisitChildren(node, offset);
                return;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void VisitChildren(GreenNode node, int offset)
    {
        foreach (var child in node.Children)
        {
            if (child is GreenNode inner) Visit(inner, offset);
            offset += child.FullWidth;
        }
    }

    /// <summary>A variable: bound, global, under a <c>with</c>, or undefined.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Use(GreenNode identifier, int offset)
    {
        if (_unchecked > 0 || identifier.Children.Length == 0 || identifier.Children[0] is not GreenToken token) return;
        var name = token.Text;
        if (_bound.ContainsKey(name) || GlobalNames.Contains(name)) return;
        (_diagnostics ??= new List<RawDiagnostic>()).Add(new RawDiagnostic(offset + token.LeadingWidth, name.Length,
            $"undefined variable '{name}': no let, rec set, function argument or inherit binds it here, and no 'with' encloses it; Nix refuses the file ('undefined variable'): define it, or fix its spelling"));
    }

    // ---------------- scopes ----------------

    /// <summary>Puts the names pushed since <paramref name="mark"/> in scope.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Bind(int mark)
    {
        for (var i = mark; i < _scopes.Count; i++)
        {
            var name = _scopes[i];
            _bound[name] = _bound.TryGetValue(name, out var count) ? count + 1 : 1;
        }
    }

    /// <summary>Ends the scope of the names pushed since <paramref name="mark"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Unbind(int mark)
    {
        for (var i = mark; i < _scopes.Count; i++)
        {
            var name = _scopes[i];
            var count = _bound[name] - 1;
            if (count == 0) _bound.Remove(name); else _bound[name] = count;
        }
        _scopes.RemoveRange(mark, _scopes.Count - mark);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void VisitLambda(GreenNode lambda, int offset)
    {
        var mark = _scopes.Count;
        GreenNode? body = null;
        int bodyOffset = 0;
        GreenNode? pattern = null;
        int patternOffset = 0;
        var childOffset = offset;
        foreach (var child in lambda.Children)
        {
            if (child is GreenNode node)
            {
                if (node.Kind == SyntaxKind.Identifier && _scopes.Count == mark && pattern is null && body is null) AddIdentifier(_scopes, node);
                else if (node.Kind == SyntaxKind.Pattern && pattern is null && body is null) { pattern = node; patternOffset = childOffset; }
                else { body = node; bodyOffset = childOffset; }
            }
            childOffset += child.FullWidth;
        }
        if (pattern is not null) PatternNames(pattern, _scopes);
        Bind(mark);
        if (pattern is not null) VisitDefaults(pattern, patternOffset);
        if (body is not null) Visit(body, bodyOffset);
        Unbind(mark);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PatternNames(GreenNode pattern, List<string> names)
    {
        foreach (var child in pattern.Children)
        {
            if (child is not GreenNode node) continue;
            if (node.Kind is SyntaxKind.Formal or SyntaxKind.PatternBind)
            {
                foreach (var part in node.Children)
                {
                    if (part is GreenNode { Kind: SyntaxKind.Identifier } name) { AddIdentifier(names, name); break; }
                }
            }
        }
    }

    /// <summary>The default values of the formals (the first child node of a formal is its name).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void VisitDefaults(GreenNode pattern, int offset)
    {
        foreach (var child in pattern.Children)
        {
            if (child is GreenNode { Kind: SyntaxKind.Formal } formal)
            {
                var inner = offset;
                var first = true;
                foreach (var part in formal.Children)
                {
                    if (part is GreenNode node)
                    {
                        if (!first) Visit(node, inner);
                        first = false;
                    }
                    inner += part.FullWidth;
                }
            }
            offset += child.FullWidth;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void VisitWith(GreenNode with, int offset)
    {
        // `with e; body`: e is checked; body may take any name from e.
        foreach (var child in with.Children)
        {
            if (child is GreenNode node)
            {
                Visit(node, offset);
                return;
            }
            offset += child.FullWidth;
        }
    }

    /// <summary>In a selection or has-attribute path, only the interpolations are expressions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void VisitAttrPath(GreenNode path, int offset)
    {
        foreach (var child in path.Children)
        {
            if (child is GreenNode node && node.Kind != SyntaxKind.Identifier) Visit(node, offset);
            offset += child.FullWidth;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsRecursive(GreenNode set)
    {
        foreach (var child in set.Children)
        {
            if (child.Kind is SyntaxKind.RecKeyword or SyntaxKind.LetKeyword) return true;
            if (child.Kind == SyntaxKind.OpenBraceToken) return false;
        }
        return false;
    }

    /// <summary>
    /// A set, <c>rec</c> set, legacy <c>let { }</c> or <c>let ... in</c>: plain inherits read the scope
    /// around it; for a recursive one, its names are bound for everything else in it (values,
    /// dynamic names, inherit sources and the body of a <c>let</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void VisitBindings(GreenNode node, int offset, bool recursive)
    {
        var mark = _scopes.Count;
        HashSet<string>? merged = null; // first names defined by several members (allocated only then)
        HashSet<string>? recursiveValue = null; // first names of members whose value is a `rec { }` literal
        // First: the names the set defines, and plain inherits checked in the scope around it.
        var childOffset = offset;
        foreach (var child in node.Children)
        {
            if (child is GreenNode member)
            {
                if (member.Kind == SyntaxKind.Binding)
                {
                    if (FirstName(member, childOffset) is { } name)
                    {
                        if (!_seen.Add(name)) (merged ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
                        if (IsRecursiveSetValue(member)) (recursiveValue ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
                        if (recursive) _scopes.Add(name);
                    }
                }
                else if (member.Kind == SyntaxKind.Inherit)
                {
                    InheritNames(member, childOffset, recursive);
                }
            }
            childOffset += child.FullWidth;
        }
        _seen.Clear();
        if (recursive) Bind(mark);
        childOffset = offset;
        foreach (var child in node.Children)
        {
            if (child is GreenNode member)
            {
                if (member.Kind == SyntaxKind.Binding)
                {
                    // Paths merged into a `rec { }` literal are evaluated in its scope: not checked.
                    var isMerged = merged is not null && recursiveValue is not null && FirstName(member, childOffset) is { } name
                        && merged.Contains(name) && recursiveValue.Contains(name);
                    if (isMerged) _unchecked++;
                    VisitChildren(member, childOffset); // its attribute path (interpolations) and value
                    if (isMerged) _unchecked--;
                }
                else if (member.Kind == SyntaxKind.Inherit)
                {
                    VisitInheritSource(member, childOffset);
                }
                else
                {
                    Visit(member, childOffset); // the body of a `let ... in`
                }
            }
            childOffset += child.FullWidth;
        }
        if (recursive) Unbind(mark);
    }

    /// <summary>Whether a binding's value is a <c>rec { }</c> literal (in parentheses or not).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsRecursiveSetValue(GreenNode binding)
    {
        GreenNode? value = null;
        foreach (var child in binding.Children)
        {
            if (child is GreenNode node && node.Kind != SyntaxKind.AttrPath) { value = node; break; }
        }
        while (value is { Kind: SyntaxKind.Parenthesized })
        {
            GreenNode? inner = null;
            foreach (var child in value.Children) if (child is GreenNode node) { inner = node; break; }
            value = inner;
        }
        return value is { Kind: SyntaxKind.AttrSet } && IsRecursive(value) && value.Children[0].Kind == SyntaxKind.RecKeyword;
    }

    /// <summary>
    /// The names of an <c>inherit</c>: pushed as the set's names (when the set is recursive); for a
    /// plain <c>inherit x;</c>, <c>x</c> is also a use in the scope around the set.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InheritNames(GreenNode inherit, int offset, bool recursive)
    {
        var fromSource = false;
        foreach (var child in inherit.Children)
        {
            if (child is GreenNode node)
            {
                if (node.Kind == SyntaxKind.InheritFrom) fromSource = true;
                else if (StaticName(node, offset) is { } name)
                {
                    if (recursive) _scopes.Add(name);
                    if (!fromSource) UseName(name, node, offset);
                }
            }
            offset += child.FullWidth;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void VisitInheritSource(GreenNode inherit, int offset)
    {
        foreach (var child in inherit.Children)
        {
            if (child is GreenNode { Kind: SyntaxKind.InheritFrom } from)
            {
                VisitChildren(from, offset);
                return;
            }
            offset += child.FullWidth;
        }
    }

    /// <summary>A name read by <c>inherit x;</c> (an identifier, or a string as in <c>inherit "x";</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UseName(string name, GreenNode node, int offset)
    {
        if (_unchecked > 0 || _bound.ContainsKey(name) || GlobalNames.Contains(name)) return;
        var first = node.FirstToken();
        var last = node.LastToken();
        var start = offset + (first?.LeadingWidth ?? 0);
        var length = Math.Max(0, node.FullWidth - (first?.LeadingWidth ?? 0) - (last?.TrailingWidth ?? 0));
        (_diagnostics ??= new List<RawDiagnostic>()).Add(new RawDiagnostic(start, length,
            $"undefined variable '{name}': 'inherit {name};' reads '{name}' from the scope around this set or let, and nothing there binds it; Nix refuses the file ('undefined variable'): define it, or write 'inherit (source) {name};'"));
    }

    /// <summary>The static first name of a binding's attribute path, or null (dynamic, or broken).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? FirstName(GreenNode binding, int offset)
    {
        foreach (var child in binding.Children)
        {
            if (child is GreenNode { Kind: SyntaxKind.AttrPath } path)
            {
                foreach (var part in path.Children)
                {
                    if (part is GreenNode name) return StaticName(name, offset);
                    offset += part.FullWidth;
                }
                return null;
            }
            offset += child.FullWidth;
        }
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? StaticName(GreenNode name, int offset)
    {
        if (name.Kind == SyntaxKind.Identifier) return name.Children.Length > 0 && name.Children[0] is GreenToken token ? token.Text : null;
        if (name.Kind is not (SyntaxKind.String or SyntaxKind.Interpolation)) return null;
        // A quoted name or `${"a"}`: decoded through a detached red node, as the other checks do.
        return AttrPathSyntax.GetStaticName(SyntaxNodeFactory.Create(_tree, null, name, offset, 0));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddIdentifier(List<string> names, GreenNode identifier)
    {
        if (identifier.Children.Length > 0 && identifier.Children[0] is GreenToken token) names.Add(token.Text);
    }
}
