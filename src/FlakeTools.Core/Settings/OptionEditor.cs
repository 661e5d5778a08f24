using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Evaluation;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Settings;

/// <summary>One edit of a .nix file: the text before and after. Nothing is written here.</summary>
public sealed class OptionEdit
{
    internal OptionEdit(string? path, string before, string after, string description)
    {
        Path = path;
        Before = before;
        After = after;
        Description = description;
    }

    /// <summary>The file edited (null for text that is not a file).</summary>
    public string? Path { get; }

    /// <summary>The text before the edit.</summary>
    public string Before { get; }

    /// <summary>The text after the edit (it parses).</summary>
    public string After { get; }

    /// <summary>What the edit does, for people.</summary>
    public string Description { get; }

    /// <summary>Whether the text changes.</summary>
    public bool Changed => !string.Equals(Before, After, StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => Description;
}

/// <summary>The reason an option cannot be edited where asked.</summary>
public sealed class OptionEditException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public OptionEditException(string message) : base(message) { }
}

/// <summary>
/// Lossless edits of option definitions in module files: set an option (into the deepest block
/// already written for a prefix of its path, else as a flat line in the module's body, in the
/// file's style), replace a definition's value, remove a definition (and a block it empties), and
/// add names to the module's argument pattern. Text in, text out: every result is re-parsed and an
/// edit that would give invalid Nix is refused; the rest of the file stays byte for byte.
/// </summary>
public static class OptionEditor
{
    /// <summary>
    /// The set a module's definitions are written in: its body, or the set of its <c>config</c>
    /// (also inside <c>lib.mkIf</c>) when it declares <c>options</c>; null when the body is not a set written in a file.
    /// </summary>
    public static AttrSetSyntax? DefinitionSet(FlakeModule module)
    {
        var source = module.Value?.Source;
        if (module.Value is ConditionalValue conditional) source = conditional.Value.Expression;
        if (source is null) return null;
        source = Unparenthesized(source);
        if (source is not AttrSetSyntax body) return null;
        var config = body.Bindings.FirstOrDefault(b => b.AttrPath.StaticNames is [ "config" ]);
        if (config?.Value is { } value)
        {
            var inner = Unparenthesized(value);
            // config = lib.mkIf cfg.enable { ... };
            while (inner is ApplySyntax apply) inner = Unparenthesized(apply.Argument);
            return inner as AttrSetSyntax;
        }
        return body;
    }

    /// <summary>
    /// Sets <paramref name="path"/> to <paramref name="valueText"/> (a Nix expression) in a module,
    /// adding <paramref name="arguments"/> to its argument pattern when it lacks them.
    /// </summary>
    public static OptionEdit Set(FlakeModule module, IReadOnlyList<string> path, string valueText, IEnumerable<string>? arguments = null)
    {
        var set = DefinitionSet(module) ?? throw new OptionEditException($"{module.Name}: the module's body is not a set written in a file, so {NixString.AttrPath(path)} cannot be added to it; add it by hand");
        var text = set.Tree.Text;
        // The whole file is at hand here: a value that names something the file does not define is refused.
        var after = NoNewUndefined(text, SetIn(text, set.Span.Start, path, valueText, arguments));
        return new OptionEdit(module.Path ?? set.Tree.FilePath, text, after, $"set {NixString.AttrPath(path)} = {valueText} in {module.Name}");
    }

    /// <summary>Replaces the value of a definition by <paramref name="valueText"/>.</summary>
    public static OptionEdit Replace(OptionDefinition definition, string valueText)
    {
        if (definition.Node is not BindingSyntax binding || binding.Value is null) throw new OptionEditException($"{definition.Location}: `{definition.Text}` is not a binding whose value can be replaced; edit it by hand");
        var text = binding.Tree.Text;
        SyntaxTree tree;
        try
        {
            tree = SyntaxEditor.ReplaceNode(binding.Value, valueText);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new OptionEditException($"{definition.Location}: {definition.Option} = {valueText}: {e.Message}");
        }
        return new OptionEdit(definition.File, text, NoNewUndefined(text, Checked(tree)), $"set {definition.Option} = {valueText} at {definition.Location}");
    }

