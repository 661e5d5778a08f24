using System.Runtime.CompilerServices;
using System;
using System.Collections.Generic;

namespace FlakeTools.Syntax.Parsing;

internal readonly record struct RawToken(SyntaxKind Kind, int Start, int Length);

internal readonly record struct RawDiagnostic(int Start, int Length, string Message, DiagnosticSeverity Severity = DiagnosticSeverity.Error);

/// <summary>
/// Splits Nix source into tokens and trivia the way Nix's own lexer does: the same longest-match
/// choices between identifiers, paths, URIs and numbers, and the same mode stack for strings,
/// indented strings, interpolation and paths.
/// </summary>
internal sealed class Lexer
{
    private enum Mode { Default, String, IndentedString, InPath, InPathSlash }

    private readonly string _text;
    private readonly List<RawToken> _tokens;

    // The raw token list only lives until the green tokens are built: one list per thread is
    // reused (a fresh one, with its growth copies, was a tenth of the parser's garbage).
    [ThreadStatic]
    private static List<RawToken>? s_spare;
    private readonly List<RawDiagnostic> _diagnostics = new();
    private readonly Stack<Mode> _modes = new();
    private int _pos;

    private Lexer(string text)
    {
        _text = text;
        _tokens = s_spare ?? new List<RawToken>(text.Length / 4 + 16);
        s_spare = null;
        _tokens.Clear();
    }

    /// <summary>Hands a token list from <see cref="Lex"/> back for the next file, once it has been read.</summary>
    [MethodImpl(Compile.Eager)]
    public static void Release(List<RawToken> tokens)
    {
        if (tokens.Capacity <= 1 << 20) s_spare = tokens;
    }

    [MethodImpl(Compile.Eager)]
    public static (List<RawToken> Tokens, List<RawDiagnostic> Diagnostics) Lex(string text)
    {
        var lexer = new Lexer(text);
        lexer.Run();
        return (lexer._tokens, lexer._diagnostics);
    }

    private Mode Current => _modes.Count == 0 ? Mode.Default : _modes.Peek();

    [MethodImpl(Compile.Eager)]
    private void Push(Mode mode) => _modes.Push(mode);

    [MethodImpl(Compile.Eager)]
    private void Pop()
    {
        if (_modes.Count > 0) _modes.Pop();
    }

    [MethodImpl(Compile.Eager)]
    private char At(int index) => index < _text.Length ? _text[index] : '\0';

    [MethodImpl(Compile.Eager)]
    private bool AtEnd(int index) => index >= _text.Length;

    [MethodImpl(Compile.Eager)]
    private void Emit(SyntaxKind kind, int length)
    {
        _tokens.Add(new RawToken(kind, _pos, length));
        _pos += length;
    }

    [MethodImpl(Compile.Eager)]
    private void Run()
    {
        if (_text.Length > 0 && _text[0] == '\uFEFF')
        {
            _diagnostics.Add(new RawDiagnostic(0, 1, "the file starts with a byte order mark, which Nix does not accept; save it as UTF-8 without BOM"));
            Emit(SyntaxKind.ByteOrderMark, 1);
        }
        while (_pos < _text.Length)
        {
            switch (Current)
            {
                case Mode.String: LexString(); break;
                case Mode.IndentedString: LexIndentedString(); break;
                case Mode.InPath:
                case Mode.InPathSlash: LexInPath(); break;
                default: LexDefault(); break;
            }
        }
        if (Current is Mode.InPathSlash) PathTrailingSlash();
        _tokens.Add(new RawToken(SyntaxKind.EndOfFileToken, _pos, 0));
    }

    [MethodImpl(Compile.Eager)]
    private void PathTrailingSlash() =>
        _diagnostics.Add(new RawDiagnostic(_pos, 0, "path has a trailing slash; remove the final '/'"));

    // ---------------- default mode ----------------

