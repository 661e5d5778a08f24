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
    // Functions that walk every attribute of a set: handing them the inputs uses all of them.
    private static readonly HashSet<string> Iterating = new(StringComparer.Ordinal)
    {
        "mapAttrs", "mapAttrs'", "mapAttrsToList", "attrValues", "attrNames", "filterAttrs", "foldlAttrs", "foldAttrs",
        "concatMapAttrs", "mapAttrsRecursive", "collect", "toList", "forEach", "map", "concatMap", "attrsToList",
        "mergeAttrsList", "intersectAttrs", "removeAttrs", "recursiveUpdate", "listToAttrs", "zipAttrs", "genAttrs",
    };

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
            if (declaration.Follows is { Length: > 0 } follows) used.Add(follows.Split('/')[0]);
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

    private static bool IsInputsSet(SyntaxNode source, HashSet<string> wholeNames) => SyntaxQueries.Unparenthesize(source) switch
    {
        IdentifierSyntax identifier => wholeNames.Contains(identifier.Name),
        SelectSyntax select => SyntaxQueries.LastName(select) == "inputs",
        _ => false,
    };

    // The set of inputs used as a whole: iterated (every input may be used), or passed on (then the
    // uses are found where it arrives, by the rules above). Returns where it is iterated, or null.
    private static string? WholeUse(IdentifierSyntax identifier, string file)
    {
        var parent = identifier.Parent;
        while (parent is ParenthesizedSyntax) parent = parent.Parent;
        var where = $"{System.IO.Path.GetFileName(file)}:{identifier.StartPosition.Line}";
        switch (parent)
        {
            case WithSyntax with when SyntaxQueries.Unparenthesize(with.Scope) == identifier:
                return $"with {identifier.Name}; at {where}";
            case ApplySyntax apply when apply.Argument == identifier || SyntaxQueries.Unparenthesize(apply.Argument) == identifier:
                var head = SyntaxQueries.LastName(SyntaxQueries.Head(apply));
                if (head is not null && Iterating.Contains(head)) return $"{head} ... {identifier.Name} at {where}";
                return null;
            default:
                return null;
        }
    }
}
