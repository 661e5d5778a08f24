using System.Collections.Generic;
using System.Linq;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Checks;

/// <summary>Small questions about Nix syntax the checks ask: where a name is used as a variable, what a select starts with.</summary>
internal static class SyntaxQueries
{
    /// <summary>
    /// Identifiers named <paramref name="name"/> below <paramref name="node"/> that are variables:
    /// not attribute names, formals, pattern names or lambda parameters.
    /// </summary>
    public static IEnumerable<IdentifierSyntax> VariableUses(SyntaxNode? node, string name)
    {
        if (node is null) yield break;
        foreach (var identifier in node.DescendantNodes().OfType<IdentifierSyntax>())
        {
            if (identifier.Name == name && IsVariable(identifier)) yield return identifier;
        }
    }

    /// <summary>Whether an identifier is a variable reference (a name looked up in scope).</summary>
    public static bool IsVariable(IdentifierSyntax identifier)
    {
        var parent = identifier.Parent;
        if (parent is AttrPathSyntax or FormalSyntax || parent?.Kind == SyntaxKind.PatternBind) return false;
        if (parent is LambdaSyntax lambda && lambda.Parameter == identifier) return false;
        // `inherit (x) a;` names attributes of x; `inherit a;` uses the variable a.
        if (parent is InheritSyntax inherit && inherit.Source is not null) return false;
        return true;
    }

    /// <summary>The static names of a select's attribute path (null parts where a name is dynamic).</summary>
    public static IReadOnlyList<string?> Names(AttrPathSyntax path) => path.Parts.Select(AttrPathSyntax.GetStaticName).ToList();

    /// <summary>The function at the head of an application chain (<c>lib.mapAttrs f x</c> gives <c>lib.mapAttrs</c>).</summary>
    public static SyntaxNode Head(ApplySyntax apply)
    {
        SyntaxNode function = apply.Function;
        while (true)
        {
            switch (function)
            {
                case ApplySyntax inner: function = inner.Function; break;
                case ParenthesizedSyntax parenthesized: function = parenthesized.Expression; break;
                default: return function;
            }
        }
    }

    /// <summary>The last name of an identifier or select (<c>lib.attrsets.mapAttrs</c> gives <c>mapAttrs</c>), or null.</summary>
    public static string? LastName(SyntaxNode node) => node switch
    {
        IdentifierSyntax identifier => identifier.Name,
        SelectSyntax select => select.AttrPath.Parts.LastOrDefault() is { } last ? AttrPathSyntax.GetStaticName(last) : null,
        _ => null,
    };

    /// <summary>Strips parentheses.</summary>
    public static SyntaxNode? Unparenthesize(SyntaxNode? node)
    {
        while (node is ParenthesizedSyntax parenthesized) node = parenthesized.Expression;
        return node;
    }

    /// <summary>The line's text up to the end of the line that <paramref name="offset"/> is on (the offset of its line break).</summary>
    public static int LineEnd(string text, int offset)
    {
        var end = text.IndexOf('\n', offset);
        if (end < 0) return text.Length;
        return end > 0 && text[end - 1] == '\r' ? end - 1 : end;
    }

    /// <summary>The indentation of the line <paramref name="offset"/> is on.</summary>
    public static string IndentAt(string text, int offset)
    {
        var start = text.LastIndexOf('\n', offset > 0 ? offset - 1 : 0) + 1;
        if (offset == 0) start = 0;
        var end = start;
        while (end < text.Length && text[end] is ' ' or '\t') end++;
        return text[start..end];
    }
}
