using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace FlakeTools.Syntax;

/// <summary><c>if condition then a else b</c></summary>
public sealed class IfElseSyntax : SyntaxNode
{
    internal IfElseSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The condition.</summary>
    public SyntaxNode Condition => ChildNodes().First();

    /// <summary>The value when the condition holds.</summary>
    public SyntaxNode Then => ChildNodes().ElementAt(1);

    /// <summary>The value when it does not.</summary>
    public SyntaxNode Else => ChildNodes().ElementAt(2);
}

/// <summary><c>assert condition; body</c></summary>
public sealed class AssertSyntax : SyntaxNode
{
    internal AssertSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The asserted condition.</summary>
    public SyntaxNode Condition => ChildNodes().First();

    /// <summary>The expression after the <c>;</c>.</summary>
    public SyntaxNode Body => ChildNodes().ElementAt(1);
}

/// <summary>The operator of a <see cref="BinaryOpSyntax"/>.</summary>
public enum BinaryOperator
{
    /// <summary><c>+</c> (numbers, strings, paths).</summary>
    Add,
    /// <summary><c>-</c>.</summary>
    Subtract,
    /// <summary><c>*</c>.</summary>
    Multiply,
    /// <summary><c>/</c>.</summary>
    Divide,
    /// <summary><c>++</c> (lists).</summary>
    Concat,
    /// <summary><c>//</c> (attribute sets, right side wins).</summary>
    Update,
    /// <summary><c>==</c>.</summary>
    Equal,
    /// <summary><c>!=</c>.</summary>
    NotEqual,
    /// <summary><c>&lt;</c>.</summary>
    Less,
    /// <summary><c>&lt;=</c>.</summary>
    LessOrEqual,
    /// <summary><c>&gt;</c>.</summary>
    Greater,
    /// <summary><c>&gt;=</c>.</summary>
    GreaterOrEqual,
    /// <summary><c>&amp;&amp;</c>.</summary>
    And,
    /// <summary><c>||</c>.</summary>
    Or,
    /// <summary><c>-&gt;</c> (logical implication).</summary>
    Implication,
    /// <summary><c>|&gt;</c>: <c>x |&gt; f</c> calls <c>f</c> with <c>x</c>.</summary>
    PipeInto,
    /// <summary><c>&lt;|</c>: <c>f &lt;| x</c> calls <c>f</c> with <c>x</c>.</summary>
    PipeFrom,
}

/// <summary><c>left op right</c> for every binary operator but <c>?</c> (see <see cref="HasAttrSyntax"/>).</summary>
public sealed class BinaryOpSyntax : SyntaxNode
{
    internal BinaryOpSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The operator token.</summary>
    public SyntaxToken OperatorToken => ChildTokens().First();

    /// <summary>Which operator this is.</summary>
    public BinaryOperator Operator => OperatorOf(Green.Children[1].Kind);

    /// <summary>The left operand.</summary>
    public SyntaxNode Left => ChildNodes().First();

    /// <summary>The right operand.</summary>
    public SyntaxNode Right => ChildNodes().Last();

    /// <summary>Whether this is <c>|&gt;</c> or <c>&lt;|</c>, a function call written as an operator.</summary>
    public bool IsPipe => Operator is BinaryOperator.PipeInto or BinaryOperator.PipeFrom;

    /// <summary>For a pipe, the function called (<c>f</c> in <c>x |&gt; f</c> and in <c>f &lt;| x</c>); else null.</summary>
    public SyntaxNode? PipeFunction => Operator switch
    {
        BinaryOperator.PipeInto => Right,
        BinaryOperator.PipeFrom => Left,
        _ => null,
    };

    /// <summary>For a pipe, the argument passed (<c>x</c> in <c>x |&gt; f</c> and in <c>f &lt;| x</c>); else null.</summary>
    public SyntaxNode? PipeArgument => Operator switch
    {
        BinaryOperator.PipeInto => Left,
        BinaryOperator.PipeFrom => Right,
        _ => null,
    };

