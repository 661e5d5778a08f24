using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Evaluation;

/// <summary>
/// A lazy, bounded partial evaluator over the syntax tree. It computes what can be known without
/// running Nix (sets, lists, strings, paths, functions applied to known arguments, imports of
/// files, the builtins and <c>lib</c> functions that shape configurations) and answers
/// <see cref="UnknownValue"/> with a reason everywhere else. It never guesses.
/// </summary>
public sealed class Evaluator
{
    private readonly Dictionary<string, Thunk> _imports = new(StringComparer.Ordinal);
    private AttrSetValue? _builtins;
    private int _steps;
    private int _depth;

    /// <summary>Creates an evaluator over a set of files.</summary>
    public Evaluator(SourceFiles? files = null, int stepLimit = 200_000, int depthLimit = 1_500)
    {
        Files = files ?? new SourceFiles();
        StepLimit = stepLimit;
        DepthLimit = depthLimit;
    }

    /// <summary>The files read so far (each parsed once).</summary>
    public SourceFiles Files { get; }

    /// <summary>How many evaluation steps one piece of work (see <see cref="ResetBudget"/>) may take.</summary>
    public int StepLimit { get; }

    /// <summary>How deep evaluation may nest.</summary>
    public int DepthLimit { get; }

    /// <summary>Steps taken since the last <see cref="ResetBudget"/>.</summary>
    public int Steps => _steps;

    /// <summary>Steps taken in all.</summary>
    public long TotalSteps { get; private set; }

    /// <summary>Whether the step budget ran out (values computed since are unknown).</summary>
    public bool BudgetSpent => _steps > StepLimit;

    /// <summary>The directory for paths in trees that are not files (snippets in tests).</summary>
    public string FallbackDirectory { get; set; } = Directory.GetCurrentDirectory();

    /// <summary>Starts a fresh step budget (the reader does this per configuration and per module).</summary>
    public void ResetBudget() => _steps = 0;

    /// <summary>Forces a thunk.</summary>
    public NixValue Force(Thunk thunk) => thunk.Force(this);

    /// <summary>Evaluates the expression of a whole file's tree in the base scope.</summary>
    public NixValue EvaluateRoot(SyntaxTree tree) =>
        tree.Root.Expression is { } expression ? Evaluate(expression, Scope.Root) : new UnknownValue("the file is empty", tree.Root);

    /// <summary>Evaluates a snippet of Nix (for tests and tools); paths are relative to <see cref="FallbackDirectory"/>.</summary>
    public NixValue EvaluateText(string text) => EvaluateRoot(SyntaxTree.Parse(text));

    internal NixValue Guard(Func<NixValue> compute)
    {
        if (!Enter(null, out var stop)) return stop!;
        try
        {
            return compute();
        }
        finally
        {
            _depth--;
        }
    }

    private bool Enter(SyntaxNode? node, out UnknownValue? stop)
    {
        _steps++;
        TotalSteps++;
        if (_steps > StepLimit)
        {
            stop = new UnknownValue($"the reader's budget of {StepLimit} evaluation steps ran out", node);
            return false;
        }
        if (_depth >= DepthLimit)
        {
            stop = new UnknownValue($"evaluation nested deeper than {DepthLimit} levels", node);
            return false;
        }
        _depth++;
        stop = null;
        return true;
    }

    /// <summary>Evaluates an expression in a scope.</summary>
    public NixValue Evaluate(SyntaxNode node, Scope scope)
    {
        if (!Enter(node, out var stop)) return stop!;
        try
        {
            return EvaluateCore(node, scope);
        }
        finally
        {
            _depth--;
        }
    }

