using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Project;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Checks;

/// <summary>
/// The configurations' modules, read from the module graph: arguments nobody passes, flake inputs
/// passed through <c>_module.args</c> where <c>imports</c> depend on them, and <c>&lt;nixpkgs&gt;</c>
/// lookups, which pure (flake) evaluation refuses.
/// </summary>
public static class ConfigurationCheck
{
    /// <summary>The area's name.</summary>
    public const string Area = "Configurations";

    /// <summary>A module asks for an argument nobody passes (an error where it uses it, a warning where it only names it).</summary>
    public const string ArgumentNotPassed = "ArgumentNotPassed";
    /// <summary>Flake inputs passed through <c>_module.args</c> (infinite recursion where <c>imports</c> depend on them).</summary>
    public const string ModuleArgsInputs = "ModuleArgsInputs";
    /// <summary>A <c>&lt;nixpkgs&gt;</c> lookup (<c>with import &lt;nixpkgs&gt; {}</c>) in a module of a flake.</summary>
    public const string ImpureLookup = "ImpureLookup";

    /// <summary>The ids of the area.</summary>
    public static IReadOnlyList<string> Ids { get; } = new[] { ArgumentNotPassed, ModuleArgsInputs, ImpureLookup };

    /// <summary>Checks every module of every configuration.</summary>
    public static IEnumerable<Finding> Check(CheckContext context)
    {
        var findings = new List<Finding>();
        if (context.Flake.Tree.HasErrors) return findings;
        if (context.ConfigurationError is { } error)
        {
            findings.Add(new Finding
            {
                Id = FlakeChecks.CheckFailed, Severity = FindingSeverity.Error, Area = Area, Target = "outputs", Path = context.FlakePath,
                Message = $"the configurations could not be read: {error}; their modules are not checked",
                Fix = "see Get-FlakeConfiguration -Verbose for what the reader stopped at",
            });
            return findings;
        }
        var inputNames = context.Flake.Inputs.Select(i => i.Name).Append("inputs").ToHashSet(StringComparer.Ordinal);
        foreach (var configuration in context.Configurations)
        {
            foreach (var module in configuration.Modules)
            {
                // One module that cannot be read is that module's finding: the others are checked as usual.
                try
                {
                    findings.AddRange(MissingArguments(context, configuration, module));
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException)
                {
                    findings.Add(Failed(module, e));
                }
            }
            try
            {
                findings.AddRange(ModuleArgs(context, configuration, inputNames));
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                findings.Add(new Finding { Id = FlakeChecks.CheckFailed, Severity = FindingSeverity.Error, Area = Area, Target = configuration.Name, Path = configuration.File, Message = $"checking _module.args of {configuration.Name} stopped: {e.Message}", Fix = "report this to FlakeTools with the flake attached" });
            }
        }
        findings.AddRange(ImpureLookups(context));
        return Merge(context, findings);
    }

    // A module shared by several configurations gives the same finding for each: one finding, naming them all.
    private static List<Finding> Merge(CheckContext context, List<Finding> findings)
    {
        var merged = new List<Finding>();
        foreach (var group in findings.GroupBy(f => (f.Id, f.Severity, f.Path, f.Line, f.Target)))
        {
            var first = group.First();
            var count = group.Count();
            if (count == 1) { merged.Add(first); continue; }
            var finding = new Finding
            {
                Id = first.Id, Severity = first.Severity, Area = first.Area, Target = first.Target, Path = first.Path, Line = first.Line, Fix = first.Fix,
                Message = first.Message + $" (the same in {count - 1} more configuration{(count > 2 ? "s" : "")})",
            };
            if (context.HasFix(first)) context.OfferFix(finding, () => context.FixFor(first));
            merged.Add(finding);
        }
        return merged;
    }

    private static Finding Failed(FlakeModule module, Exception e) => new()
    {
        Id = FlakeChecks.CheckFailed, Severity = FindingSeverity.Error, Area = Area, Target = module.Name, Path = module.Path, Line = module.Line,
        Message = $"checking module {module.Name} stopped: {e.Message}; the other modules were checked",
        Fix = "report this to FlakeTools with the flake attached",
    };

