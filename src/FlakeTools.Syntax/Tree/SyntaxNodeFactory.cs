namespace FlakeTools.Syntax;

internal static class SyntaxNodeFactory
{
    public static SyntaxNode Create(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int index) => green.Kind switch
    {
        SyntaxKind.Root => new RootSyntax(tree, parent, green, position, index),
        SyntaxKind.AttrSet => new AttrSetSyntax(tree, parent, green, position, index),
        SyntaxKind.Binding => new BindingSyntax(tree, parent, green, position, index),
        SyntaxKind.Inherit => new InheritSyntax(tree, parent, green, position, index),
        SyntaxKind.AttrPath => new AttrPathSyntax(tree, parent, green, position, index),
        SyntaxKind.Identifier => new IdentifierSyntax(tree, parent, green, position, index),
        SyntaxKind.String or SyntaxKind.IndentedString => new StringSyntax(tree, parent, green, position, index),
        SyntaxKind.Lambda => new LambdaSyntax(tree, parent, green, position, index),
        SyntaxKind.Pattern => new PatternSyntax(tree, parent, green, position, index),
        SyntaxKind.Formal => new FormalSyntax(tree, parent, green, position, index),
        SyntaxKind.LetIn => new LetInSyntax(tree, parent, green, position, index),
        SyntaxKind.Select => new SelectSyntax(tree, parent, green, position, index),
        SyntaxKind.Apply => new ApplySyntax(tree, parent, green, position, index),
        SyntaxKind.List => new ListSyntax(tree, parent, green, position, index),
        SyntaxKind.Parenthesized => new ParenthesizedSyntax(tree, parent, green, position, index),
        SyntaxKind.With => new WithSyntax(tree, parent, green, position, index),
        SyntaxKind.IfElse => new IfElseSyntax(tree, parent, green, position, index),
        SyntaxKind.Assert => new AssertSyntax(tree, parent, green, position, index),
        SyntaxKind.BinaryOp => new BinaryOpSyntax(tree, parent, green, position, index),
        SyntaxKind.UnaryOp => new UnaryOpSyntax(tree, parent, green, position, index),
        SyntaxKind.HasAttr => new HasAttrSyntax(tree, parent, green, position, index),
        SyntaxKind.Path => new PathSyntax(tree, parent, green, position, index),
        SyntaxKind.SearchPath => new SearchPathSyntax(tree, parent, green, position, index),
        SyntaxKind.Literal => new LiteralSyntax(tree, parent, green, position, index),
        SyntaxKind.Interpolation => new InterpolationSyntax(tree, parent, green, position, index),
        _ => new SyntaxNode(tree, parent, green, position, index),
    };
}
