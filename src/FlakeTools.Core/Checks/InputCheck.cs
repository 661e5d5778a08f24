using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.Project;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Checks;

/// <summary>
/// The inputs of flake.nix against each other and against <c>outputs</c>: url with follows,
/// follows to nothing, an <c>outputs</c> pattern Nix calls with arguments it does not take,
/// arguments that are no input (taken from the registry), inputs that reach nothing, and inputs
/// pinned to a release whose follows build it against another nixpkgs.
/// </summary>
public static class InputCheck
{
    /// <summary>The area's name.</summary>
    public const string Area = "Inputs";

    /// <summary>An input with both a url (or reference attributes) and follows: Nix refuses it.</summary>
    public const string InputUrlWithFollows = "InputUrlWithFollows";
    /// <summary>A follows whose target is no input.</summary>
    public const string FollowsTargetMissing = "FollowsTargetMissing";
    /// <summary>An <c>outputs</c> pattern without <c>...</c> that does not name every input (Nix: "called with unexpected argument").</summary>
    public const string OutputsUnexpectedArgument = "OutputsUnexpectedArgument";
    /// <summary>An <c>outputs</c> argument that names no declared input: Nix takes it from the flake registry.</summary>
    public const string OutputsArgumentNotDeclared = "OutputsArgumentNotDeclared";
    /// <summary>An input that reaches no module, overlay or output.</summary>
    public const string InputUnused = "InputUnused";
    /// <summary>The inputs are used as a whole somewhere (iterated, handed to a function), so unused ones cannot be told.</summary>
    public const string InputUseUnknown = "InputUseUnknown";
    /// <summary>An input pinned to a tag or revision whose follows make it build against your nixpkgs.</summary>
    public const string PinnedInputFollows = "PinnedInputFollows";

    /// <summary>The ids of the area.</summary>
    public static IReadOnlyList<string> Ids { get; } = new[] { InputUrlWithFollows, FollowsTargetMissing, OutputsUnexpectedArgument, OutputsArgumentNotDeclared, InputUnused, InputUseUnknown, PinnedInputFollows };

    // A release tag: v0.29.1, 0.9.22, refs/tags/v1.2, 24.05.
    private static readonly Regex ReleaseTag = new(@"^(refs/tags/)?v?\d+(\.\d+)+([-.+][\w.]+)?$", RegexOptions.Compiled);

    /// <summary>Whether a declaration has both a url (or reference attributes) and follows.</summary>
    public static bool HasUrlAndFollows(InputDeclaration declaration) => declaration.Follows is not null && (declaration.Url is not null || declaration.UsesAttributeForm);

