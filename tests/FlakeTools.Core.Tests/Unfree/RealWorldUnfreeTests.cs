using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FlakeTools.Core.Project;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Core.Unfree;
using Xunit;
using Xunit.Abstractions;

namespace FlakeTools.Core.Tests.Unfree;

/// <summary>
/// Configuration repositories no one here wrote (FLAKETOOLS_CONFIGS): every line that sets one of the
/// settings (found with a plain text search, comments left out) is reported, and nothing throws.
/// </summary>
public class RealWorldUnfreeTests
{
    private static readonly Regex SettingLine = new(@"^(?!\s*#)[^#]*\b(allowUnfree|allowUnfreePredicate|allowUnfreePackages|permittedInsecurePackages|allowInsecurePredicate|allowBroken|allowUnsupportedSystem)\s*=", RegexOptions.Compiled);

    private readonly ITestOutputHelper _output;

    public RealWorldUnfreeTests(ITestOutputHelper output) => _output = output;

    [ConfigsFact]
    public void EverySettingIsFound()
    {
        var folder = Environment.GetEnvironmentVariable("FLAKETOOLS_CONFIGS")!;
        var repositories = Directory.EnumerateDirectories(folder).Where(d => File.Exists(Path.Combine(d, "flake.nix"))).OrderBy(d => d, StringComparer.Ordinal).ToList();
        var expected = 0;
        var misses = new List<string>();
        foreach (var repository in repositories)
        {
            var started = DateTime.UtcNow;
            var settings = UnfreeReader.Analyze(FlakeSource.Open(repository), UnfreeEnvironment.None).Settings;
            var found = settings.Where(s => s.Path.Length > 0).Select(s => (s.Path, s.Line)).ToHashSet();
            _output.WriteLine($"{Path.GetFileName(repository)}: {settings.Count} settings in {(DateTime.UtcNow - started).TotalMilliseconds:F0} ms");
            foreach (var s in settings) _output.WriteLine($"  {UnfreeSeedTests.Show(s)}");
            foreach (var file in UnfreeReader.NixFiles(repository))
            {
                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                {
                    if (!SettingLine.IsMatch(lines[i])) continue;
                    expected++;
                    if (!found.Contains((file, i + 1))) misses.Add($"{Path.GetRelativePath(folder, file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }
        _output.WriteLine($"{expected} setting lines, {misses.Count} not reported:");
        foreach (var miss in misses) _output.WriteLine("  miss: " + miss);
        Assert.True(expected > 0);
        Assert.Empty(misses);
    }
}
