using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Evaluation;

/// <summary>
/// A value the static reader computed, or an <see cref="UnknownValue"/> saying why it could not.
/// Every value keeps the syntax node that produced it, so a caller can go back to the text.
/// </summary>
public abstract class NixValue
{
    private protected NixValue(SyntaxNode? source)
    {
        Source = source;
    }

    /// <summary>The expression that produced the value, or null for values made by the reader itself.</summary>
    public SyntaxNode? Source { get; }

    /// <summary>Nix's name of the value's type (<c>set</c>, <c>list</c>, <c>string</c>, ...), or <c>unknown</c>.</summary>
    public abstract string TypeName { get; }

    /// <summary>Whether the reader knows this value (it is not an <see cref="UnknownValue"/> or <see cref="ExternalValue"/>).</summary>
    public virtual bool IsKnown => true;
}

/// <summary>A value only Nix's evaluation can give, with the reason.</summary>
public sealed class UnknownValue : NixValue
{
    /// <summary>Creates an unknown value.</summary>
    public UnknownValue(string reason, SyntaxNode? source = null) : base(source)
    {
        Reason = reason;
    }

    /// <summary>Why the value is unknown ("argument `pkgs` of the module", "the condition of if is unknown").</summary>
    public string Reason { get; }

    /// <inheritdoc />
    public override string TypeName => "unknown";

    /// <inheritdoc />
    public override bool IsKnown => false;

    /// <inheritdoc />
    public override string ToString() => "<unknown: " + Reason + ">";
}

/// <summary>
/// A value from outside the files read: a flake input, or a path inside one
/// (<c>nixpkgs.lib</c>, <c>home-manager.nixosModules.home-manager</c>).
/// Selecting from it gives a longer path; calling it gives an unknown.
/// </summary>
public sealed class ExternalValue : NixValue
{
    /// <summary>Creates an external value.</summary>
    public ExternalValue(string root, IReadOnlyList<string> path, SyntaxNode? source, ExternalRootKind rootKind = ExternalRootKind.Input, string? suffix = null) : base(source)
    {
        Root = root;
        AttrPath = path;
        RootKind = rootKind;
        Suffix = suffix;
    }

    /// <summary>Text appended to the value as a path or string (<c>modulesPath + "/profiles/minimal.nix"</c>), or null.</summary>
    public string? Suffix { get; }

    /// <summary>The value with more text appended (a file inside an input's source tree).</summary>
    public ExternalValue Append(string text, SyntaxNode? source) => new(Root, AttrPath, source, RootKind, Suffix + text);

    /// <summary>The input's name (or the name of the argument the value came from).</summary>
    public string Root { get; }

    /// <summary>What the root is.</summary>
    public ExternalRootKind RootKind { get; }

    /// <summary>The attributes selected from the root, in order.</summary>
    public IReadOnlyList<string> AttrPath { get; }

    /// <summary>The value as Nix source: <c>nixpkgs.lib.nixosSystem</c>.</summary>
    public string DisplayName => (AttrPath.Count == 0 ? Root : Root + "." + NixString.AttrPath(AttrPath)) + (Suffix is null ? "" : " + " + NixString.Quote(Suffix));

    /// <summary>The external value one attribute further down.</summary>
    public ExternalValue Select(string name, SyntaxNode? source) => new(Root, AttrPath.Append(name).ToList(), source, RootKind, Suffix);

    /// <inheritdoc />
    public override string TypeName => "unknown";

    /// <inheritdoc />
    public override bool IsKnown => false;

    /// <inheritdoc />
    public override string ToString() => DisplayName;
}

/// <summary>Where an <see cref="ExternalValue"/> comes from.</summary>
public enum ExternalRootKind
{
    /// <summary>A flake input.</summary>
    Input,
    /// <summary>An argument whose value only Nix's evaluation knows (a module's <c>pkgs</c>, <c>config</c>).</summary>
    Argument,
    /// <summary>A value made by a <c>lib</c> function the reader does not follow (<c>lib.mkRenamedOptionModule</c>).</summary>
    Generated,
}

/// <summary>An attribute set. Attributes are thunks, forced on demand, kept in Nix's (sorted) order.</summary>
public sealed class AttrSetValue : NixValue
{
    /// <summary>Creates an attribute set.</summary>
    public AttrSetValue(IReadOnlyDictionary<string, Thunk> attributes, SyntaxNode? source, IReadOnlyList<NixValue>? rest = null, string? incomplete = null) : base(source)
    {
        Attributes = attributes;
        Rest = rest ?? Array.Empty<NixValue>();
        Incomplete = incomplete;
    }

    /// <summary>The attributes the reader knows.</summary>
    public IReadOnlyDictionary<string, Thunk> Attributes { get; }