    internal static BinaryOperator OperatorOf(SyntaxKind kind) => kind switch
    {
        SyntaxKind.PlusToken => BinaryOperator.Add,
        SyntaxKind.MinusToken => BinaryOperator.Subtract,
        SyntaxKind.StarToken => BinaryOperator.Multiply,
        SyntaxKind.SlashToken => BinaryOperator.Divide,
        SyntaxKind.PlusPlusToken => BinaryOperator.Concat,
        SyntaxKind.SlashSlashToken => BinaryOperator.Update,
        SyntaxKind.EqualsEqualsToken => BinaryOperator.Equal,
        SyntaxKind.BangEqualsToken => BinaryOperator.NotEqual,
        SyntaxKind.LessToken => BinaryOperator.Less,
        SyntaxKind.LessEqualsToken => BinaryOperator.LessOrEqual,
        SyntaxKind.GreaterToken => BinaryOperator.Greater,
        SyntaxKind.GreaterEqualsToken => BinaryOperator.GreaterOrEqual,
        SyntaxKind.AmpersandAmpersandToken => BinaryOperator.And,
        SyntaxKind.BarBarToken => BinaryOperator.Or,
        SyntaxKind.ArrowToken => BinaryOperator.Implication,
        SyntaxKind.PipeIntoToken => BinaryOperator.PipeInto,
        SyntaxKind.PipeFromToken => BinaryOperator.PipeFrom,
        _ => throw new System.InvalidOperationException($"{kind} is not a binary operator"),
    };
}

/// <summary>The operator of a <see cref="UnaryOpSyntax"/>.</summary>
public enum UnaryOperator
{
    /// <summary><c>!</c>.</summary>
    Not,
    /// <summary><c>-</c> (Nix reads <c>-x</c> as <c>__sub 0 x</c>).</summary>
    Negate,
}

/// <summary><c>!operand</c> or <c>-operand</c>.</summary>
public sealed class UnaryOpSyntax : SyntaxNode
{
    internal UnaryOpSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The operator token.</summary>
    public SyntaxToken OperatorToken => (SyntaxToken)GetChild(0);

    /// <summary>Which operator this is.</summary>
    public UnaryOperator Operator => Green.Children[0].Kind == SyntaxKind.BangToken ? UnaryOperator.Not : UnaryOperator.Negate;

    /// <summary>The operand.</summary>
    public SyntaxNode Operand => ChildNodes().First();
}

/// <summary><c>expression ? a.b.c</c></summary>
public sealed class HasAttrSyntax : SyntaxNode
{
    internal HasAttrSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The expression tested.</summary>
    public SyntaxNode Expression => ChildNodes().First();

    /// <summary>The attribute path looked for.</summary>
    public AttrPathSyntax AttrPath => ChildNodes().OfType<AttrPathSyntax>().First();
}

/// <summary>What a path literal is relative to.</summary>
public enum PathKind
{
    /// <summary><c>./a</c>, <c>../a</c>, <c>a/b</c>: relative to the file's directory.</summary>
    Relative,
    /// <summary><c>/a/b</c>.</summary>
    Absolute,
    /// <summary><c>~/a</c>: relative to the home directory.</summary>
    Home,
}

/// <summary>One piece of a path literal: literal text, or an interpolation.</summary>
/// <param name="Text">The text as written, or null for an interpolation.</param>
/// <param name="Interpolation">The <c>${...}</c>, or null for text.</param>
public readonly record struct PathPart(string? Text, InterpolationSyntax? Interpolation);

/// <summary>A path literal: <c>./a/b</c>, <c>/etc/x</c>, <c>~/x</c>, <c>./hosts/${name}.nix</c>.</summary>
public sealed class PathSyntax : SyntaxNode
{
    internal PathSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>Relative, absolute or home.</summary>
    public PathKind PathKind
    {
        get
        {
            var first = (GreenToken)Green.Children[0];
            if (first.Kind == SyntaxKind.HomePathToken) return PathKind.Home;
            return first.Text.StartsWith('/') ? PathKind.Absolute : PathKind.Relative;
        }
    }

