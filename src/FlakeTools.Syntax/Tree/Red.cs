using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;

namespace FlakeTools.Syntax;

/// <summary>A range of characters in the source text.</summary>
/// <param name="Start">Offset of the first character.</param>
/// <param name="Length">Number of characters.</param>
public readonly record struct TextSpan(int Start, int Length)
{
    /// <summary>Offset just past the last character.</summary>
    public int End => Start + Length;

    /// <summary>Whether <paramref name="position"/> is inside the span (end exclusive).</summary>
    public bool Contains(int position) => position >= Start && position < End;
}

/// <summary>A one-based line and column.</summary>
/// <param name="Line">One-based line number.</param>
/// <param name="Column">One-based column, counted in UTF-16 code units.</param>
public readonly record struct LinePosition(int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>A node or a token of the positioned (red) tree.</summary>
public abstract class SyntaxElement
{
    private protected SyntaxElement(SyntaxTree tree, SyntaxNode? parent, int position, int indexInParent)
    {
        Tree = tree;
        Parent = parent;
        Position = position;
        IndexInParent = indexInParent;
    }

    /// <summary>The tree this element belongs to.</summary>
    public SyntaxTree Tree { get; }

    /// <summary>The parent node, or null for the root.</summary>
    public SyntaxNode? Parent { get; }

    /// <summary>Offset of the element's first character, leading trivia included.</summary>
    public int Position { get; }

    /// <summary>Index among the parent's children.</summary>
    public int IndexInParent { get; }

    internal abstract GreenElement GreenElement { get; }

    /// <summary>The kind of this node or token.</summary>
    public SyntaxKind Kind => GreenElement.Kind;

    /// <summary>The span including leading and trailing trivia.</summary>
    public TextSpan FullSpan => new(Position, GreenElement.FullWidth);

    /// <summary>The span without the leading trivia of the first token and the trailing trivia of the last.</summary>
    public abstract TextSpan Span { get; }

    /// <summary>The line and column where <see cref="Span"/> starts.</summary>
    public LinePosition StartPosition => Tree.GetLinePosition(Span.Start);

    /// <summary>The text including all trivia: exactly the source this element was parsed from.</summary>
    public string ToFullString() => GreenElement.ToFullString();

    /// <summary>The text without the outer trivia.</summary>
    public override string ToString()
    {
        var span = Span;
        return ToFullString().Substring(span.Start - Position, span.Length);
    }

    /// <summary>The ancestors of this element, nearest first.</summary>
    public IEnumerable<SyntaxNode> Ancestors()
    {
        for (var node = Parent; node is not null; node = node.Parent) yield return node;
    }
}

/// <summary>A token of the red tree: its text and the trivia hung on it.</summary>
public sealed class SyntaxToken : SyntaxElement
{
    internal SyntaxToken(SyntaxTree tree, SyntaxNode? parent, GreenToken green, int position, int indexInParent)
        : base(tree, parent, position, indexInParent)
    {
        Green = green;
    }

    internal GreenToken Green { get; }

    internal override GreenElement GreenElement => Green;

    /// <summary>The token's own text, trivia excluded.</summary>
    public string Text => Green.Text;

    /// <inheritdoc />
    public override TextSpan Span => new(Position + Green.LeadingWidth, Green.Text.Length);

    /// <summary>Whitespace and comments before the token (from the previous line break on).</summary>
    public IReadOnlyList<SyntaxTrivia> LeadingTrivia => MakeTrivia(Green.Leading, Position);

    /// <summary>Whitespace and comments after the token up to and including the end of its line.</summary>
    public IReadOnlyList<SyntaxTrivia> TrailingTrivia => MakeTrivia(Green.Trailing, Span.End);

    private static SyntaxTrivia[] MakeTrivia(GreenTrivia[] trivia, int position)
    {
        var result = new SyntaxTrivia[trivia.Length];
        for (var i = 0; i < trivia.Length; i++)
        {
            result[i] = new SyntaxTrivia(trivia[i].Kind, trivia[i].Text, position);
            position += trivia[i].Text.Length;
        }
        return result;
    }
}

/// <summary>A piece of trivia with its position.</summary>
/// <param name="Kind">Whitespace, EndOfLine, LineComment, BlockComment or ByteOrderMark.</param>
/// <param name="Text">The trivia's text.</param>
/// <param name="Position">Offset of its first character.</param>
public readonly record struct SyntaxTrivia(SyntaxKind Kind, string Text, int Position)
{
    /// <summary>Whether this is a comment.</summary>
    public bool IsComment => Kind is SyntaxKind.LineComment or SyntaxKind.BlockComment;
}

/// <summary>
/// A node of the red tree. Children are created on demand and cached; the cache is safe for
/// several threads reading the same tree (each child is created once and published atomically).
/// </summary>
public class SyntaxNode : SyntaxElement
{
    // Below this many children, a child's position is found by adding the widths of the earlier
    // siblings; from it on, the node keeps an array of child offsets (so a wide set is linear).
    private const int OffsetTableThreshold = 8;

    private SyntaxElement?[]? _children;
    private int[]? _offsets;

    internal SyntaxNode(SyntaxTree tree, SyntaxNode? parent, GreenNode green, int position, int indexInParent)
        : base(tree, parent, position, indexInParent)
    {
        Green = green;
    }

    internal GreenNode Green { get; }

    internal override GreenElement GreenElement => Green;

    /// <inheritdoc />
    public override TextSpan Span
    {
        get
        {
            var first = Green.FirstToken();
            var last = Green.LastToken();
            if (first is null || last is null) return new TextSpan(Position, 0);
            var start = Position + first.LeadingWidth;
            var end = Position + Green.FullWidth - last.TrailingWidth;
            return new TextSpan(start, Math.Max(0, end - start));
        }
    }

    /// <summary>Number of direct children (nodes and tokens).</summary>
    public int ChildCount => Green.Children.Length;

    /// <summary>The direct child at <paramref name="index"/>.</summary>
    public SyntaxElement GetChild(int index)
    {
        var children = _children;
        if (children is null)
        {
            Interlocked.CompareExchange(ref _children, new SyntaxElement?[Green.Children.Length], null);
            children = _children!;
        }
        if (Volatile.Read(ref children[index]) is { } cached) return cached;
        var position = Position + ChildOffset(index);
        SyntaxElement created = Green.Children[index] switch
        {
            GreenNode node => SyntaxNodeFactory.Create(Tree, this, node, position, index),
            GreenToken token => new SyntaxToken(Tree, this, token, position, index),
            _ => throw new InvalidOperationException("unknown green element"),
        };
        // Another thread may have created the same child meanwhile: everyone keeps the first one.
        return Interlocked.CompareExchange(ref children[index], created, null) ?? created;
    }

    /// <summary>Offset of child <paramref name="index"/> from this node's position.</summary>
    private int ChildOffset(int index)
    {
        var greenChildren = Green.Children;
        if (greenChildren.Length < OffsetTableThreshold)
        {
            var offset = 0;
            for (var i = 0; i < index; i++) offset += greenChildren[i].FullWidth;
            return offset;
        }
        var offsets = _offsets;
        if (offsets is null)
        {
            // Computed once per node; a race computes the same array twice, which is harmless.
            offsets = new int[greenChildren.Length];
            var sum = 0;
            for (var i = 0; i < greenChildren.Length; i++)
            {
                offsets[i] = sum;
                sum += greenChildren[i].FullWidth;
            }
            Volatile.Write(ref _offsets, offsets);
        }
        return offsets[index];
    }

    /// <summary>The direct children, nodes and tokens, in source order.</summary>
    public IEnumerable<SyntaxElement> ChildNodesAndTokens()
    {
        for (var i = 0; i < Green.Children.Length; i++) yield return GetChild(i);
    }

    /// <summary>The direct child nodes.</summary>
    public IEnumerable<SyntaxNode> ChildNodes() => ChildNodesAndTokens().OfType<SyntaxNode>();

    /// <summary>The direct child tokens.</summary>
    public IEnumerable<SyntaxToken> ChildTokens() => ChildNodesAndTokens().OfType<SyntaxToken>();

    /// <summary>The first direct child token of <paramref name="kind"/>, or null.</summary>
    public SyntaxToken? ChildToken(SyntaxKind kind) => ChildTokens().FirstOrDefault(t => t.Kind == kind);

    /// <summary>All nodes below this one in source order (pre-order), this node excluded.</summary>
    public IEnumerable<SyntaxNode> DescendantNodes(Func<SyntaxNode, bool>? descendInto = null)
    {
        var stack = new Stack<SyntaxNode>();
        PushChildren(stack, this);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            if (descendInto is null || descendInto(node)) PushChildren(stack, node);
        }
    }

    /// <summary>All tokens below this node in source order.</summary>
    public IEnumerable<SyntaxToken> DescendantTokens()
    {
        var stack = new Stack<SyntaxElement>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var element = stack.Pop();
            if (element is SyntaxToken token) { yield return token; continue; }
            var node = (SyntaxNode)element;
            for (var i = node.ChildCount - 1; i >= 0; i--) stack.Push(node.GetChild(i));
        }
    }

    /// <summary>The first token of this node, or null when it has none.</summary>
    public SyntaxToken? FirstToken() => DescendantTokens().FirstOrDefault();

    /// <summary>The last token of this node, or null when it has none.</summary>
    public SyntaxToken? LastToken()
    {
        SyntaxElement current = this;
        while (current is SyntaxNode node)
        {
            SyntaxElement? found = null;
            for (var i = node.ChildCount - 1; i >= 0; i--)
            {
                var child = node.GetChild(i);
                if (child is SyntaxToken || ((SyntaxNode)child).Green.LastToken() is not null) { found = child; break; }
            }
            if (found is null) return null;
            current = found;
        }
        return (SyntaxToken)current;
    }

    /// <summary>The innermost node whose span contains <paramref name="position"/>.</summary>
    public SyntaxNode FindNode(int position)
    {
        var current = this;
        while (true)
        {
            var next = current.ChildNodes().FirstOrDefault(child => child.FullSpan.Contains(position));
            if (next is null) return current;
            current = next;
        }
    }

    /// <summary>The indentation (spaces and tabs) of the line this node starts on.</summary>
    public string GetLineIndentation()
    {
        var text = Tree.Text;
        var start = Span.Start;
        var lineStart = start;
        while (lineStart > 0 && text[lineStart - 1] != '\n' && text[lineStart - 1] != '\r') lineStart--;
        var end = lineStart;
        while (end < text.Length && (text[end] == ' ' || text[end] == '\t')) end++;
        return text.Substring(lineStart, end - lineStart);
    }

    private static void PushChildren(Stack<SyntaxNode> stack, SyntaxNode node)
    {
        for (var i = node.ChildCount - 1; i >= 0; i--)
        {
            if (node.Green.Children[i] is GreenNode) stack.Push((SyntaxNode)node.GetChild(i));
        }
    }
}
