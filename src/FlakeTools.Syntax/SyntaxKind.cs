namespace FlakeTools.Syntax;

/// <summary>
/// One flat list of kinds for trivia, tokens and nodes of the Nix syntax tree.
/// </summary>
public enum SyntaxKind
{
    /// <summary>Not a kind; the default value.</summary>
    None = 0,

    // ---- trivia ----
    /// <summary>Spaces and tabs (and a lone carriage return).</summary>
    Whitespace,
    /// <summary>A line break: <c>\n</c> or <c>\r\n</c>.</summary>
    EndOfLine,
    /// <summary><c># ...</c> up to the end of the line.</summary>
    LineComment,
    /// <summary><c>/* ... */</c>.</summary>
    BlockComment,
    /// <summary>A byte order mark at the start of the file.</summary>
    ByteOrderMark,

    // ---- tokens ----
    /// <summary>The end of the input; carries the trivia after the last token.</summary>
    EndOfFileToken,
    /// <summary>A character Nix does not accept here.</summary>
    UnknownToken,
    /// <summary>An identifier: <c>[a-zA-Z_][a-zA-Z0-9_'-]*</c>.</summary>
    IdentifierToken,
    /// <summary>An integer literal.</summary>
    IntegerToken,
    /// <summary>A floating point literal.</summary>
    FloatToken,
    /// <summary>A URI literal such as <c>https://example.org/x.tar.gz</c>.</summary>
    UriToken,
    /// <summary>The first segment of a path: <c>./a/b</c>, <c>/abs</c>, <c>a/</c>.</summary>
    PathToken,
    /// <summary>The first segment of a home path: <c>~/a</c>.</summary>
    HomePathToken,
    /// <summary>A search path: <c>&lt;nixpkgs/lib&gt;</c>.</summary>
    SearchPathToken,
    /// <summary>Literal text inside a path after an interpolation.</summary>
    PathTextToken,
    /// <summary>Literal text (and escapes) inside a string.</summary>
    StringTextToken,
    /// <summary><c>"</c>.</summary>
    QuoteToken,
    /// <summary><c>''</c> that opens or closes an indented string.</summary>
    IndentedQuoteToken,
    /// <summary><c>${</c>.</summary>
    DollarBraceToken,
    /// <summary><c>{</c>.</summary>
    OpenBraceToken,
    /// <summary><c>}</c>.</summary>
    CloseBraceToken,
    /// <summary><c>[</c>.</summary>
    OpenBracketToken,
    /// <summary><c>]</c>.</summary>
    CloseBracketToken,
    /// <summary><c>(</c>.</summary>
    OpenParenToken,
    /// <summary><c>)</c>.</summary>
    CloseParenToken,
    /// <summary><c>;</c>.</summary>
    SemicolonToken,
    /// <summary><c>:</c>.</summary>
    ColonToken,
    /// <summary><c>,</c>.</summary>
    CommaToken,
    /// <summary><c>.</c>.</summary>
    DotToken,
    /// <summary><c>...</c>.</summary>
    EllipsisToken,
    /// <summary><c>=</c>.</summary>
    EqualsToken,
    /// <summary><c>@</c>.</summary>
    AtToken,
    /// <summary><c>?</c>.</summary>
    QuestionToken,
    /// <summary><c>+</c>.</summary>
    PlusToken,
    /// <summary><c>-</c>.</summary>
    MinusToken,
    /// <summary><c>*</c>.</summary>
    StarToken,
    /// <summary><c>/</c>.</summary>
    SlashToken,
    /// <summary><c>++</c>.</summary>
    PlusPlusToken,
    /// <summary><c>//</c>.</summary>
    SlashSlashToken,
    /// <summary><c>==</c>.</summary>
    EqualsEqualsToken,
    /// <summary><c>!=</c>.</summary>
    BangEqualsToken,
    /// <summary><c>&lt;</c>.</summary>
    LessToken,
    /// <summary><c>&gt;</c>.</summary>
    GreaterToken,
    /// <summary><c>&lt;=</c>.</summary>
    LessEqualsToken,
    /// <summary><c>&gt;=</c>.</summary>
    GreaterEqualsToken,
    /// <summary><c>&amp;&amp;</c>.</summary>
    AmpersandAmpersandToken,
    /// <summary><c>||</c>.</summary>
    BarBarToken,
    /// <summary><c>-&gt;</c>.</summary>
    ArrowToken,
    /// <summary><c>!</c>.</summary>
    BangToken,
    /// <summary><c>|&gt;</c>: pipe into (<c>x |&gt; f</c> is <c>f x</c>; Nix 2.24+, experimental feature <c>pipe-operators</c>).</summary>
    PipeIntoToken,
    /// <summary><c>&lt;|</c>: pipe from (<c>f &lt;| x</c> is <c>f x</c>; Nix 2.24+, experimental feature <c>pipe-operators</c>).</summary>
    PipeFromToken,
    /// <summary><c>if</c>.</summary>
    IfKeyword,
    /// <summary><c>then</c>.</summary>
    ThenKeyword,
    /// <summary><c>else</c>.</summary>
    ElseKeyword,
    /// <summary><c>assert</c>.</summary>
    AssertKeyword,
    /// <summary><c>with</c>.</summary>
    WithKeyword,
    /// <summary><c>let</c>.</summary>
    LetKeyword,
    /// <summary><c>in</c>.</summary>
    InKeyword,
    /// <summary><c>rec</c>.</summary>
    RecKeyword,
    /// <summary><c>inherit</c>.</summary>
    InheritKeyword,
    /// <summary><c>or</c>.</summary>
    OrKeyword,

