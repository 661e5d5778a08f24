using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Project;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Checks;

/// <summary>The edits of flake.nix's <c>outputs</c> and builder calls that Test-Flake -Fix makes.</summary>
internal static class OutputsFix
{
    /// <summary>Adds <c>...</c> to the <c>outputs</c> pattern, in the pattern's layout.</summary>
    public static FlakeFix? AddEllipsis(CheckContext context, Finding finding)
    {
        var flake = context.Flake;
        if (flake.OutputsPattern is not { HasEllipsis: false } pattern) return null;
        var text = flake.Text;
        var eol = flake.Tree.LineEnding;
        var edits = new List<(int Offset, string Text)>();
        var formals = pattern.Formals.ToList();
        var close = pattern.CloseBrace;
        if (formals.Count == 0)
        {
            if (pattern.OpenBrace is not { } open) return null;
            edits.Add((open.Span.End, close is not null && close.Span.Start == open.Span.End ? " ... " : " ..."));
        }
        else
        {
            var last = formals[^1];
            var tokens = pattern.ChildNodesAndTokens().ToList();
            var index = tokens.FindIndex(t => t is SyntaxNode n && n.Span == last.Span);
            var commaAfter = index + 1 < tokens.Count && tokens[index + 1] is SyntaxToken { Kind: SyntaxKind.CommaToken } comma ? comma : null;
            var multiLine = pattern.ToString().Contains('\n');
            int Line(int offset) => flake.Tree.GetLinePosition(offset).Line;
            var closeOnSameLine = (int at) => close is not null && Line(close.Span.Start) == Line(at);
            if (!multiLine)
            {
                if (commaAfter is not null) edits.Add((commaAfter.Span.End, " ..."));
                else edits.Add((last.Span.End, ", ..."));
            }
            else
            {
                var indent = SyntaxQueries.IndentAt(text, last.Span.Start);
                var leadingComma = pattern.ChildTokens().FirstOrDefault(t => t.Kind == SyntaxKind.CommaToken && SyntaxQueries.IndentAt(text, t.Span.Start).Length == t.Span.Start - LineStart(text, t.Span.Start));
                if (commaAfter is not null)
                {
                    if (closeOnSameLine(commaAfter.Span.End)) edits.Add((commaAfter.Span.End, " ..."));
                    else edits.Add((SyntaxQueries.LineEnd(text, commaAfter.Span.End), eol + indent + "..."));
                }
                else if (leadingComma is not null)
                {
                    if (closeOnSameLine(last.Span.End)) edits.Add((last.Span.End, ", ..."));
                    else edits.Add((SyntaxQueries.LineEnd(text, last.Span.End), eol + SyntaxQueries.IndentAt(text, leadingComma.Span.Start) + ", ..."));
                }
                else if (closeOnSameLine(last.Span.End))
                {
                    edits.Add((last.Span.End, ", ..."));
                }
                else
                {
                    edits.Add((last.Span.End, ","));
                    edits.Add((SyntaxQueries.LineEnd(text, last.Span.End), eol + indent + "..."));
                }
            }
        }
        var edited = Splice(text, edits);
        var result = FlakeFile.Parse(edited, flake.Path);
        if (result.HasErrors || result.OutputsPattern is not { HasEllipsis: true }) return null;
        if (!result.OutputsPattern.Formals.Select(f => f.Name).SequenceEqual(formals.Select(f => f.Name))) return null;
        return new FlakeFix(finding.Id, finding.Target, context.FlakePath, "Add ... to the outputs pattern", text, edited);
    }

