using System.Collections.Generic;
using System.Linq;

namespace FlakeTools.Syntax;

/// <summary>The whole file.</summary>
public sealed class RootSyntax : SyntaxNode
{
    internal RootSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The file's expression.</summary>
    public SyntaxNode? Expression => ChildNodes().FirstOrDefault();

    /// <summary>The end-of-file token (it carries the trivia after the last token).</summary>
    public SyntaxToken EndOfFile => (SyntaxToken)GetChild(ChildCount - 1);
}

/// <summary><c>{ ... }</c>, <c>rec { ... }</c> or the legacy <c>let { ... }</c>.</summary>
public sealed class AttrSetSyntax : SyntaxNode
{
    internal AttrSetSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>Whether this is <c>rec { ... }</c>.</summary>
    public bool IsRecursive => ChildToken(SyntaxKind.RecKeyword) is not null;

    /// <summary>The opening brace, if present.</summary>
    public SyntaxToken? OpenBrace => ChildToken(SyntaxKind.OpenBraceToken);

    /// <summary>The closing brace, if present.</summary>
    public SyntaxToken? CloseBrace => ChildToken(SyntaxKind.CloseBraceToken);

    /// <summary>The <c>name = value;</c> bindings, in order.</summary>
    public IEnumerable<BindingSyntax> Bindings => ChildNodes().OfType<BindingSyntax>();

    /// <summary>The bindings and inherits, in order.</summary>
    public IEnumerable<SyntaxNode> Members => ChildNodes().Where(n => n.Kind is SyntaxKind.Binding or SyntaxKind.Inherit);

    /// <summary>The <c>inherit</c> clauses, in order.</summary>
    public IEnumerable<InheritSyntax> Inherits => ChildNodes().OfType<InheritSyntax>();
}

/// <summary><c>attrpath = value;</c></summary>
public sealed class BindingSyntax : SyntaxNode
{
    internal BindingSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The attribute path on the left.</summary>
    public AttrPathSyntax AttrPath => ChildNodes().OfType<AttrPathSyntax>().First();

    /// <summary>The value on the right, or null when missing.</summary>
    public SyntaxNode? Value => ChildNodes().FirstOrDefault(n => n.Kind != SyntaxKind.AttrPath);
}

/// <summary><c>inherit a b;</c> or <c>inherit (source) a b;</c></summary>
public sealed class InheritSyntax : SyntaxNode
{
    internal InheritSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The source expression of <c>inherit (source)</c>, or null.</summary>
    public SyntaxNode? Source => ChildNodes().FirstOrDefault(n => n.Kind == SyntaxKind.InheritFrom)?.ChildNodes().FirstOrDefault();

    /// <summary>The inherited names (identifier, string or interpolation nodes).</summary>
    public IEnumerable<SyntaxNode> Names => ChildNodes().Where(n => n.Kind != SyntaxKind.InheritFrom);
}

/// <summary><c>a.b."c".${d}</c></summary>
public sealed class AttrPathSyntax : SyntaxNode
{
    internal AttrPathSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The parts of the path: identifier, string or interpolation nodes.</summary>
    public IEnumerable<SyntaxNode> Parts => ChildNodes();

    /// <summary>The names of the parts when all are static (identifiers or strings without interpolation), else null.</summary>
    public IReadOnlyList<string>? StaticNames
    {
        get
        {
            var names = new List<string>();
            foreach (var part in Parts)
            {
                var name = GetStaticName(part);
                if (name is null) return null;
                names.Add(name);
            }
            return names;
        }
    }

    /// <summary>The name an attribute-name node stands for, when it is static.</summary>
    public static string? GetStaticName(SyntaxNode part) => part switch
    {
        IdentifierSyntax identifier => identifier.Name,
        StringSyntax { Kind: SyntaxKind.String } text => text.ConstantValue,
        // `${"a"}`, `${''a''}` and `${("a")}` are static names to Nix: a plain string inside `${ }`.
        { Kind: SyntaxKind.Interpolation } interpolation => Unparenthesized(interpolation.ChildNodes().FirstOrDefault()) is StringSyntax inner ? inner.ConstantValue : null,
        _ => null,
    };

    private static SyntaxNode? Unparenthesized(SyntaxNode? node)
    {
        while (node is ParenthesizedSyntax parenthesized) node = parenthesized.ChildNodes().FirstOrDefault();
        return node;
    }
}

/// <summary>A variable reference or an attribute name.</summary>
public sealed class IdentifierSyntax : SyntaxNode
{
    internal IdentifierSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The identifier's text.</summary>
    public string Name => ((SyntaxToken)GetChild(0)).Text;
}

/// <summary>A <c>"..."</c> or <c>''...''</c> string.</summary>
public sealed class StringSyntax : SyntaxNode
{
    internal StringSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>Whether this is an indented (<c>''</c>) string.</summary>
    public bool IsIndented => Kind == SyntaxKind.IndentedString;