    [MethodImpl(Compile.Eager)]
    private void LexDefault()
    {
        var c = _text[_pos];
        switch (c)
        {
            case ' ' or '\t':
            {
                var end = _pos;
                while (end < _text.Length && (_text[end] == ' ' || _text[end] == '\t')) end++;
                Emit(SyntaxKind.Whitespace, end - _pos);
                return;
            }
            case '\n':
                Emit(SyntaxKind.EndOfLine, 1);
                return;
            case '\r':
                Emit(SyntaxKind.EndOfLine, At(_pos + 1) == '\n' ? 2 : 1);
                return;
            case '#':
            {
                var end = _pos;
                while (end < _text.Length && _text[end] != '\n' && _text[end] != '\r') end++;
                Emit(SyntaxKind.LineComment, end - _pos);
                return;
            }
        }

        if (c == '/' && At(_pos + 1) == '*')
        {
            var close = _text.IndexOf("*/", _pos + 2, System.StringComparison.Ordinal);
            if (close < 0)
            {
                _diagnostics.Add(new RawDiagnostic(_pos, 2, "unterminated comment: '/*' has no closing '*/'"));
                Emit(SyntaxKind.BlockComment, _text.Length - _pos);
            }
            else
            {
                Emit(SyntaxKind.BlockComment, close + 2 - _pos);
            }
            return;
        }

        // Longest match among the rules that can start here; ties go to the earlier rule,
        // in the order of Nix's lexer: keywords, operators, ID, INT, FLOAT, ${ { } " '', paths, SPATH, URI, any char.
        var bestKind = SyntaxKind.UnknownToken;
        var bestLength = 1;
        var pathStart = false; // PATH_SEG${ or HPATH_START${: the path token is just the segment

        void Consider(SyntaxKind kind, int length, bool isPathStart = false)
        {
            if (length > bestLength || (length == bestLength && bestKind == SyntaxKind.UnknownToken && length > 0))
            {
                bestKind = kind;
                bestLength = length;
                pathStart = isPathStart;
            }
        }

        var op = MatchOperator(_pos, out var opKind);
        if (op >= 2) Consider(opKind, op);

        if (IsIdStart(c))
        {
            var id = MatchIdentifier(_pos);
            Consider(KeywordOrIdentifier(_pos, id), id);
        }
        if (IsDigit(c)) Consider(SyntaxKind.IntegerToken, MatchInteger(_pos));
        if (IsDigit(c) || c == '.') Consider(SyntaxKind.FloatToken, MatchFloat(_pos));
        switch (c)
        {
            case '$' when At(_pos + 1) == '{': Consider(SyntaxKind.DollarBraceToken, 2); break;
            case '}': Consider(SyntaxKind.CloseBraceToken, 1); break;
            case '{': Consider(SyntaxKind.OpenBraceToken, 1); break;
            case '"': Consider(SyntaxKind.QuoteToken, 1); break;
            case '\'' when At(_pos + 1) == '\'': Consider(SyntaxKind.IndentedQuoteToken, 2); break;
        }
        if (IsPathChar(c) || c == '/')
        {
            var seg = MatchPathSegment(_pos);
            if (seg > 0 && At(_pos + seg) == '$' && At(_pos + seg + 1) == '{') Consider(SyntaxKind.PathToken, seg + 2, isPathStart: true);
            Consider(SyntaxKind.PathToken, MatchPath(_pos));
        }
        if (c == '~')
        {
            if (At(_pos + 1) == '/' && At(_pos + 2) == '$' && At(_pos + 3) == '{') Consider(SyntaxKind.HomePathToken, 4, isPathStart: true);
            Consider(SyntaxKind.HomePathToken, MatchHomePath(_pos));
        }
        if (c == '<') Consider(SyntaxKind.SearchPathToken, MatchSearchPath(_pos));
        if (IsLetter(c)) Consider(SyntaxKind.UriToken, MatchUri(_pos));

        if (bestKind == SyntaxKind.UnknownToken)
        {
            // A single character: punctuation and one-character operators, or something Nix rejects.
            Emit(SingleCharKind(c), 1);
            return;
        }

        if (pathStart)
        {
            // Only the segment up to and including the slash; '${' follows as its own token.
            var length = bestKind == SyntaxKind.HomePathToken ? 2 : bestLength - 2;
            Emit(bestKind, length);
            Push(Mode.InPathSlash);
            return;
        }

        switch (bestKind)
        {
            case SyntaxKind.DollarBraceToken:
            case SyntaxKind.OpenBraceToken:
                Emit(bestKind, bestLength);
                Push(Mode.Default);
                return;
            case SyntaxKind.CloseBraceToken:
                Emit(bestKind, bestLength);
                Pop();
                return;
            case SyntaxKind.QuoteToken:
                Emit(bestKind, bestLength);
                Push(Mode.String);
                return;
            case SyntaxKind.IndentedQuoteToken:
                Emit(bestKind, bestLength);
                Push(Mode.IndentedString);
                return;
            case SyntaxKind.PathToken:
            case SyntaxKind.HomePathToken:
                Emit(bestKind, bestLength);
                Push(_text[_pos - 1] == '/' ? Mode.InPathSlash : Mode.InPath);
                return;
            default:
                Emit(bestKind, bestLength);
                return;
        }
    }

