using System.Buffers;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace FlakeTools.Syntax.Parsing;

/// <summary>
/// (Its methods and the lexer's are compiled as <see cref="Compile.Eager"/> says: optimised from the
/// first call in the IL build, precompiled in the ReadyToRun package; the parse checks' are marked
/// AggressiveOptimization. Inside pwsh the runtime tiers code up only after a method has run many
/// times and a delay has passed. Measured with `bench compare-nix` and bench/startup.ps1.)
/// A recursive-descent parser for the whole Nix grammar (as Nix 2.x's bison grammar defines it),
/// producing a lossless green tree. It never throws on input: what does not fit the grammar goes
/// into Error nodes and a diagnostic.
/// </summary>
internal sealed class Parser
{
    /// <summary>How deep expressions may nest before the parser stops descending.</summary>
    public const int MaxDepth = 1000;

    private readonly GreenToken[] _tokens; // the first _count are the file's tokens (the array may be longer)
    private readonly int[] _starts; // offset of each token's own text
    private readonly int _count;
    private readonly List<RawDiagnostic> _diagnostics;
    private int _index;
    private int _depth;
    private bool _reportedTooDeep;

    private Parser((GreenToken[] Tokens, int[] Starts, int Count, List<RawDiagnostic> Diagnostics) built)
        : this(built.Tokens, built.Starts, built.Count, built.Diagnostics)
    {
    }

    private Parser(GreenToken[] tokens, int[] starts, int count, List<RawDiagnostic> diagnostics)
    {
        _tokens = tokens;
        _starts = starts;
        _count = count;
        _diagnostics = diagnostics;
    }

    /// <summary>
    /// The nodes the parse-time checks look at (sets, lets, patterns), with their offsets, collected
    /// while parsing so that the checks need no walk over the whole tree.
    /// </summary>
    private readonly List<(GreenNode Node, int Offset)> _checkTargets = new();

    private int StartOf(int tokenIndex) => _starts[tokenIndex] - _tokens[tokenIndex].LeadingWidth;

    private GreenNode Checked(GreenNode node, int firstTokenIndex)
    {
        _checkTargets.Add((node, StartOf(firstTokenIndex)));
        return node;
    }

    [MethodImpl(Compile.Eager)]
    public static (GreenNode Root, List<RawDiagnostic> Diagnostics, List<(GreenNode Node, int Offset)> CheckTargets) ParseRoot(string text)
    {
        var built = Build(text);
        var parser = new Parser(built);
        var root = parser.ParseRootNode();
        Release(built);
        return (root, built.Diagnostics, parser._checkTargets);
    }

    /// <summary>Parses <paramref name="text"/> as the bindings of an attribute set body.</summary>
    [MethodImpl(Compile.Eager)]
    public static (GreenNode Set, List<RawDiagnostic> Diagnostics) ParseBindingList(string text)
    {
        var built = Build(text);
        var diagnostics = built.Diagnostics;
        var parser = new Parser(built);
        var children = new List<GreenElement>();
        parser.ParseBindings(children, SyntaxKind.EndOfFileToken);
        children.Add(parser.Take());
        Release(built);
        return (new GreenNode(SyntaxKind.AttrSet, children.ToArray()), diagnostics);
    }

    [MethodImpl(Compile.Eager)]
    internal static (GreenToken[] Tokens, int[] Starts, int Count, List<RawDiagnostic> Diagnostics) Build(string text)
    {
        var (raw, diagnostics) = Lexer.Lex(text);
        var table = TextTable.ForThisThread();
        // Sized for the worst case (no trivia at all), so that nothing is copied; the parser reads the
        // first `count`. Both arrays live only while parsing: they come from the shared pool.
        var tokens = ArrayPool<GreenToken>.Shared.Rent(raw.Count);
        var starts = ArrayPool<int>.Shared.Rent(raw.Count);
        var count = 0;
        var i = 0;
        while (i < raw.Count)
        {
            // Leading trivia: everything since the previous token's line ended.
            var leadingStart = i;
            while (raw[i].Kind.IsTrivia()) i++;
            var leading = Trivia(text, table, raw, leadingStart, i);
            var token = raw[i++];
            // Trailing trivia: up to and including the end of this line.
            var trailingStart = i;
            if (token.Kind != SyntaxKind.EndOfFileToken)
            {
                while (i < raw.Count && raw[i].Kind.IsTrivia())
                {
                    i++;
                    if (raw[i - 1].Kind == SyntaxKind.EndOfLine) break;
                }
            }
            var trailing = Trivia(text, table, raw, trailingStart, i);
            tokens[count] = new GreenToken(token.Kind, table.Get(text, token.Start, token.Length), leading, trailing);
            starts[count] = token.Start;
            count++;
        }
        Lexer.Release(raw);
        return (tokens, starts, count, diagnostics);
    }