    /// <summary>
    /// Values this set was merged over with <c>//</c> whose attributes the reader does not know
    /// (for example <c>nixpkgs.lib // { ... }</c>): a name not in <see cref="Attributes"/> may come from them.
    /// </summary>
    public IReadOnlyList<NixValue> Rest { get; }

    /// <summary>Why the set may have attributes the reader does not know (a dynamic name), or null.</summary>
    public string? Incomplete { get; }

    /// <summary>Whether every attribute is known.</summary>
    public bool IsComplete => Rest.Count == 0 && Incomplete is null;

    /// <summary>The thunk of an attribute, or null.</summary>
    public Thunk? Get(string name) => Attributes.TryGetValue(name, out var thunk) ? thunk : null;

    /// <summary>The attribute names, sorted as Nix sorts them.</summary>
    public IEnumerable<string> Names => Attributes.Keys;

    /// <summary>An empty set.</summary>
    public static AttrSetValue Empty { get; } = new(new SortedDictionary<string, Thunk>(StringComparer.Ordinal), null);

    /// <inheritdoc />
    public override string TypeName => "set";

    /// <inheritdoc />
    public override string ToString() => "{ " + string.Join(" ", Names.Select(n => NixString.AttrName(n) + " = ...;")) + (IsComplete ? "" : " ...") + " }";
}

/// <summary>A list of thunks.</summary>
public sealed class ListValue : NixValue
{
    /// <summary>Creates a list.</summary>
    public ListValue(IReadOnlyList<Thunk> items, SyntaxNode? source) : base(source)
    {
        Items = items;
    }

    /// <summary>The elements.</summary>
    public IReadOnlyList<Thunk> Items { get; }

    /// <inheritdoc />
    public override string TypeName => "list";

    /// <inheritdoc />
    public override string ToString() => "[ " + Items.Count.ToString(CultureInfo.InvariantCulture) + " items ]";
}

/// <summary>A string (its context is not tracked).</summary>
public sealed class StringValue : NixValue
{
    /// <summary>Creates a string.</summary>
    public StringValue(string value, SyntaxNode? source) : base(source)
    {
        Value = value;
    }

    /// <summary>The text.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override string TypeName => "string";

    /// <inheritdoc />
    public override string ToString() => NixString.Quote(Value);
}

/// <summary>A path, made absolute.</summary>
public sealed class PathValue : NixValue
{
    /// <summary>Creates a path.</summary>
    public PathValue(string path, SyntaxNode? source) : base(source)
    {
        Path = path;
    }

    /// <summary>The absolute, normalized path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override string TypeName => "path";

    /// <inheritdoc />
    public override string ToString() => Path;
}

/// <summary>An integer or a float.</summary>
public sealed class NumberValue : NixValue
{
    /// <summary>Creates a number.</summary>
    public NumberValue(double value, bool isInteger, SyntaxNode? source) : base(source)
    {
        Value = value;
        IsInteger = isInteger;
    }

    /// <summary>The number.</summary>
    public double Value { get; }

    /// <summary>Whether it is an integer.</summary>
    public bool IsInteger { get; }

    /// <inheritdoc />
    public override string TypeName => IsInteger ? "int" : "float";

    /// <inheritdoc />
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary><c>true</c> or <c>false</c>.</summary>
public sealed class BoolValue : NixValue
{
    /// <summary>Creates a Boolean.</summary>
    public BoolValue(bool value, SyntaxNode? source) : base(source)
    {
        Value = value;
    }

    /// <summary>The value.</summary>
    public bool Value { get; }

    /// <inheritdoc />
    public override string TypeName => "bool";

    /// <inheritdoc />
    public override string ToString() => Value ? "true" : "false";
}

/// <summary><c>null</c>.</summary>
public sealed class NullValue : NixValue
{
    /// <summary>Creates null.</summary>
    public NullValue(SyntaxNode? source) : base(source) { }

    /// <inheritdoc />
    public override string TypeName => "null";

    /// <inheritdoc />
    public override string ToString() => "null";
}

/// <summary>A function written in Nix, with the scope it closes over.</summary>
public sealed class LambdaValue : NixValue
{
    internal LambdaValue(LambdaSyntax lambda, Scope scope) : base(lambda)
    {
        Lambda = lambda;
        Scope = scope;
    }

    /// <summary>The function's syntax.</summary>
    public LambdaSyntax Lambda { get; }

    internal Scope Scope { get; }

    /// <summary>The pattern of a <c>{ a, b, ... }:</c> function, or null for <c>x:</c>.</summary>
    public PatternSyntax? Pattern => Lambda.Parameter as PatternSyntax;

    /// <inheritdoc />
    public override string TypeName => "lambda";

    /// <inheritdoc />
    public override string ToString() => "<lambda>";
}

/// <summary>A built-in function (of <c>builtins</c> or nixpkgs' <c>lib</c>) the reader understands, possibly partly applied.</summary>
public sealed class PrimOpValue : NixValue
{
    internal PrimOpValue(PrimOp op, IReadOnlyList<Thunk> applied, SyntaxNode? source) : base(source)
    {
        Op = op;
        Applied = applied;
    }