    [MethodImpl(Compile.Eager)]
    private static SyntaxKind SingleCharKind(char c) => c switch
    {
        '[' => SyntaxKind.OpenBracketToken,
        ']' => SyntaxKind.CloseBracketToken,
        '(' => SyntaxKind.OpenParenToken,
        ')' => SyntaxKind.CloseParenToken,
        ';' => SyntaxKind.SemicolonToken,
        ':' => SyntaxKind.ColonToken,
        ',' => SyntaxKind.CommaToken,
        '.' => SyntaxKind.DotToken,
        '=' => SyntaxKind.EqualsToken,
        '@' => SyntaxKind.AtToken,
        '?' => SyntaxKind.QuestionToken,
        '+' => SyntaxKind.PlusToken,
        '-' => SyntaxKind.MinusToken,
        '*' => SyntaxKind.StarToken,
        '/' => SyntaxKind.SlashToken,
        '<' => SyntaxKind.LessToken,
        '>' => SyntaxKind.GreaterToken,
        '!' => SyntaxKind.BangToken,
        _ => SyntaxKind.UnknownToken,
    };

    [MethodImpl(Compile.Eager)]
    private int MatchOperator(int i, out SyntaxKind kind)
    {
        var c0 = At(i);
        var c1 = At(i + 1);
        kind = SyntaxKind.None;
        if (c0 == '.' && c1 == '.' && At(i + 2) == '.') { kind = SyntaxKind.EllipsisToken; return 3; }
        kind = (c0, c1) switch
        {
            ('=', '=') => SyntaxKind.EqualsEqualsToken,
            ('!', '=') => SyntaxKind.BangEqualsToken,
            ('<', '=') => SyntaxKind.LessEqualsToken,
            ('>', '=') => SyntaxKind.GreaterEqualsToken,
            ('&', '&') => SyntaxKind.AmpersandAmpersandToken,
            ('|', '|') => SyntaxKind.BarBarToken,
            ('-', '>') => SyntaxKind.ArrowToken,
            ('/', '/') => SyntaxKind.SlashSlashToken,
            ('+', '+') => SyntaxKind.PlusPlusToken,
            ('|', '>') => SyntaxKind.PipeIntoToken,
            ('<', '|') => SyntaxKind.PipeFromToken,
            _ => SyntaxKind.None,
        };
        return kind == SyntaxKind.None ? 0 : 2;
    }

    [MethodImpl(Compile.Eager)]
    private SyntaxKind KeywordOrIdentifier(int start, int length) => _text.AsSpan(start, length) switch
    {
        "if" => SyntaxKind.IfKeyword,
        "then" => SyntaxKind.ThenKeyword,
        "else" => SyntaxKind.ElseKeyword,
        "assert" => SyntaxKind.AssertKeyword,
        "with" => SyntaxKind.WithKeyword,
        "let" => SyntaxKind.LetKeyword,
        "in" => SyntaxKind.InKeyword,
        "rec" => SyntaxKind.RecKeyword,
        "inherit" => SyntaxKind.InheritKeyword,
        "or" => SyntaxKind.OrKeyword,
        _ => SyntaxKind.IdentifierToken,
    };

