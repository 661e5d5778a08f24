using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Evaluation;

/// <summary>A built-in function: name, number of arguments, and what it does with known values.</summary>
internal sealed class PrimOp
{
    private readonly Func<Evaluator, IReadOnlyList<Thunk>, SyntaxNode?, NixValue> _invoke;

    public PrimOp(string name, int arity, Func<Evaluator, IReadOnlyList<Thunk>, SyntaxNode?, NixValue> invoke)
    {
        Name = name;
        Arity = arity;
        _invoke = invoke;
    }

    public string Name { get; }

    public int Arity { get; }

    public NixValue Invoke(Evaluator evaluator, IReadOnlyList<Thunk> arguments, SyntaxNode? site) => _invoke(evaluator, arguments, site);
}

/// <summary>
/// The builtins and nixpkgs <c>lib</c> functions the reader understands. Each works on known
/// values and answers unknown (saying which argument was unknown) otherwise.
/// </summary>
internal static class PrimOps
{
    private static readonly HashSet<string> GlobalNames = new(StringComparer.Ordinal)
    {
        "true", "false", "null", "builtins", "import", "map", "toString", "baseNameOf", "dirOf", "removeAttrs",
        "isNull", "throw", "abort", "derivation", "fetchTarball", "fetchGit", "fetchurl", "placeholder", "scopedImport",
    };

    public static bool IsGlobal(string name) => GlobalNames.Contains(name);

    public static bool IsLibNamespace(string name) => LibNamespaces.Contains(name);

    private static readonly Dictionary<string, PrimOp> BuiltinOps = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, PrimOp> LibOps = new(StringComparer.Ordinal);

    private static readonly HashSet<string> LibNamespaces = new(StringComparer.Ordinal)
    {
        "attrsets", "lists", "strings", "trivial", "modules", "filesystem", "fixedPoints", "debug", "path",
    };

    public static readonly PrimOp FlakePartsModules = new("flake-parts.lib.mkFlake", 2, (e, a, s) => FlakeParts.Evaluate(e, a[0], a[1], s));