    /// <summary>Removes a definition, and the blocks (<c>a = { };</c>) it leaves empty.</summary>
    public static OptionEdit Remove(OptionDefinition definition)
    {
        if (definition.Node is not (BindingSyntax or InheritSyntax)) throw new OptionEditException($"{definition.Location}: `{definition.Text}` is not a binding of its own; edit it by hand");
        if (definition.Node is InheritSyntax inherit && inherit.Names.Count() > 1) throw new OptionEditException($"{definition.Location}: `{definition.Text}` inherits more than {definition.OptionPath[^1]}; remove the name by hand");
        var text = definition.Node.Tree.Text;
        return new OptionEdit(definition.File, text, RemoveIn(text, definition.Node.Span.Start), $"remove {definition.Text} at {definition.Location}");
    }

    /// <summary>
    /// Text form of <see cref="Set(FlakeModule, IReadOnlyList{string}, string, IEnumerable{string})"/>:
    /// <paramref name="setPosition"/> is where the set the definitions go in starts (its <c>{</c>).
    /// </summary>
    public static string SetIn(string text, int setPosition, IReadOnlyList<string> path, string valueText, IEnumerable<string>? arguments = null)
    {
        try
        {
            return SetCore(text, setPosition, path, valueText, arguments);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException && e is not OptionEditException)
        {
            throw new OptionEditException($"{NixString.AttrPath(path)} = {valueText}: {e.Message}");
        }
    }

    private static string SetCore(string text, int setPosition, IReadOnlyList<string> path, string valueText, IEnumerable<string>? arguments)
    {
        if (path.Count == 0) throw new ArgumentException("an option path is needed", nameof(path));
        var tree = Parse(text);
        var set = NodeAt<AttrSetSyntax>(tree, setPosition, SyntaxKind.AttrSet);
        var container = set;
        var remaining = path.ToList();
        SyntaxTree result;
        while (true)
        {
            BindingSyntax? block = null;
            BindingSyntax? exact = null;
            foreach (var binding in container.Bindings)
            {
                var names = binding.AttrPath.StaticNames;
                if (names is null || names.Count > remaining.Count || !names.SequenceEqual(remaining.Take(names.Count))) continue;
                if (names.Count == remaining.Count) exact = binding;
                else if (binding.Value is AttrSetSyntax literal && !literal.IsRecursive && literal.ChildToken(SyntaxKind.LetKeyword) is null && block is null) block = binding;
            }
            if (exact is not null)
            {
                if (exact.Value is null) throw new OptionEditException($"`{exact}` has no value to replace");
                if (exact.Value.ToString() == valueText.Trim()) return AddArguments(text, setPosition, arguments);
                result = SyntaxEditor.ReplaceNode(exact.Value, valueText);
                break;
            }
            if (block is not null)
            {
                var consumed = block.AttrPath.StaticNames!.Count;
                container = (AttrSetSyntax)block.Value!;
                remaining = remaining.Skip(consumed).ToList();
                continue;
            }
            // A flat line next to the definitions that share most of its path, else at the end.
            SyntaxNode? after = null;
            var best = 0;
            foreach (var member in container.Members)
            {
                var names = member is BindingSyntax b ? b.AttrPath.StaticNames : null;
                if (names is null) continue;
                var shared = names.Zip(remaining).TakeWhile(p => p.First == p.Second).Count();
                if (shared >= best && shared > 0) { best = shared; after = member; }
            }
            var line = NixString.AttrPath(remaining) + " = " + valueText.Trim() + ";";
            result = SyntaxEditor.InsertBindings(container, line, after);
            break;
        }
        return AddArguments(Checked(result), setPosition, arguments);
    }

    /// <summary>Text form of <see cref="Remove"/>: removes the binding or inherit that starts at <paramref name="position"/>.</summary>
    public static string RemoveIn(string text, int position) => NoNewUndefined(text, RemoveCore(text, position));

