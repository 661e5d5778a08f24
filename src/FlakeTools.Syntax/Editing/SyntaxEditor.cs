using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Syntax.Parsing;

namespace FlakeTools.Syntax;

/// <summary>
/// Edits of a tree. Every edit returns a new <see cref="SyntaxTree"/> that shares every untouched
/// subtree with the old one; new fragments come from parsing snippets, and take their indentation
/// and line endings from their neighbours.
/// </summary>
public static class SyntaxEditor
{
    /// <summary>
    /// Parses <paramref name="text"/> as one expression; throws <see cref="ArgumentException"/> when it
    /// is not valid Nix. Its free variables are not errors here: the place it goes to may bind them.
    /// </summary>
    public static SyntaxNode ParseExpression(string text)
    {
        var tree = SyntaxTree.Parse(text);
        if (tree.FirstStructuralError is { } error)
        {
            throw new ArgumentException($"not a valid Nix expression: {error} in {text}", nameof(text));
        }
        return tree.Root.Expression!;
    }

    /// <summary>
    /// Replaces <paramref name="node"/> by the expression <paramref name="newText"/>. The node's
    /// surrounding trivia (comments, indentation, line break) stays where it was.
    /// </summary>
    public static SyntaxTree ReplaceNode(SyntaxNode node, string newText)
    {
        var replacement = ParseExpression(newText).Green;
        return ReplaceNode(node, replacement);
    }

    /// <summary>Replaces the text of <paramref name="token"/>, keeping its trivia. The result must still parse.</summary>
    public static SyntaxTree ReplaceToken(SyntaxToken token, string newText)
    {
        var green = new GreenToken(token.Kind, newText, token.Green.Leading, token.Green.Trailing);
        return Validated(Replace(token, new GreenElement[] { green }));
    }

    /// <summary>
    /// Inserts bindings (<c>name = value;</c> or <c>inherit ...;</c>, one or more, as source text)
    /// into <paramref name="set"/> after <paramref name="after"/> (a member of the set), or after the
    /// last member when null. Line breaks inside the text take the file's line ending and the
    /// neighbours' indentation.
    /// </summary>
    public static SyntaxTree InsertBindings(SyntaxNode set, string bindingsText, SyntaxNode? after = null) =>
        InsertMembers(set, bindingsText, after);

    /// <summary>
    /// Replaces a binding or inherit by another one given as source text (<c>a.url = "x";</c>),
    /// keeping the comments and whitespace around it.
    /// </summary>
    public static SyntaxTree ReplaceMember(SyntaxNode member, string bindingText)
    {
        if (member.Kind is not (SyntaxKind.Binding or SyntaxKind.Inherit)) throw new ArgumentException("only a binding or an inherit can be replaced this way", nameof(member));
        var replacement = ParseMembers(bindingText, member.Tree.LineEnding, member.GetLineIndentation());
        if (replacement.Count != 1) throw new ArgumentException("give exactly one binding", nameof(bindingText));
        return ReplaceNode(member, replacement[0]);
    }

    /// <summary>
    /// Inserts bindings into <paramref name="set"/> just before its member <paramref name="before"/>,
    /// on their own line when that member starts one, else on the same line.
    /// </summary>
    public static SyntaxTree InsertBindingsBefore(SyntaxNode set, string bindingsText, SyntaxNode before)
    {
        if (before.Parent != set || before.Kind is not (SyntaxKind.Binding or SyntaxKind.Inherit)) throw new ArgumentException("the anchor is not a member of this set", nameof(before));
        var eol = set.Tree.LineEnding;
        var previous = set.GetChild(before.IndexInParent - 1);
        var previousEndsLine = LastGreenToken(previous)?.Trailing.Any(t => t.Kind == SyntaxKind.EndOfLine) == true;
        var indent = before.GetLineIndentation();
        var leading = previousEndsLine && indent.Length > 0 ? new[] { new GreenTrivia(SyntaxKind.Whitespace, indent) } : GreenToken.NoTrivia;
        var trailing = previousEndsLine ? new[] { new GreenTrivia(SyntaxKind.EndOfLine, eol) } : new[] { new GreenTrivia(SyntaxKind.Whitespace, " ") };
        var members = ParseMembers(bindingsText, eol, indent);
        var children = set.Green.Children.ToList();
        children.InsertRange(before.IndexInParent, members.Select(m => (GreenElement)m.ReplaceFirstToken(t => t.WithLeading(leading)).ReplaceLastToken(t => t.WithTrailing(trailing))));
        return Validated(ReplaceParent(set, new GreenNode(set.Kind, children.ToArray())));
    }

