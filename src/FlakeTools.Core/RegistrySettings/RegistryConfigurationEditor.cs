using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Evaluation;
using FlakeTools.Core.Settings;
using FlakeTools.Syntax;

namespace FlakeTools.Core.RegistrySettings;

/// <summary>Why a registry declaration cannot be added or removed, with what to do instead.</summary>
public sealed class RegistryDeclarationException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public RegistryDeclarationException(string errorId, string target, string message) : base(message)
    {
        ErrorId = errorId;
        Target = target;
    }

    /// <summary>A stable id: <c>RegistryInputNotDeclared</c>, <c>RegistryInputUnreachable</c>, <c>RegistryDeclarationCovered</c>, ...</summary>
    public string ErrorId { get; }

    /// <summary>What it is about: the entry's name, the input, or the file.</summary>
    public string Target { get; }
}

/// <summary>
/// Adds and removes <c>nix.registry.&lt;name&gt;</c> declarations in the .nix files of a flake's
/// configurations (text in, text out, through <see cref="OptionEditor"/>). Nothing is written here.
/// </summary>
public static class RegistryConfigurationEditor
{
    /// <summary>
    /// Plans <c>nix.registry.&lt;name&gt;.flake = &lt;input&gt;;</c>: in the module where <c>nix.registry</c>
    /// is already set, else as a new line in the first module that receives the input (adding
    /// <c>inputs</c> or the input's name to its arguments as needed). Returns no edit when the entry
    /// is already declared so; throws <see cref="RegistryDeclarationException"/> when it cannot be done.
    /// </summary>
    public static IReadOnlyList<OptionEdit> PlanAdd(ConfigurationRegistry registry, string name, string input, string? configuration = null)
    {
        if (input != "self" && registry.Source.Flake.Inputs.All(i => i.Name != input))
        {
            var known = string.Join(", ", registry.Source.Flake.Inputs.Select(i => i.Name));
            throw new RegistryDeclarationException("RegistryInputNotDeclared", input,
                $"'{input}' is not an input of {registry.Source.FlakePath} (its inputs: {(known.Length > 0 ? known : "none")}); add it first (Add-FlakeInput {input} <reference>), or give one of those with -Input");
        }
        var configurations = registry.Configurations.Where(c => configuration is null || string.Equals(c.Name, configuration, StringComparison.Ordinal)).ToList();
        if (configurations.Count == 0) throw new RegistryDeclarationException("ConfigurationNotFound", configuration ?? registry.FlakeDirectory, $"{registry.Source.FlakePath} has no configuration {configuration ?? ""}; the configurations are: {string.Join(", ", registry.Configurations.Select(c => c.Name))}");
        var names = configurations.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var existing = registry.Declarations.Where(d => d.Name == name && d.Configurations.Any(names.Contains)).ToList();
        foreach (var declaration in existing)
        {
            if (declaration.Input == input && declaration.To is not null && declaration.Definitions.All(d => d.OptionPath.Count < 4 || d.OptionPath[3] != "to")) return Array.Empty<OptionEdit>();
            if (declaration.IsCovering)
            {
                throw new RegistryDeclarationException("RegistryDeclarationCovered", name, declaration.WhyNotEditable!);
            }
        }

        var refusals = new List<string>();
        // 1. Where the name is declared already; 2. where nix.registry is set per name; 3. any module that receives the input.
        var withName = existing.Where(d => d.WhyNotEditable is null).Select(d => d.Module);
        var withRegistry = registry.Declarations.Where(d => !d.IsCovering && d.WhyNotEditable is null && d.Configurations.Any(names.Contains)).Select(d => d.Module);
        var all = configurations.SelectMany(c => c.Modules.Select(m => (Configuration: c, Module: m)))
            .OrderBy(p => p.Module.Context is ModuleContext.NixOS or ModuleContext.Darwin ? 0 : 1)
            .ThenBy(p => p.Module.Arguments.Contains("inputs") || p.Module.Arguments.Contains(input) ? 0 : 1)
            .ToList();
        var candidates = withName.Concat(withRegistry).Select(m => all.FirstOrDefault(p => ReferenceEquals(p.Module, m))).Where(p => p.Module is not null).Concat(all).ToList();
        var coveringModules = registry.Declarations.Where(d => d.IsCovering).Select(d => d.Module).ToHashSet();
        foreach (var (config, module) in candidates)
        {
            if (module.Kind is not (ModuleKind.File or ModuleKind.Inline) || module.Path is null || module.Path.StartsWith("/nix/store/", StringComparison.Ordinal)) continue;
            if (coveringModules.Contains(module)) continue;
            if (OptionEditor.DefinitionSet(module) is null) continue;
            var value = Reference(registry, config, module, input, out var arguments, out var why);
            if (value is null)
            {
                if (why is not null) refusals.Add($"{module.Name}: {why}");
                continue;
            }
            try
            {
                var edit = OptionEditor.Set(module, new[] { "nix", "registry", name, "flake" }, value, arguments);
                return edit.Changed ? new[] { edit } : Array.Empty<OptionEdit>();
            }
            catch (OptionEditException e)
            {
                refusals.Add($"{module.Name}: {e.Message}");
            }
        }
        var builder = configurations.FirstOrDefault(c => c.File is not null);
        var where = builder is null ? registry.Source.FlakePath : $"{builder.File}:{builder.Line}";
        throw new RegistryDeclarationException("RegistryInputUnreachable", input,
            $"the input '{input}' reaches no module FlakeTools can edit: pass the inputs to the modules (specialArgs = {{ inherit inputs; }}; in the builder at {where}), or write nix.registry.{name}.flake = {input}; in a module written inside outputs" +
            (refusals.Count > 0 ? ". Tried: " + string.Join("; ", refusals.Distinct().Take(5)) : ""));
    }

