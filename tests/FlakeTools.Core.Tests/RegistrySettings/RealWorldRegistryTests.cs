using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.RegistrySettings;
using FlakeTools.Core.Settings;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Syntax;
using Xunit;
using Xunit.Abstractions;

namespace FlakeTools.Core.Tests.RegistrySettings;

/// <summary>
/// Configuration repositories no one here wrote (FLAKETOOLS_CONFIGS): every binding that sets
/// nix.registry in a module of a configuration is found, at its lines, as a declaration or as a
/// place the reader says it cannot see. Bindings in files the module graph does not reach are
/// listed (they are misses of the graph, not of the registry reader).
/// </summary>
public class RealWorldRegistryTests
{
    // `nix.registry... =`, or `registry... =` inside a `nix = { ... }` block (checked below).
    private static readonly Regex Binding = new(@"^\s*(nix\.)?registry(\.[\w""-]+)*\s*=", RegexOptions.Multiline);

    private readonly ITestOutputHelper _output;

    public RealWorldRegistryTests(ITestOutputHelper output) => _output = output;

    [ConfigsFact]
    public void EveryNixRegistryBindingInAModuleIsFoundAtItsLine()
    {
        var folder = Environment.GetEnvironmentVariable("FLAKETOOLS_CONFIGS")!;
        var misses = new List<string>();
        var found = 0;
        foreach (var repository in Directory.EnumerateDirectories(folder).Where(d => File.Exists(Path.Combine(d, "flake.nix"))).OrderBy(d => d, StringComparer.Ordinal))
        {
            var reader = ConfigurationReader.Open(repository);
            var configurations = reader.ReadConfigurations();
            var registry = ConfigurationRegistry.Read(reader.Source, configurations);
            var definitions = OptionReader.Read(configurations, "nix.registry");
            var modules = configurations.SelectMany(c => c.Modules).Where(m => m.Path is not null).Select(m => m.Path!).ToHashSet(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(repository, "*.nix", SearchOption.AllDirectories))
            {
                var text = File.ReadAllText(file);
                if (!text.Contains("registry", StringComparison.Ordinal)) continue;
                var tree = SyntaxTree.Parse(text, file);
                foreach (Match match in Binding.Matches(text))
                {
                    var position = match.Index + match.Value.Length - match.Value.TrimStart().Length;
                    var binding = tree.Root.DescendantNodes().OfType<BindingSyntax>().FirstOrDefault(b => b.Span.Start == position);
                    if (binding?.AttrPath.StaticNames is not { } names) continue;
                    var underNix = names[0] == "nix" || binding.Ancestors().OfType<BindingSyntax>().FirstOrDefault()?.AttrPath.StaticNames is ["nix"];
                    if (!underNix || binding.Ancestors().OfType<BindingSyntax>().Any(b => b.AttrPath.StaticNames?.FirstOrDefault() is "containers")) continue;
                    var first = binding.StartPosition.Line;
                    var last = tree.GetLinePosition(binding.Span.End).Line;
                    var where = $"{Path.GetRelativePath(folder, file)}:{first}";
                    if (!modules.Contains(file))
                    {
                        _output.WriteLine($"not a module of any configuration read: {where}: {Evaluation.Evaluator.Short(binding)}");
                        continue;
                    }
                    var seen = definitions.Definitions.Any(d => d.File == file && d.Line >= first && d.Line <= last)
                               || definitions.Unresolved.Any(p => p.File == file && p.Line >= first && p.Line <= last)
                               || registry.Unresolved.Any(u => u.Contains($"{file}:{first}", StringComparison.Ordinal));
                    if (seen) found++;
                    else misses.Add($"{where}: {Evaluation.Evaluator.Short(binding)}");
                }
            }
            var declared = registry.Declarations.Count;
            if (declared > 0) _output.WriteLine($"{Path.GetFileName(repository)}: {declared} declarations ({registry.Declarations.Count(d => d.Problem is not null)} assumed or partly known), {registry.Settings.Count} settings");
        }
        _output.WriteLine($"{found} bindings found");
        Assert.True(misses.Count == 0, "missed:\n" + string.Join("\n", misses));
        Assert.True(found > 0, "no nix.registry binding in " + folder);
    }
}
