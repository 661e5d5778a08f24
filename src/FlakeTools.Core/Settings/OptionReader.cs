using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Evaluation;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Settings;

/// <summary>
/// Finds the definitions of a NixOS / home-manager option across the modules of configurations,
/// from each module's evaluated body (<see cref="FlakeModule.Value"/>): flat (<c>a.b.c = v;</c>),
/// block (<c>a = { b.c = v; };</c>), nested and mixed forms, <c>inherit</c>, <c>config = { ... }</c>
/// beside <c>options</c>, through <c>lib.mkIf</c>, <c>lib.mkMerge</c> and the priority wrappers,
/// and in imported files (which the module graph lists as modules). A definition is a binding as
/// written: a value that is a set written in place is looked into, any other value (a variable, a
/// call, <c>a // b</c>) is one definition.
/// </summary>
public static class OptionReader
{
    /// <summary>Splits an option path written with dots (<c>nix.registry</c>); quoted names (<c>"a.b"</c>) stay whole.</summary>
    public static IReadOnlyList<string> ParsePath(string option)
    {
        var tree = SyntaxTree.Parse("x." + option);
        if (tree.FirstStructuralError is null && tree.Root.Expression is SelectSyntax select && select.AttrPath.StaticNames is { } names) return names;
        return option.Split('.', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Every definition at <paramref name="option"/> (<c>nix.registry</c>) or below it, in every module of the configurations.</summary>
    public static OptionReadResult Read(IEnumerable<FlakeConfiguration> configurations, string option) =>
        Read(configurations.SelectMany(c => c.Modules), ParsePath(option));

    /// <summary>Every definition at <paramref name="path"/> or below it, in the given modules.</summary>
    public static OptionReadResult Read(IEnumerable<FlakeModule> modules, IReadOnlyList<string> path)
    {
        var definitions = new List<OptionDefinition>();
        var problems = new List<OptionProblem>();
        foreach (var module in modules)
        {
            if (module.Value is null) continue;
            var found = new List<OptionDefinition>();
            var walker = new Walker(module, path, found, problems);
            walker.Start(module.Value);
            // In the order of the text (the reader's sets are sorted by name).
            definitions.AddRange(found.OrderBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Node?.Span.Start ?? 0));
        }
        return new OptionReadResult(path, definitions, problems);
    }

    /// <summary>Every definition at <paramref name="option"/> or below it in one module.</summary>
    public static OptionReadResult Read(FlakeModule module, string option) => Read(new[] { module }, ParsePath(option));

    private sealed class Walker
    {
        private readonly FlakeModule _module;
        private readonly IReadOnlyList<string> _target;
        private readonly List<OptionDefinition> _definitions;
        private readonly List<OptionProblem> _problems;
        private readonly Evaluator _evaluator;
        private readonly HashSet<SyntaxNode> _seen = new();

        public Walker(FlakeModule module, IReadOnlyList<string> target, List<OptionDefinition> definitions, List<OptionProblem> problems)
        {
            _module = module;
            _target = target;
            _definitions = definitions;
            _problems = problems;
            _evaluator = module.Evaluator ?? new Evaluator();
        }

        public void Start(NixValue body)
        {
            _evaluator.ResetBudget();
            if (body is AttrSetValue set && (set.Get("config") is not null || set.Get("options") is not null))
            {
                // A module with `options`: its definitions are under `config` only.
                if (set.Get("config") is { } config) Visit(Force(config), config, Array.Empty<string>(), Array.Empty<OptionWrapper>(), root: true);
                return;
            }
            Visit(body, null, Array.Empty<string>(), Array.Empty<OptionWrapper>(), root: true);
        }

        private NixValue Force(Thunk thunk) => _evaluator.Force(thunk);

        private void Visit(NixValue value, Thunk? thunk, IReadOnlyList<string> path, IReadOnlyList<OptionWrapper> wrappers, bool root = false)
        {
            switch (value)
            {
                case PriorityValue priority:
                    Visit(Force(priority.Value), priority.Value, path, Append(wrappers, PriorityWrapper(priority)));
                    return;
                case ConditionalValue conditional:
                    if (conditional.Condition is BoolValue { Value: false }) return;
                    var inner = conditional.Condition is BoolValue ? wrappers : Append(wrappers, new OptionWrapper(OptionWrapperKind.If, conditional.ConditionText, null));
                    Visit(Force(conditional.Value), conditional.Value, path, inner);
                    return;
                case MergeValue merge:
                    var list = Force(merge.List);
                    while (list is PriorityValue p) list = Force(p.Value);
                    if (list is not ListValue items)
                    {
                        Problem(path, merge.Source, "the list given to mkMerge is unknown: " + Evaluator.Why(list));
                        return;
                    }
                    var merged = Append(wrappers, new OptionWrapper(OptionWrapperKind.Merge, "mkMerge", null));
                    foreach (var item in items.Items) Visit(Force(item), item, path, merged, root);
                    return;
            }

            if (path.Count < _target.Count)
            {
                if (value is AttrSetValue set)
                {
                    var name = _target[path.Count];
                    if (set.Get(name) is { } next)
                    {
                        Visit(Force(next), next, path.Append(name).ToList(), wrappers);
                    }
                    else if (!set.IsComplete)
                    {
                        Problem(path, set.Source ?? thunk?.Expression, $"`{NixString.AttrPath(_target.Take(path.Count + 1))}` may be set by a part the reader cannot see: " + (set.Incomplete ?? string.Join("; ", set.Rest.Select(Evaluator.Why))));
                    }
                    return;
                }
                if (!root && !value.IsKnown) Problem(path, thunk?.Expression ?? value.Source, Evaluator.Why(value));
                else if (root && !value.IsKnown) Problem(path, value.Source ?? thunk?.Expression, "the module's definitions are unknown: " + Evaluator.Why(value));
                return;
            }

            if (value is AttrSetValue written && (root || IsWrittenInPlace(thunk, written)))
            {
                foreach (var (name, next) in written.Attributes) Visit(Force(next), next, path.Append(name).ToList(), wrappers);
                if (!written.IsComplete)
                {
                    Problem(path, written.Source, "more may be set by a part the reader cannot see: " + (written.Incomplete ?? string.Join("; ", written.Rest.Select(Evaluator.Why))));
                }
                return;
            }
            Define(value, thunk, path, wrappers);
        }

        private void Define(NixValue value, Thunk? thunk, IReadOnlyList<string> path, IReadOnlyList<OptionWrapper> wrappers)
        {
            var expression = thunk?.Expression ?? value.Source;
            SyntaxNode? node = expression;
            var valueNode = expression;
            if (expression?.Parent is BindingSyntax binding && Same(binding.Value, expression)) node = binding;
            else if (expression?.Parent is InheritSyntax inherit) node = inherit;
            if (node is not null && !_seen.Add(node) && node is not InheritSyntax) return;
            var file = node is null ? null : _evaluator.Files.Locate(node)?.Path ?? node.Tree.FilePath;
            _definitions.Add(new OptionDefinition(_module, path, value, node, valueNode, file, wrappers));
        }

        private void Problem(IReadOnlyList<string> path, SyntaxNode? node, string reason)
        {
            var file = node is null ? _module.Path : _evaluator.Files.Locate(node)?.Path ?? node.Tree.FilePath ?? _module.Path;
            _problems.Add(new OptionProblem(_module, path.ToList(), file, node?.StartPosition.Line ?? _module.Line, reason));
        }

        // A set the reader built from text written in place (`a.b = ...` or `a = { ... }`), as
        // opposed to one a variable, a call or `//` gives: only the former is looked into.
        private static bool IsWrittenInPlace(Thunk? thunk, AttrSetValue set)
        {
            if (thunk?.Expression is not { } expression || set.Source is not { } source) return false;
            if (!Same(Unparenthesized(expression), source)) return false;
            return source switch
            {
                BindingSyntax => true,
                AttrSetSyntax literal => !literal.IsRecursive && literal.ChildToken(SyntaxKind.LetKeyword) is null,
                _ => false,
            };
        }

        private static SyntaxNode Unparenthesized(SyntaxNode node)
        {
            while (node is ParenthesizedSyntax parenthesized) node = parenthesized.Expression;
            return node;
        }

        private static bool Same(SyntaxNode? a, SyntaxNode? b) =>
            a is not null && b is not null && (ReferenceEquals(a, b) || (a.Tree == b.Tree && a.Position == b.Position && a.Kind == b.Kind && a.FullSpan.Length == b.FullSpan.Length));

        private static OptionWrapper PriorityWrapper(PriorityValue value)
        {
            var name = value.Wrapper;
            int? priority = name switch
            {
                "mkDefault" => 1000,
                "mkForce" => 50,
                "mkOptionDefault" => 1500,
                "mkImageMediaOverride" => 60,
                "mkVMOverride" => 10,
                _ => null,
            };
            var text = name;
            if (name is "mkOverride" or "mkOrder" && value.Source is ApplySyntax { Function: var function } && Unparenthesized(function) is ApplySyntax { Argument: var argument })
            {
                text = name + " " + argument;
                if (name == "mkOverride" && int.TryParse(argument.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)) priority = number;
            }
            var kind = name is "mkBefore" or "mkAfter" or "mkOrder" ? OptionWrapperKind.Order : OptionWrapperKind.Priority;
            return new OptionWrapper(kind, text, kind == OptionWrapperKind.Priority ? priority : null);
        }

        private static IReadOnlyList<OptionWrapper> Append(IReadOnlyList<OptionWrapper> wrappers, OptionWrapper wrapper) => wrappers.Append(wrapper).ToList();
    }
}
