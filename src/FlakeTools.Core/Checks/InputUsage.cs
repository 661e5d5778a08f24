using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Checks;

/// <summary>
/// Which root inputs reach something, read from the files without running Nix: a variable use in
/// <c>outputs</c>, <c>inputs.&lt;i&gt;</c> / <c>self.inputs.&lt;i&gt;</c> / <c>inputs'.&lt;i&gt;</c>
/// and <c>inherit (inputs) &lt;i&gt;</c> anywhere in the flake's .nix files, a module asking for
/// <c>&lt;i&gt;</c> by name, or a follows of another input. Where the whole set of inputs is
/// iterated (<c>mapAttrs ... inputs</c>, <c>with inputs;</c>), every input may be used, and the
/// answer says so instead of guessing.
/// </summary>
internal sealed class InputUsage
{
    private InputUsage(HashSet<string> used, string? everything)
    {
        Used = used;
        Everything = everything;
    }

    /// <summary>The inputs that reach something.</summary>
    public HashSet<string> Used { get; }

    /// <summary>Where the whole set of inputs is used (file:line and how), or null: then <see cref="Used"/> is the answer.</summary>
    public string? Everything { get; }

    public static InputUsage Analyze(CheckContext context)
    {
        var flake = context.Flake;
        var names = flake.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        string? everything = null;

        // An input that another input follows is there for that follows.
        foreach (var declaration in flake.Inputs.SelectMany(i => new[] { i }.Concat(i.Descendants())))
        {
            if (declaration.FollowsPath is { IsEmpty: false } follows) used.Add(follows.RootInput);
        }

        var wholeNames = new HashSet<string>(StringComparer.Ordinal) { "inputs", "inputs'" };
        var outputs = flake.Outputs;
        if (outputs?.Parameter is IdentifierSyntax parameter) wholeNames.Add(parameter.Name);
        if (flake.OutputsPattern?.BindName is { } bind) wholeNames.Add(bind);
        var formals = flake.OutputsPattern?.Formals.Select(f => f.Name).ToHashSet(StringComparer.Ordinal) ?? new HashSet<string>();

        // Variables of outputs that are inputs: `nixpkgs.lib.nixosSystem`, `inherit elgato;`.
        if (outputs?.Body is { } body)
        {
            foreach (var identifier in body.DescendantNodes().OfType<IdentifierSyntax>())
            {
                if (names.Contains(identifier.Name) && formals.Contains(identifier.Name) && SyntaxQueries.IsVariable(identifier)) used.Add(identifier.Name);
            }
        }

        var files = new List<string> { System.IO.Path.GetFullPath(context.FlakePath) };
        files.AddRange(context.NixFiles.Where(f => !string.Equals(f, files[0], StringComparison.Ordinal)));
        foreach (var file in files)
        {
            var tree = context.ParseFile(file);
            if (tree is null) continue;
            var isFlake = ReferenceEquals(tree, flake.Tree);
            foreach (var node in tree.Root.DescendantNodes())
            {
                switch (node)
                {
                    case SelectSyntax select:
                        UseSelect(select, wholeNames, names, used);
                        everything ??= DynamicOrWhole(select, wholeNames, file);
                        break;
                    case PathSyntax path when everything is null:
                        everything = MissingFileGivenInputs(path, wholeNames, file);
                        break;
                    case InheritSyntax { Source: { } source } inherit when IsInputsSet(source, wholeNames):
                        foreach (var part in inherit.Names)
                        {
                            if (AttrPathSyntax.GetStaticName(part) is { } name && names.Contains(name)) used.Add(name);
                        }
                        break;
                    case FormalSyntax formal when !isFlake && names.Contains(formal.Name):
                        // A module (or a function of the flake's files) that asks for the input by name.
                        used.Add(formal.Name);
                        break;
                    case IdentifierSyntax identifier when everything is null && wholeNames.Contains(identifier.Name) && SyntaxQueries.IsVariable(identifier):
                        everything = WholeUse(identifier, file);
                        break;
                }
            }
        }
        return new InputUsage(used, everything);
    }

