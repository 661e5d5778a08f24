using System.Text;

namespace FlakeTools.Syntax;

/// <summary>A readable, indented dump of a tree: one line per node, token and piece of trivia.</summary>
public static class SyntaxDump
{
    /// <summary>Dumps <paramref name="node"/> and everything below it.</summary>
    public static string Dump(SyntaxNode node)
    {
        var builder = new StringBuilder();
        Write(builder, node, 0);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, SyntaxElement element, int depth)
    {
        var indent = new string(' ', depth * 2);
        if (element is SyntaxToken token)
        {
            foreach (var trivia in token.LeadingTrivia) builder.Append(indent).Append("  ").Append(trivia.Kind).Append(' ').Append(Escape(trivia.Text)).Append('\n');
            builder.Append(indent).Append(token.Kind).Append('@').Append(token.Span.Start).Append(' ').Append(Escape(token.Text)).Append('\n');
            foreach (var trivia in token.TrailingTrivia) builder.Append(indent).Append("  ").Append(trivia.Kind).Append(' ').Append(Escape(trivia.Text)).Append('\n');
            return;
        }
        var node = (SyntaxNode)element;
        builder.Append(indent).Append(node.Kind).Append('@').Append(node.FullSpan.Start).Append("..").Append(node.FullSpan.End).Append('\n');
        foreach (var child in node.ChildNodesAndTokens()) Write(builder, child, depth + 1);
    }

    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 2);
        builder.Append('"');
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '"' => "\\\"",
                '\\' => "\\\\",
                '\uFEFF' => "\\uFEFF",
                _ => c.ToString(),
            });
        }
        return builder.Append('"').ToString();
    }
}