    private static string Where(FlakeConfiguration configuration) => $"{configuration.Output}.{configuration.Name}";

    private static IEnumerable<Finding> MissingArguments(CheckContext context, FlakeConfiguration configuration, FlakeModule module)
    {
        if (module.MissingArguments.Length == 0) yield break;
        var lambda = FindLambda(context, module);
        foreach (var name in module.MissingArguments)
        {
            var allUses = lambda is null ? new List<SyntaxNode>() : Uses(lambda, name).ToList();
            var uses = allUses.FirstOrDefault(u => Condition(u) is null);
            var conditional = uses is null ? allUses.FirstOrDefault() : null;
            var isHomeInSystem = module.Context is ModuleContext.HomeManagerInNixOS or ModuleContext.HomeManagerInDarwin;
            var channel = module.Context switch
            {
                ModuleContext.HomeManager => "extraSpecialArgs",
                ModuleContext.HomeManagerInNixOS or ModuleContext.HomeManagerInDarwin => "home-manager.extraSpecialArgs",
                _ => "specialArgs",
            };
            var who = module.User is null ? Where(configuration) : $"{Where(configuration)} (home-manager user {module.User})";
            var systemHasIt = isHomeInSystem && configuration.SpecialArgs.Contains(name);
            var because = systemHasIt ? $"; the NixOS side's specialArgs has '{name}', but it does not reach home-manager modules" : "";
            var fix = isHomeInSystem
                ? $"pass it to home-manager's modules: home-manager.extraSpecialArgs = {{ inherit {NixString.AttrName(name)}; }}; in the module that sets up home-manager"
                : $"pass it: {channel} = {{ inherit {NixString.AttrName(name)}; }}; in the {configuration.Builder ?? "builder"} call{(configuration.File is null ? "" : $" ({System.IO.Path.GetFileName(configuration.File)}:{configuration.Line})")}";
            Finding finding;
            if (uses is not null)
            {
                finding = new Finding
                {
                    Id = ArgumentNotPassed, Severity = FindingSeverity.Error, Area = Area, Target = name, Path = module.Path, Line = uses.StartPosition.Line,
                    Message = $"module {module.Name} uses '{name}' (line {uses.StartPosition.Line}); {who} passes no {channel}.{name} and no module sets _module.args.{name}: evaluation fails with \"attribute '{name}' missing\"{because}",
                    Fix = fix,
                };
            }
            else if (conditional is not null)
            {
                finding = new Finding
                {
                    Id = ArgumentNotPassed, Severity = FindingSeverity.Warning, Area = Area, Target = name, Path = module.Path, Line = conditional.StartPosition.Line,
                    Message = $"module {module.Name} uses '{name}' only under a condition ({Condition(conditional)}, line {conditional.StartPosition.Line}); {who} passes no {channel}.{name}{because}: evaluation fails with \"attribute '{name}' missing\" as soon as the condition holds",
                    Fix = fix + ", or remove it from the module",
                };
            }
            else
            {
                finding = new Finding
                {
                    Id = ArgumentNotPassed, Severity = FindingSeverity.Warning, Area = Area, Target = name, Path = module.Path, Line = module.Line,
                    Message = $"module {module.Name} asks for '{name}', which {who} does not pass ({channel}){because}; it does not fail yet only because the module does not use it (Nix passes module arguments lazily)",
                    Fix = fix + ", or remove it from the module's arguments",
                };
            }
            if (!isHomeInSystem && module.Context is ModuleContext.NixOS or ModuleContext.Darwin or ModuleContext.HomeManager)
            {
                context.OfferFix(finding, () => OutputsFix.PassArgument(context, configuration, name, finding));
            }
            yield return finding;
        }
    }

    private static readonly HashSet<string> Conditionals = new(StringComparer.Ordinal) { "mkIf", "optional", "optionals", "optionalString", "optionalAttrs" };