    internal PrimOp Op { get; }

    internal IReadOnlyList<Thunk> Applied { get; }

    /// <summary>The function's name (<c>map</c>, <c>lib.mkIf</c>).</summary>
    public string Name => Op.Name;

    /// <inheritdoc />
    public override string TypeName => "lambda";

    /// <inheritdoc />
    public override string ToString() => "<" + Name + ">";
}

/// <summary>The kinds of configuration builders the reader recognizes.</summary>
public enum BuilderKind
{
    /// <summary><c>nixpkgs.lib.nixosSystem</c>.</summary>
    NixOS,
    /// <summary><c>home-manager.lib.homeManagerConfiguration</c>.</summary>
    HomeManager,
    /// <summary><c>nix-darwin.lib.darwinSystem</c>.</summary>
    Darwin,
}

/// <summary>The result of calling a configuration builder: which one, and the argument set it was given.</summary>
public sealed class BuilderCallValue : NixValue
{
    internal BuilderCallValue(BuilderKind kind, ExternalValue builder, Thunk argument, SyntaxNode? source) : base(source)
    {
        Kind = kind;
        Builder = builder;
        Argument = argument;
    }

    /// <summary>Which builder.</summary>
    public BuilderKind Kind { get; }

    /// <summary>The builder as written (<c>nixpkgs.lib.nixosSystem</c>).</summary>
    public ExternalValue Builder { get; }

    /// <summary>The argument set (forced by the reader of configurations).</summary>
    public Thunk Argument { get; }

    /// <inheritdoc />
    public override string TypeName => "set";

    /// <inheritdoc />
    public override string ToString() => Builder.DisplayName + " { ... }";
}

/// <summary><c>import &lt;input&gt; { ... }</c>: a package set made from a nixpkgs source tree, with its arguments.</summary>
public sealed class ImportedInputValue : NixValue
{
    internal ImportedInputValue(ExternalValue input, Thunk? argument, SyntaxNode? source) : base(source)
    {
        Input = input;
        Argument = argument;
    }

    /// <summary>What was imported (<c>nixpkgs-unstable</c>).</summary>
    public ExternalValue Input { get; }

    /// <summary>The argument set (<c>{ system; config; overlays; }</c>), or null when not applied yet.</summary>
    public Thunk? Argument { get; }

    /// <inheritdoc />
    public override string TypeName => "unknown";

    /// <inheritdoc />
    public override bool IsKnown => false;

    /// <inheritdoc />
    public override string ToString() => "import " + Input.DisplayName + (Argument is null ? "" : " { ... }");
}

/// <summary>
/// A value that holds only under a condition: <c>lib.mkIf c x</c>, or an element of
/// <c>lib.optionals c [ ... ]</c> whose condition is unknown.
/// </summary>
public sealed class ConditionalValue : NixValue
{
    internal ConditionalValue(NixValue condition, Thunk value, SyntaxNode? conditionSource, SyntaxNode? source) : base(source)
    {
        Condition = condition;
        Value = value;
        ConditionSource = conditionSource;
    }

    /// <summary>The condition: a <see cref="BoolValue"/>, or unknown.</summary>
    public NixValue Condition { get; }

    /// <summary>The condition's expression, when there is one.</summary>
    public SyntaxNode? ConditionSource { get; }

    /// <summary>The value that holds when the condition is true.</summary>
    public Thunk Value { get; }

    /// <summary>The condition as text for people.</summary>
    public string ConditionText => ConditionSource?.ToString() ?? Condition.ToString() ?? "?";

    /// <inheritdoc />
    public override string TypeName => "conditional";

    /// <inheritdoc />
    public override string ToString() => "mkIf (" + ConditionText + ") ...";
}

/// <summary><c>lib.mkMerge [ ... ]</c>: definitions merged by the module system.</summary>
public sealed class MergeValue : NixValue
{
    internal MergeValue(Thunk list, SyntaxNode? source) : base(source)
    {
        List = list;
    }

    /// <summary>The list of definitions.</summary>
    public Thunk List { get; }

    /// <inheritdoc />
    public override string TypeName => "merge";
}

/// <summary><c>lib.mkDefault x</c>, <c>lib.mkForce x</c>, <c>lib.mkOverride n x</c>: a definition with a priority.</summary>
public sealed class PriorityValue : NixValue
{
    internal PriorityValue(string wrapper, Thunk value, SyntaxNode? source) : base(source)
    {
        Wrapper = wrapper;
        Value = value;
    }

    /// <summary>The wrapping function's name (<c>mkDefault</c>).</summary>
    public string Wrapper { get; }

    /// <summary>The wrapped definition.</summary>
    public Thunk Value { get; }

    /// <inheritdoc />
    public override string TypeName => "priority";
}