    /// <summary>Gives the token arrays back to the pool (cleared, so that the pool holds no tree).</summary>
    [MethodImpl(Compile.Eager)]
    private static void Release((GreenToken[] Tokens, int[] Starts, int Count, List<RawDiagnostic> Diagnostics) built)
    {
        ArrayPool<GreenToken>.Shared.Return(built.Tokens, clearArray: true);
        ArrayPool<int>.Shared.Return(built.Starts);
    }

    [MethodImpl(Compile.Eager)]
    private static GreenTrivia[] Trivia(string text, TextTable table, List<RawToken> raw, int from, int to)
    {
        if (from == to) return GreenToken.NoTrivia;
        if (to - from == 1) return table.Single(raw[from].Kind, table.Get(text, raw[from].Start, raw[from].Length));
        var trivia = new GreenTrivia[to - from];
        for (var k = from; k < to; k++) trivia[k - from] = new GreenTrivia(raw[k].Kind, table.Get(text, raw[k].Start, raw[k].Length));
        return trivia;
    }

    // ---------------- token access ----------------

    [MethodImpl(Compile.Eager)]
    private SyntaxKind Peek(int ahead = 0)
    {
        var i = _index + ahead;
        return i < _count ? _tokens[i].Kind : SyntaxKind.EndOfFileToken;
    }

    [MethodImpl(Compile.Eager)]
    private GreenToken Take()
    {
        var token = _tokens[_index];
        if (_index < _count - 1) _index++;
        return token;
    }

    [MethodImpl(Compile.Eager)]
    private GreenToken? Expect(SyntaxKind kind, string what)
    {
        if (Peek() == kind) return Take();
        Error($"expected {what}, found {Peek().Describe()}");
        return null;
    }

    [MethodImpl(Compile.Eager)]
    private void Error(string message)
    {
        var start = _starts[_index];
        _diagnostics.Add(new RawDiagnostic(start, _tokens[_index].Text.Length, message));
    }

    [MethodImpl(Compile.Eager)]
    private static GreenNode Node(SyntaxKind kind, params GreenElement?[] children)
    {
        var count = 0;
        foreach (var child in children) if (child is not null) count++;
        if (count == children.Length) return new GreenNode(kind, children!);
        var list = new GreenElement[count];
        var k = 0;
        foreach (var child in children) if (child is not null) list[k++] = child;
        return new GreenNode(kind, list);
    }

    /// <summary>A node from a rented list; the list goes back to the pool.</summary>
    [MethodImpl(Compile.Eager)]
    private static GreenNode Node(SyntaxKind kind, List<GreenElement> children)
    {
        var node = new GreenNode(kind, children.ToArray());
        children.Clear();
        if (children.Capacity <= 1024) (s_lists ??= new Stack<List<GreenElement>>()).Push(children);
        return node;
    }

    // Lists for collecting children, reused across nodes and parses on this thread: most nodes are
    // small, and a fresh list per node (with its growth copies) was a fifth of the parser's garbage.
    [System.ThreadStatic]
    private static Stack<List<GreenElement>>? s_lists;

    [MethodImpl(Compile.Eager)]
    private static List<GreenElement> Rent() =>
        s_lists is { Count: > 0 } lists ? lists.Pop() : new List<GreenElement>(8);

    [MethodImpl(Compile.Eager)]
    private static List<GreenElement> Rent(GreenElement first)
    {
        var list = Rent();
        list.Add(first);
        return list;
    }

    [MethodImpl(Compile.Eager)]
    private bool Adjacent() =>
        _index > 0 && _tokens[_index - 1].Trailing.Length == 0 && _tokens[_index].Leading.Length == 0;