    /// <summary>The condition a use is evaluated under (<c>lib.mkIf c ...</c>, <c>if c then ...</c>), as text; null when it always is.</summary>
    private static string? Condition(SyntaxNode use)
    {
        foreach (var ancestor in use.Ancestors())
        {
            switch (ancestor)
            {
                case ApplySyntax { Function: ApplySyntax { Function: var head, Argument: var condition } } apply
                    when SyntaxQueries.LastName(SyntaxQueries.Unparenthesize(head)!) is { } name && Conditionals.Contains(name)
                         && apply.Argument.Span.Start <= use.Span.Start && use.Span.End <= apply.Argument.Span.End:
                    return $"{name} {condition}";
                case IfElseSyntax ifElse when ifElse.ChildNodes().FirstOrDefault() is { } test && !(test.Span.Start <= use.Span.Start && use.Span.End <= test.Span.End):
                    return $"if {test}";
            }
        }
        return null;
    }

    /// <summary>The module function's syntax: from the module's body up, or by its file and line.</summary>
    private static LambdaSyntax? FindLambda(CheckContext context, FlakeModule module)
    {
        bool Matches(LambdaSyntax l) => l.Parameter is PatternSyntax p && module.Arguments.All(a => p.Formals.Any(f => f.Name == a));
        if (module.Value?.Source is { } source)
        {
            foreach (var node in new[] { source }.Concat(source.Ancestors()))
            {
                if (node is LambdaSyntax l && Matches(l)) return l;
            }
        }
        if (module.Path is null) return null;
        var tree = context.ParseFile(module.Path);
        return tree?.Root.DescendantNodes().OfType<LambdaSyntax>().FirstOrDefault(l => l.StartPosition.Line == module.Line && Matches(l))
            ?? tree?.Root.DescendantNodes().OfType<LambdaSyntax>().FirstOrDefault(Matches);
    }

    /// <summary>Uses of an argument in the module's body: the variable, or <c>args.name</c> through the pattern's <c>@</c> name.</summary>
    private static IEnumerable<SyntaxNode> Uses(LambdaSyntax lambda, string name)
    {
        foreach (var use in SyntaxQueries.VariableUses(lambda.Body, name)) yield return use;
        // A default of another formal may use it too.
        if (lambda.Parameter is PatternSyntax pattern)
        {
            foreach (var formal in pattern.Formals)
            {
                foreach (var use in SyntaxQueries.VariableUses(formal.Default, name)) yield return use;
            }
            if (pattern.BindName is { } bind)
            {
                foreach (var select in lambda.Body?.DescendantNodes().OfType<SelectSyntax>() ?? Enumerable.Empty<SelectSyntax>())
                {
                    if (SyntaxQueries.Unparenthesize(select.Expression) is IdentifierSyntax root && root.Name == bind && SyntaxQueries.Names(select.AttrPath).FirstOrDefault() == name) yield return select;
                }
            }
        }
    }

