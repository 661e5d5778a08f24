using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Project;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Checks;

/// <summary>
/// Files Nix cannot read: syntax errors in flake.nix and in every module of every configuration,
/// flake.nix that is not a flake, modules that do not exist, imports that go round in a cycle.
/// </summary>
public static class ParseCheck
{
    /// <summary>The area's name.</summary>
    public const string Area = "Parse";

    /// <summary>A syntax error (Nix stops at the first one of a file).</summary>
    public const string ParseError = "ParseError";
    /// <summary>flake.nix parses but is not a flake Nix accepts (an unknown top-level attribute, inputs that are not a set...).</summary>
    public const string FlakeInvalid = "FlakeInvalid";
    /// <summary>A module imported from a file that does not exist.</summary>
    public const string ModuleNotFound = "ModuleNotFound";
    /// <summary>Modules that import each other in a cycle (Nix: infinite recursion).</summary>
    public const string ImportCycle = "ImportCycle";

    /// <summary>The ids of the area.</summary>
    public static IReadOnlyList<string> Ids { get; } = new[] { ParseError, FlakeInvalid, ModuleNotFound, ImportCycle };

    private static readonly Regex FileLine = new(@"^(.*):(\d+)$");

    /// <summary>Checks flake.nix and the files of the module graph.</summary>
    public static IEnumerable<Finding> Check(CheckContext context)
    {
        var findings = new List<Finding>();
        var tree = context.Flake.Tree;
        var syntax = tree.Diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
        if (syntax is not null)
        {
            findings.Add(new Finding
            {
                Id = ParseError, Severity = FindingSeverity.Error, Area = Area, Target = "flake.nix",
                Path = context.FlakePath, Line = syntax.Line,
                Message = $"flake.nix does not parse: {syntax.Message} (line {syntax.Line}, column {syntax.Column}); Nix stops here, and nothing else of the flake can be checked",
                Fix = $"correct the syntax at {syntax.Line}:{syntax.Column} (nix-instantiate --parse flake.nix shows Nix's own message)",
            });
            return findings;
        }
        var urlWithFollows = new HashSet<int>(context.Flake.Inputs.SelectMany(i => new[] { i }.Concat(i.Descendants()))
            .Where(InputCheck.HasUrlAndFollows).Select(i => i.Line));
        foreach (var diagnostic in context.Flake.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            // url together with follows is the inputs area's finding, with its own id.
            if (diagnostic.Message.Contains("has both a url and follows", StringComparison.Ordinal)) continue;
            findings.Add(new Finding
            {
                Id = FlakeInvalid, Severity = FindingSeverity.Error, Area = Area, Target = "flake.nix",
                Path = context.FlakePath, Line = diagnostic.Line,
                Message = diagnostic.Message,
                Fix = "change flake.nix as the message says: Nix refuses the flake as it is",
            });
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var configuration in context.Configurations)
        {
            foreach (var module in configuration.Modules.Where(m => m.Problem is not null))
            {
                foreach (var finding in ForModule(context, configuration, module))
                {
                    if (seen.Add(finding.Id + "\0" + finding.Path + "\0" + finding.Line + "\0" + finding.Target)) findings.Add(finding);
                }
            }
        }
        return findings;
    }

    private static IEnumerable<Finding> ForModule(CheckContext context, FlakeConfiguration configuration, FlakeModule module)
    {
        var problem = module.Problem!;
        var where = $"{configuration.Output}.{configuration.Name}";
        if (module.SyntaxError is { } error)
        {
            yield return new Finding
            {
                Id = ParseError, Severity = FindingSeverity.Error, Area = Area, Target = module.Name,
                Path = module.Path, Line = error.Line,
                Message = $"{module.Name} does not parse: {error.Message} (line {error.Line}, column {error.Column}); {where} fails to evaluate, and the modules it imports are not checked",
                Fix = $"correct the syntax (nix-instantiate --parse {module.Path} shows Nix's own message)",
            };
            yield break;
        }
        if (module.Kind == ModuleKind.Unresolved && problem.Contains("does not exist", StringComparison.Ordinal))
        {
            var (path, line) = Importer(configuration, module);
            yield return new Finding
            {
                Id = ModuleNotFound, Severity = FindingSeverity.Error, Area = Area, Target = module.Name,
                Path = path, Line = line,
                Message = $"{where} imports {module.Name}, which does not exist: Nix fails with \"path '{module.Path}' does not exist\" (in a git flake, also when the file exists but is not added to git)",
                Fix = $"create {module.Name}, correct the path, or remove it from the imports; in a git repository, git add it",
            };
        }
        foreach (var part in problem.Split("; ").Where(p => p.Contains("import cycle", StringComparison.Ordinal)))
        {
            yield return new Finding
            {
                Id = ImportCycle, Severity = FindingSeverity.Error, Area = Area, Target = module.Name,
                Path = module.Path, Line = module.Line,
                Message = $"{module.Name} {part}",
                Fix = "remove one of the imports of the cycle",
            };
        }
    }

    private static (string? Path, int? Line) Importer(FlakeConfiguration configuration, FlakeModule module)
    {
        if (module.ImportedFrom is { } from && FileLine.Match(from) is { Success: true } match && File.Exists(match.Groups[1].Value))
        {
            return (match.Groups[1].Value, module.Line > 0 ? module.Line : null);
        }
        return (configuration.File, module.Line > 0 ? module.Line : null);
    }
}
