using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.IO;
using FlakeTools.Core.References;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Flakes;

/// <summary>
/// A flake.nix opened for reading: its inputs in every style real flakes use (flat, block,
/// nested, quoted, split across several bindings, <c>let</c>-wrapped), the <c>outputs</c>
/// arguments, and what is wrong with it. Edits live in <see cref="FlakeEditor"/>.
/// </summary>
public sealed class FlakeFile
{
    private readonly Dictionary<string, InputDeclaration> _inputs = new();
    private readonly List<Diagnostic> _diagnostics = new();

    private FlakeFile(SyntaxTree tree, string? path)
    {
        Tree = tree;
        Path = path;
        // A tree parsed without a path (or under another) still reports as this file.
        foreach (var diagnostic in tree.Diagnostics) _diagnostics.Add(diagnostic.FilePath == path ? diagnostic : diagnostic.WithFilePath(path));
        // An undefined variable leaves the file well-formed: its inputs are read (and it can be
        // edited, as long as the edit adds no new one; see FlakeEditor).
        if (!HasStructuralErrors) Read();
    }

    /// <summary>
    /// Reads a flake from its text; <paramref name="path"/> is only a label: it goes into messages and
    /// into every diagnostic's <see cref="Diagnostic.FilePath"/>, and is never read.
    /// </summary>
    public static FlakeFile Parse(string text, string? path = null) => Cache.GetOrParse(path, text, static (t, p) => new FlakeFile(SyntaxTree.Parse(t, p), p));

    // A flake is read-only once read (edits make a new one): the same text at the same path gives the same flake.
    private static readonly ParseCache<FlakeFile> Cache = new(capacity: 4, maxTextLength: 1 << 20);

    internal static FlakeFile FromTree(SyntaxTree tree, string? path) => new(tree, path);

    /// <summary>The file this was read from, if any.</summary>
    public string? Path { get; }

    /// <summary>The syntax tree.</summary>
    public SyntaxTree Tree { get; }

    /// <summary>The text.</summary>
    public string Text => Tree.Text;

    /// <summary>The top-level attribute set (inside any <c>let ... in</c> and parentheses), or null.</summary>
    public AttrSetSyntax? TopLevel { get; private set; }

    /// <summary>The <c>description</c>, when it is a constant string.</summary>
    public string? Description { get; private set; }

    /// <summary>The root inputs in source order.</summary>
    public IReadOnlyList<InputDeclaration> Inputs => _inputs.Values.OrderBy(i => i.Line).ThenBy(i => i.Column).ToList();

    /// <summary>
    /// <c>inputs.self</c>, when written: attributes of this flake itself (such as
    /// <c>submodules = true;</c>), which Nix does not treat as an input.
    /// </summary>
    public InputDeclaration? Self { get; private set; }

    /// <summary>The <c>outputs</c> function, or null.</summary>
    public LambdaSyntax? Outputs { get; private set; }

    /// <summary>The <c>outputs</c> argument pattern when it names its arguments (<c>{ self, nixpkgs, ... }</c>), else null.</summary>
    public PatternSyntax? OutputsPattern => Outputs?.Parameter as PatternSyntax;

    /// <summary>Syntax errors and flake-level problems, in order.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics;

    /// <summary>Whether Nix would refuse the file (syntax errors, undefined variables or flake errors).</summary>
    public bool HasErrors => _diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>
    /// Whether the file has an error other than an undefined variable (<see cref="Diagnostic.IsUndefinedVariable"/>):
    /// one that keeps FlakeTools from reading its inputs or editing it. Nix refuses a file with an
    /// undefined variable too, but the text is well-formed: FlakeTools reads it and edits it, and an
    /// edit may not add an undefined variable of its own.
    /// </summary>
    public bool HasStructuralErrors => FirstStructuralError is not null;