    /// <summary>Checks the inputs of the flake.</summary>
    public static IEnumerable<Finding> Check(CheckContext context)
    {
        var flake = context.Flake;
        var findings = new List<Finding>();
        if (flake.Tree.HasErrors) return findings;
        Finding Add(string id, FindingSeverity severity, string target, int? line, string message, string fix)
        {
            var finding = new Finding { Id = id, Severity = severity, Area = Area, Target = target, Path = context.FlakePath, Line = line, Message = message, Fix = fix };
            findings.Add(finding);
            return finding;
        }

        var formals = flake.OutputsPattern?.Formals.ToList() ?? new List<FormalSyntax>();
        var formalNames = formals.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var all = flake.Inputs.SelectMany(i => new[] { i }.Concat(i.Descendants())).ToList();

        foreach (var declaration in all.Where(HasUrlAndFollows))
        {
            Add(InputUrlWithFollows, FindingSeverity.Error, declaration.InputPath.ToString(), declaration.Line,
                $"input '{declaration.InputPath}' has both {(declaration.Url is not null ? "a url" : "reference attributes")} and follows \"{declaration.Follows}\": Nix refuses the flake",
                $"keep one: remove the follows to fetch {declaration.Url ?? "the reference"}, or remove the url to use '{declaration.Follows}'");
        }

        foreach (var declaration in all.Where(d => d.Follows is { Length: > 0 }))
        {
            // The path Nix reads ("a//b" is a/b).
            var target = declaration.FollowsPath ?? InputPath.Empty;
            var first = target.RootInput;
            if (flake.FindInput(first) is null && !(formalNames.Contains(first) && first != "self"))
            {
                var names = string.Join(", ", flake.Inputs.Select(i => i.Name));
                Add(FollowsTargetMissing, FindingSeverity.Error, declaration.InputPath.ToString(), declaration.Line,
                    $"'{declaration.InputPath}' follows \"{declaration.Follows}\", but the flake has no input '{first}': nix flake lock fails",
                    $"follow one of the inputs ({names}), or declare '{first}'");
            }
            else if (target.Count > 1 && context.Lock is { } lockFile && lockFile.Resolve(target.Take(1)) is not null && lockFile.Resolve(target) is null
                     && flake.FindInputPath(target) is null)
            {
                Add(FollowsTargetMissing, FindingSeverity.Error, declaration.InputPath.ToString(), declaration.Line,
                    $"'{declaration.InputPath}' follows \"{declaration.Follows}\", but the locked '{first}' has no input '{target.Skip(1)}'",
                    $"follow an input '{first}' has (Get-FlakeLockEntry -Recurse lists them), or '{first}' itself");
            }
        }

        if (flake.OutputsPattern is { } pattern)
        {
            var required = flake.Inputs.Select(i => i.Name).Append("self").ToList();
            var unnamed = required.Where(n => !formalNames.Contains(n)).ToList();
            if (!pattern.HasEllipsis && unnamed.Count > 0)
            {
                var finding = Add(OutputsUnexpectedArgument, FindingSeverity.Error, "outputs", pattern.StartPosition.Line,
                    $"outputs takes only the arguments it names, and Nix calls it with every input and self: it fails with \"function 'outputs' called with unexpected argument '{unnamed[0]}'\" ({string.Join(", ", unnamed)} not named)",
                    "add ... to the outputs pattern ({ self, nixpkgs, ... }), or name every input (Test-Flake -Fix adds ...)");
                context.OfferFix(finding, () => OutputsFix.AddEllipsis(context, finding));
            }
            foreach (var formal in formals.Where(f => f.Name != "self" && flake.FindInput(f.Name) is null))
            {
                Add(OutputsArgumentNotDeclared, FindingSeverity.Warning, formal.Name, formal.StartPosition.Line,
                    $"outputs takes '{formal.Name}', which flake.nix does not declare: Nix adds it as an input taken from the flake registry (flake:{formal.Name}), whatever the registry of the machine that locks says",
                    $"declare it with the source you mean (Add-FlakeInput {formal.Name} <url>), or remove the argument");
            }
        }

        var usage = InputUsage.Analyze(context);
        if (usage.Everything is { } everything && flake.Inputs.Any(i => !usage.Used.Contains(i.Name)))
        {
            Add(InputUseUnknown, FindingSeverity.Information, "inputs", flake.OutputsPattern?.StartPosition.Line ?? flake.Outputs?.StartPosition.Line,
                $"whether every input reaches something cannot be read from the files: {everything}; inputs nothing else refers to ({string.Join(", ", flake.Inputs.Where(i => !usage.Used.Contains(i.Name)).Select(i => i.Name))}) are not reported as unused",
                "nothing to do; Test-Flake -Id InputUnused says more when the inputs are used by name (inputs.<name>)");
        }
        else if (usage.Everything is null)
        {
            foreach (var input in flake.Inputs.Where(i => !usage.Used.Contains(i.Name)))
            {
                var system = "${pkgs.stdenv.hostPlatform.system}";
                var package = input.IsFlake ? $"inputs.{NixString.AttrName(input.Name)}.packages.{system}.{NixString.AttrName(input.Name)}" : $"\"${{inputs.{NixString.AttrName(input.Name)}}}/...\"";
                Add(InputUnused, FindingSeverity.Warning, input.Name, input.Line,
                    input.IsFlake
                        ? $"input '{input.Name}' reaches no module, overlay or output: nothing refers to it, so declaring (and pinning) it changes nothing; pkgs.{input.Name} still comes from nixpkgs"
                        : $"input '{input.Name}' reaches no module or output: nothing refers to it",
                    input.IsFlake
                        ? $"use its package in a module that gets inputs (specialArgs = {{ inherit inputs; }}): {package}; or through an overlay: nixpkgs.overlays = [ (final: prev: {{ {NixString.AttrName(input.Name)} = inputs.{NixString.AttrName(input.Name)}.packages.${{prev.stdenv.hostPlatform.system}}.{NixString.AttrName(input.Name)}; }}) ]; or remove the input (Remove-FlakeInput {input.Name})"
                        : $"refer to it ({package}), or remove it (Remove-FlakeInput {input.Name})");
            }
        }

        foreach (var input in flake.Inputs)
        {
            if (input.Reference is not { } reference) continue;
            var pin = reference.Rev is not null ? $"revision {reference.Rev[..Math.Min(12, reference.Rev.Length)]}"
                : reference.Ref is { } tag && ReleaseTag.IsMatch(tag) ? $"release {tag}" : null;
            if (pin is null) continue;
            foreach (var child in input.Inputs.Values.Where(c => c.Follows is { Length: > 0 } f && (c.Name.Contains("nixpkgs", StringComparison.Ordinal) || f.Contains("nixpkgs", StringComparison.Ordinal))))
            {
                Add(PinnedInputFollows, FindingSeverity.Information, child.InputPath.ToString(), child.Line,
                    $"'{input.Name}' is pinned to {pin}, and its {child.Name} follows your '{child.Follows}': it is built against that nixpkgs, not the one the release was made and tested with (no binary-cache hits from its own cache; it may not build)",
                    $"to build it as released, remove {input.Name}.inputs.{child.Name}.follows (the lock then holds a second nixpkgs); to keep one nixpkgs, keep the follows and expect to build it yourself");
            }
        }
        return findings;
    }
}