    // ---- nodes ----
    /// <summary>The whole file: an expression and the end-of-file token.</summary>
    Root,
    /// <summary>Tokens the parser could not fit into the grammar.</summary>
    Error,
    /// <summary>A variable reference (or an attribute name): one identifier token.</summary>
    Identifier,
    /// <summary>An integer, float or URI literal.</summary>
    Literal,
    /// <summary>A double-quoted string.</summary>
    String,
    /// <summary>An indented (<c>''</c>) string.</summary>
    IndentedString,
    /// <summary><c>${ expr }</c> inside a string, path or attribute path.</summary>
    Interpolation,
    /// <summary>A path literal, possibly with interpolations.</summary>
    Path,
    /// <summary><c>&lt;nixpkgs&gt;</c>.</summary>
    SearchPath,
    /// <summary><c>( expr )</c>.</summary>
    Parenthesized,
    /// <summary><c>{ ... }</c>, <c>rec { ... }</c> or the legacy <c>let { ... }</c>.</summary>
    AttrSet,
    /// <summary><c>[ ... ]</c>.</summary>
    List,
    /// <summary><c>attrpath = expr;</c>.</summary>
    Binding,
    /// <summary><c>inherit a b;</c> or <c>inherit (e) a b;</c>.</summary>
    Inherit,
    /// <summary>The <c>(e)</c> of <c>inherit (e) a;</c>.</summary>
    InheritFrom,
    /// <summary><c>a.b."c".${d}</c>.</summary>
    AttrPath,
    /// <summary><c>e.attrpath</c> with an optional <c>or default</c>.</summary>
    Select,
    /// <summary><c>e ? attrpath</c>.</summary>
    HasAttr,
    /// <summary>Function application <c>f x</c>.</summary>
    Apply,
    /// <summary><c>!e</c> or <c>-e</c>.</summary>
    UnaryOp,
    /// <summary><c>a op b</c>.</summary>
    BinaryOp,
    /// <summary><c>if c then a else b</c>.</summary>
    IfElse,
    /// <summary><c>assert c; e</c>.</summary>
    Assert,
    /// <summary><c>with e; body</c>.</summary>
    With,
    /// <summary><c>let bindings in body</c>.</summary>
    LetIn,
    /// <summary><c>param: body</c>.</summary>
    Lambda,
    /// <summary><c>{ a, b ? 1, ... }</c>, optionally with <c>@name</c> on either side.</summary>
    Pattern,
    /// <summary>One formal of a pattern: <c>a</c> or <c>b ? default</c>.</summary>
    Formal,
    /// <summary>The <c>name @</c> or <c>@ name</c> part of a pattern.</summary>
    PatternBind,
}