    // ---------------- nesting guard ----------------

    [MethodImpl(Compile.Eager)]
    private bool Enter()
    {
        _depth++;
        if (_depth <= MaxDepth && RuntimeHelpers.TryEnsureSufficientExecutionStack()) return true;
        _depth--;
        return false;
    }

    [MethodImpl(Compile.Eager)]
    private void Leave() => _depth--;

    /// <summary>
    /// Swallows one balanced group of tokens (a token, or an opener up to its matching closer)
    /// into an Error node when nesting is too deep to descend further.
    /// </summary>
    [MethodImpl(Compile.Eager)]
    private GreenNode TooDeep()
    {
        if (!_reportedTooDeep)
        {
            Error($"expression nested too deeply (more than {MaxDepth} levels); the rest of this expression is not parsed");
            _reportedTooDeep = true;
        }
        var children = Rent();
        if (IsStopToken(Peek())) return Node(SyntaxKind.Error, children);
        var expected = new Stack<SyntaxKind>();
        do
        {
            var kind = Peek();
            var inString = expected.Count > 0 && expected.Peek() is SyntaxKind.QuoteToken or SyntaxKind.IndentedQuoteToken;
            if (inString && kind == expected.Peek()) expected.Pop();
            else if (kind == SyntaxKind.DollarBraceToken || (!inString && kind == SyntaxKind.OpenBraceToken)) expected.Push(SyntaxKind.CloseBraceToken);
            else if (!inString && kind == SyntaxKind.OpenParenToken) expected.Push(SyntaxKind.CloseParenToken);
            else if (!inString && kind == SyntaxKind.OpenBracketToken) expected.Push(SyntaxKind.CloseBracketToken);
            else if (!inString && kind is SyntaxKind.QuoteToken or SyntaxKind.IndentedQuoteToken) expected.Push(kind);
            else if (!inString && expected.Count > 0 && kind == expected.Peek()) expected.Pop();
            children.Add(Take());
        }
        while (expected.Count > 0 && Peek() != SyntaxKind.EndOfFileToken);
        return Node(SyntaxKind.Error, children);
    }

    // ---------------- expressions ----------------

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseRootNode()
    {
        var expression = ParseExpression();
        GreenNode? rest = null;
        if (Peek() != SyntaxKind.EndOfFileToken)
        {
            Error($"unexpected {Peek().Describe()} after the end of the expression");
            var children = Rent();
            while (Peek() != SyntaxKind.EndOfFileToken) children.Add(Take());
            rest = Node(SyntaxKind.Error, children);
        }
        return Node(SyntaxKind.Root, expression, rest, Take());
    }

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseExpression()
    {
        if (!Enter()) return TooDeep();
        try
        {
            return ParseFunction();
        }
        finally
        {
            Leave();
        }
    }

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseFunction()
    {
        switch (Peek())
        {
            case SyntaxKind.IdentifierToken when Peek(1) == SyntaxKind.ColonToken:
            {
                var parameter = Node(SyntaxKind.Identifier, Take());
                var colon = Take();
                return Node(SyntaxKind.Lambda, parameter, colon, ParseExpression());
            }
            case SyntaxKind.IdentifierToken when Peek(1) == SyntaxKind.AtToken:
            {
                var mark = _index;
                var bind = Node(SyntaxKind.PatternBind, Node(SyntaxKind.Identifier, Take()), Take());
                var pattern = Checked(ParsePattern(bind), mark);
                var colon = Expect(SyntaxKind.ColonToken, "':' after the function's argument pattern");
                return Node(SyntaxKind.Lambda, pattern, colon, ParseExpression());
            }
            case SyntaxKind.OpenBraceToken when IsPatternStart():
            {
                var mark = _index;
                var pattern = Checked(ParsePattern(null), mark);
                var colon = Expect(SyntaxKind.ColonToken, "':' after the function's argument pattern");
                return Node(SyntaxKind.Lambda, pattern, colon, ParseExpression());
            }
            case SyntaxKind.AssertKeyword:
            {
                var keyword = Take();
                var condition = ParseExpression();
                var semicolon = Expect(SyntaxKind.SemicolonToken, "';' after the assertion");
                return Node(SyntaxKind.Assert, keyword, condition, semicolon, ParseExpression());
            }
            case SyntaxKind.WithKeyword:
            {
                var keyword = Take();
                var scope = ParseExpression();
                var semicolon = Expect(SyntaxKind.SemicolonToken, "';' after the 'with' expression");
                return Node(SyntaxKind.With, keyword, scope, semicolon, ParseExpression());
            }
            case SyntaxKind.LetKeyword when Peek(1) != SyntaxKind.OpenBraceToken:
            {
                var mark = _index;
                var children = Rent(Take());
                ParseBindings(children, SyntaxKind.InKeyword);
                var inKeyword = Expect(SyntaxKind.InKeyword, "'in' after the 'let' bindings");
                if (inKeyword is not null) children.Add(inKeyword);
                children.Add(ParseExpression());
                return Checked(Node(SyntaxKind.LetIn, children), mark);
            }
            case SyntaxKind.IfKeyword:
            {
                var ifKeyword = Take();
                var condition = ParseExpression();
                var thenKeyword = Expect(SyntaxKind.ThenKeyword, "'then'");
                var whenTrue = ParseExpression();
                var elseKeyword = Expect(SyntaxKind.ElseKeyword, "'else' (every 'if' needs one)");
                var whenFalse = ParseExpression();
                return Node(SyntaxKind.IfElse, ifKeyword, condition, thenKeyword, whenTrue, elseKeyword, whenFalse);
            }
            default:
                return ParsePipe();
        }
    }

