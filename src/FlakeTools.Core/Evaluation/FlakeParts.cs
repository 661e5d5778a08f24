using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Evaluation;

/// <summary>
/// <c>flake-parts.lib.mkFlake { inherit inputs; } module</c>: the flake's outputs are the
/// <c>flake</c> definitions of the module and everything it imports, merged.
/// </summary>
internal static class FlakeParts
{
    public static NixValue Evaluate(Evaluator e, Thunk specialArgs, Thunk module, SyntaxNode? site)
    {
        var given = e.Force(specialArgs);
        var inputs = e.SelectOrNull(given, "inputs", site) ?? new UnknownValue("mkFlake was not given `inputs`", site);
        var self = e.SelectOrNull(inputs, "self", site) ?? new UnknownValue("`self` is not among the inputs", site);
        var arguments = new SortedDictionary<string, Thunk>(StringComparer.Ordinal)
        {
            ["inputs"] = Thunk.Of(inputs),
            ["self"] = Thunk.Of(self),
            ["lib"] = Thunk.Of(new ExternalValue("lib", Array.Empty<string>(), site, ExternalRootKind.Argument)),
        };
        arguments["withSystem"] = Thunk.Of(new PrimOpValue(WithSystem, Array.Empty<Thunk>(), site));
        foreach (var name in new[] { "config", "options", "getSystem", "moduleWithSystem", "flake-parts-lib", "specialArgs" })
        {
            arguments[name] = Thunk.Of(new ExternalValue(name, Array.Empty<string>(), site, ExternalRootKind.Argument));
        }
        if (given is AttrSetValue extra)
        {
            foreach (var (name, thunk) in extra.Attributes) arguments.TryAdd(name, thunk);
        }
        var argumentSet = Thunk.Of(new AttrSetValue(arguments, site));

        var definitions = new List<NixValue>();
        var unresolved = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<Thunk>();
        queue.Enqueue(module);
        while (queue.Count > 0)
        {
            e.ResetBudget();
            var value = e.Force(queue.Dequeue());
            if (value is PathValue path)
            {
                if (!seen.Add(path.Path)) continue;
                value = e.ImportFile(path.Path, path.Source);
            }
            if (value is LambdaValue or PrimOpValue) value = e.Apply(value, argumentSet, site);
            while (value is PriorityValue priority) value = e.Force(priority.Value);
            if (value is not AttrSetValue body)
            {
                unresolved.Add(value is ExternalValue external ? external.DisplayName : Evaluator.Why(value));
                continue;
            }
            if (body.Get("imports") is { } imports && e.Force(imports) is ListValue list)
            {
                foreach (var item in list.Items) queue.Enqueue(item);
            }
            var config = body.Get("flake") is null && body.Get("config") is { } explicitConfig ? e.Force(explicitConfig) : body;
            if (e.SelectOrNull(config, "flake", site) is { } flake && flake is not UnknownValue) definitions.Add(flake);
        }

        NixValue result = AttrSetValue.Empty;
        foreach (var definition in definitions) result = PrimOps.RecursiveUpdate(e, result, Unwrap(e, definition), site);
        if (unresolved.Count > 0 && result is AttrSetValue merged)
        {
            result = new AttrSetValue(merged.Attributes, site, merged.Rest,
                "flake-parts modules the reader cannot see into may define more outputs: " + string.Join(", ", unresolved.Distinct()));
        }
        return result;
    }

    // withSystem system f: f applied to the perSystem arguments of that system, which only Nix knows.
    private static readonly PrimOp WithSystem = new("withSystem", 2, (e, a, s) =>
    {
        var perSystem = new SortedDictionary<string, Thunk>(StringComparer.Ordinal) { ["system"] = a[0] };
        var set = new AttrSetValue(perSystem, s, new NixValue[] { new ExternalValue("perSystem", Array.Empty<string>(), s, ExternalRootKind.Argument) });
        return e.Apply(e.Force(a[1]), Thunk.Of(set), s);
    });

    private static NixValue Unwrap(Evaluator e, NixValue value) => value switch
    {
        PriorityValue p => Unwrap(e, e.Force(p.Value)),
        MergeValue m when e.Force(m.List) is ListValue list => list.Items.Aggregate((NixValue)AttrSetValue.Empty, (acc, item) => PrimOps.RecursiveUpdate(e, acc, Unwrap(e, e.Force(item)), m.Source)),
        _ => value,
    };
}