/// <summary>Facts about kinds.</summary>
public static class SyntaxKindFacts
{
    /// <summary>Whether the kind is trivia (whitespace, line breaks, comments).</summary>
    public static bool IsTrivia(this SyntaxKind kind) => kind is >= SyntaxKind.Whitespace and <= SyntaxKind.ByteOrderMark;

    /// <summary>Whether the kind is a token.</summary>
    public static bool IsToken(this SyntaxKind kind) => kind is >= SyntaxKind.EndOfFileToken and <= SyntaxKind.OrKeyword;

    /// <summary>Whether the kind is a node.</summary>
    public static bool IsNode(this SyntaxKind kind) => kind >= SyntaxKind.Root;

    /// <summary>Whether the kind is a keyword.</summary>
    public static bool IsKeyword(this SyntaxKind kind) => kind is >= SyntaxKind.IfKeyword and <= SyntaxKind.OrKeyword;

    /// <summary>The fixed text of a punctuation or keyword kind, or null.</summary>
    public static string? GetText(this SyntaxKind kind) => kind switch
    {
        SyntaxKind.QuoteToken => "\"",
        SyntaxKind.IndentedQuoteToken => "''",
        SyntaxKind.DollarBraceToken => "${",
        SyntaxKind.OpenBraceToken => "{",
        SyntaxKind.CloseBraceToken => "}",
        SyntaxKind.OpenBracketToken => "[",
        SyntaxKind.CloseBracketToken => "]",
        SyntaxKind.OpenParenToken => "(",
        SyntaxKind.CloseParenToken => ")",
        SyntaxKind.SemicolonToken => ";",
        SyntaxKind.ColonToken => ":",
        SyntaxKind.CommaToken => ",",
        SyntaxKind.DotToken => ".",
        SyntaxKind.EllipsisToken => "...",
        SyntaxKind.EqualsToken => "=",
        SyntaxKind.AtToken => "@",
        SyntaxKind.QuestionToken => "?",
        SyntaxKind.PlusToken => "+",
        SyntaxKind.MinusToken => "-",
        SyntaxKind.StarToken => "*",
        SyntaxKind.SlashToken => "/",
        SyntaxKind.PlusPlusToken => "++",
        SyntaxKind.SlashSlashToken => "//",
        SyntaxKind.EqualsEqualsToken => "==",
        SyntaxKind.BangEqualsToken => "!=",
        SyntaxKind.LessToken => "<",
        SyntaxKind.GreaterToken => ">",
        SyntaxKind.LessEqualsToken => "<=",
        SyntaxKind.GreaterEqualsToken => ">=",
        SyntaxKind.AmpersandAmpersandToken => "&&",
        SyntaxKind.BarBarToken => "||",
        SyntaxKind.ArrowToken => "->",
        SyntaxKind.BangToken => "!",
        SyntaxKind.PipeIntoToken => "|>",
        SyntaxKind.PipeFromToken => "<|",
        SyntaxKind.IfKeyword => "if",
        SyntaxKind.ThenKeyword => "then",
        SyntaxKind.ElseKeyword => "else",
        SyntaxKind.AssertKeyword => "assert",
        SyntaxKind.WithKeyword => "with",
        SyntaxKind.LetKeyword => "let",
        SyntaxKind.InKeyword => "in",
        SyntaxKind.RecKeyword => "rec",
        SyntaxKind.InheritKeyword => "inherit",
        SyntaxKind.OrKeyword => "or",
        _ => null,
    };

    /// <summary>A short description of a token kind for error messages.</summary>
    public static string Describe(this SyntaxKind kind) => kind switch
    {
        SyntaxKind.EndOfFileToken => "end of file",
        SyntaxKind.IdentifierToken => "identifier",
        SyntaxKind.IntegerToken => "integer",
        SyntaxKind.FloatToken => "float",
        SyntaxKind.UriToken => "URI",
        SyntaxKind.PathToken or SyntaxKind.HomePathToken or SyntaxKind.PathTextToken => "path",
        SyntaxKind.SearchPathToken => "search path",
        SyntaxKind.StringTextToken => "string text",
        SyntaxKind.UnknownToken => "character",
        _ => GetText(kind) is { } text ? "'" + text + "'" : kind.ToString(),
    };
}