    /// <summary>
    /// The pipe operators of Nix 2.24+ (<c>expr_pipe_into</c> and <c>expr_pipe_from</c> in Nix's
    /// grammar): they bind more loosely than every other operator, their operands are operator
    /// expressions (an <c>if</c>, <c>let</c> or lambda operand needs parentheses), <c>|&gt;</c>
    /// groups to the left and <c>&lt;|</c> to the right, and the two do not mix without parentheses.
    /// </summary>
    [MethodImpl(Compile.Eager)]
    private GreenNode ParsePipe()
    {
        var left = ParseBinary(0);
        var kind = Peek();
        if (kind == SyntaxKind.PipeIntoToken)
        {
            while (Peek() == SyntaxKind.PipeIntoToken)
            {
                var op = Take();
                left = Node(SyntaxKind.BinaryOp, left, op, ParseBinary(0));
            }
        }
        else if (kind == SyntaxKind.PipeFromToken)
        {
            var operands = new List<GreenNode> { left };
            var operators = new List<GreenToken>();
            while (Peek() == SyntaxKind.PipeFromToken)
            {
                operators.Add(Take());
                operands.Add(ParseBinary(0));
            }
            left = operands[^1];
            for (var i = operators.Count - 1; i >= 0; i--) left = Node(SyntaxKind.BinaryOp, operands[i], operators[i], left);
        }
        else
        {
            return left;
        }
        if (Peek() is SyntaxKind.PipeIntoToken or SyntaxKind.PipeFromToken)
        {
            Error($"{Peek().Describe()} cannot follow {kind.Describe()} directly: '|>' and '<|' do not mix; add parentheses");
        }
        return left;
    }

    [MethodImpl(Compile.Eager)]
    private bool IsPatternStart()
    {
        switch (Peek(1))
        {
            case SyntaxKind.EllipsisToken:
                return true;
            case SyntaxKind.CloseBraceToken:
                return Peek(2) is SyntaxKind.ColonToken or SyntaxKind.AtToken;
            case SyntaxKind.IdentifierToken:
                return Peek(2) is SyntaxKind.CommaToken or SyntaxKind.QuestionToken or SyntaxKind.CloseBraceToken;
            default:
                return false;
        }
    }

