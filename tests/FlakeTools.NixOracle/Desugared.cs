using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace FlakeTools.NixOracle;

/// <summary>
/// The expression as Nix's parser builds it (after desugaring), printed in one canonical form:
/// attributes sorted, every node parenthesised, string concatenations flattened and merged,
/// call arguments flattened. Two sources mean the same parse when their canonical prints match.
/// </summary>
public abstract record Desugared
{
    public abstract void Print(StringBuilder builder);

    public string Print()
    {
        var builder = new StringBuilder();
        Print(builder);
        return builder.ToString();
    }

    internal static void Quote(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            builder.Append(c switch { '"' => "\\\"", '\\' => "\\\\", '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", '$' => "\\$", _ => c.ToString() });
        }
        builder.Append('"');
    }
}

public sealed record DVar(string Name) : Desugared
{
    public override void Print(StringBuilder builder) => builder.Append(Name);
}

public sealed record DNumber(string Text) : Desugared
{
    public static DNumber FromInteger(long value) => new(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>As C++'s default stream formatting prints a double (%g, 6 significant digits).</summary>
    public static DNumber FromFloat(double value) => new(value.ToString("G6", CultureInfo.InvariantCulture).Replace("E", "e"));

    public override void Print(StringBuilder builder) => builder.Append(Text);
}

public sealed record DString(string Value) : Desugared
{
    public override void Print(StringBuilder builder) => Quote(builder, Value);
}

public sealed record DPath(string Value) : Desugared
{
    public override void Print(StringBuilder builder) => builder.Append("path:").Append(Value);
}

public sealed record DConcat(IReadOnlyList<Desugared> Parts) : Desugared
{
    /// <summary>Flattens nested concatenations, drops empty strings, merges adjacent strings.</summary>
    public static Desugared Make(IEnumerable<Desugared> parts)
    {
        var flat = new List<Desugared>();
        foreach (var part in parts)
        {
            if (part is DConcat inner) flat.AddRange(inner.Parts);
            else flat.Add(part);
        }
        var merged = new List<Desugared>();
        foreach (var part in flat)
        {
            if (part is DString { Value.Length: 0 }) continue;
            if (part is DString s && merged.Count > 0 && merged[^1] is DString previous) merged[^1] = new DString(previous.Value + s.Value);
            else merged.Add(part);
        }
        return merged.Count switch
        {
            0 => new DString(""),
            1 => merged[0],
            _ => new DConcat(merged),
        };
    }

    public override void Print(StringBuilder builder)
    {
        builder.Append("(concat");
        foreach (var part in Parts) { builder.Append(' '); part.Print(builder); }
        builder.Append(')');
    }
}

public sealed record DCall(Desugared Function, IReadOnlyList<Desugared> Arguments) : Desugared
{
    public static DCall Make(Desugared function, IEnumerable<Desugared> arguments) => function is DCall inner
        ? new DCall(inner.Function, inner.Arguments.Concat(arguments).ToList())
        : new DCall(function, arguments.ToList());

    public override void Print(StringBuilder builder)
    {
        builder.Append("(call ");
        Function.Print(builder);
        foreach (var argument in Arguments) { builder.Append(' '); argument.Print(builder); }
        builder.Append(')');
    }
}

public sealed record DAttrName(string? Static, Desugared? Dynamic)
{
    public void Print(StringBuilder builder)
    {
        if (Static is not null) Desugared.Quote(builder, Static);
        else { builder.Append("${"); Dynamic!.Print(builder); builder.Append('}'); }
    }
}

public sealed class DAttrDef
{
    public DAttrDef(Desugared value, bool inherited)
    {
        Value = value;
        Inherited = inherited;
    }

    public Desugared Value { get; set; }

    public bool Inherited { get; }
}

public sealed record DAttrs(bool Recursive, SortedDictionary<string, DAttrDef> Attributes, List<(Desugared Name, Desugared Value)> Dynamic) : Desugared
{
    public static DAttrs Empty(bool recursive) => new(recursive, new SortedDictionary<string, DAttrDef>(System.StringComparer.Ordinal), new List<(Desugared, Desugared)>());

    public override void Print(StringBuilder builder)
    {
        builder.Append(Recursive ? "(rec-attrs" : "(attrs");
        foreach (var (name, def) in Attributes)
        {
            builder.Append(' ');
            Quote(builder, name);
            if (def.Inherited) builder.Append(" inherit");
            else { builder.Append(" = "); def.Value.Print(builder); }
            builder.Append(';');
        }
        foreach (var (name, value) in Dynamic)
        {
            builder.Append(" ${");
            name.Print(builder);
            builder.Append("} = ");
            value.Print(builder);
            builder.Append(';');
        }
        builder.Append(')');
    }
}

public sealed record DList(IReadOnlyList<Desugared> Items) : Desugared
{
    public override void Print(StringBuilder builder)
    {
        builder.Append("(list");
        foreach (var item in Items) { builder.Append(' '); item.Print(builder); }
        builder.Append(')');
    }
}

public sealed record DLambda(string? Argument, IReadOnlyList<(string Name, Desugared? Default)>? Formals, bool Ellipsis, Desugared Body) : Desugared
{
    public override void Print(StringBuilder builder)
    {
        builder.Append("(lambda");
        if (Argument is not null) builder.Append(" @").Append(Argument);
        if (Formals is not null)
        {
            builder.Append(" {");
            // Nix keeps formals in its own (symbol) order, so compare them sorted.
            foreach (var (name, value) in Formals.OrderBy(f => f.Name, System.StringComparer.Ordinal))
            {
                builder.Append(' ').Append(name);
                if (value is not null) { builder.Append(" ? "); value.Print(builder); }
                builder.Append(',');
            }
            if (Ellipsis) builder.Append(" ...");
            builder.Append(" }");
        }
        builder.Append(": ");
        Body.Print(builder);
        builder.Append(')');
    }
}

public sealed record DLet(DAttrs Bindings, Desugared Body) : Desugared
{
    public override void Print(StringBuilder builder)
    {
        builder.Append("(let ");
        Bindings.Print(builder);
        builder.Append(" in ");
        Body.Print(builder);
        builder.Append(')');
    }
}

public sealed record DNode(string Head, IReadOnlyList<Desugared> Children) : Desugared
{
    public DNode(string head, params Desugared[] children) : this(head, (IReadOnlyList<Desugared>)children) { }

    public override void Print(StringBuilder builder)
    {
        builder.Append('(').Append(Head);
        foreach (var child in Children) { builder.Append(' '); child.Print(builder); }
        builder.Append(')');
    }
}

public sealed record DSelect(Desugared Expression, IReadOnlyList<DAttrName> Path, Desugared? Default) : Desugared
{
    public override void Print(StringBuilder builder)
    {
        builder.Append("(select ");
        Expression.Print(builder);
        foreach (var name in Path) { builder.Append(" ."); name.Print(builder); }
        if (Default is not null) { builder.Append(" or "); Default.Print(builder); }
        builder.Append(')');
    }
}

public sealed record DHasAttr(Desugared Expression, IReadOnlyList<DAttrName> Path) : Desugared
{
    public override void Print(StringBuilder builder)
    {
        builder.Append("(has ");
        Expression.Print(builder);
        foreach (var name in Path) { builder.Append(" ."); name.Print(builder); }
        builder.Append(')');
    }
}
