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

/// <summary>Priorities, and values inside a nixpkgs config without their <c>mkIf</c>, <c>mkMerge</c> and priority wrappers (the option definitions themselves come from <see cref="Settings.OptionReader"/>).</summary>
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

}