    private static IEnumerable<Finding> ModuleArgs(CheckContext context, FlakeConfiguration configuration, HashSet<string> inputNames)
    {
        var setters = configuration.Modules.Where(m => m.SetsModuleArgs.Any(inputNames.Contains)).ToList();
        if (setters.Count == 0) yield break;
        var passed = setters.SelectMany(m => m.SetsModuleArgs.Where(inputNames.Contains).Select(n => (Name: n, Setter: m))).ToList();
        // Modules of the same evaluation whose imports depend on one of those arguments.
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, setter) in passed)
        {
            var dependents = new List<(FlakeModule Module, SyntaxNode Use)>();
            foreach (var module in configuration.Modules.Where(m => m.User == setter.User && m.Context == setter.Context && m.Arguments.Contains(name)))
            {
                var lambda = FindLambda(context, module);
                if (lambda?.Body is null) continue;
                foreach (var imports in ImportsBindings(lambda.Body))
                {
                    if (Uses(lambda, name).FirstOrDefault(u => u.Span.Start >= imports.Span.Start && u.Span.End <= imports.Span.End) is { } use)
                    {
                        dependents.Add((module, use));
                        break;
                    }
                }
            }
            var channel = setter.Context is ModuleContext.HomeManager or ModuleContext.HomeManagerInNixOS or ModuleContext.HomeManagerInDarwin ? "extraSpecialArgs" : "specialArgs";
            foreach (var (module, use) in dependents)
            {
                if (!reported.Add($"{module.Path}:{use.StartPosition.Line}:{name}")) continue;
                yield return new Finding
                {
                    Id = ModuleArgsInputs, Severity = FindingSeverity.Error, Area = Area, Target = name, Path = module.Path, Line = use.StartPosition.Line,
                    Message = $"the imports of {module.Name} depend on '{name}', which {setter.Name} passes through _module.args: _module.args is part of the configuration the imports make, so evaluating {Where(configuration)} fails with infinite recursion",
                    Fix = $"pass '{name}' through {channel} = {{ inherit {NixString.AttrName(name)}; }}; in the builder call instead, and remove _module.args.{name}",
                };
            }
            if (dependents.Count == 0 && reported.Add($"{setter.Path}:{setter.Line}:{name}:setter"))
            {
                yield return new Finding
                {
                    Id = ModuleArgsInputs, Severity = FindingSeverity.Warning, Area = Area, Target = name, Path = setter.Path, Line = setter.Line,
                    Message = $"{setter.Name} passes the flake's '{name}' through _module.args: it works until an imports depends on it, then evaluation fails with infinite recursion",
                    Fix = $"pass '{name}' through {channel} = {{ inherit {NixString.AttrName(name)}; }}; in the builder call instead, and remove _module.args.{name}",
                };
            }
        }
    }

    private static IEnumerable<BindingSyntax> ImportsBindings(SyntaxNode body)
    {
        // The module's own top-level set (inside let and parentheses), not a nested one.
        var set = Flakes.FlakeFile.Unwrap(body) as AttrSetSyntax;
        if (set is null) yield break;
        foreach (var binding in set.Bindings)
        {
            if (binding.AttrPath.StaticNames is ["imports"]) yield return binding;
        }
    }

    private static IEnumerable<Finding> ImpureLookups(CheckContext context)
    {
        var files = context.Configurations.SelectMany(c => c.Modules).Where(m => m.Path is not null && m.Kind is ModuleKind.File or ModuleKind.Inline)
            .Select(m => System.IO.Path.GetFullPath(m.Path!))
            .Prepend(System.IO.Path.GetFullPath(context.FlakePath))
            .Distinct(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var tree = context.ParseFile(file);
            if (tree is null || tree.HasErrors) continue;
            var lines = new HashSet<int>();
            foreach (var lookup in tree.Root.DescendantNodes().OfType<SearchPathSyntax>())
            {
                var line = lookup.StartPosition.Line;
                if (!lines.Add(line)) continue;
                var root = lookup.Name.Split('/')[0];
                var inWith = lookup.Ancestors().OfType<WithSyntax>().Any(w => w.Scope.Span.Start <= lookup.Span.Start && lookup.Span.End <= w.Scope.Span.End);
                yield return new Finding
                {
                    Id = ImpureLookup, Severity = FindingSeverity.Error, Area = Area, Target = $"<{lookup.Name}>", Path = file, Line = line,
                    Message = $"<{lookup.Name}> is looked up in NIX_PATH{(inWith ? " (with import ...;)" : "")}: a flake evaluates purely, so Nix stops with \"cannot look up '<{lookup.Name}>' in pure evaluation mode\"; with --impure it would take whatever {root} NIX_PATH names, not the flake's",
                    Fix = lookup.Name.StartsWith("nixpkgs/nixos/modules/", StringComparison.Ordinal)
                        ? $"import it as (modulesPath + \"/{lookup.Name["nixpkgs/nixos/modules/".Length..]}\")"
                        : root == "nixpkgs"
                            ? "use the module's pkgs argument (or inputs.nixpkgs, through specialArgs) instead of import <nixpkgs> {}"
                            : $"make {root} an input of the flake and pass it to the modules through specialArgs",
                };
            }
        }
    }
}
