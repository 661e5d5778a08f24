using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Unfree;

/// <summary>What a predicate (<c>allowUnfreePredicate</c>, <c>allowInsecurePredicate</c>) allows, read from its code.</summary>
public sealed class PredicateInfo
{
    internal PredicateInfo(string[] packages, bool allowsAll, ListSyntax? list, bool isElemForm)
    {
        Packages = packages;
        AllowsAll = allowsAll;
        List = list;
        IsElemForm = isElemForm;
    }

    /// <summary>The package names it allows (empty when it is not one of the forms read).</summary>
    public string[] Packages { get; }

    /// <summary>Whether it allows every package (<c>_: true</c>).</summary>
    public bool AllowsAll { get; }

    /// <summary>The list literal that holds the names, when the names are written in one (edits add and remove there).</summary>
    public ListSyntax? List { get; }

    /// <summary>Whether it is the <c>builtins.elem (lib.getName pkg) [ ... ]</c> form (or a variant).</summary>
    public bool IsElemForm { get; }
}

/// <summary>
/// Reads the package names from the common predicate forms:
/// <c>pkg: builtins.elem (lib.getName pkg) [ "a" "b" ]</c>, with <c>lib.elem</c> or <c>elem</c>,
/// <c>pkgs.lib.getName</c>, <c>getName</c>, <c>pkg.pname</c>, <c>(builtins.parseDrvName pkg.name).name</c>,
/// a list bound in a <c>let</c>, names written as <c>(lib.getName pkgs.x)</c> or via
/// <c>map lib.getName [ pkgs.a ]</c>; and <c>_: true</c>.
/// </summary>
public static class PredicateReader
{
    /// <summary>Reads a predicate's function; null when the node is not a function.</summary>
    public static PredicateInfo? Read(SyntaxNode? node)
    {
        node = Strip(node);
        if (node is not LambdaSyntax lambda) return null;
        var body = Strip(lambda.Body);
        if (body is IdentifierSyntax { Name: "true" }) return new PredicateInfo(new[] { "*" }, true, null, false);
        if (body is ApplySyntax outer && Strip(outer.Function) is ApplySyntax inner && IsElem(Strip(inner.Function)))
        {
            var listNode = Strip(outer.Argument);
            var (names, list) = Names(listNode);
            return new PredicateInfo(names, false, list, true);
        }
        return new PredicateInfo(Array.Empty<string>(), false, null, false);
    }

    private static bool IsElem(SyntaxNode? node) => node switch
    {
        IdentifierSyntax { Name: "elem" } => true,
        SelectSyntax select => select.AttrPath.StaticNames is { } names && names.Count > 0 && names[^1] == "elem",
        _ => false,
    };

    /// <summary>The names of a list (literal, bound in a let or rec set, or mapped with getName).</summary>
    private static (string[] Names, ListSyntax? List) Names(SyntaxNode? node)
    {
        node = Strip(node);
        switch (node)
        {
            case ListSyntax list:
                return (list.Items.Select(ItemName).Where(n => n is not null).Select(n => n!).ToArray(), list);
            case IdentifierSyntax identifier when Resolve(identifier) is { } bound:
                return Names(bound);
            case ApplySyntax map when Strip(map.Function) is ApplySyntax mapHead && Strip(mapHead.Function) is { } mapFunction
                                      && (mapFunction is IdentifierSyntax { Name: "map" } || mapFunction is SelectSyntax s && s.AttrPath.StaticNames?.LastOrDefault() == "map"):
            {
                var (names, list) = Names(map.Argument);
                return (names, list);
            }
            default:
                return (Array.Empty<string>(), null);
        }
    }

    private static string? ItemName(SyntaxNode item)
    {
        item = Strip(item)!;
        switch (item)
        {
            case StringSyntax s:
                return s.ConstantValue;
            case SelectSyntax select when select.AttrPath.StaticNames is { Count: > 0 } names:
                return names[^1];
            case ApplySyntax apply:
                return ItemName(apply.Argument);
            default:
                return null;
        }
    }

    /// <summary>The value a name is bound to in an enclosing <c>let</c> or <c>rec</c> set, or null.</summary>
    internal static SyntaxNode? Resolve(IdentifierSyntax identifier)
    {
        foreach (var ancestor in identifier.Ancestors())
        {
            IEnumerable<SyntaxNode>? members = ancestor switch
            {
                LetInSyntax let => let.Members,
                AttrSetSyntax { IsRecursive: true } set => set.Members,
                _ => null,
            };
            if (members is null) continue;
            foreach (var binding in members.OfType<BindingSyntax>())
            {
                if (binding.AttrPath.StaticNames is { Count: 1 } names && names[0] == identifier.Name) return binding.Value;
            }
        }
        return null;
    }

    internal static SyntaxNode? Strip(SyntaxNode? node)
    {
        while (node is ParenthesizedSyntax parenthesized) node = parenthesized.Expression;
        return node;
    }
}