    [MethodImpl(Compile.Eager)]
    private static bool IsLetter(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';

    [MethodImpl(Compile.Eager)]
    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    [MethodImpl(Compile.Eager)]
    private static bool IsIdStart(char c) => IsLetter(c) || c == '_';

    [MethodImpl(Compile.Eager)]
    private static bool IsIdChar(char c) => IsLetter(c) || IsDigit(c) || c is '_' or '\'' or '-';

    [MethodImpl(Compile.Eager)]
    internal static bool IsPathChar(char c) => IsLetter(c) || IsDigit(c) || c is '.' or '_' or '-' or '+';

    [MethodImpl(Compile.Eager)]
    private static bool IsUriSchemeChar(char c) => IsLetter(c) || IsDigit(c) || c is '+' or '-' or '.';

    [MethodImpl(Compile.Eager)]
    private static bool IsUriChar(char c) => IsLetter(c) || IsDigit(c) ||
        c is '%' or '/' or '?' or ':' or '@' or '&' or '=' or '+' or '$' or ',' or '-' or '_' or '.' or '!' or '~' or '*' or '\'';

    [MethodImpl(Compile.Eager)]
    private int MatchIdentifier(int i)
    {
        var end = i + 1;
        while (end < _text.Length && IsIdChar(_text[end])) end++;
        return end - i;
    }

    [MethodImpl(Compile.Eager)]
    private int MatchInteger(int i)
    {
        var end = i;
        while (end < _text.Length && IsDigit(_text[end])) end++;
        return end - i;
    }

    // (([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?
    [MethodImpl(Compile.Eager)]
    private int MatchFloat(int i)
    {
        var end = i;
        if (At(end) is >= '1' and <= '9')
        {
            while (IsDigit(At(end))) end++;
            if (At(end) != '.') return 0;
            end++;
            while (IsDigit(At(end))) end++;
        }
        else
        {
            if (At(end) == '0') end++;
            if (At(end) != '.' || !IsDigit(At(end + 1))) return 0;
            end++;
            while (IsDigit(At(end))) end++;
        }
        if (At(end) is 'e' or 'E')
        {
            var exp = end + 1;
            if (At(exp) is '+' or '-') exp++;
            if (IsDigit(At(exp)))
            {
                while (IsDigit(At(exp))) exp++;
                end = exp;
            }
        }
        return end - i;
    }

    // The end of the run of path characters containing i. Cached: within one run every position
    // shares the end, and rescanning it per token would make runs like `-----` quadratic.
    private int _runStart = -1;
    private int _runEnd = -1;

    [MethodImpl(Compile.Eager)]
    private int PathCharRunEnd(int i)
    {
        if (i >= _runStart && i < _runEnd) return _runEnd;
        var end = i;
        while (IsPathChar(At(end))) end++;
        if (end > i)
        {
            _runStart = i;
            _runEnd = end;
        }
        return end;
    }

    // {PATH_CHAR}*(\/{PATH_CHAR}+)+\/?
    [MethodImpl(Compile.Eager)]
    private int MatchPath(int i)
    {
        var end = PathCharRunEnd(i);
        var segments = 0;
        while (At(end) == '/' && IsPathChar(At(end + 1)))
        {
            end++;
            while (IsPathChar(At(end))) end++;
            segments++;
        }
        if (segments == 0) return 0;
        if (At(end) == '/') end++;
        return end - i;
    }

    // {PATH_CHAR}*\/
    [MethodImpl(Compile.Eager)]
    private int MatchPathSegment(int i)
    {
        var end = PathCharRunEnd(i);
        return At(end) == '/' ? end + 1 - i : 0;
    }

    // \~(\/{PATH_CHAR}+)+\/?
    [MethodImpl(Compile.Eager)]
    private int MatchHomePath(int i)
    {
        var end = i + 1;
        var segments = 0;
        while (At(end) == '/' && IsPathChar(At(end + 1)))
        {
            end++;
            while (IsPathChar(At(end))) end++;
            segments++;
        }
        if (segments == 0) return 0;
        if (At(end) == '/') end++;
        return end - i;
    }

    // \<{PATH_CHAR}+(\/{PATH_CHAR}+)*\>
    [MethodImpl(Compile.Eager)]
    private int MatchSearchPath(int i)
    {
        var end = i + 1;
        if (!IsPathChar(At(end))) return 0;
        while (IsPathChar(At(end))) end++;
        while (At(end) == '/' && IsPathChar(At(end + 1)))
        {
            end++;
            while (IsPathChar(At(end))) end++;
        }
        return At(end) == '>' ? end + 1 - i : 0;
    }

    // [a-zA-Z][a-zA-Z0-9\+\-\.]*\:[a-zA-Z0-9\%\/\?\:\@\&\=\+\$\,\-\_\.\!\~\*\']+
    [MethodImpl(Compile.Eager)]
    private int MatchUri(int i)
    {
        var end = i + 1;
        while (IsUriSchemeChar(At(end))) end++;
        if (At(end) != ':') return 0;
        end++;
        var rest = end;
        while (IsUriChar(At(end))) end++;
        return end > rest ? end - i : 0;
    }

    // ---------------- strings ----------------

    [MethodImpl(Compile.Eager)]
    private void LexString()
    {
        var c = _text[_pos];
        if (c == '"')
        {
            Emit(SyntaxKind.QuoteToken, 1);
            Pop();
            return;
        }
        if (c == '$' && At(_pos + 1) == '{')
        {
            Emit(SyntaxKind.DollarBraceToken, 2);
            Push(Mode.Default);
            return;
        }
        // ([^\$\"\\]|\$[^\{\"\\]|\\{ANY}|\$\\{ANY})* with a lone '$' before '"' or the end.
        var end = _pos;
        while (end < _text.Length)
        {
            var ch = _text[end];
            if (ch == '"') break;
            if (ch == '\\')
            {
                end += AtEnd(end + 1) ? 1 : 2;
                continue;
            }
            if (ch == '$')
            {
                var next = At(end + 1);
                if (next == '{') break;
                if (AtEnd(end + 1) || next == '"') { end++; break; }
                if (next == '\\') { end += AtEnd(end + 2) ? 2 : 3; continue; }
                end += 2;
                continue;
            }
            end++;
        }
        Emit(SyntaxKind.StringTextToken, end - _pos);
    }

    [MethodImpl(Compile.Eager)]
    private void LexIndentedString()
    {
        var c = _text[_pos];
        if (c == '\'' && At(_pos + 1) == '\'')
        {
            var third = At(_pos + 2);
            if (third == '$' || third == '\'') { Emit(SyntaxKind.StringTextToken, 3); return; }
            if (third == '\\' && !AtEnd(_pos + 3))
            {
                Emit(SyntaxKind.StringTextToken, 4);
                return;
            }
            Emit(SyntaxKind.IndentedQuoteToken, 2);
            Pop();
            return;
        }
        if (c == '$' && At(_pos + 1) == '{')
        {
            Emit(SyntaxKind.DollarBraceToken, 2);
            Push(Mode.Default);
            return;
        }
        // ([^\$\']|\$[^\{\']|\'[^\'\$])+, else a lone '$' or '\''.
        var end = _pos;
        while (end < _text.Length)
        {
            var ch = _text[end];
            if (ch == '$')
            {
                var next = At(end + 1);
                if (next == '{' || next == '\'' || AtEnd(end + 1)) break;
                end += 2;
                continue;
            }
            if (ch == '\'')
            {
                var next = At(end + 1);
                if (next == '\'' || next == '$' || AtEnd(end + 1)) break;
                end += 2;
                continue;
            }
            end++;
        }
        Emit(SyntaxKind.StringTextToken, end == _pos ? 1 : end - _pos);
    }

    // ---------------- paths ----------------

    [MethodImpl(Compile.Eager)]
    private void LexInPath()
    {
        var c = _text[_pos];
        if (c == '$' && At(_pos + 1) == '{')
        {
            Pop();
            Push(Mode.InPath);
            Emit(SyntaxKind.DollarBraceToken, 2);
            Push(Mode.Default);
            return;
        }
        // {PATH}|{PATH_SEG}|{PATH_CHAR}+, longest.
        var path = MatchPath(_pos);
        var segment = MatchPathSegment(_pos);
        var chars = 0;
        while (IsPathChar(At(_pos + chars))) chars++;
        var length = System.Math.Max(path, System.Math.Max(segment, chars));
        if (length > 0)
        {
            Pop();
            Emit(SyntaxKind.PathTextToken, length);
            Push(_text[_pos - 1] == '/' ? Mode.InPathSlash : Mode.InPath);
            return;
        }
        if (Current == Mode.InPathSlash) PathTrailingSlash();
        Pop();
    }
}

/// <summary>
/// How the lexer's and parser's methods are compiled. Plain IL (the build, the tests, the bench):
/// optimised from the first call (AggressiveOptimization), because under tiered compilation the
/// first files of a command would otherwise go through unoptimised code (bench compare-nix: about
/// 1.7x Nix's speed with it, 1.1x without). In the package (build.ps1 Package, ReadyToRun, which
/// defines READYTORUN): no option, since a method marked AggressiveOptimization is never
/// precompiled and the first call would JIT it with full optimisation, the largest part of the
/// first Get-FlakeInput's JIT time (bench/startup.ps1).
/// </summary>
internal static class Compile
{
#if READYTORUN
    public const MethodImplOptions Eager = 0;
#else
    public const MethodImplOptions Eager = MethodImplOptions.AggressiveOptimization;
#endif
}
