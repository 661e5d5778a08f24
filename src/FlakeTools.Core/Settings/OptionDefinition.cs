using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Evaluation;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Settings;

/// <summary>What kind of wrapper a definition sits in.</summary>
public enum OptionWrapperKind
{
    /// <summary><c>lib.mkIf condition</c> (or <c>lib.optionalAttrs</c> with an unknown condition).</summary>
    If,
    /// <summary><c>lib.mkMerge [ ... ]</c>.</summary>
    Merge,
    /// <summary><c>lib.mkDefault</c>, <c>lib.mkForce</c>, <c>lib.mkOverride n</c>, <c>lib.mkOptionDefault</c>, ...: a priority.</summary>
    Priority,
    /// <summary><c>lib.mkBefore</c>, <c>lib.mkAfter</c>, <c>lib.mkOrder n</c>: an order for list and string options.</summary>
    Order,
}

/// <summary>One wrapper around a definition, outermost first in <see cref="OptionDefinition.Wrappers"/>.</summary>
public sealed class OptionWrapper
{
    internal OptionWrapper(OptionWrapperKind kind, string text, int? priority)
    {
        Kind = kind;
        Text = text;
        Priority = priority;
    }

    /// <summary>The kind.</summary>
    public OptionWrapperKind Kind { get; }

    /// <summary>For <see cref="OptionWrapperKind.If"/>, the condition as written; else the function (<c>mkDefault</c>, <c>mkOverride 900</c>).</summary>
    public string Text { get; }

    /// <summary>The priority a <see cref="OptionWrapperKind.Priority"/> wrapper gives (lower wins; plain definitions have 100), or null.</summary>
    public int? Priority { get; }

    /// <inheritdoc />
    public override string ToString() => Kind == OptionWrapperKind.If ? "mkIf (" + Text + ")" : Text;
}

/// <summary>
/// One definition of a NixOS / home-manager option in one module: the full option path as
/// written (<c>nix.registry.elgato.flake</c>), the value the static reader computed, where it is
/// (file, line, the binding's text) and the wrappers around it.
/// </summary>
public sealed class OptionDefinition
{
    internal OptionDefinition(FlakeModule module, IReadOnlyList<string> path, NixValue value, SyntaxNode? node, SyntaxNode? valueNode, string? file, IReadOnlyList<OptionWrapper> wrappers)
    {
        Module = module;
        OptionPath = path;
        Value = value;
        Node = node;
        ValueNode = valueNode;
        File = file;
        Wrappers = wrappers;
    }

    /// <summary>The module that holds the definition (its configuration, context and user).</summary>
    public FlakeModule Module { get; }

    /// <summary>The configuration's name.</summary>
    public string Configuration => Module.Configuration;

    /// <summary>NixOS, home-manager inside NixOS, standalone home-manager, ...</summary>
    public ModuleContext Context => Module.Context;

    /// <summary>The option path, every name (<c>nix</c>, <c>registry</c>, <c>elgato</c>, <c>flake</c>).</summary>
    public IReadOnlyList<string> OptionPath { get; }

    /// <summary>The option path as Nix writes it: <c>nix.registry.elgato.flake</c>.</summary>
    public string Option => NixString.AttrPath(OptionPath);

    /// <summary>The value (known, or unknown with the reason).</summary>
    public NixValue Value { get; }

    /// <summary>The binding (<c>a.b = v;</c>), the <c>inherit</c>, or the expression that defines it.</summary>
    public SyntaxNode? Node { get; }

    /// <summary>The value's expression as written (the right side of the binding; the name of an <c>inherit</c>).</summary>
    public SyntaxNode? ValueNode { get; }

    /// <summary>Whether it is written as <c>inherit</c>.</summary>
    public bool IsInherit => Node is InheritSyntax;

    /// <summary>The file it is written in, or null for text that is not a file.</summary>
    public string? File { get; }

    /// <summary>The one-based line of <see cref="Node"/>.</summary>
    public int Line => Node?.StartPosition.Line ?? 0;

    /// <summary>The source text of <see cref="Node"/>, without the comments around it.</summary>
    public string Text => Node?.ToString() ?? Value.ToString() ?? "";

    /// <summary>The wrappers around it, outermost first.</summary>
    public IReadOnlyList<OptionWrapper> Wrappers { get; }

    /// <summary>The conditions of the <c>mkIf</c>s around it joined with <c>&amp;&amp;</c>, or null.</summary>
    public string? Condition
    {
        get
        {
            var conditions = Wrappers.Where(w => w.Kind == OptionWrapperKind.If).Select(w => w.Text).ToList();
            return conditions.Count == 0 ? null : string.Join(" && ", conditions);
        }
    }

    /// <summary>The module system's priority of the definition: that of the outermost priority wrapper, else 100.</summary>
    public int Priority => Wrappers.FirstOrDefault(w => w.Kind == OptionWrapperKind.Priority)?.Priority ?? DefaultPriority;

    /// <summary>The priority of a definition without a wrapper (<c>lib.modules.defaultOverridePriority</c>).</summary>
    public const int DefaultPriority = 100;

    /// <summary>The option path below <paramref name="prefix"/>, or null when it is not below it.</summary>
    public IReadOnlyList<string>? Below(IReadOnlyList<string> prefix) =>
        OptionPath.Count >= prefix.Count && prefix.Select((p, i) => p == OptionPath[i]).All(x => x) ? OptionPath.Skip(prefix.Count).ToList() : null;

    /// <summary>For people: <c>file:line: nix.registry.elgato.flake = elgato;</c>.</summary>
    public string Location => (File ?? Module.Name) + ":" + Line.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() => Location + ": " + Text;
}

/// <summary>A place where definitions may exist that the reader cannot see (an unknown value above or at the option path).</summary>
public sealed class OptionProblem
{
    internal OptionProblem(FlakeModule module, IReadOnlyList<string> path, string? file, int line, string reason)
    {
        Module = module;
        OptionPath = path;
        File = file;
        Line = line;
        Reason = reason;
    }

    /// <summary>The module.</summary>
    public FlakeModule Module { get; }

    /// <summary>The option path reached.</summary>
    public IReadOnlyList<string> OptionPath { get; }

    /// <summary>The file, when known.</summary>
    public string? File { get; }

    /// <summary>The line, when known (else 0).</summary>
    public int Line { get; }

    /// <summary>Why the reader cannot see further.</summary>
    public string Reason { get; }

    /// <inheritdoc />
    public override string ToString() => $"{File ?? Module.Name}:{Line}: {NixString.AttrPath(OptionPath)}: {Reason}";
}

/// <summary>What <see cref="OptionReader"/> found: the definitions, and where it could not see.</summary>
public sealed class OptionReadResult
{
    internal OptionReadResult(IReadOnlyList<string> path, IReadOnlyList<OptionDefinition> definitions, IReadOnlyList<OptionProblem> unresolved)
    {
        OptionPath = path;
        Definitions = definitions;
        Unresolved = unresolved;
    }

    /// <summary>The option path asked for.</summary>
    public IReadOnlyList<string> OptionPath { get; }

    /// <summary>Every definition at the path or below it, module by module, in the order of the text.</summary>
    public IReadOnlyList<OptionDefinition> Definitions { get; }

    /// <summary>Places where more definitions may exist.</summary>
    public IReadOnlyList<OptionProblem> Unresolved { get; }
}