    /// <summary>Whether the string contains <c>${...}</c>.</summary>
    public bool HasInterpolation => ChildNodes().Any();

    /// <summary>The string's value when it has no interpolation (escapes decoded, indentation stripped), else null.</summary>
    public string? ConstantValue => HasInterpolation ? null : NixString.DecodeParts(this).Literal;
}

/// <summary><c>param: body</c></summary>
public sealed class LambdaSyntax : SyntaxNode
{
    internal LambdaSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The parameter: an <see cref="IdentifierSyntax"/> or a <see cref="PatternSyntax"/>.</summary>
    public SyntaxNode Parameter => ChildNodes().First();

    /// <summary>The body, or null when missing.</summary>
    public SyntaxNode? Body => ChildNodes().Skip(1).FirstOrDefault();
}

/// <summary><c>{ a, b ? 1, ... }@args</c></summary>
public sealed class PatternSyntax : SyntaxNode
{
    internal PatternSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The formals, in order.</summary>
    public IEnumerable<FormalSyntax> Formals => ChildNodes().OfType<FormalSyntax>();

    /// <summary>Whether the pattern ends with <c>...</c>.</summary>
    public bool HasEllipsis => ChildToken(SyntaxKind.EllipsisToken) is not null;

    /// <summary>The name bound with <c>@</c> (on either side), or null.</summary>
    public string? BindName => ChildNodes().FirstOrDefault(n => n.Kind == SyntaxKind.PatternBind)?.ChildNodes().OfType<IdentifierSyntax>().FirstOrDefault()?.Name;

    /// <summary>The opening brace, if present.</summary>
    public SyntaxToken? OpenBrace => ChildToken(SyntaxKind.OpenBraceToken);

    /// <summary>The closing brace, if present.</summary>
    public SyntaxToken? CloseBrace => ChildToken(SyntaxKind.CloseBraceToken);
}

/// <summary>One formal of a pattern.</summary>
public sealed class FormalSyntax : SyntaxNode
{
    internal FormalSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The formal's name.</summary>
    public string Name => ((IdentifierSyntax)GetChild(0)).Name;

    /// <summary>The default after <c>?</c>, or null.</summary>
    public SyntaxNode? Default => ChildNodes().Skip(1).FirstOrDefault();
}

/// <summary><c>let bindings in body</c></summary>
public sealed class LetInSyntax : SyntaxNode
{
    internal LetInSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The bindings and inherits, in order.</summary>
    public IEnumerable<SyntaxNode> Members => ChildNodes().Where(n => n.Kind is SyntaxKind.Binding or SyntaxKind.Inherit);

    /// <summary>The body after <c>in</c>, or null when missing.</summary>
    public SyntaxNode? Body => ChildToken(SyntaxKind.InKeyword) is null ? null : ChildNodes().LastOrDefault();
}

/// <summary><c>e.a.b</c> or <c>e.a.b or default</c></summary>
public sealed class SelectSyntax : SyntaxNode
{
    internal SelectSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The expression selected from.</summary>
    public SyntaxNode Expression => ChildNodes().First();

    /// <summary>The selected path.</summary>
    public AttrPathSyntax AttrPath => ChildNodes().OfType<AttrPathSyntax>().First();

    /// <summary>The default after <c>or</c>, or null.</summary>
    public SyntaxNode? Default => ChildToken(SyntaxKind.OrKeyword) is null ? null : ChildNodes().Skip(2).FirstOrDefault();
}

/// <summary>Function application <c>f x</c>.</summary>
public sealed class ApplySyntax : SyntaxNode
{
    internal ApplySyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The function.</summary>
    public SyntaxNode Function => ChildNodes().First();

    /// <summary>The argument.</summary>
    public SyntaxNode Argument => ChildNodes().Last();
}

/// <summary><c>[ a b c ]</c></summary>
public sealed class ListSyntax : SyntaxNode
{
    internal ListSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The elements, in order.</summary>
    public IEnumerable<SyntaxNode> Items => ChildNodes().Where(n => n.Kind != SyntaxKind.Error);
}

/// <summary><c>( e )</c></summary>
public sealed class ParenthesizedSyntax : SyntaxNode
{
    internal ParenthesizedSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The inner expression.</summary>
    public SyntaxNode Expression => ChildNodes().First();
}

/// <summary><c>with e; body</c></summary>
public sealed class WithSyntax : SyntaxNode
{
    internal WithSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The scope expression.</summary>
    public SyntaxNode Scope => ChildNodes().First();

    /// <summary>The body, or null when missing.</summary>
    public SyntaxNode? Body => ChildNodes().Skip(1).FirstOrDefault();
}