    /// <summary>How a module can name a flake input: the expression, and the arguments its pattern needs; null when it cannot.</summary>
    internal static string? Reference(ConfigurationRegistry registry, FlakeConfiguration configuration, FlakeModule module, string input, out string[] arguments, out string? why)
    {
        arguments = Array.Empty<string>();
        why = null;
        var set = OptionEditor.DefinitionSet(module)!;
        // A module written inside `outputs` sees the outputs' arguments.
        var outputs = registry.Source.Flake.Outputs;
        if (module.Path == registry.Source.FlakePath && outputs is not null && set.Position >= outputs.Position && set.Position < outputs.Position + outputs.FullSpan.Length)
        {
            var shadowed = set.Ancestors().OfType<LambdaSyntax>().TakeWhile(l => l.Position != outputs.Position)
                .Any(l => l.Parameter is PatternSyntax p ? p.Formals.Any(f => f.Name == input) || p.BindName == input : l.Parameter.ToString() == input);
            var pattern = registry.Source.Flake.OutputsPattern;
            if (input == "self" || pattern?.Formals.Any(f => f.Name == input) == true)
            {
                if (!shadowed) return input;
            }
            if (pattern?.BindName is { } bind)
            {
                var bindShadowed = set.Ancestors().OfType<LambdaSyntax>().TakeWhile(l => l.Position != outputs.Position)
                    .Any(l => l.Parameter is PatternSyntax p ? p.Formals.Any(f => f.Name == bind) : l.Parameter.ToString() == bind);
                if (!bindShadowed) return bind + "." + NixString.AttrName(input);
            }
        }
        // Otherwise through specialArgs / extraSpecialArgs.
        var special = module.Context switch
        {
            ModuleContext.HomeManagerInNixOS or ModuleContext.HomeManagerInDarwin => configuration.HomeManager?.ExtraSpecialArgs ?? Array.Empty<string>(),
            _ => configuration.SpecialArgs,
        };
        if (special.Contains(input) && IsInput(configuration, module, new[] { input }, input))
        {
            arguments = new[] { input };
            return input;
        }
        if (special.Contains("inputs") && IsInput(configuration, module, new[] { "inputs", input }, input))
        {
            arguments = new[] { "inputs" };
            return "inputs." + NixString.AttrName(input);
        }
        why = special.Length == 0
            ? $"its {(module.Context is ModuleContext.NixOS or ModuleContext.Darwin ? "specialArgs" : "extraSpecialArgs")} pass nothing"
            : $"its {(module.Context is ModuleContext.NixOS or ModuleContext.Darwin ? "specialArgs" : "extraSpecialArgs")} ({string.Join(", ", special)}) do not hold the input '{input}'";
        return null;
    }

