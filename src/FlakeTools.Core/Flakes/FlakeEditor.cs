using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.References;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Flakes;

/// <summary>What went wrong with an edit of a flake.nix.</summary>
public enum FlakeEditError
{
    /// <summary>No input of that name.</summary>
    InputNotFound,
    /// <summary>An input of that name exists already.</summary>
    InputExists,
    /// <summary>The file has syntax or flake errors; it is not edited.</summary>
    FlakeInvalid,
    /// <summary>The edit is not possible as asked (say so in the message).</summary>
    InvalidEdit,
}

/// <summary>An edit that cannot be made.</summary>
public sealed class FlakeEditException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public FlakeEditException(FlakeEditError error, string message) : base(message)
    {
        Error = error;
    }

    /// <summary>Which kind of problem.</summary>
    public FlakeEditError Error { get; }
}

/// <summary>The result of an edit: the new file, whether anything changed, and warnings for the user.</summary>
/// <param name="Flake">The flake after the edit (the same object when nothing changed).</param>
/// <param name="Changed">Whether the text changed.</param>
/// <param name="Warnings">Things the user should know (e.g. other inputs follow a removed one).</param>
public sealed record FlakeEditResult(FlakeFile Flake, bool Changed, IReadOnlyList<string> Warnings);

/// <summary>
/// Edits of a flake.nix that keep the file's style: new declarations copy the form of their
/// siblings (flat <c>name.url = ...;</c> or nested <c>name = { ... };</c>), bindings go next to
/// the input's other bindings, and every result is parsed again and checked before it is returned.
/// </summary>
public static class FlakeEditor
{
    /// <summary>Adds an input (and names it in the <c>outputs</c> arguments when they are listed).</summary>
    public static FlakeEditResult AddInput(FlakeFile flake, string name, FlakeReference reference, bool? isFlake = null, IReadOnlyList<KeyValuePair<string, string>>? follows = null)
    {
        EnsureValid(flake);
        if (flake.FindInput(name) is not null) throw new FlakeEditException(FlakeEditError.InputExists, $"input '{name}' already exists in {Where(flake)}; use Set-FlakeInput to change it");
        var top = flake.TopLevel!;
        follows ??= Array.Empty<KeyValuePair<string, string>>();

        // What the new input says, as (relative attribute path, value) pairs.
        var parts = new List<(string[] Path, string Value)> { (new[] { "url" }, NixString.Quote(reference.ToUrl())) };
        if (isFlake == false) parts.Add((new[] { "flake" }, "false"));
        foreach (var (path, target) in follows) parts.Add((FollowsPath(path), NixString.Quote(target)));

        var block = top.Bindings.FirstOrDefault(b => b.AttrPath.StaticNames is ["inputs"] && FlakeFile.Unwrap(b.Value) is AttrSetSyntax);
        SyntaxTree tree;
        if (block is not null)
        {
            var set = (AttrSetSyntax)FlakeFile.Unwrap(block.Value)!;
            var siblings = flake.Inputs.Where(i => i.Bindings.Any(b => b.Binding.Parent == set)).ToList();
            tree = SyntaxEditor.InsertBindings(set, Declaration(flake, Array.Empty<string>(), name, parts, PreferNested(siblings, parts.Count)));
        }
        else
        {
            var flat = top.Bindings.LastOrDefault(b => b.AttrPath.StaticNames is ["inputs", _, ..]);
            if (flat is not null)
            {
                tree = SyntaxEditor.InsertBindings(top, Declaration(flake, new[] { "inputs" }, name, parts, PreferNested(flake.Inputs.ToList(), parts.Count)), flat);
            }
            else
            {
                // No inputs yet: before `outputs`, after `description`.
                var outputs = top.Bindings.FirstOrDefault(b => b.AttrPath.StaticNames is ["outputs"]);
                var anchor = outputs is null ? null : top.Members.TakeWhile(m => m != outputs).LastOrDefault();
                var text = Declaration(flake, new[] { "inputs" }, name, parts, nested: false);
                tree = anchor is null && outputs is not null
                    ? SyntaxEditor.InsertBindingsBefore(top, text, outputs)
                    : SyntaxEditor.InsertBindings(top, text, anchor);
            }
        }

        var result = FlakeFile.FromTree(tree, flake.Path);
        if (result.OutputsPattern is { } pattern && pattern.Formals.All(f => f.Name != name))
        {
            result = FlakeFile.FromTree(SyntaxEditor.InsertFormal(pattern, name), flake.Path);
        }
        var added = result.FindInput(name);
        if (added?.Reference is null || !added.Reference.Equals(reference)) throw Unexpected(flake, $"adding input '{name}'");
        return new FlakeEditResult(result, true, Array.Empty<string>());
    }