    static PrimOps()
    {
        // builtins
        Builtin("import", 1, Import);
        Builtin("map", 2, Map);
        Builtin("filter", 2, Filter);
        Builtin("attrNames", 1, (e, a, s) => WithSet(e, a[0], s, set => List(set.Names.Select(n => Thunk.Of(new StringValue(n, s))), s)));
        Builtin("attrValues", 1, (e, a, s) => WithSet(e, a[0], s, set => List(set.Attributes.Values, s)));
        Builtin("listToAttrs", 1, ListToAttrs);
        Builtin("hasAttr", 2, (e, a, s) => WithString(e, a[0], s, name => WithSet(e, a[1], s, set =>
            set.Get(name) is not null ? new BoolValue(true, s) : set.IsComplete ? new BoolValue(false, s) : new UnknownValue($"whether `{name}` exists is unknown", s))));
        Builtin("getAttr", 2, (e, a, s) => WithString(e, a[0], s, name => e.SelectOrNull(e.Force(a[1]), name, s) ?? new UnknownValue($"attribute `{name}` missing", s)));
        Builtin("length", 1, (e, a, s) => WithList(e, a[0], s, list => new NumberValue(list.Count, true, s)));
        Builtin("head", 1, (e, a, s) => WithList(e, a[0], s, list => list.Count > 0 ? e.Force(list[0]) : new UnknownValue("head of an empty list", s)));
        Builtin("tail", 1, (e, a, s) => WithList(e, a[0], s, list => List(list.Skip(1), s)));
        Builtin("elemAt", 2, (e, a, s) => WithList(e, a[0], s, list => e.Force(a[1]) is NumberValue n && n.Value >= 0 && n.Value < list.Count ? e.Force(list[(int)n.Value]) : new UnknownValue("elemAt with an unknown or bad index", s)));
        Builtin("elem", 2, Elem);
        Builtin("concatLists", 1, (e, a, s) => WithList(e, a[0], s, list => ConcatLists(e, list, s)));
        Builtin("concatMap", 2, (e, a, s) => WithList(e, a[1], s, list => ConcatLists(e, list.Select(x => Thunk.Of(e.Apply(e.Force(a[0]), x, s))).ToList(), s)));
        Builtin("foldl'", 3, FoldLeft);
        Builtin("genList", 2, (e, a, s) => e.Force(a[1]) is NumberValue { IsInteger: true } n && n.Value <= 10_000
            ? List(Enumerable.Range(0, (int)n.Value).Select(i => Lazy(e, () => e.Apply(e.Force(a[0]), Thunk.Of(new NumberValue(i, true, s)), s), s)), s)
            : new UnknownValue("genList with an unknown length", s));
        Builtin("isAttrs", 1, (e, a, s) => TypeTest(e, a[0], s, "set"));
        Builtin("isList", 1, (e, a, s) => TypeTest(e, a[0], s, "list"));
        Builtin("isString", 1, (e, a, s) => TypeTest(e, a[0], s, "string"));
        Builtin("isFunction", 1, (e, a, s) => TypeTest(e, a[0], s, "lambda"));
        Builtin("isPath", 1, (e, a, s) => TypeTest(e, a[0], s, "path"));
        Builtin("isBool", 1, (e, a, s) => TypeTest(e, a[0], s, "bool"));
        Builtin("isInt", 1, (e, a, s) => TypeTest(e, a[0], s, "int"));
        Builtin("isNull", 1, (e, a, s) => TypeTest(e, a[0], s, "null"));
        Builtin("typeOf", 1, (e, a, s) => e.Force(a[0]) is { IsKnown: true } v && v is not ConditionalValue and not MergeValue and not PriorityValue ? new StringValue(v.TypeName, s) : new UnknownValue("typeOf an unknown value", s));
        Builtin("toString", 1, (e, a, s) =>
        {
            var value = e.Force(a[0]);
            if (value is ListValue list) return WithStrings(e, list.Items, s, parts => new StringValue(string.Join(" ", parts), s));
            return e.CoerceToString(value) is { } text ? new StringValue(text, s) : new UnknownValue($"toString of an unknown value ({Evaluator.Why(value)})", s);
        });
        Builtin("toPath", 1, (e, a, s) => WithString(e, a[0], s, text => new PathValue(Evaluator.NormalizePath(text), s)));
        Builtin("baseNameOf", 1, (e, a, s) => WithString(e, a[0], s, text => new StringValue(Path.GetFileName(text.TrimEnd('/')), s)));
        Builtin("dirOf", 1, (e, a, s) =>
        {
            var value = e.Force(a[0]);
            if (value is PathValue p) return new PathValue(Path.GetDirectoryName(p.Path) ?? "/", s);
            return e.CoerceToString(value) is { } text ? new StringValue(Path.GetDirectoryName(text) ?? "/", s) : new UnknownValue("dirOf an unknown value", s);
        });
        Builtin("readDir", 1, ReadDir);
        Builtin("pathExists", 1, (e, a, s) => e.Force(a[0]) is PathValue p ? new BoolValue(File.Exists(p.Path) || Directory.Exists(p.Path), s) : new UnknownValue("pathExists of an unknown path", s));
        Builtin("removeAttrs", 2, (e, a, s) => WithSet(e, a[0], s, set => WithStrings(e, a[1], s, names =>
        {
            var kept = new SortedDictionary<string, Thunk>(set.Attributes.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
            foreach (var name in names) kept.Remove(name);
            return new AttrSetValue(kept, s, set.Rest, set.Incomplete);
        })));
        Builtin("intersectAttrs", 2, (e, a, s) => WithSet(e, a[0], s, first => WithSet(e, a[1], s, second =>
            new AttrSetValue(new SortedDictionary<string, Thunk>(second.Attributes.Where(p => first.Get(p.Key) is not null).ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal), s))));
        Builtin("mapAttrs", 2, MapAttrs);
        Builtin("catAttrs", 2, (e, a, s) => WithString(e, a[0], s, name => WithList(e, a[1], s, list =>
            List(list.Select(x => e.Force(x)).OfType<AttrSetValue>().Select(set => set.Get(name)).Where(t => t is not null)!, s))));
        Builtin("functionArgs", 1, (e, a, s) => e.Force(a[0]) is LambdaValue lambda
            ? new AttrSetValue(new SortedDictionary<string, Thunk>((lambda.Pattern?.Formals ?? Enumerable.Empty<FormalSyntax>()).ToDictionary(f => f.Name, f => Thunk.Of(new BoolValue(f.Default is not null, f))), StringComparer.Ordinal), s)
            : new UnknownValue("functionArgs of an unknown function", s));
        Builtin("throw", 1, (e, a, s) => new UnknownValue("throws: " + (e.CoerceToString(e.Force(a[0])) ?? "an error"), s));
        Builtin("abort", 1, (e, a, s) => new UnknownValue("aborts: " + (e.CoerceToString(e.Force(a[0])) ?? "an error"), s));
        Builtin("trace", 2, (e, a, s) => e.Force(a[1]));
        Builtin("seq", 2, (e, a, s) => e.Force(a[1]));
        Builtin("deepSeq", 2, (e, a, s) => e.Force(a[1]));
        Builtin("stringLength", 1, (e, a, s) => WithString(e, a[0], s, text => new NumberValue(text.Length, true, s)));
        Builtin("substring", 3, (e, a, s) => e.Force(a[0]) is NumberValue start && e.Force(a[1]) is NumberValue length
            ? WithString(e, a[2], s, text =>
            {
                var from = Math.Min(text.Length, (int)start.Value);
                var count = length.Value < 0 ? text.Length - from : Math.Min(text.Length - from, (int)length.Value);
                return new StringValue(text.Substring(from, count), s);
            })
            : new UnknownValue("substring with unknown bounds", s));
        Builtin("concatStringsSep", 2, (e, a, s) => WithString(e, a[0], s, separator => WithStrings(e, a[1], s, parts => new StringValue(string.Join(separator, parts), s))));
        Builtin("replaceStrings", 3, ReplaceStrings);
        Builtin("all", 2, (e, a, s) => Quantifier(e, a, s, all: true));
        Builtin("any", 2, (e, a, s) => Quantifier(e, a, s, all: false));
        Builtin("add", 2, (e, a, s) => e.Force(a[0]) is NumberValue x && e.Force(a[1]) is NumberValue y ? new NumberValue(x.Value + y.Value, x.IsInteger && y.IsInteger, s) : new UnknownValue("add of unknown numbers", s));
        Builtin("sub", 2, (e, a, s) => e.Force(a[0]) is NumberValue x && e.Force(a[1]) is NumberValue y ? new NumberValue(x.Value - y.Value, x.IsInteger && y.IsInteger, s) : new UnknownValue("sub of unknown numbers", s));
        Builtin("lessThan", 2, (e, a, s) => e.Force(a[0]) is NumberValue x && e.Force(a[1]) is NumberValue y ? new BoolValue(x.Value < y.Value, s) : new UnknownValue("lessThan of unknown numbers", s));

        // lib (nixpkgs): the ones that shape configurations
        Lib("mkIf", 2, (e, a, s) => new ConditionalValue(e.Force(a[0]), a[1], a[0].Expression, s));
        Lib("mkMerge", 1, (e, a, s) => new MergeValue(a[0], s));
        foreach (var name in new[] { "mkDefault", "mkForce", "mkBefore", "mkAfter", "mkOptionDefault", "mkImageMediaOverride", "mkVMOverride" })
        {
            var wrapper = name;
            Lib(name, 1, (e, a, s) => new PriorityValue(wrapper, a[0], s));
        }
        Lib("mkOverride", 2, (e, a, s) => new PriorityValue("mkOverride", a[1], s));
        Lib("mkOrder", 2, (e, a, s) => new PriorityValue("mkOrder", a[1], s));
        Lib("optional", 2, (e, a, s) => Conditional(e, a[0], s,
            whenTrue: () => List(new[] { a[1] }, s),
            whenFalse: () => List(Array.Empty<Thunk>(), s),
            unknown: condition => List(new[] { Thunk.Of(new ConditionalValue(condition, a[1], a[0].Expression, s)) }, s)));
        Lib("optionals", 2, (e, a, s) => Conditional(e, a[0], s,
            whenTrue: () => e.Force(a[1]),
            whenFalse: () => List(Array.Empty<Thunk>(), s),
            unknown: condition => e.Force(a[1]) is ListValue list
                ? List(list.Items.Select(item => Thunk.Of(new ConditionalValue(condition, item, a[0].Expression, s))), s)
                : new UnknownValue($"optionals with an unknown condition over an unknown list", s)));
        Lib("optionalAttrs", 2, (e, a, s) => Conditional(e, a[0], s,
            whenTrue: () => e.Force(a[1]),
            whenFalse: () => AttrSetValue.Empty,
            unknown: condition => new ConditionalValue(condition, a[1], a[0].Expression, s)));
        Lib("optionalString", 2, (e, a, s) => Conditional(e, a[0], s,
            whenTrue: () => e.Force(a[1]),
            whenFalse: () => new StringValue("", s),
            unknown: condition => new UnknownValue($"optionalString with an unknown condition ({Evaluator.Why(condition)})", s)));
        Lib("genAttrs", 2, (e, a, s) => WithStrings(e, a[0], s, names =>
            Set(names.Select(name => (name, Lazy(e, () => e.Apply(e.Force(a[1]), Thunk.Of(new StringValue(name, s)), s), s))), s)));
        Lib("mapAttrs", 2, MapAttrs);
        Lib("mapAttrs'", 2, (e, a, s) => WithSet(e, a[1], s, set =>
        {
            var pairs = set.Attributes.Select(p => Thunk.Of(e.Apply(e.Apply(e.Force(a[0]), Thunk.Of(new StringValue(p.Key, s)), s), p.Value, s))).ToList();
            return ListToAttrsOf(e, pairs, s, set);
        }));
        Lib("mapAttrsToList", 2, (e, a, s) => WithSet(e, a[1], s, set =>
            List(set.Attributes.Select(p => Lazy(e, () => e.Apply(e.Apply(e.Force(a[0]), Thunk.Of(new StringValue(p.Key, s)), s), p.Value, s), s)), s)));
        Lib("concatMapAttrs", 2, (e, a, s) => WithSet(e, a[1], s, set =>
        {
            NixValue result = AttrSetValue.Empty;
            foreach (var (name, value) in set.Attributes)
                result = e.Update(result, e.Apply(e.Apply(e.Force(a[0]), Thunk.Of(new StringValue(name, s)), s), value, s), s);
            return result;
        }));
        Lib("zipAttrsWith", 2, (e, a, s) => WithList(e, a[1], s, list => ZipAttrsWith(e, a[0], list, s)));
        Lib("zipAttrs", 1, (e, a, s) => WithList(e, a[0], s, list => ZipAttrsWith(e, null, list, s)));
        Lib("append", 2, (e, a, s) => e.Force(a[0]) is PathValue basePath
            ? WithString(e, a[1], s, sub => new PathValue(Evaluator.NormalizePath(basePath.Path + "/" + sub), s))
            : new UnknownValue("lib.path.append to an unknown path", s));
        Lib("fix", 1, (e, a, s) => Fix(e, self => e.Apply(e.Force(a[0]), self, s), s));
        Lib("makeExtensible", 1, (e, a, s) => MakeExtensible(e, e.Force(a[0]), s));
        Lib("extends", 3, Extends);
        Lib("composeExtensions", 4, ComposeExtensions);
        Lib("composeManyExtensions", 1, (e, a, s) => WithList(e, a[0], s, list =>
        {
            NixValue result = new PrimOpValue(EmptyExtension, Array.Empty<Thunk>(), s);
            for (var i = list.Count - 1; i >= 0; i--) result = new PrimOpValue(LibOps["composeExtensions"], new[] { list[i], Thunk.Of(result) }, s);
            return result;
        }));
        Lib("nameValuePair", 2, (e, a, s) => Set(new[] { ("name", a[0]), ("value", a[1]) }, s));
        Lib("filterAttrs", 2, (e, a, s) => WithSet(e, a[1], s, set =>
        {
            var kept = new List<(string, Thunk)>();
            foreach (var (name, value) in set.Attributes)
            {
                var keep = e.Apply(e.Apply(e.Force(a[0]), Thunk.Of(new StringValue(name, s)), s), value, s);
                if (keep is not BoolValue b) return new UnknownValue($"filterAttrs: whether to keep `{name}` is unknown ({Evaluator.Why(keep)})", s);
                if (b.Value) kept.Add((name, value));
            }
            return Set(kept, s);
        }));
        Lib("mergeAttrsList", 1, (e, a, s) => WithList(e, a[0], s, list =>
        {
            NixValue result = AttrSetValue.Empty;
            foreach (var item in list) result = e.Update(result, e.Force(item), s);
            return result;
        }));
        Lib("foldl", 3, FoldLeft);
        Lib("foldr", 3, (e, a, s) => WithList(e, a[2], s, list =>
        {
            var accumulator = a[1];
            for (var i = list.Count - 1; i >= 0; i--) accumulator = Thunk.Of(e.Apply(e.Apply(e.Force(a[0]), list[i], s), accumulator, s));
            return e.Force(accumulator);
        }));
        Lib("flatten", 1, (e, a, s) => Flatten(e, e.Force(a[0]), s));
        Lib("forEach", 2, (e, a, s) => Map(e, new[] { a[1], a[0] }, s));
        Lib("imap0", 2, (e, a, s) => WithList(e, a[1], s, list => List(list.Select((x, i) => Lazy(e, () => e.Apply(e.Apply(e.Force(a[0]), Thunk.Of(new NumberValue(i, true, s)), s), x, s), s)), s)));
        Lib("imap1", 2, (e, a, s) => WithList(e, a[1], s, list => List(list.Select((x, i) => Lazy(e, () => e.Apply(e.Apply(e.Force(a[0]), Thunk.Of(new NumberValue(i + 1, true, s)), s), x, s), s)), s)));
        Lib("unique", 1, (e, a, s) => WithList(e, a[0], s, list =>
        {
            var kept = new List<Thunk>();
            foreach (var item in list)
            {
                var value = e.Force(item);
                var seen = false;
                foreach (var k in kept)
                {
                    var equal = e.Equal(e.Force(k), value);
                    if (equal is null) return new UnknownValue("unique over values that cannot be compared", s);
                    if (equal.Value) { seen = true; break; }
                }
                if (!seen) kept.Add(item);
            }
            return List(kept, s);
        }));
        Lib("hasSuffix", 2, (e, a, s) => WithString(e, a[0], s, suffix => WithString(e, a[1], s, text => new BoolValue(text.EndsWith(suffix, StringComparison.Ordinal), s))));
        Lib("hasPrefix", 2, (e, a, s) => WithString(e, a[0], s, prefix => WithString(e, a[1], s, text => new BoolValue(text.StartsWith(prefix, StringComparison.Ordinal), s))));
        Lib("removeSuffix", 2, (e, a, s) => WithString(e, a[0], s, suffix => WithString(e, a[1], s, text => new StringValue(text.EndsWith(suffix, StringComparison.Ordinal) ? text[..^suffix.Length] : text, s))));
        Lib("removePrefix", 2, (e, a, s) => WithString(e, a[0], s, prefix => WithString(e, a[1], s, text => new StringValue(text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text, s))));
        Lib("recursiveUpdate", 2, (e, a, s) => RecursiveUpdate(e, e.Force(a[0]), e.Force(a[1]), s));
        Lib("const", 2, (e, a, s) => e.Force(a[0]));
        Lib("id", 1, (e, a, s) => e.Force(a[0]));
        Lib("flip", 3, (e, a, s) => e.Apply(e.Apply(e.Force(a[0]), a[2], s), a[1], s));
        Lib("pipe", 2, (e, a, s) => WithList(e, a[1], s, list =>
        {
            var value = a[0];
            foreach (var f in list) value = Thunk.Of(e.Apply(e.Force(f), value, s));
            return e.Force(value);
        }));
        Lib("last", 1, (e, a, s) => WithList(e, a[0], s, list => list.Count > 0 ? e.Force(list[^1]) : new UnknownValue("last of an empty list", s)));
        Lib("toList", 1, (e, a, s) => e.Force(a[0]) is ListValue list ? list : List(new[] { a[0] }, s));
        Lib("singleton", 1, (e, a, s) => List(new[] { a[0] }, s));
        Lib("attrByPath", 3, (e, a, s) => WithStrings(e, a[0], s, path =>
        {
            var current = e.Force(a[2]);
            foreach (var name in path)
            {
                var next = e.SelectOrNull(current, name, s);
                if (next is null) return e.Force(a[1]);
                current = next;
            }
            return current;
        }));
        Lib("getAttrFromPath", 2, (e, a, s) => WithStrings(e, a[0], s, path =>
        {
            var current = e.Force(a[1]);
            foreach (var name in path) current = e.SelectOrNull(current, name, s) ?? new UnknownValue($"attribute `{name}` missing", s);
            return current;
        }));
        Lib("setAttrByPath", 2, (e, a, s) => WithStrings(e, a[0], s, path =>
        {
            var value = a[1];
            for (var i = path.Count - 1; i >= 0; i--) value = Thunk.Of(Set(new[] { (path[i], value) }, s));
            return e.Force(value);
        }));
        Lib("remove", 2, (e, a, s) => WithList(e, a[1], s, list =>
        {
            var removed = e.Force(a[0]);
            var kept = new List<Thunk>();
            foreach (var item in list)
            {
                var equal = e.Equal(e.Force(item), removed);
                if (equal is null) return new UnknownValue("remove over values that cannot be compared", s);
                if (!equal.Value) kept.Add(item);
            }
            return List(kept, s);
        }));
        Lib("listFilesRecursive", 1, (e, a, s) => e.Force(a[0]) is PathValue p && Directory.Exists(p.Path)
            ? List(Directory.EnumerateFiles(p.Path, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).Select(f => Thunk.Of(new PathValue(f, s))), s)
            : new UnknownValue("listFilesRecursive of an unknown directory", s));
        foreach (var name in new[] { "map", "filter", "attrNames", "attrValues", "listToAttrs", "hasAttr", "getAttr", "length", "head", "tail", "elemAt", "elem", "concatLists", "concatMap", "foldl'", "isAttrs", "isList", "isString", "isFunction", "isPath", "isBool", "isInt", "toString", "concatStringsSep", "removeAttrs", "intersectAttrs", "all", "any", "genList", "replaceStrings", "substring", "stringLength", "catAttrs", "functionArgs", "typeOf", "baseNameOf", "dirOf", "pathExists", "readDir", "trace", "seq", "deepSeq", "throw", "abort" })
        {
            LibOps.TryAdd(name, BuiltinOps[name]);
        }
        LibOps["concatMapStringsSep"] = new PrimOp("lib.concatMapStringsSep", 3, (e, a, s) => WithString(e, a[0], s, separator => WithList(e, a[2], s, list =>
            WithStrings(e, list.Select(x => Thunk.Of(e.Apply(e.Force(a[1]), x, s))).ToList(), s, parts => new StringValue(string.Join(separator, parts), s)))));
    }

    private static void Builtin(string name, int arity, Func<Evaluator, IReadOnlyList<Thunk>, SyntaxNode?, NixValue> invoke) =>
        BuiltinOps[name] = new PrimOp(name, arity, invoke);

    private static void Lib(string name, int arity, Func<Evaluator, IReadOnlyList<Thunk>, SyntaxNode?, NixValue> invoke) =>
        LibOps[name] = new PrimOp("lib." + name, arity, invoke);

    /// <summary>The lib function at a path below <c>lib</c> (<c>mkIf</c>, <c>attrsets.genAttrs</c>), or null.</summary>
    public static PrimOp? Lib(IReadOnlyList<string> path)
    {
        if (path.Count == 1) return LibOps.GetValueOrDefault(path[0]);
        if (path.Count == 2 && LibNamespaces.Contains(path[0])) return LibOps.GetValueOrDefault(path[1]);
        return null;
    }

    public static AttrSetValue CreateBuiltins(Evaluator evaluator)
    {
        var attributes = new SortedDictionary<string, Thunk>(StringComparer.Ordinal);
        foreach (var (name, op) in BuiltinOps) attributes[name] = Thunk.Of(new PrimOpValue(op, Array.Empty<Thunk>(), null));
        attributes["true"] = Thunk.Of(new BoolValue(true, null));
        attributes["false"] = Thunk.Of(new BoolValue(false, null));
        attributes["null"] = Thunk.Of(new NullValue(null));
        attributes["currentSystem"] = Thunk.Of(new UnknownValue("builtins.currentSystem is known only to impure evaluation"));
        var set = new AttrSetValue(attributes, null, new NixValue[] { new ExternalValue("builtins", Array.Empty<string>(), null, ExternalRootKind.Argument) });
        attributes["builtins"] = Thunk.Of(set);
        return set;
    }

    // ---------------------------------------------------------------- helpers

    private static Thunk Lazy(Evaluator e, Func<NixValue> compute, SyntaxNode? source) => Thunk.Deferred(compute, source);

    private static ListValue List(IEnumerable<Thunk> items, SyntaxNode? source) => new(items.ToList(), source);

    private static AttrSetValue Set(IEnumerable<(string Name, Thunk Value)> attributes, SyntaxNode? source, string? incomplete = null)
    {
        var dictionary = new SortedDictionary<string, Thunk>(StringComparer.Ordinal);
        foreach (var (name, value) in attributes) dictionary[name] = value;
        return new AttrSetValue(dictionary, source, null, incomplete);
    }

    private static NixValue Unknown(string what, NixValue value, SyntaxNode? site) =>
        new UnknownValue($"{what} ({Evaluator.Why(value)})", site);

    private static NixValue WithSet(Evaluator e, Thunk thunk, SyntaxNode? site, Func<AttrSetValue, NixValue> then)
    {
        var value = Unwrap(e, e.Force(thunk));
        return value is AttrSetValue set ? then(set) : Unknown("needs a known attribute set", value, site);
    }

    private static NixValue WithList(Evaluator e, Thunk thunk, SyntaxNode? site, Func<IReadOnlyList<Thunk>, NixValue> then)
    {
        var value = Unwrap(e, e.Force(thunk));
        return value is ListValue list ? then(list.Items) : Unknown("needs a known list", value, site);
    }

    private static NixValue WithString(Evaluator e, Thunk thunk, SyntaxNode? site, Func<string, NixValue> then)
    {
        var value = Unwrap(e, e.Force(thunk));
        return value is StringValue or PathValue && e.CoerceToString(value) is { } text ? then(text) : Unknown("needs a known string", value, site);
    }

    private static NixValue WithStrings(Evaluator e, Thunk thunk, SyntaxNode? site, Func<IReadOnlyList<string>, NixValue> then) =>
        WithList(e, thunk, site, list => WithStrings(e, list, site, then));

    private static NixValue WithStrings(Evaluator e, IReadOnlyList<Thunk> list, SyntaxNode? site, Func<IReadOnlyList<string>, NixValue> then)
    {
        var strings = new List<string>(list.Count);
        foreach (var item in list)
        {
            var value = Unwrap(e, e.Force(item));
            if (e.CoerceToString(value) is not { } text) return Unknown("needs known strings", value, site);
            strings.Add(text);
        }
        return then(strings);
    }

    private static NixValue Unwrap(Evaluator e, NixValue value) => value is PriorityValue p ? Unwrap(e, e.Force(p.Value)) : value;

    private static NixValue Conditional(Evaluator e, Thunk condition, SyntaxNode? site, Func<NixValue> whenTrue, Func<NixValue> whenFalse, Func<NixValue, NixValue> unknown)
    {
        var value = e.Force(condition);
        return value is BoolValue b ? (b.Value ? whenTrue() : whenFalse()) : unknown(value);
    }

    private static NixValue TypeTest(Evaluator e, Thunk thunk, SyntaxNode? site, string type)
    {
        var value = e.Force(thunk);
        if (value is PrimOpValue) return new BoolValue(type == "lambda", site);
        if (!value.IsKnown || value is ConditionalValue or MergeValue or PriorityValue) return new UnknownValue($"the type of a value that is unknown ({Evaluator.Why(value)})", site);
        return new BoolValue(value.TypeName == type, site);
    }

    private static NixValue Import(Evaluator e, IReadOnlyList<Thunk> a, SyntaxNode? site)
    {
        var value = e.Force(a[0]);
        switch (value)
        {
            case PathValue path:
                return e.ImportFile(path.Path, site);
            case StringValue text when text.Value.StartsWith('/'):
                return e.ImportFile(text.Value, site);
            case ExternalValue external:
                return new ImportedInputValue(external, null, site);
            case FlakeSelfValue self:
                return e.ImportFile(self.Directory, site);
            case AttrSetValue set when set.Get("outPath") is { } outPath && e.Force(outPath) is PathValue p:
                return e.ImportFile(p.Path, site);
            default:
                return Unknown("imports something unknown", value, site);
        }
    }

    private static NixValue Map(Evaluator e, IReadOnlyList<Thunk> a, SyntaxNode? site) =>
        WithList(e, a[1], site, list => List(list.Select(x => Lazy(e, () => e.Apply(e.Force(a[0]), x, site), site)), site));

    private static NixValue Filter(Evaluator e, IReadOnlyList<Thunk> a, SyntaxNode? site) => WithList(e, a[1], site, list =>
    {
        var kept = new List<Thunk>();
        foreach (var item in list)
        {
            var keep = e.Apply(e.Force(a[0]), item, site);
            if (keep is not BoolValue b) return Unknown("filter: whether to keep an element is unknown", keep, site);
            if (b.Value) kept.Add(item);
        }
        return List(kept, site);
    });

    private static NixValue Elem(Evaluator e, IReadOnlyList<Thunk> a, SyntaxNode? site) => WithList(e, a[1], site, list =>
    {
        var needle = e.Force(a[0]);
        var unknown = false;
        foreach (var item in list)
        {
            var equal = e.Equal(e.Force(item), needle);
            if (equal == true) return new BoolValue(true, site);
            if (equal is null) unknown = true;
        }
        return unknown ? new UnknownValue("elem over values that cannot be compared", site) : new BoolValue(false, site);
    });

    private static NixValue Quantifier(Evaluator e, IReadOnlyList<Thunk> a, SyntaxNode? site, bool all) => WithList(e, a[1], site, list =>
    {
        foreach (var item in list)
        {
            var result = e.Apply(e.Force(a[0]), item, site);
            if (result is not BoolValue b) return Unknown(all ? "all: a test is unknown" : "any: a test is unknown", result, site);
            if (b.Value != all) return new BoolValue(!all, site);
        }
        return new BoolValue(all, site);
    });

    private static NixValue ConcatLists(Evaluator e, IReadOnlyList<Thunk> lists, SyntaxNode? site)
    {
        var items = new List<Thunk>();
        foreach (var thunk in lists)
        {
            var value = Unwrap(e, e.Force(thunk));
            if (value is not ListValue list) return Unknown("concatenates a value that is not a known list", value, site);
            items.AddRange(list.Items);
        }
        return List(items, site);
    }

    private static NixValue Flatten(Evaluator e, NixValue value, SyntaxNode? site)
    {
        if (value is not ListValue list) return List(new[] { Thunk.Of(value) }, site);
        var items = new List<Thunk>();
        foreach (var item in list.Items)
        {
            var inner = e.Force(item);
            if (inner is ListValue)
            {
                var flat = Flatten(e, inner, site);
                if (flat is not ListValue flatList) return flat;
                items.AddRange(flatList.Items);
            }
            else if (!inner.IsKnown && inner is UnknownValue) return Unknown("flatten over an unknown element", inner, site);
            else items.Add(item);
        }
        return List(items, site);
    }

    private static NixValue FoldLeft(Evaluator e, IReadOnlyList<Thunk> a, SyntaxNode? site) => WithList(e, a[2], site, list =>
    {
        var accumulator = a[1];
        foreach (var item in list) accumulator = Thunk.Of(e.Apply(e.Apply(e.Force(a[0]), accumulator, site), item, site));
        return e.Force(accumulator);
    });

    private static NixValue ListToAttrs(Evaluator e, IReadOnlyList<Thunk> a, SyntaxNode? site) =>
        WithList(e, a[0], site, list => ListToAttrsOf(e, list, site, null));

    private static NixValue ListToAttrsOf(Evaluator e, IReadOnlyList<Thunk> pairs, SyntaxNode? site, AttrSetValue? origin)
    {
        var result = new List<(string, Thunk)>();
        string? incomplete = null;
        foreach (var pair in pairs)
        {
            var value = e.Force(pair);
            if (value is not AttrSetValue set || set.Get("name") is not { } nameThunk || set.Get("value") is not { } valueThunk)
            {
                incomplete ??= $"an element of the list given to listToAttrs is unknown ({Evaluator.Why(value)})";
                continue;
            }
            var name = e.Force(nameThunk);
            if (name is not StringValue text)
            {
                incomplete ??= $"a name in listToAttrs is unknown ({Evaluator.Why(name)})";
                continue;
            }
            // The first definition of a name wins in listToAttrs.
            if (result.All(r => r.Item1 != text.Value)) result.Add((text.Value, valueThunk));
        }
        return Set(result, site, incomplete);
    }

    private static NixValue MapAttrs(Evaluator e, IReadOnlyList<Thunk> a, SyntaxNode? site) => WithSet(e, a[1], site, set =>
        new AttrSetValue(new SortedDictionary<string, Thunk>(set.Attributes.ToDictionary(
            p => p.Key,
            p => Lazy(e, () => e.Apply(e.Apply(e.Force(a[0]), Thunk.Of(new StringValue(p.Key, site)), site), p.Value, site), site)), StringComparer.Ordinal), site, null, set.IsComplete ? null : "mapAttrs over a set that is not fully known"));

    private static readonly PrimOp EmptyExtension = new("lib.composeManyExtensions []", 2, (e, a, s) => AttrSetValue.Empty);

    private static readonly PrimOp ExtendOp = new("extend", 2, (e, a, s) =>
        MakeExtensible(e, new PrimOpValue(LibOps["extends"], new[] { a[1], a[0] }, s), s));

    private static NixValue Fix(Evaluator e, Func<Thunk, NixValue> body, SyntaxNode? site)
    {
        Thunk? self = null;
        self = Thunk.Deferred(() => body(self!), site);
        return e.Force(self);
    }

    // lib.makeExtensible f: the fixed point of f, with `extend` to add overlays.
    private static NixValue MakeExtensible(Evaluator e, NixValue function, SyntaxNode? site) => Fix(e, self =>
    {
        var value = e.Apply(function, self, site);
        var extend = Set(new[] { ("extend", Thunk.Of(new PrimOpValue(ExtendOp, new[] { Thunk.Of(function) }, site))) }, site);
        return e.Update(value, extend, site);
    }, site);

    // lib.extends g f self = let super = f self; in super // g self super
    private static NixValue Extends(Evaluator e, IReadOnlyList<Thunk> a, SyntaxNode? site)
    {
        var super = Thunk.Of(e.Apply(e.Force(a[1]), a[2], site));
        return e.Update(e.Force(super), e.Apply(e.Apply(e.Force(a[0]), a[2], site), super, site), site);
    }

    // lib.composeExtensions f g final prev
    private static NixValue ComposeExtensions(Evaluator e, IReadOnlyList<Thunk> a, SyntaxNode? site)
    {
        var first = e.Apply(e.Apply(e.Force(a[0]), a[2], site), a[3], site);
        var previous = Thunk.Of(e.Update(e.Force(a[3]), first, site));
        return e.Update(first, e.Apply(e.Apply(e.Force(a[1]), a[2], site), previous, site), site);
    }

    private static NixValue ZipAttrsWith(Evaluator e, Thunk? function, IReadOnlyList<Thunk> list, SyntaxNode? site)
    {
        var values = new SortedDictionary<string, List<Thunk>>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            var value = Unwrap(e, e.Force(item));
            if (value is not AttrSetValue set || !set.IsComplete) return Unknown("zipAttrsWith over a set that is not fully known", value, site);
            foreach (var (name, thunk) in set.Attributes)
            {
                if (!values.TryGetValue(name, out var bucket)) values[name] = bucket = new List<Thunk>();
                bucket.Add(thunk);
            }
        }
        return Set(values.Select(p => (p.Key, function is null
            ? Thunk.Of(List(p.Value, site))
            : Lazy(e, () => e.Apply(e.Apply(e.Force(function), Thunk.Of(new StringValue(p.Key, site)), site), Thunk.Of(List(p.Value, site)), site), site))), site);
    }