    /// <summary>
    /// Passes <paramref name="name"/> (<c>inputs</c>, or one input) to the modules of a configuration
    /// through its builder's <c>specialArgs</c> (<c>extraSpecialArgs</c> for home-manager): adds it to
    /// the set written there, or adds the set. Only where the builder call is written in flake.nix's
    /// <c>outputs</c>, where the inputs are in scope.
    /// </summary>
    public static FlakeFix? PassArgument(CheckContext context, FlakeConfiguration configuration, string name, Finding finding)
    {
        var flake = context.Flake;
        if (flake.Outputs is not { } outputs || configuration.Arguments?.Source is not AttrSetSyntax arguments) return null;
        // The inputs are in scope inside outputs; elsewhere (a file outputs imports) they may not be.
        if (!ReferenceEquals(arguments.Tree, flake.Tree) || outputs.Body is not { } body || arguments.Span.Start < body.Span.Start || arguments.Span.End > body.Span.End) return null;
        var key = configuration.Kind == ConfigurationKind.HomeManager ? "extraSpecialArgs" : "specialArgs";
        var pattern = flake.OutputsPattern;
        var formals = pattern?.Formals.Select(f => f.Name).ToHashSet(StringComparer.Ordinal) ?? new HashSet<string>();
        var whole = pattern?.BindName ?? (outputs.Parameter as IdentifierSyntax)?.Name;
        var addBind = false;
        string binding;
        if (name == "inputs")
        {
            if (whole == "inputs" || formals.Contains("inputs")) binding = "inherit inputs;";
            else if (whole is not null) binding = $"inputs = {whole};";
            else if (pattern is not null) { addBind = true; binding = "inherit inputs;"; }
            else return null;
        }
        else if (flake.FindInput(name) is not null || formals.Contains(name))
        {
            if (formals.Contains(name)) binding = $"inherit {NixString.AttrName(name)};";
            else if (whole is not null) binding = $"inherit ({whole}) {NixString.AttrName(name)};";
            else return null;
        }
        else
        {
            return null;
        }

        SyntaxTree tree;
        var existing = arguments.Bindings.Where(b => b.AttrPath.StaticNames is { } names && names[0] == key).ToList();
        if (existing.Count == 1 && existing[0].AttrPath.StaticNames!.Count == 1)
        {
            if (FlakeFile.Unwrap(existing[0].Value) is not AttrSetSyntax set) return null;
            tree = SyntaxEditor.InsertBindings(set, binding);
        }
        else if (existing.Count > 0)
        {
            return null;
        }
        else
        {
            var text = $"{key} = {{ {binding} }};";
            var modules = arguments.Bindings.FirstOrDefault(b => b.AttrPath.StaticNames is ["modules"]);
            tree = modules is not null ? SyntaxEditor.InsertBindingsBefore(arguments, text, modules) : SyntaxEditor.InsertBindings(arguments, text);
        }
        var edited = tree.Text;
        if (addBind)
        {
            var reread = FlakeFile.Parse(edited, flake.Path);
            if (reread.OutputsPattern is not { } newPattern || newPattern.BindName is not null) return null;
            edited = Splice(edited, new List<(int, string)> { (newPattern.Span.End, "@inputs") });
        }
        var result = FlakeFile.Parse(edited, flake.Path);
        if (result.HasErrors) return null;
        var what = $"Pass {(name == "inputs" ? "inputs" : "input '" + name + "'")} to the modules of {configuration.Output}.{configuration.Name}: {key} {{ {binding} }}" + (addBind ? " (and name the inputs: outputs = { ... }@inputs)" : "");
        return new FlakeFix(finding.Id, finding.Target, context.FlakePath, what, flake.Text, edited);
    }

    private static int LineStart(string text, int offset) => offset == 0 ? 0 : text.LastIndexOf('\n', offset - 1) + 1;

    private static string Splice(string text, List<(int Offset, string Text)> edits)
    {
        var builder = new System.Text.StringBuilder(text);
        // Later edits first; of two at one offset, the second goes in first, so that it ends up after the first.
        foreach (var (offset, insert) in edits.Select((e, i) => (e, i)).OrderByDescending(x => x.e.Offset).ThenByDescending(x => x.i).Select(x => x.e)) builder.Insert(offset, insert);
        return builder.ToString();
    }
}