    [MethodImpl(Compile.Eager)]
    private GreenNode ParsePattern(GreenNode? leadingBind)
    {
        var children = Rent();
        if (leadingBind is not null) children.Add(leadingBind);
        var open = Expect(SyntaxKind.OpenBraceToken, "'{' to start the argument pattern");
        if (open is not null)
        {
            children.Add(open);
            while (true)
            {
                var kind = Peek();
                if (kind is SyntaxKind.CloseBraceToken or SyntaxKind.EndOfFileToken or SyntaxKind.ColonToken) break;
                if (kind == SyntaxKind.EllipsisToken)
                {
                    children.Add(Take());
                    if (Peek() != SyntaxKind.CloseBraceToken) Error("'...' must be the last item of the argument pattern");
                    continue;
                }
                if (kind == SyntaxKind.IdentifierToken)
                {
                    var name = Node(SyntaxKind.Identifier, Take());
                    if (Peek() == SyntaxKind.QuestionToken)
                    {
                        var question = Take();
                        children.Add(Node(SyntaxKind.Formal, name, question, ParseExpression()));
                    }
                    else
                    {
                        children.Add(Node(SyntaxKind.Formal, name));
                    }
                    if (Peek() == SyntaxKind.CommaToken) { children.Add(Take()); continue; }
                    if (Peek() != SyntaxKind.CloseBraceToken) Error($"expected ',' or '}}' in the argument pattern, found {Peek().Describe()}");
                    else continue;
                }
                else
                {
                    Error($"unexpected {kind.Describe()} in the argument pattern");
                }
                // Recovery: skip one token.
                if (Peek() is SyntaxKind.CloseBraceToken or SyntaxKind.EndOfFileToken or SyntaxKind.ColonToken) break;
                children.Add(Node(SyntaxKind.Error, Take()));
            }
            var close = Expect(SyntaxKind.CloseBraceToken, "'}' to end the argument pattern");
            if (close is not null) children.Add(close);
        }
        if (leadingBind is null && Peek() == SyntaxKind.AtToken)
        {
            var at = Take();
            var name = Peek() == SyntaxKind.IdentifierToken ? Node(SyntaxKind.Identifier, Take()) : null;
            if (name is null) Error("expected a name after '@'");
            children.Add(Node(SyntaxKind.PatternBind, at, name));
        }
        return Node(SyntaxKind.Pattern, children);
    }

    [MethodImpl(Compile.Eager)]
    private static int BinaryPrecedence(SyntaxKind kind) => kind switch
    {
        SyntaxKind.ArrowToken => 1,
        SyntaxKind.BarBarToken => 2,
        SyntaxKind.AmpersandAmpersandToken => 3,
        SyntaxKind.EqualsEqualsToken or SyntaxKind.BangEqualsToken => 4,
        SyntaxKind.LessToken or SyntaxKind.GreaterToken or SyntaxKind.LessEqualsToken or SyntaxKind.GreaterEqualsToken => 5,
        SyntaxKind.SlashSlashToken => 6,
        SyntaxKind.PlusToken or SyntaxKind.MinusToken => 8,
        SyntaxKind.StarToken or SyntaxKind.SlashToken => 9,
        SyntaxKind.PlusPlusToken => 10,
        SyntaxKind.QuestionToken => 11,
        _ => 0,
    };

    private const int NotPrecedence = 7;
    private const int NegatePrecedence = 12;

    [MethodImpl(Compile.Eager)]
    private static bool IsRightAssociative(SyntaxKind kind) =>
        kind is SyntaxKind.ArrowToken or SyntaxKind.SlashSlashToken or SyntaxKind.PlusPlusToken;