    private static List<GreenNode> ParseMembers(string text, string eol, string indent)
    {
        // Re-indent the snippet's own line breaks to the neighbours' indentation and line ending.
        var normalized = text.Replace("\r\n", "\n").Trim('\n').Replace("\n", eol + indent);
        var (parsed, diagnostics) = Parser.ParseBindingList(normalized);
        if (diagnostics.Count > 0) throw new ArgumentException($"not valid Nix bindings: {diagnostics[0].Message} in {text}", nameof(text));
        var members = parsed.Children.OfType<GreenNode>().Select(StripOuterTrivia).ToList();
        if (members.Count == 0) throw new ArgumentException("no binding to insert", nameof(text));
        return members;
    }

    /// <summary>
    /// Removes a binding or inherit together with its own comments (those on the lines above it
    /// and at the end of its line) and its whitespace.
    /// </summary>
    public static SyntaxTree RemoveMember(SyntaxNode member)
    {
        if (member.Kind is not (SyntaxKind.Binding or SyntaxKind.Inherit)) throw new ArgumentException("only a binding or an inherit can be removed this way", nameof(member));
        var parent = member.Parent!;
        var index = member.IndexInParent;
        var replacements = new Dictionary<int, GreenElement>();
        var removedFirst = member.Green.FirstToken()!;
        var removedLast = member.Green.LastToken()!;
        var removedEndsLine = removedLast.Trailing.Any(t => t.Kind == SyntaxKind.EndOfLine);

        // The token before the member: when the member started mid-line (after '{' or another
        // binding on the same line) and ended its line, that token now has to end the line.
        var previous = index > 0 ? parent.GetChild(index - 1) : null;
        if (previous is not null && removedEndsLine)
        {
            var previousLast = LastGreenToken(previous);
            if (previousLast is not null && !previousLast.Trailing.Any(t => t.Kind == SyntaxKind.EndOfLine))
            {
                var trimmed = previousLast.Trailing.Where(t => t.Kind != SyntaxKind.Whitespace).ToList();
                trimmed.Add(removedLast.Trailing.Last(t => t.Kind == SyntaxKind.EndOfLine));
                replacements[index - 1] = ReplaceLastToken(previous, _ => previousLast.WithTrailing(trimmed.ToArray()));
            }
        }

        // Blank lines that separated the member from what came before stay, when another member follows.
        if (index + 1 < parent.ChildCount && parent.GetChild(index + 1) is SyntaxNode { Kind: SyntaxKind.Binding or SyntaxKind.Inherit } next)
        {
            var blank = removedFirst.Leading.TakeWhile(t => t.Kind is SyntaxKind.EndOfLine or SyntaxKind.Whitespace).Where(t => t.Kind == SyntaxKind.EndOfLine).ToList();
            var nextFirst = next.Green.FirstToken()!;
            if (blank.Count > 0 && nextFirst.Leading.FirstOrDefault().Kind != SyntaxKind.EndOfLine)
            {
                replacements[index + 1] = next.Green.ReplaceFirstToken(t => t.WithLeading(blank.Concat(t.Leading).ToArray()));
            }
        }

        var children = new List<GreenElement>();
        for (var i = 0; i < parent.ChildCount; i++)
        {
            if (i == index) continue;
            children.Add(replacements.TryGetValue(i, out var changed) ? changed : parent.Green.Children[i]);
        }
        return Validated(ReplaceParent(parent, new GreenNode(parent.Kind, children.ToArray())));
    }