    private NixValue EvaluateCore(SyntaxNode node, Scope scope)
    {
        switch (node.Kind)
        {
            case SyntaxKind.Root:
                return ((RootSyntax)node).Expression is { } e ? Evaluate(e, scope) : new UnknownValue("the file is empty", node);
            case SyntaxKind.Parenthesized:
                return Evaluate(((ParenthesizedSyntax)node).Expression, scope);
            case SyntaxKind.Identifier:
                return Lookup(((IdentifierSyntax)node).Name, scope, node);
            case SyntaxKind.Literal:
                return Literal(node);
            case SyntaxKind.String:
            case SyntaxKind.IndentedString:
                return StringOf((StringSyntax)node, scope);
            case SyntaxKind.Path:
                return PathOf(node, scope);
            case SyntaxKind.SearchPath:
                return new UnknownValue($"{node} depends on NIX_PATH, which flakes do not use", node);
            case SyntaxKind.AttrSet:
                return AttrSet((AttrSetSyntax)node, scope);
            case SyntaxKind.List:
                return new ListValue(((ListSyntax)node).Items.Select(i => new Thunk(i, scope)).ToList(), node);
            case SyntaxKind.Select:
                return SelectExpression((SelectSyntax)node, scope);
            case SyntaxKind.HasAttr:
                return HasAttr(node, scope);
            case SyntaxKind.Apply:
            {
                var apply = (ApplySyntax)node;
                var function = Evaluate(apply.Function, scope);
                return Apply(function, new Thunk(apply.Argument, scope), node);
            }
            case SyntaxKind.UnaryOp:
                return Unary(node, scope);
            case SyntaxKind.BinaryOp:
                return Binary(node, scope);
            case SyntaxKind.IfElse:
            {
                var parts = node.ChildNodes().ToList();
                if (parts.Count < 3) return new UnknownValue("an incomplete if expression", node);
                var condition = Evaluate(parts[0], scope);
                if (condition is BoolValue b) return Evaluate(b.Value ? parts[1] : parts[2], scope);
                return new UnknownValue($"the condition `{Short(parts[0])}` is unknown ({Why(condition)})", node);
            }
            case SyntaxKind.Assert:
            {
                var parts = node.ChildNodes().ToList();
                return parts.Count < 2 ? new UnknownValue("an incomplete assert", node) : Evaluate(parts[1], scope);
            }
            case SyntaxKind.With:
            {
                var with = (WithSyntax)node;
                if (with.Body is null) return new UnknownValue("an incomplete with expression", node);
                return Evaluate(with.Body, scope.AddWith(new Thunk(with.Scope, scope)));
            }
            case SyntaxKind.LetIn:
            {
                var let = (LetInSyntax)node;
                if (let.Body is null) return new UnknownValue("let without in", node);
                return Evaluate(let.Body, RecursiveScope(let.Members, scope, node, out _));
            }
            case SyntaxKind.Lambda:
                return new LambdaValue((LambdaSyntax)node, scope);
            default:
                return new UnknownValue($"a {node.Kind} node cannot be read (syntax error?)", node);
        }
    }

    // ---------------------------------------------------------------- names

    private NixValue Lookup(string name, Scope scope, SyntaxNode node)
    {
        if (scope.LookupLexical(name) is { } thunk) return Force(thunk);
        // The builtins in Nix's base scope are lexical too: `with` does not hide them.
        if (PrimOps.IsGlobal(name))
        {
            return Builtins.Get(name) is { } global ? Force(global) : new UnknownValue($"`{name}` is known only when Nix evaluates it", node);
        }
        foreach (var with in scope.WithSets())
        {
            var set = Force(with);
            switch (set)
            {
                case AttrSetValue attrs:
                    if (attrs.Get(name) is { } found) return Force(found);
                    if (!attrs.IsComplete) return SelectOrNull(attrs, name, node) ?? new UnknownValue($"`{name}` may come from a `with` set", node);
                    continue;
                case ExternalValue external:
                    return Recognize(external.Select(name, node));
                default:
                    return new UnknownValue($"`{name}` may come from `with` over an unknown set ({Why(set)})", node);
            }
        }
        return new UnknownValue($"undefined variable `{name}`", node);
    }

    /// <summary><c>builtins</c>, with the functions the reader understands.</summary>
    public AttrSetValue Builtins => _builtins ??= PrimOps.CreateBuiltins(this);

    // ---------------------------------------------------------------- literals