    // `?` is %nonassoc in Nix's grammar too, but its right side is an attribute path, not an
    // operand, so bison never meets the conflict: Nix reads `x ? a ? b` as `(x ? a) ? b`.
    [MethodImpl(Compile.Eager)]
    private static bool IsNonAssociative(int precedence) => precedence is 4 or 5;

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseBinary(int minPrecedence)
    {
        var left = ParseUnary();
        while (true)
        {
            var kind = Peek();
            var precedence = BinaryPrecedence(kind);
            if (precedence == 0 || precedence < minPrecedence) break;
            if (kind == SyntaxKind.QuestionToken)
            {
                var question = Take();
                left = Node(SyntaxKind.HasAttr, left, question, ParseAttrPath());
            }
            else if (IsRightAssociative(kind))
            {
                var operands = new List<GreenNode> { left };
                var operators = new List<GreenToken>();
                while (Peek() == kind)
                {
                    operators.Add(Take());
                    operands.Add(ParseBinary(precedence + 1));
                }
                left = operands[^1];
                for (var i = operators.Count - 1; i >= 0; i--) left = Node(SyntaxKind.BinaryOp, operands[i], operators[i], left);
            }
            else
            {
                var op = Take();
                var right = ParseBinary(precedence + 1);
                left = Node(SyntaxKind.BinaryOp, left, op, right);
            }
            if (IsNonAssociative(precedence) && BinaryPrecedence(Peek()) == precedence)
            {
                Error($"{Peek().Describe()} cannot follow this comparison directly: these operators do not chain; add parentheses");
            }
        }
        return left;
    }

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseUnary()
    {
        var kind = Peek();
        if (kind is not (SyntaxKind.BangToken or SyntaxKind.MinusToken)) return ParseApplication();
        if (!Enter()) return TooDeep();
        try
        {
            var op = Take();
            var operand = ParseBinary((kind == SyntaxKind.BangToken ? NotPrecedence : NegatePrecedence) + 1);
            return Node(SyntaxKind.UnaryOp, op, operand);
        }
        finally
        {
            Leave();
        }
    }

    [MethodImpl(Compile.Eager)]
    private bool CanStartSimple(SyntaxKind kind) => kind switch
    {
        SyntaxKind.IdentifierToken or SyntaxKind.IntegerToken or SyntaxKind.FloatToken or SyntaxKind.UriToken
            or SyntaxKind.PathToken or SyntaxKind.HomePathToken or SyntaxKind.SearchPathToken
            or SyntaxKind.QuoteToken or SyntaxKind.IndentedQuoteToken
            or SyntaxKind.OpenParenToken or SyntaxKind.OpenBraceToken or SyntaxKind.OpenBracketToken
            or SyntaxKind.RecKeyword => true,
        SyntaxKind.LetKeyword => Peek(1) == SyntaxKind.OpenBraceToken,
        _ => false,
    };

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseApplication()
    {
        var function = ParseSelect();
        while (CanStartSimple(Peek()))
        {
            var argument = ParseSelect();
            function = Node(SyntaxKind.Apply, function, argument);
        }
        return function;
    }

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseSelect()
    {
        var simple = ParseSimple();
        if (Peek() == SyntaxKind.DotToken)
        {
            var dot = Take();
            var path = ParseAttrPath();
            if (Peek() != SyntaxKind.OrKeyword) return Node(SyntaxKind.Select, simple, dot, path);
            var orKeyword = Take();
            if (!Enter()) return Node(SyntaxKind.Select, simple, dot, path, orKeyword, TooDeep());
            try
            {
                return Node(SyntaxKind.Select, simple, dot, path, orKeyword, ParseSelect());
            }
            finally
            {
                Leave();
            }
        }
        if (Peek() == SyntaxKind.OrKeyword)
        {
            // Nix reads `f or` as `f` applied to a variable named `or`.
            return Node(SyntaxKind.Apply, simple, Node(SyntaxKind.Identifier, Take()));
        }
        return simple;
    }

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseSimple()
    {
        switch (Peek())
        {
            case SyntaxKind.IdentifierToken:
                return Node(SyntaxKind.Identifier, Take());
            case SyntaxKind.IntegerToken:
            case SyntaxKind.FloatToken:
            case SyntaxKind.UriToken:
                return ParseNumberOrUri();
            case SyntaxKind.SearchPathToken:
                return Node(SyntaxKind.SearchPath, Take());
            case SyntaxKind.QuoteToken:
                return ParseString(SyntaxKind.String, SyntaxKind.QuoteToken);
            case SyntaxKind.IndentedQuoteToken:
                return ParseString(SyntaxKind.IndentedString, SyntaxKind.IndentedQuoteToken);
            case SyntaxKind.PathToken:
            case SyntaxKind.HomePathToken:
                return ParsePath();
            case SyntaxKind.OpenParenToken:
            {
                var open = Take();
                var inner = ParseExpression();
                var close = Expect(SyntaxKind.CloseParenToken, "')'");
                return Node(SyntaxKind.Parenthesized, open, inner, close);
            }
            case SyntaxKind.RecKeyword:
            case SyntaxKind.LetKeyword:
            {
                var keyword = Take();
                if (Peek() != SyntaxKind.OpenBraceToken)
                {
                    Error($"expected '{{' after '{keyword.Text}'");
                    return Node(SyntaxKind.AttrSet, keyword);
                }
                return ParseAttrSet(keyword);
            }
            case SyntaxKind.OpenBraceToken:
                return ParseAttrSet(null);
            case SyntaxKind.OpenBracketToken:
                return ParseList();
            default:
                return Missing("an expression");
        }
    }