    private static string RemoveCore(string text, int position)
    {
        var tree = Parse(text);
        var member = tree.Root.DescendantNodes().FirstOrDefault(n => n.Kind is SyntaxKind.Binding or SyntaxKind.Inherit && n.Span.Start == position)
            ?? throw new OptionEditException($"no binding starts at offset {position}; the file changed since it was read");
        while (true)
        {
            var parent = member.Parent as AttrSetSyntax;
            var owner = parent?.Parent as BindingSyntax;
            var emptied = parent is not null && owner is not null && parent.Members.Count() == 1 && Same(owner.Value, parent);
            if (!emptied || owner is null)
            {
                return Checked(SyntaxEditor.RemoveMember(member));
            }
            // `a = { b = 1; };` loses its only member: the block goes too.
            member = owner;
        }
    }

    /// <summary>Adds names to the argument pattern of the function whose body holds the set at <paramref name="setPosition"/>.</summary>
    public static string AddArguments(string text, int setPosition, IEnumerable<string>? arguments)
    {
        var wanted = arguments?.Distinct().ToList() ?? new List<string>();
        if (wanted.Count == 0) return text;
        foreach (var name in wanted)
        {
            var tree = Parse(text);
            var set = tree.Root.DescendantNodes().FirstOrDefault(n => n.Span.Start == setPosition && n.Kind == SyntaxKind.AttrSet)
                ?? throw new OptionEditException($"no set starts at offset {setPosition}");
            var lambda = set.Ancestors().OfType<LambdaSyntax>().FirstOrDefault();
            if (lambda?.Parameter is not PatternSyntax pattern)
            {
                throw new OptionEditException(lambda is null
                    ? $"the module is not a function, so it cannot receive `{name}`; write it as `{{ {name}, ... }}: {{ ... }}`"
                    : $"the module takes its arguments as one name (`{lambda.Parameter}:`), so `{name}` cannot be added to a pattern; use `{lambda.Parameter}.{name}`");
            }
            if (pattern.Formals.Any(f => f.Name == name)) continue;
            text = Checked(SyntaxEditor.InsertFormal(pattern, name));
        }
        return text;
    }

    // A file whose only errors are undefined variables is well-formed: it may be edited, as long as
    // the edit adds no undefined variable of its own (the rule of the flake editor).
    private static SyntaxTree Parse(string text)
    {
        var tree = SyntaxTree.Parse(text);
        if (tree.FirstStructuralError is { } error) throw new OptionEditException($"the file does not parse ({error}); fix it first");
        return tree;
    }

    // Undefined variables the file had stay its owner's business; one the edit would add is refused (Nix refuses the file).
    private static string NoNewUndefined(string before, string after)
    {
        if (ReferenceEquals(before, after) || before == after) return after;
        if (SyntaxTree.NewUndefinedVariable(SyntaxTree.Parse(before), SyntaxTree.Parse(after)) is { } added)
        {
            var name = after.Substring(added.Span.Start, added.Span.Length);
            throw new OptionEditException($"the edit would use `{name}` where nothing defines it (line {added.Line}): Nix would refuse the file; pass it to the module or write the value another way");
        }
        return after;
    }

    private static string Checked(SyntaxTree tree)
    {
        var again = SyntaxTree.Parse(tree.Text);
        if (again.FirstStructuralError is { } error) throw new OptionEditException($"the edit would produce invalid Nix: {error}");
        return tree.Text;
    }

    private static T NodeAt<T>(SyntaxTree tree, int position, SyntaxKind kind) where T : SyntaxNode =>
        tree.Root.DescendantNodes().OfType<T>().FirstOrDefault(n => n.Kind == kind && n.Span.Start == position)
        ?? throw new OptionEditException($"no {kind} starts at offset {position}; the file changed since it was read");

    private static SyntaxNode Unparenthesized(SyntaxNode node)
    {
        while (node is ParenthesizedSyntax parenthesized) node = parenthesized.Expression;
        return node;
    }

    private static bool Same(SyntaxNode? a, SyntaxNode? b) =>
        a is not null && b is not null && a.Position == b.Position && a.Kind == b.Kind && a.FullSpan.Length == b.FullSpan.Length;
}