    /// <summary>
    /// Removes a formal from an argument pattern together with its comma, keeping the layout
    /// (one line or one per line, trailing or leading commas) of the rest.
    /// </summary>
    public static SyntaxTree RemoveFormal(FormalSyntax formal)
    {
        var pattern = formal.Parent!;
        var index = formal.IndexInParent;
        var children = pattern.Green.Children.ToList();
        var removedFirst = formal.Green.FirstToken()!;
        var removedLast = formal.Green.LastToken()!;
        if (index + 1 < children.Count && children[index + 1].Kind == SyntaxKind.CommaToken)
        {
            // `a, b` -> `b`: what follows takes over the removed formal's leading trivia.
            children.RemoveRange(index, 2);
            if (index < children.Count) children[index] = WithLeadingOf(children[index], removedFirst.Leading);
        }
        else if (index > 0 && children[index - 1].Kind == SyntaxKind.CommaToken)
        {
            // `a, b` removing b: the comma before it goes; the formal before ends as b ended.
            children.RemoveRange(index - 1, 2);
            if (index - 2 >= 0) children[index - 2] = WithTrailingOf(children[index - 2], removedLast.Trailing);
        }
        else
        {
            children.RemoveAt(index);
        }
        return Validated(ReplaceParent(pattern, new GreenNode(pattern.Kind, children.ToArray())));
    }

    /// <summary>
    /// Inserts a formal (<c>name</c> or <c>name ? default</c>) into an argument pattern after the
    /// last named formal (so before <c>...</c>), in the pattern's style: one line or one per line,
    /// trailing or leading commas.
    /// </summary>
    public static SyntaxTree InsertFormal(PatternSyntax pattern, string formalText)
    {
        var probe = SyntaxTree.Parse("{ " + formalText + " }: null");
        if (probe.HasErrors || probe.Root.Expression is not LambdaSyntax { Parameter: PatternSyntax parsed } || parsed.Formals.Count() != 1)
        {
            throw new ArgumentException($"not a valid formal: {formalText}", nameof(formalText));
        }
        var newFormal = StripOuterTrivia(parsed.Formals.Single().Green);
        var children = pattern.Green.Children.ToList();
        var formals = pattern.Formals.ToList();
        var eol = pattern.Tree.LineEnding;
        var space = new[] { new GreenTrivia(SyntaxKind.Whitespace, " ") };
        var endOfLine = new[] { new GreenTrivia(SyntaxKind.EndOfLine, eol) };
        GreenToken Comma(GreenTrivia[] leading, GreenTrivia[] trailing) => new(SyntaxKind.CommaToken, ",", leading, trailing);

        if (formals.Count == 0)
        {
            var open = children.FindIndex(c => c.Kind == SyntaxKind.OpenBraceToken);
            var openToken = (GreenToken)children[open];
            var hasEllipsis = children.Any(c => c.Kind == SyntaxKind.EllipsisToken);
            var formal = WithLeadingOf(newFormal, openToken.Trailing.Length > 0 ? GreenToken.NoTrivia : space);
            children.InsertRange(open + 1, hasEllipsis ? new GreenElement[] { formal, Comma(GreenToken.NoTrivia, space) } : new[] { WithTrailingOf(formal, space) });
            return Validated(ReplaceParent(pattern, new GreenNode(pattern.Kind, children.ToArray())));
        }

        var last = formals[^1];
        var lastIndex = last.IndexInParent;
        var commaAfterLast = lastIndex + 1 < children.Count && children[lastIndex + 1].Kind == SyntaxKind.CommaToken;
        var lastTrailing = last.Green.LastToken()!.Trailing;
        var multiLine = pattern.ToString().Contains('\n');
        var leadingCommaStyle = multiLine && pattern.ChildTokens().Any(t =>
            t.Kind == SyntaxKind.CommaToken && t.IndexInParent > 0 &&
            LastGreenToken(pattern.GetChild(t.IndexInParent - 1))!.Trailing.Any(x => x.Kind == SyntaxKind.EndOfLine));

        if (leadingCommaStyle)
        {
            // `{ a\n, b\n, ...\n}`: a new line `, new` after the last formal (which ends its line).
            var commaIndent = pattern.ChildTokens().First(t => t.Kind == SyntaxKind.CommaToken).Green.Leading;
            children.InsertRange(lastIndex + 1, new GreenElement[] { Comma(commaIndent, space), WithTrailingOf(newFormal, endOfLine) });
        }
        else if (multiLine)
        {
            var indent = new[] { new GreenTrivia(SyntaxKind.Whitespace, last.GetLineIndentation()) };
            var formal = WithLeadingOf(newFormal, indent);
            if (commaAfterLast)
            {
                children.InsertRange(lastIndex + 2, new GreenElement[] { formal, Comma(GreenToken.NoTrivia, endOfLine) });
            }
            else
            {
                children[lastIndex] = WithTrailingOf(last.Green, GreenToken.NoTrivia);
                children.InsertRange(lastIndex + 1, new GreenElement[] { Comma(GreenToken.NoTrivia, endOfLine), WithTrailingOf(formal, lastTrailing) });
            }
        }
        else if (commaAfterLast)
        {
            var trailing = ((GreenToken)children[lastIndex + 1]).Trailing;
            children.InsertRange(lastIndex + 2, new GreenElement[] { newFormal, Comma(GreenToken.NoTrivia, trailing.Length > 0 ? trailing : space) });
        }
        else
        {
            children[lastIndex] = WithTrailingOf(last.Green, GreenToken.NoTrivia);
            children.InsertRange(lastIndex + 1, new GreenElement[] { Comma(GreenToken.NoTrivia, space), WithTrailingOf(newFormal, lastTrailing) });
        }
        return Validated(ReplaceParent(pattern, new GreenNode(pattern.Kind, children.ToArray())));
    }