    /// <summary>The first error other than an undefined variable (see <see cref="HasStructuralErrors"/>), or null.</summary>
    public Diagnostic? FirstStructuralError => _diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error && !d.IsUndefinedVariable);

    /// <summary>The names of the undefined variables, once per use (<c>x</c> twice when two places use an undefined <c>x</c>).</summary>
    public IReadOnlyList<string> UndefinedVariables => _diagnostics.Where(d => d.IsUndefinedVariable).Select(d => Tree.Text.Substring(d.Span.Start, d.Span.Length)).ToList();

    /// <summary>The root input of that name, or null.</summary>
    public InputDeclaration? FindInput(string name) => _inputs.TryGetValue(name, out var input) ? input : null;

    /// <summary>The declaration at an input path such as <c>home-manager/nixpkgs</c>, or null.</summary>
    public InputDeclaration? FindInputPath(InputPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.IsEmpty || !_inputs.TryGetValue(path[0], out var current)) return null;
        foreach (var name in path.Segments.Skip(1))
        {
            if (!current.Inputs.TryGetValue(name, out var next)) return null;
            current = next;
        }
        return current;
    }

    /// <summary>The inputs as Nix evaluates them: what <c>(import ./flake.nix).inputs</c> gives as JSON.</summary>
    public JsonObject InputsToJson()
    {
        var json = new JsonObject();
        foreach (var input in _inputs.Values) json[input.Name] = input.ToJson();
        if (Self is not null) json["self"] = Self.ToJson();
        return json;
    }

    // ---------------- reading ----------------

    private void Read()
    {
        var expression = Unwrap(Tree.Root.Expression);
        if (expression is not AttrSetSyntax top)
        {
            Report(Tree.Root.Expression ?? (SyntaxNode)Tree.Root, "a flake.nix must be an attribute set ({ description = ...; inputs = ...; outputs = ...; })", DiagnosticSeverity.Error);
            return;
        }
        TopLevel = top;
        foreach (var binding in top.Bindings)
        {
            var names = binding.AttrPath.StaticNames;
            if (names is null)
            {
                Report(binding, "a flake's top-level attribute names must be constant", DiagnosticSeverity.Warning);
                continue;
            }
            switch (names[0])
            {
                case "inputs":
                    ReadInputs(names.Skip(1).ToList(), binding.Value, binding, depth: 1);
                    break;
                case "description" when names.Count == 1:
                    Description = (Unwrap(binding.Value) as StringSyntax)?.ConstantValue;
                    break;
                case "outputs" when names.Count == 1:
                    Outputs = Unwrap(binding.Value) as LambdaSyntax;
                    if (Outputs is null) Report(binding, "outputs should be a function of the inputs ({ self, nixpkgs, ... }: { ... })", DiagnosticSeverity.Warning);
                    break;
                case "description" or "outputs" or "nixConfig":
                    break;
                default:
                    Report(binding, $"'{names[0]}' is not a flake attribute: Nix allows only description, inputs, outputs and nixConfig at the top level", DiagnosticSeverity.Error);
                    break;
            }
        }
        // `inputs.self` holds attributes of this flake itself (submodules, lfs in newer Nix), not an input.
        if (_inputs.Remove("self", out var self)) Self = self;
        foreach (var input in _inputs.Values.SelectMany(i => new[] { i }.Concat(i.Descendants()))) Finish(input);
    }

    /// <summary>Strips <c>let ... in</c> and parentheses around an expression.</summary>
    internal static SyntaxNode? Unwrap(SyntaxNode? node)
    {
        while (true)
        {
            switch (node)
            {
                case LetInSyntax let: node = let.Body; break;
                case ParenthesizedSyntax parenthesized: node = parenthesized.Expression; break;
                default: return node;
            }
        }
    }

    // `inputs...` with the names after "inputs".
    private void ReadInputs(List<string> path, SyntaxNode? value, BindingSyntax binding, int depth)
    {
        if (path.Count == 0)
        {
            if (Unwrap(value) is not AttrSetSyntax set)
            {
                // Nix reads inputs without evaluating them (only a literal set is "trivial"): 2.8 and later stop with this message.
                Report(binding, "inputs must be written as an attribute set { ... }: Nix does not evaluate it, so a // merge, a variable or a function call there makes Nix stop with 'expected a set but got a thunk'", DiagnosticSeverity.Error);
                return;
            }
            foreach (var inner in set.Bindings)
            {
                var names = inner.AttrPath.StaticNames;
                if (names is null) { Report(inner, "input names must be constant", DiagnosticSeverity.Warning); continue; }
                ReadInputs(names.ToList(), inner.Value, inner, 0);
            }
            return;
        }
        var name = path[0];
        if (!_inputs.TryGetValue(name, out var input))
        {
            input = new InputDeclaration(name, null);
            _inputs.Add(name, input);
        }
        ReadDeclaration(input, path.Skip(1).ToList(), value, binding, depth + 1);
    }

    /// <summary>Applies `rest = value` to a declaration (a root input or an override at any depth).</summary>
    private void ReadDeclaration(InputDeclaration input, List<string> rest, SyntaxNode? value, BindingSyntax binding, int depth)
    {
        if (input.Bindings.Count == 0 || input.Line == 0)
        {
            var position = binding.StartPosition;
            input.Line = position.Line;
            input.Column = position.Column;
        }
        input.Bindings.Add((binding, depth));
        if (rest.Count == 0)
        {
            if (Unwrap(value) is not AttrSetSyntax set)
            {
                Report(binding, $"input '{input.InputPath}' must be an attribute set such as {{ url = \"...\"; }}", DiagnosticSeverity.Error);
                return;
            }
            input.Blocks.Add(set);
            foreach (var inner in set.Bindings)
            {
                var names = inner.AttrPath.StaticNames;
                if (names is null) { Report(inner, "attribute names in an input must be constant", DiagnosticSeverity.Warning); continue; }
                ReadDeclaration(input, names.ToList(), inner.Value, inner, 0);
            }
            return;
        }
        var key = rest[0];
        if (key == "inputs")
        {
            if (rest.Count == 1)
            {
                if (Unwrap(value) is not AttrSetSyntax set)
                {
                    Report(binding, $"'{input.InputPath}.inputs' must be an attribute set", DiagnosticSeverity.Error);
                    return;
                }
                input.DeclaresInputs = true;
                foreach (var inner in set.Bindings)
                {
                    var names = inner.AttrPath.StaticNames;
                    if (names is null) { Report(inner, "input names must be constant", DiagnosticSeverity.Warning); continue; }
                    ReadDeclaration(input.GetOrAddInput(names[0]), names.Skip(1).ToList(), inner.Value, inner, 1);
                }
                return;
            }
            ReadDeclaration(input.GetOrAddInput(rest[1]), rest.Skip(2).ToList(), value, binding, depth + 2);
            return;
        }
        if (rest.Count > 1)
        {
            Report(binding, $"'{string.Join(".", rest)}' is not something an input declares (url, flake, follows, inputs.<name>..., or a reference attribute)", DiagnosticSeverity.Error);
            return;
        }
        if (input.ValueBindings.ContainsKey(key))
        {
            Report(binding, $"'{key}' of input '{input.InputPath}' is already defined at line {input.ValueBindings[key].StartPosition.Line}", DiagnosticSeverity.Error);
            return;
        }
        input.ValueBindings[key] = binding;
        var constant = Constant(value);
        switch (key)
        {
            case "url":
                if (constant is string url)
                {
                    input.Url = url;
                    input.UrlIsUriLiteral = IsUriLiteral(value);
                }
                else if (Unwrap(value) is { Kind: SyntaxKind.Path } pathLiteral)
                {
                    input.Url = pathLiteral.ToString();
                    input.UrlIsPathLiteral = true;
                }
                else
                {
                    input.Unreadable ??= $"its url is not a constant string (line {binding.StartPosition.Line}); Nix too reads only a constant string or path there (it says 'expected a string but got a thunk')";
                    Report(binding, $"the url of input '{input.InputPath}' is not a constant string; FlakeTools can read and edit only constant urls", DiagnosticSeverity.Warning);
                }
                break;
            case "flake":
                input.HasFlakeAttribute = true;
                if (constant is bool isFlake) input.IsFlake = isFlake;
                else Report(binding, $"'flake' of input '{input.InputPath}' must be true or false", DiagnosticSeverity.Error);
                break;
            case "follows":
                if (constant is string follows) input.Follows = follows;
                else Report(binding, $"'follows' of input '{input.InputPath}' must be a constant string such as \"nixpkgs\"", DiagnosticSeverity.Error);
                break;
            default:
                if (constant is not null) input.AddAttribute(key, constant);
                else
                {
                    input.Unreadable ??= $"its '{key}' is not a constant (line {binding.StartPosition.Line}); Nix too reads only a constant string, number or true/false there";
                    Report(binding, $"'{key}' of input '{input.InputPath}' is not a constant", DiagnosticSeverity.Warning);
                }
                break;
        }
    }

    private void Finish(InputDeclaration input)
    {
        if (input.Follows is not null && (input.Url is not null || input.UsesAttributeForm))
        {
            Report(input.ValueBindings["follows"], $"input '{input.InputPath}' has both a url and follows; Nix rejects that: keep one", DiagnosticSeverity.Error);
        }
        // A reference FlakeTools cannot read is that input's problem: the others read on as usual.
        var at = input.ValueBindings.GetValueOrDefault("url") ?? input.ValueBindings.GetValueOrDefault("type") ?? input.ValueBindings.Values.FirstOrDefault();
        if (input.Unreadable is not null)
        {
            input.ReferenceError = input.Unreadable;
            return;
        }
        try
        {
            if (input.UsesAttributeForm)
            {
                // With `type`, Nix hands `url` to the type's fetcher as one attribute among the others.
                var attributes = input.Attributes.ToList();
                if (input.Url is not null) attributes.Add(new KeyValuePair<string, object>("url", input.Url));
                input.Reference = FlakeReference.FromAttributes(attributes);
            }
            else if (input.Attributes.Count > 0)
            {
                var first = input.Attributes[0].Key;
                throw new FlakeReferenceException(input.Url ?? "{ ... }", $"'{first}' is a reference attribute, which Nix takes only together with 'type' (type = \"github\"; ...); without it Nix refuses the input");
            }
            else if (input.Url is not null)
            {
                input.Reference = FlakeReference.Parse(input.UrlIsPathLiteral && !input.Url.StartsWith('.') && !input.Url.StartsWith('/') ? "path:" + input.Url : input.Url, input.IsFlake);
            }
        }
        catch (FlakeReferenceException e)
        {
            input.ReferenceError = e.Message;
            if (at is not null) Report(at, $"input '{input.InputPath}': {e.Message}", DiagnosticSeverity.Warning);
            return;
        }
        if (input.Reference is { } reference && at is not null)
        {
            foreach (var warning in reference.Warnings) Report(at, $"input '{input.InputPath}': {warning}", DiagnosticSeverity.Warning);
        }
    }

    /// <summary>A constant value: string (without interpolation), bool, integer, or null when not constant.</summary>
    internal static object? Constant(SyntaxNode? value) => Unwrap(value) switch
    {
        StringSyntax text => text.ConstantValue,
        { Kind: SyntaxKind.Literal } uri when uri.ChildToken(SyntaxKind.UriToken) is { } token => token.Text,
        IdentifierSyntax { Name: "true" } => true,
        IdentifierSyntax { Name: "false" } => false,
        { Kind: SyntaxKind.Literal } literal when long.TryParse(literal.ToString(), out var number) => number,
        _ => null,
    };

    /// <summary>Whether the value is a URI literal (<c>url = github:NixOS/nixpkgs;</c>, a string without quotes).</summary>
    internal static bool IsUriLiteral(SyntaxNode? value) => Unwrap(value) is { Kind: SyntaxKind.Literal } literal && literal.ChildToken(SyntaxKind.UriToken) is not null;

    private void Report(SyntaxNode node, string message, DiagnosticSeverity severity)
    {
        var span = node.Span;
        var position = Tree.GetLinePosition(span.Start);
        _diagnostics.Add(new Diagnostic(message, span, position.Line, position.Column, severity) { FilePath = Path });
    }
}