    /// <summary>Points an input (or an override such as <c>home-manager/nixpkgs</c>) at another reference, in the form it is written in.</summary>
    public static FlakeEditResult SetReference(FlakeFile flake, string inputPath, FlakeReference reference)
    {
        EnsureValid(flake);
        var input = Find(flake, inputPath);
        var warnings = new List<string>();
        SyntaxTree tree;
        if (input.UsesAttributeForm && !input.ValueBindings.ContainsKey("url"))
        {
            return SetAttributes(flake, input, reference);
        }
        if (input.ValueBindings.TryGetValue("url", out var urlBinding))
        {
            var newText = NixString.Quote(reference.ToUrl());
            if (urlBinding.Value is StringSyntax { ConstantValue: { } current } && current == reference.ToUrl()) return Unchanged(flake);
            tree = SyntaxEditor.ReplaceNode(urlBinding.Value!, newText);
        }
        else if (input.ValueBindings.TryGetValue("follows", out var followsBinding))
        {
            // url and follows exclude each other: `x.follows = "y";` becomes `x.url = "...";` in place.
            warnings.Add($"input '{input.InputPath}' followed '{input.Follows}'; it now has its own url instead");
            var names = followsBinding.AttrPath.StaticNames!.ToList();
            names[^1] = "url";
            tree = SyntaxEditor.ReplaceMember(followsBinding, NixString.AttrPath(names) + " = " + NixString.Quote(reference.ToUrl()) + ";");
        }
        else
        {
            tree = Insert(flake, input, new[] { "url" }, NixString.Quote(reference.ToUrl()));
        }
        var result = FlakeFile.FromTree(tree, flake.Path);
        if (result.FindInputPath(SplitPath(inputPath))?.Reference?.Equals(reference) != true) throw Unexpected(flake, $"setting the url of '{inputPath}'");
        return new FlakeEditResult(result, true, warnings);
    }

    /// <summary>Sets <c>flake = false</c> (or back to true) on an input.</summary>
    public static FlakeEditResult SetIsFlake(FlakeFile flake, string inputPath, bool isFlake)
    {
        EnsureValid(flake);
        var input = Find(flake, inputPath);
        if (input.IsFlake == isFlake) return Unchanged(flake);
        var tree = input.ValueBindings.TryGetValue("flake", out var binding)
            ? SyntaxEditor.ReplaceNode(binding.Value!, isFlake ? "true" : "false")
            : Insert(flake, input, new[] { "flake" }, isFlake ? "true" : "false");
        var result = FlakeFile.FromTree(tree, flake.Path);
        if (result.FindInputPath(SplitPath(inputPath))?.IsFlake != isFlake) throw Unexpected(flake, $"setting 'flake' of '{inputPath}'");
        return new FlakeEditResult(result, true, Array.Empty<string>());
    }

    /// <summary>
    /// Makes the transitive input <paramref name="overridePath"/> of <paramref name="name"/> follow
    /// <paramref name="target"/> (<c>""</c> for the empty follows): <c>name.inputs.nixpkgs.follows = "nixpkgs";</c>.
    /// With an empty <paramref name="overridePath"/> the input itself follows the target.
    /// </summary>
    public static FlakeEditResult SetFollows(FlakeFile flake, string name, string overridePath, string target)
    {
        EnsureValid(flake);
        var root = Find(flake, name);
        var path = SplitPath(overridePath);
        var fullPath = new[] { name }.Concat(path).ToList();
        var node = flake.FindInputPath(fullPath);
        SyntaxTree tree;
        if (node?.ValueBindings.TryGetValue("follows", out var existing) == true)
        {
            if (node.Follows == target) return Unchanged(flake);
            tree = SyntaxEditor.ReplaceNode(existing.Value!, NixString.Quote(target));
        }
        else if (node is not null && (node.Url is not null || node.UsesAttributeForm))
        {
            throw new FlakeEditException(FlakeEditError.InvalidEdit, $"'{string.Join("/", fullPath)}' has its own url in {Where(flake)}; Nix does not allow url and follows together: remove the url first");
        }
        else if (node is not null)
        {
            tree = Insert(flake, node, new[] { "follows" }, NixString.Quote(target));
        }
        else
        {
            // Walk down to the deepest declared override, then declare the rest of the path from there.
            var deepest = root;
            var consumed = 0;
            while (consumed < path.Length && deepest.Inputs.TryGetValue(path[consumed], out var next)) { deepest = next; consumed++; }
            var relative = FollowsPath(path.Skip(consumed));
            tree = Insert(flake, deepest, relative, NixString.Quote(target));
        }
        var result = FlakeFile.FromTree(tree, flake.Path);
        if (result.FindInputPath(fullPath)?.Follows != target) throw Unexpected(flake, $"setting follows of '{string.Join("/", fullPath)}'");
        return new FlakeEditResult(result, true, Array.Empty<string>());
    }