    private static NixValue ReadDir(Evaluator e, IReadOnlyList<Thunk> a, SyntaxNode? site)
    {
        var value = e.Force(a[0]);
        if (value is not PathValue path) return Unknown("readDir of an unknown path", value, site);
        if (!Directory.Exists(path.Path)) return new UnknownValue($"readDir: {path.Path} does not exist", site);
        var entries = new List<(string, Thunk)>();
        foreach (var entry in new DirectoryInfo(path.Path).EnumerateFileSystemInfos())
        {
            var type = entry.LinkTarget is not null ? "symlink" : entry is DirectoryInfo ? "directory" : "regular";
            entries.Add((entry.Name, Thunk.Of(new StringValue(type, site))));
        }
        return Set(entries, site);
    }

    private static NixValue ReplaceStrings(Evaluator e, IReadOnlyList<Thunk> a, SyntaxNode? site) =>
        WithStrings(e, a[0], site, from => WithStrings(e, a[1], site, to => WithString(e, a[2], site, text =>
        {
            if (from.Count != to.Count) return new UnknownValue("replaceStrings with lists of different lengths", site);
            var builder = new System.Text.StringBuilder();
            var i = 0;
            while (i <= text.Length)
            {
                var matched = false;
                for (var k = 0; k < from.Count; k++)
                {
                    if (string.CompareOrdinal(text, i, from[k], 0, from[k].Length) == 0 && i + from[k].Length <= text.Length)
                    {
                        builder.Append(to[k]);
                        if (from[k].Length == 0) { if (i < text.Length) builder.Append(text[i]); i++; }
                        else i += from[k].Length;
                        matched = true;
                        break;
                    }
                }
                if (matched) continue;
                if (i < text.Length) builder.Append(text[i]);
                i++;
            }
            return new StringValue(builder.ToString(), site);
        })));

    internal static NixValue RecursiveUpdate(Evaluator e, NixValue left, NixValue right, SyntaxNode? site)
    {
        if (left is not AttrSetValue l || right is not AttrSetValue r) return e.Update(left, right, site);
        var merged = new SortedDictionary<string, Thunk>(l.Attributes.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
        foreach (var (name, thunk) in r.Attributes)
        {
            if (merged.TryGetValue(name, out var existing))
            {
                var before = existing;
                merged[name] = Thunk.Deferred(() =>
                {
                    var a = e.Force(before);
                    var b = e.Force(thunk);
                    return a is AttrSetValue && b is AttrSetValue ? RecursiveUpdate(e, a, b, site) : b;
                }, site);
            }
            else
            {
                merged[name] = thunk;
            }
        }
        return new AttrSetValue(merged, site, r.Rest.Concat(l.Rest).ToList(), r.Incomplete ?? l.Incomplete);
    }

    internal static string Describe(NixValue value) => value.ToString() ?? value.TypeName;

    internal static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
