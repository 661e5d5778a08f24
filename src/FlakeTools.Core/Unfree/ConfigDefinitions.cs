using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Evaluation;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Unfree;

/// <summary>One definition of <c>nixpkgs.config</c> (or a package set's <c>config</c>), after <c>mkIf</c>, <c>mkMerge</c> and priorities above it.</summary>
internal sealed class ConfigDefinition
{
    public ConfigDefinition(NixValue value, string? condition, string? priorityName, int priority)
    {
        Value = value;
        Condition = condition;
        PriorityName = priorityName;
        Priority = priority;
    }

    /// <summary>The definition's value (a set, a function of <c>{ pkgs }</c>, or unknown).</summary>
    public NixValue Value { get; }

    public string? Condition { get; }

    public string? PriorityName { get; }

    /// <summary>The module system's priority: mkForce 50, normal 100, mkDefault 1000, mkOptionDefault 1500.</summary>
    public int Priority { get; }
}

/// <summary>Finds the definitions at an option path in a module's config, through <c>mkIf</c>, <c>mkMerge</c> and priority wrappers.</summary>
internal static class ConfigDefinitions
{
    public const int NormalPriority = 100;

    public static int PriorityOf(string wrapper) => wrapper switch
    {
        "mkForce" => 50,
        "mkDefault" => 1000,
        "mkOptionDefault" => 1500,
        "mkImageMediaOverride" => 60,
        "mkVMOverride" => 10,
        _ => NormalPriority,
    };

    /// <summary>The module's config: its body, or the body's <c>config</c> when it declares <c>options</c> or <c>config</c>.</summary>
    public static NixValue ConfigOf(Evaluator evaluator, NixValue value)
    {
        if (value is not AttrSetValue body) return value;
        if (body.Get("config") is null && body.Get("options") is null) return body;
        return body.Get("config") is { } config ? evaluator.Force(config) : AttrSetValue.Empty;
    }

    /// <summary>Every definition at <paramref name="path"/> below <paramref name="config"/>.</summary>
    public static List<ConfigDefinition> At(Evaluator evaluator, NixValue config, params string[] path)
    {
        var current = Flatten(evaluator, config, null, null, NormalPriority).ToList();
        foreach (var name in path)
        {
            var next = new List<ConfigDefinition>();
            foreach (var definition in current)
            {
                if (definition.Value is AttrSetValue set && set.Get(name) is { } thunk)
                {
                    next.AddRange(Flatten(evaluator, evaluator.Force(thunk), definition.Condition, definition.PriorityName, definition.Priority));
                }
            }
            current = next;
        }
        return current;
    }

    /// <summary>A value without its <c>mkIf</c> (an unknown condition is kept as text), <c>mkMerge</c> and priority wrappers.</summary>
    public static IEnumerable<ConfigDefinition> Flatten(Evaluator evaluator, NixValue value, string? condition, string? priorityName, int priority)
    {
        switch (value)
        {
            case PriorityValue p:
            {
                var ordering = p.Wrapper is "mkBefore" or "mkAfter" or "mkOrder";
                return Flatten(evaluator, evaluator.Force(p.Value), condition, ordering ? priorityName : p.Wrapper, ordering ? priority : PriorityOf(p.Wrapper));
            }
            case ConditionalValue c:
                if (c.Condition is BoolValue { Value: false }) return Array.Empty<ConfigDefinition>();
                var text = c.Condition is BoolValue ? condition : condition is null ? c.ConditionText : condition + " && " + c.ConditionText;
                return Flatten(evaluator, evaluator.Force(c.Value), text, priorityName, priority);
            case MergeValue m when evaluator.Force(m.List) is ListValue list:
                return list.Items.SelectMany(item => Flatten(evaluator, evaluator.Force(item), condition, priorityName, priority)).ToList();
            default:
                return new[] { new ConfigDefinition(value, condition, priorityName, priority) };
        }
    }

    /// <summary>
    /// The node an edit of a set-valued definition goes to: the set literal when the value is
    /// written as one (<c>nixpkgs.config = { ... }</c>), null when it is made of dotted bindings.
    /// </summary>
    public static AttrSetSyntax? Literal(NixValue value) => value.Source as AttrSetSyntax;
}
