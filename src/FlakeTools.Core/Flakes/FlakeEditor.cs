using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
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
    /// <summary>An input name that Nix (or FlakeTools' input paths) cannot take; the message says which rule it breaks.</summary>
    InvalidName,
    /// <summary>A follows key or value that Nix cannot take, or two keys that mean the same input.</summary>
    InvalidFollows,
    /// <summary>A branch or tag name that Nix refuses.</summary>
    InvalidRef,
    /// <summary>A commit that is not 40 hexadecimal digits.</summary>
    InvalidRev,
}

/// <summary>An edit that cannot be made.</summary>
public sealed class FlakeEditException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public FlakeEditException(FlakeEditError error, string message) : base(message)
    {
        Error = error;
    }

    /// <summary>Creates the exception with the failure that caused it.</summary>
    public FlakeEditException(FlakeEditError error, string message, Exception inner) : base(message, inner)
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
    // Nix's lexer: what may be written as a URI literal, without quotes.
    private static readonly System.Text.RegularExpressions.Regex UriLiteral =
        new(@"\A[a-zA-Z][a-zA-Z0-9+\-.]*:[a-zA-Z0-9%/?:@&=+$,\-_.!~*']+\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    // Nix's rules live in FlakeReferenceTypes, anchored with \A and \z (.NET's `$` also matches
    // before a final line break).
    private static readonly Regex FlakeIdPattern = FlakeReferenceTypes.FlakeIdRegex;

    // ---------------- user strings ----------------

    /// <summary>
    /// Checks an input name given by a user. Any attribute name is an input name to Nix
    /// (<c>"my.input"</c>, <c>"a\"b"</c>, unicode, leading digits: they are written quoted), except
    /// <c>self</c>; FlakeTools also refuses <c>/</c> (the step of an input path such as
    /// <c>home-manager/nixpkgs</c>), control characters and the empty name. Throws
    /// <see cref="FlakeEditException"/> (<see cref="FlakeEditError.InvalidName"/>) naming the rule.
    /// </summary>
    public static void CheckInputName(string name)
    {
        string? why = name switch
        {
            "" => "an input name cannot be empty",
            "self" => "'self' is the flake itself (the first argument of outputs); Nix does not take it as an input name",
            _ when name.Contains('/') => $"'{Printable(name)}' holds '/', which separates the steps of an input path (home-manager/nixpkgs): no follows and no nix command could name this input",
            _ when name.Any(char.IsControl) => $"'{Printable(name)}' holds a control character (a line break, tab...); no follows and no nix command could name this input",
            _ => null,
        };
        if (why is not null) throw new FlakeEditException(FlakeEditError.InvalidName, why);
    }

    /// <summary>
    /// A warning for an input name that Nix accepts in flake.nix but not where it reads input
    /// paths (<c>follows = "..."</c>, <c>--update-input</c>): those take <c>[a-zA-Z][a-zA-Z0-9_-]*</c>. Null when none.
    /// </summary>
    public static string? InputNameWarning(string name) => FlakeIdPattern.IsMatch(name) ? null
        : $"Nix accepts the input name '{Printable(name)}' in flake.nix, but a follows of another input and 'nix flake lock --update-input' cannot name it: there Nix takes only names like [a-zA-Z][a-zA-Z0-9_-]*";

    /// <summary>Checks a branch or tag name by Nix's rule (<c>[a-zA-Z0-9@][a-zA-Z0-9_.\/@+-]*</c>).</summary>
    public static void CheckRef(string reference)
    {
        if (!FlakeReferenceTypes.SimpleRefRegex.IsMatch(reference))
        {
            throw new FlakeEditException(FlakeEditError.InvalidRef, $"'{Printable(reference)}' is not a branch or tag name Nix accepts: it starts with a letter, digit or @ and holds only letters, digits and _ . / @ + -");
        }
    }

    /// <summary>Checks a commit: exactly 40 hexadecimal digits (<see cref="FlakeReferenceTypes.IsRev"/>).</summary>
    public static void CheckRev(string rev)
    {
        if (!FlakeReferenceTypes.IsRev(rev))
        {
            throw new FlakeEditException(FlakeEditError.InvalidRev, $"'{Printable(rev)}' is not a commit: give its full hash, 40 hexadecimal digits (git rev-parse shows it)");
        }
    }

    /// <summary>
    /// Checks and reads follows given by a user, as (key, target) pairs: a key is an input path
    /// below the input, <c>nixpkgs</c> or <c>hyprland/nixpkgs</c> (<c>.</c> also separates steps);
    /// a target is <c>""</c> (the empty follows) or an input path from the root whose steps match
    /// Nix's <c>[a-zA-Z][a-zA-Z0-9_-]*</c> (Nix refuses anything else there). Keys that name the
    /// same input (<c>a.b</c> and <c>a/b</c>) are refused: they would define one attribute twice.
    /// Returns the pairs as input paths, sorted by key (<see cref="InputPath.CompareTo"/>).
    /// </summary>
    public static List<KeyValuePair<InputPath, InputPath>> NormalizeFollows(IEnumerable<KeyValuePair<string, string>> follows)
    {
        var result = new Dictionary<InputPath, (InputPath Target, string Given)>();
        foreach (var (key, target) in follows)
        {
            if (!InputPath.TryParseExact(key, "./", out var path))
            {
                throw new FlakeEditException(FlakeEditError.InvalidFollows, $"the follows key '{Printable(key)}' has an empty step: a key names an input of the input, such as nixpkgs or hyprland/nixpkgs");
            }
            if (key.Any(char.IsControl))
            {
                throw new FlakeEditException(FlakeEditError.InvalidFollows, $"the follows key '{Printable(key)}' holds a control character (a line break, tab...)");
            }
            if (result.TryGetValue(path, out var other))
            {
                throw new FlakeEditException(FlakeEditError.InvalidFollows, $"the follows keys '{Printable(other.Given)}' and '{Printable(key)}' name the same input ({path}); give it once");
            }
            var targetPath = InputPath.Empty;
            if (target.Length > 0)
            {
                var valid = InputPath.TryParseExact(target, "/", out targetPath);
                if (!valid || targetPath.Segments.FirstOrDefault(s => !FlakeIdPattern.IsMatch(s)) is { } bad)
                {
                    var step = valid ? targetPath.Segments.First(s => !FlakeIdPattern.IsMatch(s)) : "";
                    throw new FlakeEditException(FlakeEditError.InvalidFollows,
                        $"the follows target '{Printable(target)}' (for {path}) is not an input path Nix accepts: '{Printable(step)}' must match [a-zA-Z][a-zA-Z0-9_-]*, steps are separated by one '/', and '' is the empty follows");
                }
            }
            result[path] = (targetPath, key);
        }
        return result.OrderBy(p => p.Key).Select(p => new KeyValuePair<InputPath, InputPath>(p.Key, p.Value.Target)).ToList();
    }

    /// <summary>A user string as it can be shown in one line of a message (line breaks and other controls escaped).</summary>
    private static string Printable(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }

    // ---------------- edits ----------------

    /// <summary>Adds an input (and names it in the <c>outputs</c> arguments when they are listed).</summary>
    /// <remarks><paramref name="follows"/>: (input path below the new input, target) pairs, as <see cref="NormalizeFollows"/> gives them.</remarks>
    public static FlakeEditResult AddInput(FlakeFile flake, string name, FlakeReference reference, bool? isFlake = null, IReadOnlyList<KeyValuePair<InputPath, InputPath>>? follows = null) =>
        Guarded(flake, $"adding input '{name}'", () => AddInputCore(flake, name, reference, isFlake, follows ?? Array.Empty<KeyValuePair<InputPath, InputPath>>()));

    private static FlakeEditResult AddInputCore(FlakeFile flake, string name, FlakeReference reference, bool? isFlake, IReadOnlyList<KeyValuePair<InputPath, InputPath>> follows)
    {
        EnsureValid(flake);
        CheckInputName(name);
        if (flake.FindInput(name) is not null) throw new FlakeEditException(FlakeEditError.InputExists, $"input '{name}' already exists in {Where(flake)}; use Set-FlakeInput to change it");
        var top = flake.TopLevel!;
        if (follows.Select(f => f.Key).Distinct().Count() != follows.Count || follows.Any(f => f.Key.IsEmpty))
        {
            throw new FlakeEditException(FlakeEditError.InvalidFollows, "each follows key names one input of the new input, once");
        }
        var inputPath = InputPath.Of(name);
        var warnings = new List<string>();
        if (InputNameWarning(name) is { } nameWarning) warnings.Add(nameWarning);
        warnings.AddRange(follows.Select(f => FollowsWarning(inputPath.Concat(f.Key), f.Value, isFlake != false)).OfType<string>());
        // outputs = { self, nixpkgs }: takes exactly the inputs it lists. A name that is not a Nix
        // identifier (my.input, if, 1x) cannot be listed there, so the function must take `...`.
        var listable = NixString.IsIdentifier(name);
        if (!listable && flake.OutputsPattern is { HasEllipsis: false } closed)
        {
            throw new FlakeEditException(FlakeEditError.InvalidName,
                $"outputs in {Where(flake)} takes only the arguments it lists ({{ {string.Join(", ", closed.Formals.Select(f => f.Name))} }}), and '{Printable(name)}' is not a Nix identifier that could be listed there, so Nix would refuse to call it; add '...' to its arguments first, or choose a name like 'my-input'");
        }

        // What the new input says, as (relative attribute path, value) pairs.
        var parts = new List<(string[] Path, string Value)> { (new[] { "url" }, NixString.Quote(reference.ToUrl())) };
        if (isFlake == false) parts.Add((new[] { "flake" }, "false"));
        foreach (var (path, target) in follows) parts.Add((path.FollowsAttributePath().ToArray(), NixString.Quote(target.ToString())));

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
        if (listable && result.OutputsPattern is { } pattern && pattern.Formals.All(f => f.Name != name))
        {
            result = FlakeFile.FromTree(SyntaxEditor.InsertFormal(pattern, name), flake.Path);
        }
        var added = result.FindInput(name);
        if (added?.Reference is null || !added.Reference.Equals(reference)) throw Unexpected(flake, $"adding input '{name}'");
        if (follows.Any(f => result.FindInputPath(inputPath.Concat(f.Key))?.FollowsPath != f.Value)) throw Unexpected(flake, $"adding the follows of '{name}'");
        return new FlakeEditResult(result, true, warnings);
    }

    /// <summary>A warning for a follows (of the input at <paramref name="key"/>) that Nix takes but that cannot do what it seems to.</summary>
    private static string? FollowsWarning(InputPath key, InputPath target, bool rootIsFlake)
    {
        if (!rootIsFlake && key.Count > 1)
        {
            return $"input '{key.RootInput}' has flake = false: Nix reads no flake.nix from it, so it has no input '{key.Skip(1)}' to follow '{target}'";
        }
        if (!target.IsEmpty && key.StartsWith(target))
        {
            return $"'{key}' follows '{target}', which is itself or contains it: Nix cannot lock that (an input following itself)";
        }
        return null;
    }

    /// <summary>Points an input (or an override such as <c>home-manager/nixpkgs</c>) at another reference, in the form it is written in.</summary>
    public static FlakeEditResult SetReference(FlakeFile flake, InputPath inputPath, FlakeReference reference) =>
        Guarded(flake, $"setting the url of '{inputPath}'", () => SetReferenceCore(flake, inputPath, reference));

    private static FlakeEditResult SetReferenceCore(FlakeFile flake, InputPath inputPath, FlakeReference reference)
    {
        EnsureValid(flake);
        var input = Find(flake, inputPath);
        var warnings = new List<string>();
        SyntaxTree tree;
        if (input.UsesAttributeForm)
        {
            return SetAttributes(flake, input, reference);
        }
        if (input.ValueBindings.TryGetValue("url", out var urlBinding))
        {
            var newUrl = reference.ToUrl();
            if (input.Url == newUrl && !input.UrlIsPathLiteral) return Unchanged(flake);
            // A URI literal stays one (quoting is the user's choice) unless the new url cannot be written so.
            var newText = input.UrlIsUriLiteral && UriLiteral.IsMatch(newUrl) ? newUrl : NixString.Quote(newUrl);
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
        if (result.FindInputPath(inputPath)?.Reference?.Equals(reference) != true) throw Unexpected(flake, $"setting the url of '{inputPath}'");
        return new FlakeEditResult(result, true, warnings);
    }

    /// <summary>Sets <c>flake = false</c> (or back to true) on an input.</summary>
    public static FlakeEditResult SetIsFlake(FlakeFile flake, InputPath inputPath, bool isFlake) =>
        Guarded(flake, $"setting 'flake' of '{inputPath}'", () => SetIsFlakeCore(flake, inputPath, isFlake));

    private static FlakeEditResult SetIsFlakeCore(FlakeFile flake, InputPath inputPath, bool isFlake)
    {
        EnsureValid(flake);
        var input = Find(flake, inputPath);
        if (input.IsFlake == isFlake) return Unchanged(flake);
        var tree = input.ValueBindings.TryGetValue("flake", out var binding)
            ? SyntaxEditor.ReplaceNode(binding.Value!, isFlake ? "true" : "false")
            : Insert(flake, input, new[] { "flake" }, isFlake ? "true" : "false");
        var result = FlakeFile.FromTree(tree, flake.Path);
        if (result.FindInputPath(inputPath)?.IsFlake != isFlake) throw Unexpected(flake, $"setting 'flake' of '{inputPath}'");
        return new FlakeEditResult(result, true, Array.Empty<string>());
    }

    /// <summary>
    /// Makes the input at <paramref name="inputPath"/> follow <paramref name="target"/> (the empty
    /// path for the empty follows): for <c>home-manager/nixpkgs</c>,
    /// <c>home-manager.inputs.nixpkgs.follows = "nixpkgs";</c>; for a root input, the input itself
    /// follows the target. Nix takes only <c>[a-zA-Z][a-zA-Z0-9_-]*</c> as a target's steps.
    /// </summary>
    public static FlakeEditResult SetFollows(FlakeFile flake, InputPath inputPath, InputPath target) =>
        Guarded(flake, $"setting a follows of '{inputPath.RootInput}'", () => SetFollowsCore(flake, inputPath, target));

    private static FlakeEditResult SetFollowsCore(FlakeFile flake, InputPath inputPath, InputPath target)
    {
        EnsureValid(flake);
        if (inputPath.IsEmpty) throw new FlakeEditException(FlakeEditError.InvalidFollows, "a follows needs the input that follows: the root flake itself cannot follow");
        if (target.Segments.FirstOrDefault(s => !FlakeIdPattern.IsMatch(s)) is { } bad)
        {
            throw new FlakeEditException(FlakeEditError.InvalidFollows, $"the follows target '{Printable(target.ToString())}' (for {inputPath}) is not an input path Nix accepts: '{Printable(bad)}' must match [a-zA-Z][a-zA-Z0-9_-]*");
        }
        var root = Find(flake, inputPath.Take(1));
        var warnings = new List<string>();
        if (FollowsWarning(inputPath, target, root.IsFlake) is { } warning) warnings.Add(warning);
        var node = flake.FindInputPath(inputPath);
        SyntaxTree tree;
        if (node?.ValueBindings.TryGetValue("follows", out var existing) == true)
        {
            if (node.FollowsPath == target) return Unchanged(flake);
            tree = SyntaxEditor.ReplaceNode(existing.Value!, NixString.Quote(target.ToString()));
        }
        else if (node is not null && (node.Url is not null || node.UsesAttributeForm))
        {
            throw new FlakeEditException(FlakeEditError.InvalidEdit, $"'{inputPath}' has its own url in {Where(flake)}; Nix does not allow url and follows together: remove the url first");
        }
        else if (node is not null)
        {
            tree = Insert(flake, node, new[] { "follows" }, NixString.Quote(target.ToString()));
        }
        else
        {
            // Walk down to the deepest declared override, then declare the rest of the path from there.
            var deepest = root;
            var consumed = 1;
            while (consumed < inputPath.Count && deepest.Inputs.TryGetValue(inputPath[consumed], out var next)) { deepest = next; consumed++; }
            tree = Insert(flake, deepest, inputPath.Skip(consumed).FollowsAttributePath(), NixString.Quote(target.ToString()));
        }
        var result = FlakeFile.FromTree(tree, flake.Path);
        if (result.FindInputPath(inputPath)?.FollowsPath != target) throw Unexpected(flake, $"setting follows of '{inputPath}'");
        return new FlakeEditResult(result, true, warnings);
    }

    /// <summary>
    /// Removes an input: every binding that declares it (with its comments), and its name in the
    /// <c>outputs</c> arguments. Warns when other inputs follow it.
    /// </summary>
    public static FlakeEditResult RemoveInput(FlakeFile flake, string name) =>
        Guarded(flake, $"removing input '{name}'", () => RemoveInputCore(flake, name));

    private static FlakeEditResult RemoveInputCore(FlakeFile flake, string name)
    {
        EnsureValid(flake);
        Find(flake, InputPath.Of(name));
        var warnings = new List<string>();
        foreach (var other in flake.Inputs.Where(i => i.Name != name))
        {
            foreach (var declaration in new[] { other }.Concat(other.Descendants()))
            {
                if (declaration.FollowsPath is { IsEmpty: false } follows && follows.RootInput == name)
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
        if (current.HasStructuralErrors) throw Unexpected(flake, $"removing input '{name}'");
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
            var declaration = current.FindInputPath(inputPath)!;
            var existing = key == "url" && declaration.Url is not null
                ? new KeyValuePair<string, object>("url", declaration.Url)
                : declaration.Attributes.FirstOrDefault(a => a.Key == key);
            if (existing.Key is not null && FormatAttribute(existing.Value) == value) continue;
            var text = existing.Value is bool || key is "submodules" or "shallow" or "allRefs" or "lfs" or "exportIgnore" or "verifyCommit" or "unpack" ? (value == "1" || value == "true" ? "true" : "false")
                : existing.Value is long || key is "lastModified" or "revCount" ? value
                : key == "url" && declaration.UrlIsUriLiteral && UriLiteral.IsMatch(value) ? value
                : NixString.Quote(value);
            var tree = existing.Key is not null
                ? SyntaxEditor.ReplaceNode(declaration.ValueBindings[key].Value!, text)
                : Insert(current, declaration, new[] { key }, text);
            current = FlakeFile.FromTree(tree, flake.Path);
        }
        var after = current.FindInputPath(inputPath)!;
        var stale = after.Attributes.Select(a => a.Key).Concat(after.Url is not null ? new[] { "url" } : Array.Empty<string>()).ToList();
        foreach (var key in stale)
        {
            if (wanted.Any(w => w.Key == key)) continue;
            var binding = current.FindInputPath(inputPath)!.ValueBindings[key];
            current = FlakeFile.FromTree(SyntaxEditor.RemoveMember(binding), flake.Path);
        }
        if (current.Text == flake.Text) return Unchanged(flake);
        if (current.FindInputPath(inputPath)?.Reference is not { } written || Sorted(written.ToAttributes()) != Sorted(wanted)) throw Unexpected(flake, $"setting the reference of '{inputPath}'");
        return new FlakeEditResult(current, true, Array.Empty<string>());
    }

    private static string Sorted(IEnumerable<KeyValuePair<string, string>> attributes) =>
        string.Join("\n", attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value));

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

    private static InputDeclaration Find(FlakeFile flake, InputPath inputPath) =>
        flake.FindInputPath(inputPath)
            ?? throw new FlakeEditException(FlakeEditError.InputNotFound, $"{Where(flake)} has no input '{inputPath}'{Suggest(flake)}");

    private static string Suggest(FlakeFile flake)
    {
        var names = flake.Inputs.Select(i => i.Name).ToList();
        return names.Count == 0 ? " (it declares no inputs)" : $"; its inputs are: {string.Join(", ", names)}";
    }

    private static void EnsureValid(FlakeFile flake)
    {
        if (flake.FirstStructuralError is { } first)
        {
            throw new FlakeEditException(FlakeEditError.FlakeInvalid, $"{Where(flake)} is not a valid flake ({At(flake, first)}: {first.Message}); fix it before editing it with FlakeTools");
        }
        if (flake.TopLevel is null) throw new FlakeEditException(FlakeEditError.FlakeInvalid, $"{Where(flake)} is not an attribute set");
    }

    private static string Where(FlakeFile flake) => flake.Path ?? "flake.nix";

    /// <summary><c>file:line:column</c> of a diagnostic of <paramref name="flake"/>.</summary>
    private static string At(FlakeFile flake, Diagnostic diagnostic) => $"{diagnostic.FilePath ?? Where(flake)}:{diagnostic.Line}:{diagnostic.Column}";

    private static FlakeEditResult Unchanged(FlakeFile flake) => new(flake, false, Array.Empty<string>());

    /// <summary>
    /// Runs an edit; a refusal of the syntax layer (an edit that would not parse, a fragment that is
    /// not valid Nix) becomes a <see cref="FlakeEditException"/> like every other failure of an edit.
    /// </summary>
    private static FlakeEditResult Guarded(FlakeFile flake, string what, Func<FlakeEditResult> edit)
    {
        FlakeEditResult result;
        try
        {
            result = edit();
        }
        catch (FlakeEditException)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new FlakeEditException(FlakeEditError.InvalidEdit,
                $"FlakeTools could not make the edit ({what}) in {Where(flake)}: {e.Message}; the file was left as it was. Please report this with the file attached.", e);
        }
        // The guard of every write: whatever the parser and the flake reader know Nix refuses
        // (syntax, an attribute defined twice, url with follows...) must not be written.
        if (result.Changed && result.Flake.FirstStructuralError is { } first)
        {
            throw new FlakeEditException(FlakeEditError.InvalidEdit, $"{what} in {Where(flake)} would give a file Nix refuses ({At(flake, first)}: {first.Message}); the file was left as it was");
        }
        // Undefined variables the file had before stay its owner's business (it stays editable);
        // one the edit would add is refused.
        if (result.Changed && SyntaxTree.NewUndefinedVariable(flake.Tree, result.Flake.Tree) is { } added)
        {
            throw new FlakeEditException(FlakeEditError.InvalidEdit, $"{what} in {Where(flake)} would give a file Nix refuses ({At(flake, added)}: {added.Message}); the file was left as it was");
        }
        return result;
    }

    private static FlakeEditException Unexpected(FlakeFile flake, string what) =>
        new(FlakeEditError.InvalidEdit, $"FlakeTools could not make the edit ({what}) in {Where(flake)} without changing more than intended; the file was left as it was. Please report this with the file attached.");
}
