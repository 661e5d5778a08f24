using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using FlakeTools.Syntax;

namespace FlakeTools.NixOracle;

/// <summary>An error Nix reports while building the expression (not a syntax error): duplicate attributes and the like.</summary>
public sealed class NixSemanticException : Exception
{
    public NixSemanticException(string message) : base(message) { }
}

/// <summary>
/// Lowers our syntax tree to the expression Nix's parser builds: operators to builtins
/// (<c>__sub</c>, <c>__lessThan</c>...), search paths to <c>__findFile</c>, interpolation to
/// concatenation, indented strings stripped, attribute paths to nested sets, paths made absolute.
/// </summary>
public sealed class Lowering
{
    private readonly string _baseDirectory;
    private readonly string _home;

    public Lowering(string baseDirectory, string home)
    {
        _baseDirectory = baseDirectory;
        _home = home;
    }

    public Desugared Lower(SyntaxTree tree) =>
        Expr(tree.Root.Expression ?? throw new NixSemanticException("empty file"));

    private Desugared Expr(SyntaxNode node)
    {
        switch (node.Kind)
        {
            case SyntaxKind.Identifier:
                return new DVar(((IdentifierSyntax)node).Name);
            case SyntaxKind.Literal:
            {
                var token = node.ChildTokens().First();
                return token.Kind switch
                {
                    SyntaxKind.IntegerToken => long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                        ? DNumber.FromInteger(value)
                        : throw new NixSemanticException($"invalid integer '{token.Text}'"),
                    SyntaxKind.FloatToken => DNumber.FromFloat(double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture)),
                    _ => new DString(token.Text),
                };
            }
            case SyntaxKind.String:
            case SyntaxKind.IndentedString:
            {
                var decoded = NixString.DecodeParts((StringSyntax)node);
                return DConcat.Make(decoded.Parts.Select(p => p.Text is not null ? new DString(p.Text) : Expr(p.Interpolation!.ChildNodes().First())));
            }
            case SyntaxKind.Path:
                return LowerPath(node);
            case SyntaxKind.SearchPath:
            {
                var text = node.ChildTokens().First().Text;
                return DCall.Make(new DVar("__findFile"), new Desugared[] { new DVar("__nixPath"), new DString(text[1..^1]) });
            }
            case SyntaxKind.Parenthesized:
                return Expr(((ParenthesizedSyntax)node).Expression);
            case SyntaxKind.AttrSet:
            {
                var set = (AttrSetSyntax)node;
                var isLegacyLet = set.ChildToken(SyntaxKind.LetKeyword) is not null;
                var attrs = Bindings(set.Members, set.IsRecursive || isLegacyLet, allowDynamic: true);
                return isLegacyLet ? new DSelect(attrs, new[] { new DAttrName("body", null) }, null) : attrs;
            }
            case SyntaxKind.List:
                return new DList(((ListSyntax)node).Items.Select(Expr).ToList());
            case SyntaxKind.Select:
            {
                var select = (SelectSyntax)node;
                return new DSelect(Expr(select.Expression), AttrNames(select.AttrPath.Parts), select.Default is null ? null : Expr(select.Default));
            }
            case SyntaxKind.HasAttr:
                return new DHasAttr(Expr(node.ChildNodes().First()), AttrNames(node.ChildNodes().OfType<AttrPathSyntax>().First().Parts));
            case SyntaxKind.Apply:
            {
                var apply = (ApplySyntax)node;
                return DCall.Make(Expr(apply.Function), new[] { Expr(apply.Argument) });
            }
            case SyntaxKind.UnaryOp:
            {
                var op = node.ChildTokens().First();
                var operand = Expr(node.ChildNodes().First());
                return op.Kind == SyntaxKind.BangToken
                    ? new DNode("!", operand)
                    : DCall.Make(new DVar("__sub"), new Desugared[] { DNumber.FromInteger(0), operand });
            }
            case SyntaxKind.BinaryOp:
                return LowerBinary(node);
            case SyntaxKind.IfElse:
            {
                var parts = node.ChildNodes().ToList();
                return new DNode("if", Expr(parts[0]), Expr(parts[1]), Expr(parts[2]));
            }
            case SyntaxKind.Assert:
            {
                var parts = node.ChildNodes().ToList();
                return new DNode("assert", Expr(parts[0]), Expr(parts[1]));
            }
            case SyntaxKind.With:
            {
                var with = (WithSyntax)node;
                return new DNode("with", Expr(with.Scope), Expr(with.Body!));
            }
            case SyntaxKind.LetIn:
            {
                var let = (LetInSyntax)node;
                return new DLet(Bindings(let.Members, recursive: false, allowDynamic: false), Expr(let.Body!));
            }
            case SyntaxKind.Lambda:
                return LowerLambda((LambdaSyntax)node);
            default:
                throw new NixSemanticException($"cannot lower {node.Kind}");
        }
    }

    private Desugared LowerBinary(SyntaxNode node)
    {
        var children = node.ChildNodes().ToList();
        var left = Expr(children[0]);
        var right = Expr(children[1]);
        var op = node.ChildTokens().First().Kind;
        Desugared Call(string name, Desugared a, Desugared b) => DCall.Make(new DVar(name), new[] { a, b });
        return op switch
        {
            // Nix 2.24+ builds a call for a pipe: `x |> f` and `f <| x` are both `f x`.
            SyntaxKind.PipeIntoToken => DCall.Make(right, new[] { left }),
            SyntaxKind.PipeFromToken => DCall.Make(left, new[] { right }),
            SyntaxKind.PlusToken => DConcat.Make(new[] { left, right }),
            SyntaxKind.MinusToken => Call("__sub", left, right),
            SyntaxKind.StarToken => Call("__mul", left, right),
            SyntaxKind.SlashToken => Call("__div", left, right),
            SyntaxKind.LessToken => Call("__lessThan", left, right),
            SyntaxKind.GreaterToken => Call("__lessThan", right, left),
            SyntaxKind.LessEqualsToken => new DNode("!", Call("__lessThan", right, left)),
            SyntaxKind.GreaterEqualsToken => new DNode("!", Call("__lessThan", left, right)),
            _ => new DNode(op.GetText()!, left, right),
        };
    }

    private Desugared LowerLambda(LambdaSyntax lambda)
    {
        var body = Expr(lambda.Body!);
        if (lambda.Parameter is IdentifierSyntax identifier) return new DLambda(identifier.Name, null, false, body);
        var pattern = (PatternSyntax)lambda.Parameter;
        var formals = new List<(string, Desugared?)>();
        // Duplicate formals are the product's own diagnostics now (ParseChecks), checked by the oracle.
        foreach (var formal in pattern.Formals) formals.Add((formal.Name, formal.Default is null ? null : Expr(formal.Default)));
        return new DLambda(pattern.BindName, formals, pattern.HasEllipsis, body);
    }

    private Desugared LowerPath(SyntaxNode node)
    {
        var parts = new List<Desugared>();
        var first = true;
        foreach (var child in node.ChildNodesAndTokens())
        {
            if (child is SyntaxNode interpolation) { parts.Add(Expr(interpolation.ChildNodes().First())); first = false; continue; }
            var token = (SyntaxToken)child;
            if (first)
            {
                parts.Add(new DPath(AbsolutePath(token)));
                first = false;
            }
            else
            {
                parts.Add(new DString(token.Text));
            }
        }
        return DConcat.Make(parts);
    }

    private string AbsolutePath(SyntaxToken token)
    {
        var text = token.Text;
        string path;
        if (token.Kind == SyntaxKind.HomePathToken) path = _home + text[1..];
        else if (text.StartsWith('/')) path = text;
        else path = _baseDirectory.TrimEnd('/') + "/" + text;
        var canonical = CanonicalPath(path);
        if (text.EndsWith('/') && text.Length > 1 && canonical != "/") canonical += "/";
        return canonical;
    }

    /// <summary>Like Nix's canonPath: removes '.', '..' and repeated slashes, without touching the file system.</summary>
    private static string CanonicalPath(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(part);
        }
        return "/" + string.Join("/", parts);
    }

    private List<DAttrName> AttrNames(IEnumerable<SyntaxNode> parts) => parts.Select(AttrName).ToList();

    private DAttrName AttrName(SyntaxNode part)
    {
        // Static exactly when Nix's parser makes it static: an identifier, a string without
        // interpolation, or `${"a"}` (a plain string inside ${ }). `"${"a"}"` folds to a constant
        // here but is a dynamic name to Nix (an ExprConcatStrings).
        var name = AttrPathSyntax.GetStaticName(part);
        if (name is not null) return new DAttrName(name, null);
        var expression = part.Kind == SyntaxKind.Interpolation ? Expr(part.ChildNodes().First()) : Expr(part);
        return new DAttrName(null, expression);
    }

    private DAttrs Bindings(IEnumerable<SyntaxNode> members, bool recursive, bool allowDynamic)
    {
        var attrs = DAttrs.Empty(recursive);
        foreach (var member in members)
        {
            if (member is InheritSyntax inherit)
            {
                var source = inherit.Source is null ? null : Expr(inherit.Source);
                foreach (var namePart in inherit.Names)
                {
                    var name = AttrName(namePart);
                    if (name.Static is null || attrs.Attributes.ContainsKey(name.Static)) continue; // the product reports these
                    attrs.Attributes[name.Static] = source is null
                        ? new DAttrDef(new DVar(name.Static), inherited: true)
                        : new DAttrDef(new DSelect(source, new[] { name }, null), inherited: false);
                }
                continue;
            }
            var binding = (BindingSyntax)member;
            var path = AttrNames(binding.AttrPath.Parts);
            if (!allowDynamic && path[0].Static is null) continue; // the product reports a dynamic first name in let
            AddAttr(attrs, path, Expr(binding.Value!));
        }
        return attrs;
    }

    /// <summary>
    /// Nix's addAttr: nested sets for attribute paths, literal sets defined at one name merged
    /// (recursively, as current Nix does). Definitions Nix refuses are the product's diagnostics
    /// (ParseChecks); here the later one is dropped so that lowering can go on.
    /// </summary>
    private static void AddAttr(DAttrs attrs, List<DAttrName> path, Desugared value)
    {
        for (var i = 0; i < path.Count - 1; i++)
        {
            var name = path[i];
            if (name.Static is null)
            {
                var nested = DAttrs.Empty(false);
                attrs.Dynamic.Add((name.Dynamic!, nested));
                attrs = nested;
                continue;
            }
            if (attrs.Attributes.TryGetValue(name.Static, out var existing))
            {
                if (existing.Inherited || existing.Value is not DAttrs inner) return;
                attrs = inner;
            }
            else
            {
                var nested = DAttrs.Empty(false);
                attrs.Attributes[name.Static] = new DAttrDef(nested, false);
                attrs = nested;
            }
        }
        var last = path[^1];
        if (last.Static is null)
        {
            attrs.Dynamic.Add((last.Dynamic!, value));
            return;
        }
        Insert(attrs, last.Static, new DAttrDef(value, false));
    }

    private static void Insert(DAttrs attrs, string key, DAttrDef definition)
    {
        if (!attrs.Attributes.TryGetValue(key, out var current))
        {
            attrs.Attributes[key] = definition;
            return;
        }
        if (current.Value is DAttrs target && !current.Inherited && definition.Value is DAttrs source && !definition.Inherited)
        {
            foreach (var (innerKey, def) in source.Attributes) Insert(target, innerKey, def);
            // Nix before 2.17 dropped the dynamic attributes of the merged set; the oracle is 2.8.
        
        }
    }
}