    /// <summary>
    /// Removes an input: every binding that declares it (with its comments), and its name in the
    /// <c>outputs</c> arguments. Warns when other inputs follow it.
    /// </summary>
    public static FlakeEditResult RemoveInput(FlakeFile flake, string name)
    {
        EnsureValid(flake);
        Find(flake, name);
        var warnings = new List<string>();
        foreach (var other in flake.Inputs.Where(i => i.Name != name))
        {
            foreach (var declaration in new[] { other }.Concat(other.Descendants()))
            {
                if (declaration.Follows is { } follows && (follows == name || follows.StartsWith(name + "/", StringComparison.Ordinal)))
                {
                    warnings.Add($"'{declaration.InputPath}' follows '{follows}', which no longer exists; Nix will fail to lock until that follows is changed or removed");
                }
            }
        }
        // Without its outputs argument, a use in the body would be an undefined variable: Nix rejects the file.
        if (flake.OutputsPattern?.Formals.Any(f => f.Name == name) == true && VariableUses(flake.Outputs!.Body, name).FirstOrDefault() is { } use)
        {
            throw new FlakeEditException(FlakeEditError.InvalidEdit,
                $"input '{name}' is still used by outputs in {Where(flake)} at line {use.StartPosition.Line} ({use.Parent?.ToString().Split('\n')[0].Trim()}); remove those uses first; the file was left as it was");
        }
        var current = flake;
        while (current.FindInput(name) is { } input)
        {
            var (binding, _) = input.Bindings.OrderByDescending(b => b.Binding.Span.Start).First();
            current = FlakeFile.FromTree(SyntaxEditor.RemoveMember(binding), flake.Path);
        }
        if (current.OutputsPattern?.Formals.FirstOrDefault(f => f.Name == name) is { } formal)
        {
            current = FlakeFile.FromTree(SyntaxEditor.RemoveFormal(formal), flake.Path);
        }
        if (current.HasErrors) throw Unexpected(flake, $"removing input '{name}'");
        return new FlakeEditResult(current, true, warnings);
    }

    // ---------------- helpers ----------------

    /// <summary>
    /// Where <paramref name="name"/> is used as a variable below <paramref name="node"/>: identifiers
    /// that are not attribute names, function parameters or pattern names.
    /// </summary>
    private static IEnumerable<IdentifierSyntax> VariableUses(SyntaxNode? node, string name)
    {
        if (node is null) yield break;
        foreach (var identifier in node.DescendantNodes().OfType<IdentifierSyntax>())
        {
            if (identifier.Name != name) continue;
            var parent = identifier.Parent;
            if (parent is AttrPathSyntax or FormalSyntax || parent?.Kind == SyntaxKind.PatternBind) continue;
            if (parent is LambdaSyntax lambda && lambda.Parameter == identifier) continue;
            if (parent is InheritSyntax inherit && inherit.Source is not null) continue;
            yield return identifier;
        }
    }

    private static FlakeEditResult SetAttributes(FlakeFile flake, InputDeclaration input, FlakeReference reference)
    {
        var inputPath = input.InputPath;
        var wanted = reference.ToAttributes();
        var current = flake;
        foreach (var (key, value) in wanted)
        {
            var declaration = current.FindInputPath(inputPath.Segments)!;
            var existing = declaration.Attributes.FirstOrDefault(a => a.Key == key);
            if (existing.Key is not null && FormatAttribute(existing.Value) == value) continue;
            var text = existing.Value is bool || key is "submodules" or "shallow" or "allRefs" ? (value == "1" || value == "true" ? "true" : "false")
                : existing.Value is long || key is "lastModified" or "revCount" ? value
                : NixString.Quote(value);
            var tree = existing.Key is not null
                ? SyntaxEditor.ReplaceNode(declaration.ValueBindings[key].Value!, text)
                : Insert(current, declaration, new[] { key }, text);
            current = FlakeFile.FromTree(tree, flake.Path);
        }
        foreach (var key in current.FindInputPath(inputPath.Segments)!.Attributes.Select(a => a.Key).ToList())
        {
            if (wanted.Any(w => w.Key == key)) continue;
            var binding = current.FindInputPath(inputPath.Segments)!.ValueBindings[key];
            current = FlakeFile.FromTree(SyntaxEditor.RemoveMember(binding), flake.Path);
        }
        if (current.Text == flake.Text) return Unchanged(flake);
        if (current.FindInputPath(inputPath.Segments)?.Reference?.ToUrl() != reference.ToUrl()) throw Unexpected(flake, $"setting the reference of '{inputPath}'");
        return new FlakeEditResult(current, true, Array.Empty<string>());
    }