    // ---------------- internals ----------------

    internal static SyntaxTree ReplaceNode(SyntaxNode node, GreenNode replacement)
    {
        var first = node.Green.FirstToken();
        var last = node.Green.LastToken();
        var adjusted = replacement;
        if (first is not null) adjusted = adjusted.ReplaceFirstToken(t => t.WithLeading(first.Leading));
        if (last is not null) adjusted = adjusted.ReplaceLastToken(t => t.WithTrailing(last.Trailing));
        return Validated(Replace(node, new GreenElement[] { adjusted }));
    }

    private static SyntaxTree InsertMembers(SyntaxNode set, string text, SyntaxNode? after)
    {
        if (set.Kind is not (SyntaxKind.AttrSet or SyntaxKind.LetIn)) throw new ArgumentException("bindings go into an attribute set or a let", nameof(set));
        var tree = set.Tree;
        var eol = tree.LineEnding;
        var members = set.ChildNodes().Where(n => n.Kind is SyntaxKind.Binding or SyntaxKind.Inherit).ToList();
        var anchor = after ?? members.LastOrDefault();
        if (anchor is not null && anchor.Parent != set) throw new ArgumentException("the anchor is not a member of this set", nameof(after));

        GreenTrivia[] leading;
        GreenTrivia[] trailing;
        string indent;
        int insertAt;
        (int Index, GreenToken Token)? openReplacement = null;
        var anchorLast = anchor?.Green.LastToken();
        if (anchor is not null && anchorLast!.Trailing.Any(t => t.Kind == SyntaxKind.EndOfLine))
        {
            indent = anchor.GetLineIndentation();
            leading = indent.Length > 0 ? new[] { new GreenTrivia(SyntaxKind.Whitespace, indent) } : GreenToken.NoTrivia;
            trailing = new[] { new GreenTrivia(SyntaxKind.EndOfLine, eol) };
            insertAt = anchor.IndexInParent + 1;
        }
        else if (anchor is not null)
        {
            indent = anchor.GetLineIndentation();
            leading = GreenToken.NoTrivia;
            trailing = anchorLast!.Trailing.Length > 0 ? anchorLast.Trailing : GreenToken.NoTrivia;
            insertAt = anchor.IndexInParent + 1;
        }
        else
        {
            var open = set.ChildTokens().FirstOrDefault(t => t.Kind is SyntaxKind.OpenBraceToken or SyntaxKind.LetKeyword)
                       ?? throw new ArgumentException("the set has no opening brace", nameof(set));
            insertAt = open.IndexInParent + 1;
            var closing = set.ChildTokens().FirstOrDefault(t => t.Kind is SyntaxKind.CloseBraceToken or SyntaxKind.InKeyword);
            var multiLine = open.Green.Trailing.Any(t => t.Kind == SyntaxKind.EndOfLine);
            if (multiLine)
            {
                var baseIndent = set.GetLineIndentation();
                indent = baseIndent + IndentUnit(tree);
                leading = new[] { new GreenTrivia(SyntaxKind.Whitespace, indent) };
                trailing = new[] { new GreenTrivia(SyntaxKind.EndOfLine, eol) };
            }
            else
            {
                indent = set.GetLineIndentation() + IndentUnit(tree);
                leading = GreenToken.NoTrivia;
                trailing = new[] { new GreenTrivia(SyntaxKind.Whitespace, " ") };
                if (closing is not null && closing.Green.Leading.Length > 0) trailing = GreenToken.NoTrivia;
                if (open.Green.Trailing.Length == 0)
                {
                    // `{}` -> `{ b = 2; }`: the space after '{' is that token's trailing trivia.
                    openReplacement = (open.IndexInParent, open.Green.WithTrailing(new[] { new GreenTrivia(SyntaxKind.Whitespace, " ") }));
                }
            }
        }

        var green = ParseMembers(text, eol, indent)
            .Select(member => (GreenElement)member.ReplaceFirstToken(t => t.WithLeading(leading)).ReplaceLastToken(t => t.WithTrailing(trailing)))
            .ToList();
        var children = set.Green.Children.ToList();
        if (openReplacement is { } replaced) children[replaced.Index] = replaced.Token;
        children.InsertRange(insertAt, green);
        return Validated(ReplaceParent(set, new GreenNode(set.Kind, children.ToArray())));
    }