    [MethodImpl(Compile.Eager)]
    private GreenNode Missing(string what)
    {
        var kind = Peek();
        Error($"expected {what}, found {kind.Describe()}");
        if (IsStopToken(kind)) return Node(SyntaxKind.Error);
        return Node(SyntaxKind.Error, Take());
    }

    [MethodImpl(Compile.Eager)]
    private static bool IsStopToken(SyntaxKind kind) => kind is SyntaxKind.EndOfFileToken
        or SyntaxKind.CloseParenToken or SyntaxKind.CloseBracketToken or SyntaxKind.CloseBraceToken
        or SyntaxKind.SemicolonToken or SyntaxKind.CommaToken
        or SyntaxKind.InKeyword or SyntaxKind.ThenKeyword or SyntaxKind.ElseKeyword
        or SyntaxKind.QuoteToken or SyntaxKind.IndentedQuoteToken;

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseString(SyntaxKind nodeKind, SyntaxKind quote)
    {
        var children = Rent(Take());
        while (true)
        {
            var kind = Peek();
            if (kind == quote) { children.Add(Take()); break; }
            if (kind == SyntaxKind.StringTextToken) { children.Add(Take()); continue; }
            if (kind == SyntaxKind.DollarBraceToken) { children.Add(ParseInterpolation()); continue; }
            Error(nodeKind == SyntaxKind.String
                ? "unterminated string: add the closing '\"'"
                : "unterminated indented string: add the closing \"''\"");
            break;
        }
        return Node(nodeKind, children);
    }

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseInterpolation()
    {
        var open = Take();
        var inner = ParseExpression();
        var close = Expect(SyntaxKind.CloseBraceToken, "'}' to close '${'");
        return Node(SyntaxKind.Interpolation, open, inner, close);
    }

    [MethodImpl(Compile.Eager)]
    private GreenNode ParsePath()
    {
        var children = Rent(Take());
        while (true)
        {
            if (Peek() == SyntaxKind.PathTextToken) { children.Add(Take()); continue; }
            if (Peek() == SyntaxKind.DollarBraceToken && Adjacent()) { children.Add(ParseInterpolation()); continue; }
            break;
        }
        return Node(SyntaxKind.Path, children);
    }

    // Lists nest without passing through ParseExpression, so they count a level themselves.
    [MethodImpl(Compile.Eager)]
    private GreenNode ParseList()
    {
        if (!Enter()) return TooDeep();
        try
        {
            return ParseListCore();
        }
        finally
        {
            Leave();
        }
    }

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseListCore()
    {
        var children = Rent(Take());
        while (true)
        {
            var kind = Peek();
            if (kind == SyntaxKind.CloseBracketToken) { children.Add(Take()); break; }
            if (CanStartSimple(kind)) { children.Add(ParseSelect()); continue; }
            if (kind is SyntaxKind.EndOfFileToken or SyntaxKind.CloseBraceToken or SyntaxKind.CloseParenToken
                or SyntaxKind.SemicolonToken or SyntaxKind.InKeyword or SyntaxKind.ThenKeyword or SyntaxKind.ElseKeyword)
            {
                Error($"expected ']' to close the list, found {kind.Describe()}");
                break;
            }
            Error(kind == SyntaxKind.MinusToken
                ? "a list element cannot start with '-': write a negative number in parentheses, e.g. [ (-1) ]"
                : $"unexpected {kind.Describe()} in a list (a function call in a list needs parentheses)");
            children.Add(Node(SyntaxKind.Error, Take()));
        }
        return Node(SyntaxKind.List, children);
    }

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseNumberOrUri()
    {
        var start = _starts[_index];
        var token = Take();
        // Nix refuses numbers out of range (its lexer reads them with strtoll/strtod): only long
        // integers and floats can be.
        if ((token.Kind == SyntaxKind.IntegerToken && token.Text.Length >= 19) || token.Kind == SyntaxKind.FloatToken)
        {
            var problem = ParseChecks.NumberProblem(token);
            if (problem is not null) _diagnostics.Add(new RawDiagnostic(start, token.Text.Length, problem));
        }
        return Node(SyntaxKind.Literal, token);
    }