    /// <summary>The pieces in order: text as written (no normalisation) and interpolations.</summary>
    public IReadOnlyList<PathPart> Parts
    {
        get
        {
            var parts = new List<PathPart>(ChildCount);
            foreach (var child in ChildNodesAndTokens())
            {
                if (child is SyntaxToken token)
                {
                    // Adjacent text pieces are one piece of the path.
                    if (parts.Count > 0 && parts[^1].Text is { } previous) parts[^1] = new PathPart(previous + token.Text, null);
                    else parts.Add(new PathPart(token.Text, null));
                }
                else
                {
                    parts.Add(new PathPart(null, (InterpolationSyntax)child));
                }
            }
            return parts;
        }
    }

    /// <summary>Whether the path has no interpolation.</summary>
    public bool IsStatic => Green.Children.All(c => c is GreenToken);

    /// <summary>The path as written when it has no interpolation (<c>./a/b.nix</c>), else null.</summary>
    public string? StaticText => IsStatic ? string.Concat(ChildTokens().Select(t => t.Text)) : null;
}

/// <summary>A search path <c>&lt;nixpkgs/lib&gt;</c>.</summary>
public sealed class SearchPathSyntax : SyntaxNode
{
    internal SearchPathSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The name between the angle brackets (<c>nixpkgs/lib</c>).</summary>
    public string Name
    {
        get
        {
            var text = ((GreenToken)Green.Children[0]).Text;
            return text.Length >= 2 ? text[1..^1] : text;
        }
    }
}

/// <summary>What kind of literal a <see cref="LiteralSyntax"/> is.</summary>
public enum LiteralKind
{
    /// <summary>An integer: <c>42</c>.</summary>
    Integer,
    /// <summary>A float: <c>1.5</c>, <c>.5</c>, <c>2.5e3</c>.</summary>
    Float,
    /// <summary>An unquoted URI: <c>https://example.org/x</c> (a string to Nix).</summary>
    Uri,
}

/// <summary>A number or an unquoted URI. (Strings, paths and <c>true</c>/<c>false</c>/<c>null</c> have their own nodes; the last three are identifiers.)</summary>
public sealed class LiteralSyntax : SyntaxNode
{
    internal LiteralSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The literal as written.</summary>
    public string Text => ((GreenToken)Green.Children[0]).Text;

    /// <summary>Integer, float or URI.</summary>
    public LiteralKind LiteralKind => Green.Children[0].Kind switch
    {
        SyntaxKind.IntegerToken => LiteralKind.Integer,
        SyntaxKind.FloatToken => LiteralKind.Float,
        _ => LiteralKind.Uri,
    };

    /// <summary>The value of an integer literal; null for other literals and for integers Nix refuses (beyond 64 bits).</summary>
    public long? IntegerValue => LiteralKind == LiteralKind.Integer && long.TryParse(Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The value of a float literal; null for other literals.</summary>
    public double? FloatValue => LiteralKind == LiteralKind.Float && double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The value: a <see cref="long"/>, a <see cref="double"/> or a <see cref="string"/> (URI); null for an integer Nix refuses.</summary>
    public object? Value => LiteralKind switch
    {
        LiteralKind.Integer => IntegerValue,
        LiteralKind.Float => FloatValue,
        _ => Text,
    };
}

/// <summary><c>${expression}</c> in a string, a path or an attribute name.</summary>
public sealed class InterpolationSyntax : SyntaxNode
{
    internal InterpolationSyntax(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) : base(tree, parent, green, position, index) { }

    /// <summary>The expression inside.</summary>
    public SyntaxNode Expression => ChildNodes().First();
}