    /// <summary>The file's unit of indentation: a tab, or the smallest run of leading spaces (at most 4); two spaces when it has none.</summary>
    public static string IndentUnit(SyntaxTree tree)
    {
        var smallest = int.MaxValue;
        foreach (var line in tree.Text.Split('\n'))
        {
            if (line.Trim().Length == 0) continue;
            if (line.StartsWith('\t')) return "\t";
            var spaces = line.Length - line.TrimStart(' ').Length;
            if (spaces > 0) smallest = Math.Min(smallest, spaces);
        }
        return smallest == int.MaxValue ? "  " : new string(' ', Math.Min(smallest, 4));
    }

    private static GreenNode StripOuterTrivia(GreenNode node) =>
        node.ReplaceFirstToken(t => t.WithLeading(GreenToken.NoTrivia)).ReplaceLastToken(t => t.WithTrailing(GreenToken.NoTrivia));

    private static GreenElement WithLeadingOf(GreenElement element, GreenTrivia[] leading) => element switch
    {
        GreenToken token => token.WithLeading(leading),
        GreenNode node => node.ReplaceFirstToken(t => t.WithLeading(leading)),
        _ => element,
    };

    private static GreenElement WithTrailingOf(GreenElement element, GreenTrivia[] trailing) => element switch
    {
        GreenToken token => token.WithTrailing(trailing),
        GreenNode node => node.ReplaceLastToken(t => t.WithTrailing(trailing)),
        _ => element,
    };

    private static GreenToken? LastGreenToken(SyntaxElement element) => element switch
    {
        SyntaxToken token => token.Green,
        SyntaxNode node => node.Green.LastToken(),
        _ => null,
    };

    private static GreenElement ReplaceLastToken(SyntaxElement element, Func<GreenToken, GreenToken> change) => element switch
    {
        SyntaxToken token => change(token.Green),
        SyntaxNode node => node.Green.ReplaceLastToken(change),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>Replaces an element by zero or more green elements and rebuilds the spine above it.</summary>
    private static SyntaxTree Replace(SyntaxElement target, IReadOnlyList<GreenElement> replacement)
    {
        var parent = target.Parent ?? throw new ArgumentException("the root cannot be replaced", nameof(target));
        var newParent = parent.Green.WithChildren(target.IndexInParent, 1, replacement);
        return ReplaceParent(parent, newParent);
    }

    private static SyntaxTree ReplaceParent(SyntaxNode node, GreenNode replacement)
    {
        var current = replacement;
        var walk = node;
        while (walk.Parent is { } parent)
        {
            current = parent.Green.WithChild(walk.IndexInParent, current);
            walk = parent;
        }
        return SyntaxTree.FromGreen(current, node.Tree.FilePath);
    }

    /// <summary>
    /// Every edit must leave well-formed Nix when it started from well-formed Nix. Whether a name is
    /// still bound (an undefined variable) is a question of what the edit meant: the caller compares
    /// before and after (FlakeTools.Core's flake editor refuses an edit that adds one).
    /// </summary>
    private static SyntaxTree Validated(SyntaxTree result)
    {
        if (result.FirstStructuralError is { } error)
        {
            throw new InvalidOperationException($"the edit would produce invalid Nix: {error}");
        }
        return result;
    }
}