    private GreenNode ParseAttrSet(GreenToken? keyword)
    {
        var mark = keyword is null ? _index : _index - 1;
        var children = Rent();
        if (keyword is not null) children.Add(keyword);
        children.Add(Take());
        ParseBindings(children, SyntaxKind.CloseBraceToken);
        var close = Expect(SyntaxKind.CloseBraceToken, "'}' to close the attribute set");
        if (close is not null) children.Add(close);
        return Checked(Node(SyntaxKind.AttrSet, children), mark);
    }

    [MethodImpl(Compile.Eager)]
    private void ParseBindings(List<GreenElement> children, SyntaxKind terminator)
    {
        while (true)
        {
            var kind = Peek();
            if (kind == terminator || kind == SyntaxKind.EndOfFileToken) return;
            if (terminator == SyntaxKind.InKeyword && kind is SyntaxKind.CloseBraceToken or SyntaxKind.CloseParenToken or SyntaxKind.CloseBracketToken) return;
            if (kind == SyntaxKind.InheritKeyword) { children.Add(ParseInherit()); continue; }
            if (IsAttrStart(kind)) { children.Add(ParseBinding()); continue; }
            Error(kind == SyntaxKind.SemicolonToken
                ? "unexpected ';' (an extra semicolon?)"
                : $"expected an attribute name, 'inherit' or '{(terminator == SyntaxKind.InKeyword ? "in" : "}")}', found {kind.Describe()}");
            children.Add(Node(SyntaxKind.Error, Take()));
        }
    }

    [MethodImpl(Compile.Eager)]
    private static bool IsAttrStart(SyntaxKind kind) => kind is SyntaxKind.IdentifierToken or SyntaxKind.OrKeyword
        or SyntaxKind.QuoteToken or SyntaxKind.DollarBraceToken;

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseBinding()
    {
        var path = ParseAttrPath();
        var equals = Expect(SyntaxKind.EqualsToken, "'=' after the attribute name");
        GreenNode? value = null;
        if (equals is not null || !IsStopToken(Peek())) value = ParseExpression();
        var semicolon = Expect(SyntaxKind.SemicolonToken, "';' after the attribute's value");
        return Node(SyntaxKind.Binding, path, equals, value, semicolon);
    }

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseInherit()
    {
        var children = Rent(Take());
        if (Peek() == SyntaxKind.OpenParenToken)
        {
            var open = Take();
            var source = ParseExpression();
            var close = Expect(SyntaxKind.CloseParenToken, "')' after the 'inherit' source");
            children.Add(Node(SyntaxKind.InheritFrom, open, source, close));
        }
        while (IsAttrStart(Peek())) children.Add(ParseAttrName());
        var semicolon = Expect(SyntaxKind.SemicolonToken, "';' to end 'inherit'");
        if (semicolon is not null) children.Add(semicolon);
        return Node(SyntaxKind.Inherit, children);
    }

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseAttrPath()
    {
        var children = Rent();
        if (!IsAttrStart(Peek()))
        {
            children.Add(Missing("an attribute name"));
            return Node(SyntaxKind.AttrPath, children);
        }
        children.Add(ParseAttrName());
        while (Peek() == SyntaxKind.DotToken)
        {
            children.Add(Take());
            if (!IsAttrStart(Peek()))
            {
                children.Add(Missing("an attribute name after '.'"));
                break;
            }
            children.Add(ParseAttrName());
        }
        return Node(SyntaxKind.AttrPath, children);
    }

    [MethodImpl(Compile.Eager)]
    private GreenNode ParseAttrName() => Peek() switch
    {
        SyntaxKind.QuoteToken => ParseString(SyntaxKind.String, SyntaxKind.QuoteToken),
        SyntaxKind.DollarBraceToken => ParseInterpolation(),
        _ => Node(SyntaxKind.Identifier, Take()),
    };
}