    private static string FormatAttribute(object value) => value switch
    {
        bool b => b ? "1" : "0",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>
    /// Inserts <c>relative = value;</c> for a declaration: inside its own block when it has one,
    /// else next to its last binding with the same prefix (<c>inputs.x.</c>), else through its parent.
    /// </summary>
    private static SyntaxTree Insert(FlakeFile flake, InputDeclaration declaration, IReadOnlyList<string> relative, string value)
    {
        if (declaration.Blocks.Count > 0)
        {
            return SyntaxEditor.InsertBindings(declaration.Blocks[^1], NixString.AttrPath(relative) + " = " + value + ";");
        }
        if (declaration.Bindings.Count > 0)
        {
            var (binding, depth) = declaration.Bindings.OrderBy(b => b.Binding.Span.Start).Last();
            var prefix = binding.AttrPath.StaticNames!.Take(depth);
            return SyntaxEditor.InsertBindings(binding.Parent!, NixString.AttrPath(prefix.Concat(relative)) + " = " + value + ";", binding);
        }
        if (declaration.Parent is { } parent)
        {
            return Insert(flake, parent, new[] { "inputs", declaration.Name }.Concat(relative).ToList(), value);
        }
        throw Unexpected(flake, $"finding where input '{declaration.Name}' is declared");
    }

    private static bool PreferNested(IReadOnlyList<InputDeclaration> siblings, int partCount)
    {
        var nested = siblings.Count(s => s.Blocks.Count > 0);
        var flat = siblings.Count(s => s.Blocks.Count == 0);
        // A lone url reads best flat (`name.url = ...;`) unless every sibling is nested.
        return partCount > 1 ? nested > 0 && nested >= flat : flat == 0 && nested > 0;
    }

    private static string Declaration(FlakeFile flake, IReadOnlyList<string> prefix, string name, List<(string[] Path, string Value)> parts, bool nested)
    {
        var head = prefix.Append(name).ToList();
        var builder = new StringBuilder();
        if (!nested)
        {
            foreach (var (path, value) in parts) builder.Append(NixString.AttrPath(head.Concat(path))).Append(" = ").Append(value).Append(";\n");
            return builder.ToString();
        }
        var unit = SyntaxEditor.IndentUnit(flake.Tree);
        builder.Append(NixString.AttrPath(head)).Append(" = {\n");
        foreach (var (path, value) in parts) builder.Append(unit).Append(NixString.AttrPath(path)).Append(" = ").Append(value).Append(";\n");
        builder.Append("};");
        return builder.ToString();
    }

    private static string[] FollowsPath(string overridePath) => FollowsPath(SplitPath(overridePath));

    /// <summary>The attribute path below an input that makes its input at <paramref name="overridePath"/> follow: inputs.a.inputs.b.follows.</summary>
    internal static string[] FollowsPath(IEnumerable<string> overridePath) => InputPath.Of(overridePath).FollowsAttributePath().ToArray();

    internal static string[] SplitPath(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static InputDeclaration Find(FlakeFile flake, string inputPath)
    {
        var path = SplitPath(inputPath);
        return flake.FindInputPath(path)
            ?? throw new FlakeEditException(FlakeEditError.InputNotFound, $"{Where(flake)} has no input '{inputPath}'{Suggest(flake, path[0])}");
    }

    private static string Suggest(FlakeFile flake, string name)
    {
        var names = flake.Inputs.Select(i => i.Name).ToList();
        return names.Count == 0 ? " (it declares no inputs)" : $"; its inputs are: {string.Join(", ", names)}";
    }

    private static void EnsureValid(FlakeFile flake)
    {
        if (flake.HasErrors)
        {
            var first = flake.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);
            throw new FlakeEditException(FlakeEditError.FlakeInvalid, $"{Where(flake)} is not a valid flake ({first}); fix it before editing it with FlakeTools");
        }
        if (flake.TopLevel is null) throw new FlakeEditException(FlakeEditError.FlakeInvalid, $"{Where(flake)} is not an attribute set");
    }

    private static string Where(FlakeFile flake) => flake.Path ?? "flake.nix";

    private static FlakeEditResult Unchanged(FlakeFile flake) => new(flake, false, Array.Empty<string>());

    private static FlakeEditException Unexpected(FlakeFile flake, string what) =>
        new(FlakeEditError.InvalidEdit, $"FlakeTools could not make the edit ({what}) in {Where(flake)} without changing more than intended; the file was left as it was. Please report this with the file attached.");
}