    private static NixValue Literal(SyntaxNode node)
    {
        var token = node.ChildTokens().First();
        return token.Kind switch
        {
            SyntaxKind.IntegerToken => long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var i)
                ? new NumberValue(i, true, node) : new UnknownValue("an integer out of range", node),
            SyntaxKind.FloatToken => new NumberValue(double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture), false, node),
            _ => new StringValue(token.Text, node),
        };
    }

    private NixValue StringOf(StringSyntax node, Scope scope)
    {
        var decoded = NixString.DecodeParts(node);
        var builder = new StringBuilder();
        foreach (var part in decoded.Parts)
        {
            if (part.Text is not null)
            {
                builder.Append(part.Text);
                continue;
            }
            var inner = part.Interpolation!.ChildNodes().FirstOrDefault();
            if (inner is null) return new UnknownValue("an empty interpolation", node);
            var value = Evaluate(inner, scope);
            if (value is ExternalValue external && builder.Length == 0 && external.Suffix is null && !decoded.Parts.Skip(1).Any(p => p.Text is null))
            {
                // "${nixpkgs}/nixos/modules", "${modulesPath}/profiles/minimal.nix": a file inside an input.
                return external.Append(string.Concat(decoded.Parts.Skip(1).Select(p => p.Text)), node);
            }
            if (CoerceToString(value) is not { } text) return new UnknownValue($"the string uses `${{{Short(inner)}}}`, which is unknown ({Why(value)})", node);
            builder.Append(text);
        }
        return new StringValue(builder.ToString(), node);
    }

    /// <summary>The text a value gives in <c>"${...}"</c>, or null when it cannot be known.</summary>
    public string? CoerceToString(NixValue value) => value switch
    {
        StringValue s => s.Value,
        PathValue p => p.Path,
        NumberValue { IsInteger: true } n => n.Value.ToString(CultureInfo.InvariantCulture),
        BoolValue b => b.Value ? "1" : "",
        NullValue => "",
        AttrSetValue set when set.Get("outPath") is { } outPath => CoerceToString(Force(outPath)),
        FlakeSelfValue self => self.Directory,
        _ => null,
    };

    private NixValue PathOf(SyntaxNode node, Scope scope)
    {
        var builder = new StringBuilder();
        foreach (var child in node.ChildNodesAndTokens())
        {
            if (child is SyntaxToken token)
            {
                builder.Append(token.Text);
                continue;
            }
            var inner = ((SyntaxNode)child).ChildNodes().FirstOrDefault();
            if (inner is null) return new UnknownValue("an empty interpolation in a path", node);
            var value = Evaluate(inner, scope);
            if (CoerceToString(value) is not { } text) return new UnknownValue($"the path `{Short(node)}` uses `${{{Short(inner)}}}`, which is unknown ({Why(value)})", node);
            builder.Append(text);
        }
        var written = builder.ToString();
        if (written.StartsWith('~')) return new UnknownValue($"{written} depends on the home directory", node);
        var directory = Files.FileOf(node.Tree)?.Directory ?? FallbackDirectory;
        return new PathValue(NormalizePath(written.StartsWith('/') ? written : Path.Combine(directory, written)), node);
    }

    /// <summary>An absolute path with <c>.</c> and <c>..</c> removed, without a trailing slash, as Nix keeps paths.</summary>
    public static string NormalizePath(string path)
    {
        var full = Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    // ---------------------------------------------------------------- sets

    private NixValue AttrSet(AttrSetSyntax node, Scope scope)
    {
        var legacyLet = node.ChildToken(SyntaxKind.LetKeyword) is not null;
        if (node.IsRecursive || legacyLet)
        {
            var inner = RecursiveScope(node.Members, scope, node, out var set);
            if (!legacyLet) return set;
            return inner.LookupLexical("body") is { } body ? Force(body) : new UnknownValue("let { } without body", node);
        }
        var builder = new AttrBuilder(node);
        AddMembers(builder, node.Members, scope, scope);
        return builder.Build();
    }

    private Scope RecursiveScope(IEnumerable<SyntaxNode> members, Scope outer, SyntaxNode source, out AttrSetValue set)
    {
        var names = new SortedDictionary<string, Thunk>(StringComparer.Ordinal);
        var inner = outer.Bind(names);
        var builder = new AttrBuilder(source);
        AddMembers(builder, members, inner, outer);
        set = builder.Build();
        foreach (var (name, thunk) in set.Attributes) names[name] = thunk;
        return inner;
    }

    private void AddMembers(AttrBuilder builder, IEnumerable<SyntaxNode> members, Scope valueScope, Scope outerScope)
    {
        foreach (var member in members)
        {
            if (member is BindingSyntax binding)
            {
                AddBinding(builder, binding, valueScope);
            }
            else if (member is InheritSyntax inherit)
            {
                var source = inherit.Source;
                foreach (var nameNode in inherit.Names)
                {
                    var name = AttrPathSyntax.GetStaticName(nameNode);
                    if (name is null) { builder.Incomplete ??= $"`inherit` with a dynamic name at line {nameNode.StartPosition.Line}"; continue; }
                    if (source is null)
                    {
                        var lookupScope = outerScope;
                        builder.Set(name, nameNode is IdentifierSyntax
                            ? new Thunk(nameNode, lookupScope)
                            : Thunk.Deferred(() => Lookup(name, lookupScope, nameNode), nameNode));
                    }
                    else
                    {
                        var from = new Thunk(source, valueScope);
                        var captured = name;
                        builder.Set(name, Thunk.Deferred(() => SelectOrMissing(Force(from), captured, nameNode), nameNode));
                    }
                }
            }
        }
    }

    private void AddBinding(AttrBuilder builder, BindingSyntax binding, Scope scope)
    {
        var parts = binding.AttrPath.Parts.ToList();
        var value = binding.Value;
        if (value is null) return;
        var target = builder;
        for (var i = 0; i < parts.Count; i++)
        {
            var name = AttrName(parts[i], scope);
            if (name is null)
            {
                target.Incomplete ??= $"the attribute name `{Short(parts[i])}` at line {parts[i].StartPosition.Line} is unknown";
                return;
            }
            if (i < parts.Count - 1)
            {
                target = target.Nested(name, binding);
                continue;
            }
            if (value is AttrSetSyntax literal && !literal.IsRecursive && literal.ChildToken(SyntaxKind.LetKeyword) is null)
            {
                AddMembers(target.Nested(name, literal), literal.Members, scope, scope);
            }
            else
            {
                target.Set(name, new Thunk(value, scope));
            }
        }
    }

    private string? AttrName(SyntaxNode part, Scope scope)
    {
        if (AttrPathSyntax.GetStaticName(part) is { } name) return name;
        var expression = part.Kind == SyntaxKind.Interpolation ? part.ChildNodes().FirstOrDefault() : part;
        if (expression is null) return null;
        var value = Evaluate(expression, scope);
        return value is StringValue s ? s.Value : null;
    }

    private sealed class AttrBuilder
    {
        private readonly SortedDictionary<string, object> _entries = new(StringComparer.Ordinal);
        private readonly SyntaxNode _source;

        public AttrBuilder(SyntaxNode source) => _source = source;

        public string? Incomplete { get; set; }

        public AttrBuilder Nested(string name, SyntaxNode source)
        {
            if (_entries.TryGetValue(name, out var existing) && existing is AttrBuilder nested) return nested;
            nested = new AttrBuilder(source);
            _entries[name] = nested;
            return nested;
        }

        public void Set(string name, Thunk thunk) => _entries[name] = thunk;

        public AttrSetValue Build()
        {
            var attributes = new SortedDictionary<string, Thunk>(StringComparer.Ordinal);
            foreach (var (name, entry) in _entries)
            {
                attributes[name] = entry is AttrBuilder nested ? Thunk.Of(nested.Build()) : (Thunk)entry;
            }
            return new AttrSetValue(attributes, _source, null, Incomplete);
        }
    }

    // ---------------------------------------------------------------- select

    private NixValue SelectExpression(SelectSyntax node, Scope scope)
    {
        var current = Evaluate(node.Expression, scope);
        foreach (var part in node.AttrPath.Parts)
        {
            var name = AttrName(part, scope);
            if (name is null) return new UnknownValue($"the attribute name `{Short(part)}` is unknown", node);
            var next = SelectOrNull(current, name, node);
            if (next is null)
            {
                return node.Default is { } fallback
                    ? Evaluate(fallback, scope)
                    : new UnknownValue($"attribute `{name}` missing in `{Short(node)}`", node);
            }
            current = next;
        }
        return current;
    }

    /// <summary>
    /// Selects an attribute: its value, an unknown when the reader cannot tell, or null when the
    /// set is known and has no such attribute.
    /// </summary>
    public NixValue? SelectOrNull(NixValue target, string name, SyntaxNode? site)
    {
        switch (target)
        {
            case AttrSetValue set:
                if (set.Get(name) is { } thunk) return Force(thunk);
                NixValue? best = null;
                var bestScore = -1;
                foreach (var rest in set.Rest)
                {
                    var candidate = SelectOrNull(rest, name, site);
                    if (candidate is null) continue;
                    var score = Plausibility(candidate, name);
                    if (score > bestScore) { best = candidate; bestScore = score; }
                }
                if (best is not null) return best;
                if (set.Incomplete is not null) return new UnknownValue($"attribute `{name}` may exist: {set.Incomplete}", site);
                return set.Rest.Count > 0 ? new UnknownValue($"attribute `{name}` may come from a set merged with `//` that is unknown", site) : null;
            case ExternalValue external:
                return Recognize(external.Select(name, site));
            case FlakeSelfValue self:
                if (name == "outPath") return new PathValue(self.Directory, site);
                if (name == "inputs") return Force(self.Inputs);
                if (name == "outputs") return Force(self.Outputs);
                if (name == "_type") return new StringValue("flake", site);
                if (name is "sourceInfo" or "lastModified" or "rev" or "narHash" or "shortRev" or "dirtyRev") return new UnknownValue($"`self.{name}` is known only when Nix fetches the flake", site);
                return SelectOrNull(Force(self.Outputs), name, site);
            case ConditionalValue conditional:
                return new UnknownValue($"`{name}` is inside `mkIf ({conditional.ConditionText})`", site);
            case PriorityValue priority:
                return SelectOrNull(Force(priority.Value), name, site);
            case BuilderCallValue builder when name == "config" || name == "options" || name == "pkgs":
                return new UnknownValue($"`{builder.Builder.DisplayName} {{ ... }}.{name}` is known only when Nix evaluates the configuration", site);
            case UnknownValue unknown:
                return new UnknownValue(unknown.Reason, site);
            case ImportedInputValue imported:
                return new ExternalValue("import " + imported.Input.DisplayName, new[] { name }, site, ExternalRootKind.Argument);
            default:
                return new UnknownValue($"cannot select `{name}` from a {target.TypeName}", site);
        }
    }

    // Of several sets merged with `//` whose attributes are unknown (`nixpkgs.lib // home-manager.lib`),
    // the one a name most plausibly comes from: a builder from the input it belongs to, then a known lib function.
    private static int Plausibility(NixValue candidate, string name)
    {
        if (candidate is ExternalValue external)
        {
            var hint = name switch { "nixosSystem" => "nixpkgs", "homeManagerConfiguration" => "home-manager", "darwinSystem" => "darwin", _ => null };
            if (hint is not null && external.Root.Contains(hint, StringComparison.OrdinalIgnoreCase)) return 3;
            return 1;
        }
        if (candidate is PrimOpValue) return 2;
        return candidate is UnknownValue ? 0 : 2;
    }

    private NixValue SelectOrMissing(NixValue target, string name, SyntaxNode? site) =>
        SelectOrNull(target, name, site) ?? new UnknownValue($"attribute `{name}` missing", site);

    private NixValue HasAttr(SyntaxNode node, Scope scope)
    {
        var target = Evaluate(node.ChildNodes().First(), scope);
        var path = node.ChildNodes().OfType<AttrPathSyntax>().FirstOrDefault();
        if (path is null) return new UnknownValue("an incomplete `?`", node);
        foreach (var part in path.Parts)
        {
            var name = AttrName(part, scope);
            if (name is null) return new UnknownValue("a dynamic attribute name in `?`", node);
            if (target is not AttrSetValue set) return target.IsKnown ? new BoolValue(false, node) : new UnknownValue($"`?` on an unknown value ({Why(target)})", node);
            if (set.Get(name) is { } thunk) { target = Force(thunk); continue; }
            return set.IsComplete ? new BoolValue(false, node) : new UnknownValue($"whether `{name}` exists is unknown", node);
        }
        return new BoolValue(true, node);
    }

    // ---------------------------------------------------------------- calls

    /// <summary>Applies a function to an argument.</summary>
    public NixValue Apply(NixValue function, Thunk argument, SyntaxNode? site)
    {
        if (!Enter(site, out var stop)) return stop!;
        try
        {
            return ApplyCore(function, argument, site);
        }
        finally
        {
            _depth--;
        }
    }

    private NixValue ApplyCore(NixValue function, Thunk argument, SyntaxNode? site)
    {
        switch (function)
        {
            case LambdaValue lambda:
                return CallLambda(lambda, argument, site);
            case PrimOpValue primOp:
            {
                var applied = primOp.Applied.Append(argument).ToList();
                if (applied.Count < primOp.Op.Arity) return new PrimOpValue(primOp.Op, applied, site);
                return primOp.Op.Invoke(this, applied, site);
            }
            case ExternalValue external:
                return ApplyExternal(external, argument, site);
            case ImportedInputValue { Argument: null } imported:
                return new ImportedInputValue(imported.Input, argument, site);
            case AttrSetValue set when set.Get("__functor") is { } functor:
                return Apply(Apply(Force(functor), Thunk.Of(set), site), argument, site);
            case UnknownValue unknown:
                return new UnknownValue($"calls an unknown function ({unknown.Reason})", site);
            default:
                return new UnknownValue($"calls a {function.TypeName}, which is not a function", site);
        }
    }

    private NixValue CallLambda(LambdaValue lambda, Thunk argument, SyntaxNode? site)
    {
        var body = lambda.Lambda.Body;
        if (body is null) return new UnknownValue("a function without body", lambda.Source);
        var names = new Dictionary<string, Thunk>(StringComparer.Ordinal);
        var inner = lambda.Scope.Bind(names);
        if (lambda.Lambda.Parameter is IdentifierSyntax identifier)
        {
            names[identifier.Name] = argument;
            return Evaluate(body, inner);
        }
        var pattern = (PatternSyntax)lambda.Lambda.Parameter;
        if (pattern.BindName is { } bind) names[bind] = argument;
        var given = Force(argument);
        foreach (var formal in pattern.Formals)
        {
            var name = formal.Name;
            if (given is AttrSetValue known && known.Get(name) is { } direct)
            {
                names[name] = direct;
                continue;
            }
            var found = SelectOrNull(given, name, formal);
            if (found is null)
            {
                names[name] = formal.Default is { } fallback
                    ? new Thunk(fallback, inner)
                    : Thunk.Of(new UnknownValue($"the function at line {lambda.Lambda.StartPosition.Line} needs argument `{name}`, which the call does not give", site));
            }
            else
            {
                names[name] = Thunk.Of(found);
            }
        }
        return Evaluate(body, inner);
    }

    private NixValue ApplyExternal(ExternalValue external, Thunk argument, SyntaxNode? site)
    {
        var lib = LibPath(external);
        // lib.modules.mkRenamedOptionModule is lib.mkRenamedOptionModule.
        if (lib is { Count: 2 } && PrimOps.IsLibNamespace(lib[0])) lib = new[] { lib[1] };
        if (lib is { Count: 1 } && BuilderOf(lib[0]) is { } kind)
        {
            return new BuilderCallValue(kind, external, argument, site);
        }
        if (lib is { Count: 1 } && lib[0].StartsWith("mk", StringComparison.Ordinal) && (lib[0].EndsWith("OptionModule", StringComparison.Ordinal) || lib[0].EndsWith("OptionModuleWith", StringComparison.Ordinal)))
        {
            // mkRenamedOptionModule and friends make a module that aliases options: not a file of the flake.
            return new PrimOpValue(new PrimOp("lib." + lib[0], lib[0] is "mkChangedOptionModule" or "mkMergedOptionModule" ? 3 : lib[0].EndsWith("With", StringComparison.Ordinal) ? 1 : 2,
                (e, a, s) => new ExternalValue("lib." + lib[0], Array.Empty<string>(), s, ExternalRootKind.Generated)), new[] { argument }, site);
        }
        if (lib is { Count: 1 } && lib[0] == "extend")
        {
            return new ExternalValue(external.Root, external.AttrPath.Take(external.AttrPath.Count - 1).ToList(), site, external.RootKind);
        }
        if (lib is { Count: 1 } && lib[0] == "mkFlake")
        {
            // flake-parts: mkFlake { inherit inputs; } module. Others (adios-flake and the like) take
            // one set that holds the outputs under `flake`.
            if (Force(argument) is AttrSetValue single && (single.Get("flake") is not null || single.Get("systems") is not null || single.Get("modules") is not null))
            {
                var outputs = SelectOrNull(single, "flake", site) ?? AttrSetValue.Empty;
                return outputs is AttrSetValue set
                    ? new AttrSetValue(set.Attributes, site, set.Rest, $"`{external.DisplayName}` may add outputs the reader cannot see")
                    : outputs;
            }
            return new PrimOpValue(PrimOps.FlakePartsModules, new[] { argument }, site);
        }
        return new UnknownValue($"the result of calling `{external.DisplayName}`, known only when Nix evaluates it", site);
    }

    /// <summary>The attribute path of an external value below a <c>lib</c>, or null.</summary>
    internal static IReadOnlyList<string>? LibPath(ExternalValue external)
    {
        if (external.RootKind == ExternalRootKind.Argument && external.Root == "lib") return external.AttrPath;
        var index = -1;
        for (var i = 0; i < external.AttrPath.Count; i++)
        {
            if (external.AttrPath[i] == "lib") index = i;
        }
        return index < 0 ? null : external.AttrPath.Skip(index + 1).ToList();
    }

    private static BuilderKind? BuilderOf(string name) => name switch
    {
        "nixosSystem" => BuilderKind.NixOS,
        "homeManagerConfiguration" => BuilderKind.HomeManager,
        "darwinSystem" => BuilderKind.Darwin,
        _ => null,
    };

    /// <summary>An external value that names a function the reader knows (a <c>lib</c> function) becomes that function.</summary>
    internal NixValue Recognize(ExternalValue external)
    {
        if (external.RootKind == ExternalRootKind.Argument && external.Root == "builtins" && external.AttrPath.Count == 1 && Builtins.Get(external.AttrPath[0]) is { } builtin) return Force(builtin);
        var lib = LibPath(external);
        if (lib is null || lib.Count == 0) return external;
        if (lib.Count == 1 && lib[0] == "nixosSystem" && external.RootKind == ExternalRootKind.Argument) return external;
        if (PrimOps.Lib(lib) is { } op) return new PrimOpValue(op, Array.Empty<Thunk>(), external.Source);
        return external;
    }

    /// <summary>Reads a file and evaluates it (once per file); <c>import</c> does this.</summary>
    public NixValue ImportFile(string path, SyntaxNode? site)
    {
        var file = Files.Open(path);
        if (_imports.TryGetValue(file.Path, out var cached)) return Force(cached);
        if (file.Tree is null) return new UnknownValue(file.Error ?? $"{file.Path} cannot be read", site);
        if (file.Tree.HasErrors)
        {
            var first = file.Tree.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);
            return new UnknownValue($"{file.Path}:{first.Line}:{first.Column}: {first.Message}", site);
        }
        var thunk = file.Tree.Root.Expression is { } expression ? new Thunk(expression, Scope.Root) : Thunk.Of(new UnknownValue($"{file.Path} is empty", site));
        _imports[file.Path] = thunk;
        return Force(thunk);
    }

    // ---------------------------------------------------------------- operators

    private NixValue Unary(SyntaxNode node, Scope scope)
    {
        var op = node.ChildTokens().First();
        var operandNode = node.ChildNodes().FirstOrDefault();
        if (operandNode is null) return new UnknownValue("an incomplete operator", node);
        var operand = Evaluate(operandNode, scope);
        if (op.Kind == SyntaxKind.BangToken)
            return operand is BoolValue b ? new BoolValue(!b.Value, node) : new UnknownValue($"`{Short(node)}` is unknown ({Why(operand)})", node);
        return operand is NumberValue n ? new NumberValue(-n.Value, n.IsInteger, node) : new UnknownValue($"`{Short(node)}` is unknown ({Why(operand)})", node);
    }

    private NixValue Binary(SyntaxNode node, Scope scope)
    {
        var operands = node.ChildNodes().ToList();
        var op = node.ChildTokens().FirstOrDefault();
        if (operands.Count < 2 || op is null) return new UnknownValue("an incomplete operator", node);
        var left = Evaluate(operands[0], scope);
        switch (op.Kind)
        {
            case SyntaxKind.AmpersandAmpersandToken:
                if (left is BoolValue { Value: false }) return new BoolValue(false, node);
                return BoolOperand(left, operands[1], scope, node);
            case SyntaxKind.BarBarToken:
                if (left is BoolValue { Value: true }) return new BoolValue(true, node);
                return BoolOperand(left, operands[1], scope, node);
            case SyntaxKind.ArrowToken:
                if (left is BoolValue { Value: false }) return new BoolValue(true, node);
                return BoolOperand(left, operands[1], scope, node);
        }
        var right = Evaluate(operands[1], scope);
        switch (op.Kind)
        {
            case SyntaxKind.SlashSlashToken:
                return Update(left, right, node);
            case SyntaxKind.PlusPlusToken:
                if (left is ListValue l && right is ListValue r) return new ListValue(l.Items.Concat(r.Items).ToList(), node);
                return new UnknownValue($"`++` over a value that is not a known list ({Why(left is ListValue ? right : left)})", node);
            case SyntaxKind.PlusToken:
                return Add(left, right, node);
            case SyntaxKind.EqualsEqualsToken:
            case SyntaxKind.BangEqualsToken:
            {
                var equal = Equal(left, right);
                if (equal is null) return new UnknownValue($"`{Short(node)}` compares a value that is unknown ({Why(left.IsKnown ? right : left)})", node);
                return new BoolValue(op.Kind == SyntaxKind.EqualsEqualsToken ? equal.Value : !equal.Value, node);
            }
            case SyntaxKind.MinusToken or SyntaxKind.StarToken or SyntaxKind.SlashToken or SyntaxKind.LessToken or SyntaxKind.LessEqualsToken or SyntaxKind.GreaterToken or SyntaxKind.GreaterEqualsToken:
                return Arithmetic(op.Kind, left, right, node);
            default:
                return new UnknownValue($"the operator `{op.Text}` is not read", node);
        }
    }

    private NixValue BoolOperand(NixValue left, SyntaxNode rightNode, Scope scope, SyntaxNode node)
    {
        var right = Evaluate(rightNode, scope);
        if (left is BoolValue && right is BoolValue b) return new BoolValue(b.Value, node);
        var op = node.ChildTokens().First().Kind;
        if (right is BoolValue rb && ((op == SyntaxKind.AmpersandAmpersandToken && !rb.Value) || (op == SyntaxKind.BarBarToken && rb.Value))) return new BoolValue(rb.Value, node);
        return new UnknownValue($"`{Short(node)}` is unknown ({Why(left is BoolValue ? right : left)})", node);
    }

    /// <summary><c>a // b</c>.</summary>
    public NixValue Update(NixValue left, NixValue right, SyntaxNode? node)
    {
        if (left is AttrSetValue l && right is AttrSetValue r)
        {
            var merged = new SortedDictionary<string, Thunk>(StringComparer.Ordinal);
            foreach (var (name, thunk) in l.Attributes) merged[name] = thunk;
            foreach (var (name, thunk) in r.Attributes) merged[name] = thunk;
            return new AttrSetValue(merged, node, r.Rest.Concat(l.Rest).ToList(), r.Incomplete ?? l.Incomplete);
        }
        if (IsSetLike(left) && IsSetLike(right))
        {
            if (left is AttrSetValue onlyLeft) return new AttrSetValue(onlyLeft.Attributes, node, new[] { right }.Concat(onlyLeft.Rest).ToList(), onlyLeft.Incomplete);
            if (right is AttrSetValue onlyRight) return new AttrSetValue(onlyRight.Attributes, node, onlyRight.Rest.Append(left).ToList(), onlyRight.Incomplete);
            return new AttrSetValue(AttrSetValue.Empty.Attributes, node, new[] { right, left });
        }
        return new UnknownValue($"`//` over a {(IsSetLike(left) ? right.TypeName : left.TypeName)}", node);
    }

    private static bool IsSetLike(NixValue value) => value is AttrSetValue or FlakeSelfValue or ExternalValue or UnknownValue or ConditionalValue or ImportedInputValue or PriorityValue or MergeValue;

    private NixValue Add(NixValue left, NixValue right, SyntaxNode node)
    {
        if (left is NumberValue a && right is NumberValue b) return new NumberValue(a.Value + b.Value, a.IsInteger && b.IsInteger, node);
        if (left is ExternalValue external && (right is StringValue or PathValue) && CoerceToString(right) is { } appended)
        {
            return external.Append(appended, node);
        }
        if (left is PathValue path)
        {
            var suffix = CoerceToString(right);
            if (suffix is null) return new UnknownValue($"`{Short(node)}` appends an unknown value to a path ({Why(right)})", node);
            return new PathValue(NormalizePath(path.Path + suffix), node);
        }
        if (left is StringValue or AttrSetValue or FlakeSelfValue && CoerceToString(left) is { } text && CoerceToString(right) is { } more) return new StringValue(text + more, node);
        return new UnknownValue($"`{Short(node)}` adds values that are unknown ({Why(left.IsKnown ? right : left)})", node);
    }

    private static NixValue Arithmetic(SyntaxKind op, NixValue left, NixValue right, SyntaxNode node)
    {
        if (left is NumberValue a && right is NumberValue b)
        {
            var integer = a.IsInteger && b.IsInteger;
            return op switch
            {
                SyntaxKind.MinusToken => new NumberValue(a.Value - b.Value, integer, node),
                SyntaxKind.StarToken => new NumberValue(a.Value * b.Value, integer, node),
                SyntaxKind.SlashToken => b.Value == 0 ? new UnknownValue("division by zero", node) : new NumberValue(integer ? Math.Truncate(a.Value / b.Value) : a.Value / b.Value, integer, node),
                SyntaxKind.LessToken => new BoolValue(a.Value < b.Value, node),
                SyntaxKind.LessEqualsToken => new BoolValue(a.Value <= b.Value, node),
                SyntaxKind.GreaterToken => new BoolValue(a.Value > b.Value, node),
                _ => new BoolValue(a.Value >= b.Value, node),
            };
        }
        if (left is StringValue s && right is StringValue t)
        {
            var c = string.CompareOrdinal(s.Value, t.Value);
            switch (op)
            {
                case SyntaxKind.LessToken: return new BoolValue(c < 0, node);
                case SyntaxKind.LessEqualsToken: return new BoolValue(c <= 0, node);
                case SyntaxKind.GreaterToken: return new BoolValue(c > 0, node);
                case SyntaxKind.GreaterEqualsToken: return new BoolValue(c >= 0, node);
            }
        }
        return new UnknownValue($"`{Short(node)}` is unknown", node);
    }

    /// <summary>Whether two values are equal, or null when the reader cannot tell.</summary>
    public bool? Equal(NixValue left, NixValue right)
    {
        switch (left, right)
        {
            case (StringValue a, StringValue b): return a.Value == b.Value;
            case (PathValue a, PathValue b): return a.Path == b.Path;
            case (NumberValue a, NumberValue b): return a.Value == b.Value;
            case (BoolValue a, BoolValue b): return a.Value == b.Value;
            case (NullValue, NullValue): return true;
            case (NullValue, _) when right.IsKnown: return false;
            case (_, NullValue) when left.IsKnown: return false;
            case (ListValue a, ListValue b):
                if (a.Items.Count != b.Items.Count) return false;
                for (var i = 0; i < a.Items.Count; i++)
                {
                    var e = Equal(Force(a.Items[i]), Force(b.Items[i]));
                    if (e != true) return e;
                }
                return true;
        }
        if (!left.IsKnown || !right.IsKnown) return null;
        if (left is AttrSetValue || right is AttrSetValue || left is LambdaValue || right is LambdaValue) return null;
        return left.TypeName == right.TypeName ? null : false;
    }

    // ---------------------------------------------------------------- words for people

    /// <summary>Why a value is not what was needed, in words.</summary>
    public static string Why(NixValue value) => value switch
    {
        UnknownValue u => u.Reason,
        ExternalValue e when e.RootKind == ExternalRootKind.Input => $"`{e.DisplayName}` comes from the input `{e.Root}`",
        ExternalValue e => $"`{e.DisplayName}` is known only when Nix evaluates it",
        ImportedInputValue i => $"`{i}` is a package set",
        ConditionalValue c => $"it holds only when `{c.ConditionText}`",
        _ => $"it is a {value.TypeName}",
    };

    /// <summary>A node's text, shortened to one line for messages.</summary>
    public static string Short(SyntaxNode node)
    {
        var text = node.ToString().Replace("\r", "", StringComparison.Ordinal);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline >= 0) text = text[..newline].TrimEnd() + " ...";
        return text.Length > 60 ? text[..57] + "..." : text;
    }
}
