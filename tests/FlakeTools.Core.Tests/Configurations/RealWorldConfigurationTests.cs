using System;
using System.IO;
using System.Linq;
using FlakeTools.Core.Configurations;
using Xunit;
using Xunit.Abstractions;

namespace FlakeTools.Core.Tests.Configurations;

/// <summary>
/// Configuration repositories no one here wrote. Set FLAKETOOLS_CONFIGS to a folder of flake
/// repositories (one per subfolder, each with flake.nix); every configuration of every one is
/// listed without an exception, and what the reader could not read says why.
/// </summary>
public class RealWorldConfigurationTests
{
    private readonly ITestOutputHelper _output;

    public RealWorldConfigurationTests(ITestOutputHelper output) => _output = output;

    [ConfigsFact]
    public void EveryConfigurationOfEveryRepositoryIsListed()
    {
        var folder = Environment.GetEnvironmentVariable("FLAKETOOLS_CONFIGS")!;
        var repositories = Directory.EnumerateDirectories(folder).Where(d => File.Exists(Path.Combine(d, "flake.nix"))).OrderBy(d => d, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(repositories);
        foreach (var repository in repositories)
        {
            var reader = ConfigurationReader.Open(repository);
            var configurations = reader.ReadConfigurations();
            Assert.True(configurations.Count > 0, $"{repository}: nothing listed");
            _output.WriteLine($"{Path.GetFileName(repository)}: {configurations.Count(c => c.Name != "*")} configurations, {configurations.Sum(c => c.Modules.Length)} modules, {reader.Evaluator.Files.ParsedCount} files parsed");
            foreach (var configuration in configurations)
            {
                Assert.False(string.IsNullOrEmpty(configuration.Name), repository);
                Assert.All(configuration.Unresolved, reason => Assert.False(string.IsNullOrWhiteSpace(reason)));
                if (configuration.Name == "*") Assert.NotEmpty(configuration.Unresolved);
                foreach (var module in configuration.Modules)
                {
                    // A file module is a file that exists, or says what is wrong with it.
                    if (module.Kind == ModuleKind.File) Assert.True(File.Exists(module.Path), $"{repository}: {module.Name} has no file");
                    if (module.Kind == ModuleKind.Unresolved) Assert.True(module.Problem is not null || module.Unresolved is not null, $"{repository}: {module.Name} unresolved without a reason");
                    Assert.Equal(module.Arguments.Length, module.ReceivedVia.Count);
                }
                _output.WriteLine($"  {configuration.Output}.{configuration.Name} {configuration.Kind} modules={configuration.Modules.Length}");
                foreach (var reason in configuration.Unresolved) _output.WriteLine("    unresolved: " + reason);
            }
        }
    }
}

/// <summary>Runs when FLAKETOOLS_CONFIGS names a folder of real-world configuration repositories.</summary>
public sealed class ConfigsFactAttribute : FactAttribute
{
    public ConfigsFactAttribute()
    {
        var folder = Environment.GetEnvironmentVariable("FLAKETOOLS_CONFIGS");
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder)) Skip = "FLAKETOOLS_CONFIGS is not set to a folder of real-world flake configuration repositories";
    }
}