    // Whether specialArgs.<path> is the input (when the reader can tell; a name it cannot check is taken at its word).
    private static bool IsInput(FlakeConfiguration configuration, FlakeModule module, string[] path, string input)
    {
        if (module.Context is ModuleContext.HomeManagerInNixOS or ModuleContext.HomeManagerInDarwin) return true;
        if (configuration.Arguments is not { } arguments || module.Evaluator is not { } evaluator) return true;
        var key = configuration.Kind == ConfigurationKind.HomeManager ? "extraSpecialArgs" : "specialArgs";
        NixValue? value = evaluator.SelectOrNull(arguments, key, null);
        foreach (var name in path)
        {
            if (value is null) return false;
            value = evaluator.SelectOrNull(value, name, null);
        }
        return value switch
        {
            ExternalValue { RootKind: ExternalRootKind.Input, AttrPath.Count: 0 } external => external.Root == input,
            FlakeSelfValue => input == "self",
            null => false,
            _ => !value.IsKnown,
        };
    }

    /// <summary>
    /// Plans the removal of a declaration: each binding that defines it (the block it empties
    /// goes too), one edit per file. Throws <see cref="RegistryDeclarationException"/> for a name
    /// covered by a definition of all of <c>nix.registry</c> (with the line to edit).
    /// </summary>
    public static IReadOnlyList<OptionEdit> PlanRemove(RegistryDeclaration declaration)
    {
        if (declaration.WhyNotEditable is { } why) throw new RegistryDeclarationException(declaration.IsCovering ? "RegistryDeclarationCovered" : "RegistryDeclarationReadOnly", declaration.Name, why);
        var targets = new List<SyntaxNode>();
        foreach (var definition in declaration.Definitions)
        {
            var target = Outermost(definition) ?? throw new RegistryDeclarationException("RegistryDeclarationNotRemovable", declaration.Name,
                $"{definition.Location}: `{definition.Text}` is not a binding FlakeTools can remove without touching more than nix.registry.{declaration.Name}; edit it by hand");
            targets.Add(target);
        }
        var edits = new List<OptionEdit>();
        foreach (var file in targets.GroupBy(t => t.Tree))
        {
            var nodes = file.Distinct().ToList();
            // A binding inside another one to remove goes with it.
            nodes = nodes.Where(n => !nodes.Any(o => !ReferenceEquals(o, n) && n.Position >= o.Position && n.Position + n.FullSpan.Length <= o.Position + o.FullSpan.Length && (n.Position != o.Position || n.FullSpan.Length != o.FullSpan.Length))).ToList();
            nodes = nodes.GroupBy(n => n.Span.Start).Select(g => g.First()).OrderByDescending(n => n.Span.Start).ToList();
            var before = file.Key.Text;
            var text = before;
            try
            {
                foreach (var node in nodes) text = OptionEditor.RemoveIn(text, node.Span.Start);
            }
            catch (OptionEditException e)
            {
                throw new RegistryDeclarationException("RegistryDeclarationNotRemovable", declaration.Name, e.Message);
            }
            var path = declaration.Definitions.First(d => d.Node?.Tree == file.Key).File;
            var lines = string.Join(", ", nodes.Select(n => n.StartPosition.Line).OrderBy(l => l));
            edits.Add(new OptionEdit(path, before, text, $"remove nix.registry.{declaration.Name} ({path}:{lines})"));
        }
        return edits;
    }

    // The outermost binding that belongs to nix.registry.<name> only, climbing from a definition's
    // binding through the sets (and mkForce { ... } and the like) written around it.
    private static SyntaxNode? Outermost(OptionDefinition definition)
    {
        if (definition.Node is InheritSyntax inherit) return inherit.Names.Count() == 1 ? inherit : null;
        if (definition.Node is not BindingSyntax binding || binding.AttrPath.StaticNames is not { } names) return null;
        var start = definition.OptionPath.Count - names.Count;
        SyntaxNode current = binding;
        while (start > 2)
        {
            if (current.Parent is not AttrSetSyntax set) return null;
            SyntaxNode child = set;
            var node = set.Parent;
            while (node is ParenthesizedSyntax || (node is ApplySyntax apply && Same(apply.Argument, child)))
            {
                child = node;
                node = node.Parent;
            }
            if (node is not BindingSyntax outer || !Same(outer.Value, child) || outer.AttrPath.StaticNames is not { } outerNames) return null;
            start -= outerNames.Count;
            current = outer;
        }
        return current;
    }

    private static bool Same(SyntaxNode? a, SyntaxNode? b) =>
        a is not null && b is not null && a.Position == b.Position && a.Kind == b.Kind && a.FullSpan.Length == b.FullSpan.Length;
}