    private static void UseSelect(SelectSyntax select, HashSet<string> wholeNames, HashSet<string> names, HashSet<string> used)
    {
        var path = SyntaxQueries.Names(select.AttrPath);
        if (SyntaxQueries.Unparenthesize(select.Expression) is IdentifierSyntax root && wholeNames.Contains(root.Name) && path.Count > 0 && path[0] is { } first && names.Contains(first))
        {
            used.Add(first);
        }
        // `self.inputs.x`, `config.flake.inputs.x`...
        for (var i = 0; i + 1 < path.Count; i++)
        {
            if (path[i] == "inputs" && path[i + 1] is { } name && names.Contains(name)) used.Add(name);
        }
    }

    // `inputs.${name}` (any input, by a computed name), and `self.inputs` handed on whole.
    private static string? DynamicOrWhole(SelectSyntax select, HashSet<string> wholeNames, string file)
    {
        var path = SyntaxQueries.Names(select.AttrPath);
        var where = $"{System.IO.Path.GetFileName(file)}:{select.StartPosition.Line}";
        var rootIsInputs = SyntaxQueries.Unparenthesize(select.Expression) is IdentifierSyntax root && wholeNames.Contains(root.Name);
        if (rootIsInputs && path.Count > 0 && path[0] is null) return $"{select} at {where} selects an input by a computed name";
        for (var i = 0; i < path.Count; i++)
        {
            if (path[i] == "inputs" && i + 1 < path.Count && path[i + 1] is null) return $"{select} at {where} selects an input by a computed name";
        }
        if (path.Count > 0 && path[^1] == "inputs" && select.Parent is not SelectSyntax) return WholeUse(select, select.ToString(), file);
        return null;
    }

    // `import ./missing.nix { inherit inputs; }`: what the file does with the inputs cannot be read.
    private static string? MissingFileGivenInputs(PathSyntax path, HashSet<string> wholeNames, string file)
    {
        if (path.StaticText is not { } text || path.PathKind != PathKind.Relative) return null;
        var apply = path.Parent as ApplySyntax;
        if (apply is null || SyntaxQueries.LastName(apply.Function) != "import" || apply.Parent is not ApplySyntax call || call.Function != apply) return null;
        if (!call.Argument.DescendantNodes().OfType<IdentifierSyntax>().Any(i => wholeNames.Contains(i.Name))) return null;
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(file)!, text));
        if (System.IO.File.Exists(full) || System.IO.File.Exists(System.IO.Path.Combine(full, "default.nix"))) return null;
        return $"the inputs are passed to {text} ({System.IO.Path.GetFileName(file)}:{path.StartPosition.Line}), which does not exist here";
    }

    private static bool IsInputsSet(SyntaxNode source, HashSet<string> wholeNames) => SyntaxQueries.Unparenthesize(source) switch
    {
        IdentifierSyntax identifier => wholeNames.Contains(identifier.Name),
        SelectSyntax select => SyntaxQueries.LastName(select) == "inputs",
        _ => false,
    };

    // The set of inputs used as a whole: iterated (every input may be used), or passed on (then the
    // uses are found where it arrives, by the rules above). Returns where it is iterated, or null.
    private static string? WholeUse(IdentifierSyntax identifier, string file) => WholeUse(identifier, identifier.Name, file);

    private static string? WholeUse(SyntaxNode node, string name, string file)
    {
        var parent = node.Parent;
        while (parent is ParenthesizedSyntax) parent = parent.Parent;
        var where = $"{System.IO.Path.GetFileName(file)}:{node.StartPosition.Line}";
        switch (parent)
        {
            case WithSyntax with when SyntaxQueries.Unparenthesize(with.Scope) == node:
                return $"with {name}; at {where}";
            case ApplySyntax apply when SyntaxQueries.Unparenthesize(apply.Argument) == node:
                // Handed to a function: `mapAttrs f inputs` uses every input, and so may any function
                // that is not `import` of a file (which is read like the others).
                var head = SyntaxQueries.LastName(SyntaxQueries.Head(apply));
                if (head == "import") return null;
                return $"{(head ?? "a function")} ... {name} at {where}";
            default:
                return null;
        }
    }
}
