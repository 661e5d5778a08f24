using System.Runtime.CompilerServices;
using System;
using System.Collections.Generic;
using System.Text;

namespace FlakeTools.Syntax;

/// <summary>One piece of trivia as stored in the immutable (green) tree.</summary>
internal readonly record struct GreenTrivia(SyntaxKind Kind, string Text);

/// <summary>
/// The immutable, position-free half of the tree. Green elements know their kind, text and
/// width; they are shared between trees, so an edit rebuilds only the spine above it.
/// </summary>
internal abstract class GreenElement
{
    protected GreenElement(SyntaxKind kind, int fullWidth)
    {
        Kind = kind;
        FullWidth = fullWidth;
    }

    public SyntaxKind Kind { get; }

    public int FullWidth { get; }

    public abstract void WriteTo(StringBuilder builder);

    public string ToFullString()
    {
        if (this is GreenToken token && token.Leading.Length == 0 && token.Trailing.Length == 0) return token.Text;
        // Written straight into the new string: no builder buffer to copy from.
        return string.Create(FullWidth, this, static (span, element) =>
        {
            var written = element.WriteTo(span);
            if (written != span.Length) throw new InvalidOperationException("the tree's widths do not add up");
        });
    }

    /// <summary>Writes the text into <paramref name="destination"/> (at least <see cref="FullWidth"/> long); returns the count written.</summary>
    public abstract int WriteTo(Span<char> destination);
}

internal sealed class GreenToken : GreenElement
{
    public static readonly GreenTrivia[] NoTrivia = Array.Empty<GreenTrivia>();

    public GreenToken(SyntaxKind kind, string text, GreenTrivia[] leading, GreenTrivia[] trailing)
        : base(kind, text.Length + Width(leading) + Width(trailing))
    {
        Text = text;
        Leading = leading;
        Trailing = trailing;
    }

    public string Text { get; }

    public GreenTrivia[] Leading { get; }

    public GreenTrivia[] Trailing { get; }

    public int LeadingWidth => Width(Leading);

    public int TrailingWidth => Width(Trailing);

    public GreenToken WithLeading(GreenTrivia[] leading) => new(Kind, Text, leading, Trailing);

    public GreenToken WithTrailing(GreenTrivia[] trailing) => new(Kind, Text, Leading, trailing);

    public override void WriteTo(StringBuilder builder)
    {
        foreach (var trivia in Leading) builder.Append(trivia.Text);
        builder.Append(Text);
        foreach (var trivia in Trailing) builder.Append(trivia.Text);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int WriteTo(Span<char> destination)
    {
        var written = 0;
        foreach (var trivia in Leading) { trivia.Text.CopyTo(destination[written..]); written += trivia.Text.Length; }
        Text.CopyTo(destination[written..]);
        written += Text.Length;
        foreach (var trivia in Trailing) { trivia.Text.CopyTo(destination[written..]); written += trivia.Text.Length; }
        return written;
    }

    private static int Width(GreenTrivia[] trivia)
    {
        var width = 0;
        foreach (var piece in trivia) width += piece.Text.Length;
        return width;
    }
}

internal sealed class GreenNode : GreenElement
{
    public GreenNode(SyntaxKind kind, GreenElement[] children)
        : base(kind, Width(children))
    {
        Children = children;
    }

    public GreenElement[] Children { get; }

    /// <summary>A copy with child <paramref name="index"/> replaced; the other children are shared.</summary>
    public GreenNode WithChild(int index, GreenElement child)
    {
        var children = (GreenElement[])Children.Clone();
        children[index] = child;
        return new GreenNode(Kind, children);
    }

    /// <summary>A copy with <paramref name="count"/> children from <paramref name="index"/> replaced by <paramref name="replacement"/>.</summary>
    public GreenNode WithChildren(int index, int count, IReadOnlyList<GreenElement> replacement)
    {
        var children = new GreenElement[Children.Length - count + replacement.Count];
        Array.Copy(Children, 0, children, 0, index);
        for (var i = 0; i < replacement.Count; i++) children[index + i] = replacement[i];
        Array.Copy(Children, index + count, children, index + replacement.Count, Children.Length - index - count);
        return new GreenNode(Kind, children);
    }

    public override void WriteTo(StringBuilder builder)
    {
        foreach (var token in Tokens()) token.WriteTo(builder);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int WriteTo(Span<char> destination)
    {
        var written = 0;
        foreach (var token in Tokens()) written += token.WriteTo(destination[written..]);
        return written;
    }

    /// <summary>
    /// The tokens below this node in source order; iterative, so that a deeply nested (error) tree
    /// cannot overflow the stack.
    /// </summary>
    public IEnumerable<GreenToken> Tokens()
    {
        var stack = new Stack<(GreenNode Node, int Next)>();
        stack.Push((this, 0));
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next >= node.Children.Length) continue;
            stack.Push((node, next + 1));
            var child = node.Children[next];
            if (child is GreenNode inner) stack.Push((inner, 0));
            else yield return (GreenToken)child;
        }
    }

    /// <summary>The first token below this node, or null for an empty node.</summary>
    public GreenToken? FirstToken()
    {
        GreenElement current = this;
        while (current is GreenNode node)
        {
            GreenElement? found = null;
            foreach (var child in node.Children)
            {
                if (child.FullWidth > 0 || child is GreenToken) { found = child; break; }
            }
            if (found is null) return null;
            current = found;
        }
        return (GreenToken)current;
    }

    /// <summary>The last token below this node, or null for an empty node.</summary>
    public GreenToken? LastToken()
    {
        GreenElement current = this;
        while (current is GreenNode node)
        {
            GreenElement? found = null;
            for (var i = node.Children.Length - 1; i >= 0; i--)
            {
                var child = node.Children[i];
                if (child.FullWidth > 0 || child is GreenToken) { found = child; break; }
            }
            if (found is null) return null;
            current = found;
        }
        return (GreenToken)current;
    }

    /// <summary>A copy with the first token replaced (along the leftmost spine).</summary>
    public GreenNode ReplaceFirstToken(Func<GreenToken, GreenToken> change) => (GreenNode)ReplaceEdgeToken(this, change, first: true);

    /// <summary>A copy with the last token replaced (along the rightmost spine).</summary>
    public GreenNode ReplaceLastToken(Func<GreenToken, GreenToken> change) => (GreenNode)ReplaceEdgeToken(this, change, first: false);

    private static GreenElement ReplaceEdgeToken(GreenElement element, Func<GreenToken, GreenToken> change, bool first)
    {
        if (element is GreenToken token) return change(token);
        var node = (GreenNode)element;
        var count = node.Children.Length;
        for (var k = 0; k < count; k++)
        {
            var i = first ? k : count - 1 - k;
            var child = node.Children[i];
            if (child.FullWidth > 0 || child is GreenToken)
            {
                return node.WithChild(i, ReplaceEdgeToken(child, change, first));
            }
        }
        return node;
    }

    private static int Width(GreenElement[] children)
    {
        var width = 0;
        foreach (var child in children) width += child.FullWidth;
        return width;
    }
}
