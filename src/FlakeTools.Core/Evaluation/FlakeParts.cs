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
            if (value is ExternalValue known && NixosUnifiedAutoWire(e, known, self, inputs, site) is { } wired)
            {
                definitions.Add(wired);
                continue;
            }
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

    // nixos-unified's autoWire flake module (facts from its source, nix/modules/flake-parts/autowire.nix
    // and lib.nix): every configurations/nixos/<name>.nix (or <name>/default.nix) becomes
    // nixosConfigurations.<name> = nixpkgs.lib.nixosSystem { specialArgs.flake = { self, inputs, config };
    // modules = [ <its configurations module> <common> <file> <home-manager with useGlobalPkgs> ]; },
    // and configurations/darwin/<name> the same with nix-darwin.
    private static NixValue? NixosUnifiedAutoWire(Evaluator e, ExternalValue module, NixValue self, NixValue inputs, SyntaxNode? site)
    {
        if (!module.Root.Contains("nixos-unified", StringComparison.Ordinal) || module.AttrPath.Count != 2 || module.AttrPath[0] != "flakeModules" || module.AttrPath[1] != "autoWire") return null;
        if (e.CoerceToString(self) is not { } directory) return null;
        var outputs = new SortedDictionary<string, Thunk>(StringComparer.Ordinal);
        foreach (var (folder, output, builderInput, builder, modulesKey) in new[]
        {
            ("nixos", "nixosConfigurations", "nixpkgs", "nixosSystem", "nixosModules"),
            ("darwin", "darwinConfigurations", "nix-darwin", "darwinSystem", "darwinModules"),
        })
        {
            var root = System.IO.Path.Combine(directory, "configurations", folder);
            if (!System.IO.Directory.Exists(root)) continue;
            var configurations = new SortedDictionary<string, Thunk>(StringComparer.Ordinal);
            foreach (var entry in new System.IO.DirectoryInfo(root).EnumerateFileSystemInfos())
            {
                string name;
                if (entry is System.IO.FileInfo && entry.Name.EndsWith(".nix", StringComparison.Ordinal)) name = entry.Name[..^4];
                else if (entry is System.IO.DirectoryInfo && System.IO.File.Exists(System.IO.Path.Combine(entry.FullName, "default.nix"))) name = entry.Name;
                else continue;
                var file = entry.FullName;
                var specialArgs = Set(site, ("flake", Thunk.Of(Set(site, ("self", Thunk.Of(self)), ("inputs", Thunk.Of(inputs)),
                    ("config", Thunk.Of(new ExternalValue("config", Array.Empty<string>(), site, ExternalRootKind.Argument)))))));
                var homeManager = Set(site, ("home-manager", Thunk.Of(Set(site,
                    ("useGlobalPkgs", Thunk.Of(new BoolValue(true, site))),
                    ("useUserPackages", Thunk.Of(new BoolValue(true, site))),
                    ("extraSpecialArgs", Thunk.Of(specialArgs.Get("flake") is { } flake ? Set(site, ("flake", flake)) : AttrSetValue.Empty))))));
                var modules = new ListValue(new[]
                {
                    Thunk.Of(new ExternalValue(module.Root, new[] { modulesKey, "configurations" }, site)),
                    Thunk.Of(new PathValue(file, site)),
                    Thunk.Of(new ExternalValue("home-manager", new[] { modulesKey, "home-manager" }, site)),
                    Thunk.Of(homeManager),
                }, site);
                var arguments = Set(site, ("specialArgs", Thunk.Of(specialArgs)), ("modules", Thunk.Of(modules)));
                var builderValue = new ExternalValue(builderInput, new[] { "lib", builder }, site);
                configurations[name] = Thunk.Of(e.Apply(builderValue, Thunk.Of(arguments), site));
            }
            outputs[output] = Thunk.Of(new AttrSetValue(configurations, site));
        }
        // modules/<class>/<name>.nix become <class>Modules.<name>, as they are (paths).
        foreach (var (folder, output) in new[] { ("nixos", "nixosModules"), ("darwin", "darwinModules"), ("home", "homeModules") })
        {
            var root = System.IO.Path.Combine(directory, "modules", folder);
            if (!System.IO.Directory.Exists(root)) continue;
            var modules = new SortedDictionary<string, Thunk>(StringComparer.Ordinal);
            foreach (var entry in new System.IO.DirectoryInfo(root).EnumerateFileSystemInfos())
            {
                if (entry is System.IO.FileInfo && entry.Name.EndsWith(".nix", StringComparison.Ordinal)) modules[entry.Name[..^4]] = Thunk.Of(new PathValue(entry.FullName, site));
                else if (entry is System.IO.DirectoryInfo && System.IO.File.Exists(System.IO.Path.Combine(entry.FullName, "default.nix"))) modules[entry.Name] = Thunk.Of(new PathValue(entry.FullName, site));
            }
            outputs[output] = Thunk.Of(new AttrSetValue(modules, site));
        }
        return new AttrSetValue(outputs, site);
    }

    private static AttrSetValue Set(SyntaxNode? site, params (string Name, Thunk Value)[] attributes)
    {
        var dictionary = new SortedDictionary<string, Thunk>(StringComparer.Ordinal);
        foreach (var (name, value) in attributes) dictionary[name] = value;
        return new AttrSetValue(dictionary, site);
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
