using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using FlakeTools.Tests;

namespace FlakeTools.Core.Tests;

internal static class TestFlakes
{
    public static string Directory => Path.Combine(TestPaths.RepositoryRoot, "tests", "FlakeTools.Core.Tests", "TestData", "flakes");

    public static string PathOf(string name) => Path.Combine(Directory, name);

    public static string Read(string name) => Encoding.UTF8.GetString(File.ReadAllBytes(PathOf(name)));

    public static IEnumerable<object[]> Cases() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.nix").OrderBy(f => f, System.StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    /// <summary>
    /// Real-world flakes no one here wrote: every flake.nix of the shared fixtures, and of the folder
    /// FLAKETOOLS_CORPUS names, when it is set; and the flake.nix of each flake folder in the folder
    /// FLAKETOOLS_FLAKES names (<c>&lt;folder&gt;/&lt;flake&gt;/flake.nix</c>, one level down: whole
    /// configurations, without the templates and sub-flakes inside them).
    /// </summary>
    public static IEnumerable<object[]> SharedFlakes()
    {
        var folders = new[] { TestPaths.SharedFixtures, System.Environment.GetEnvironmentVariable("FLAKETOOLS_CORPUS") };
        var deep = folders.Where(f => !string.IsNullOrEmpty(f) && System.IO.Directory.Exists(f))
            .SelectMany(f => System.IO.Directory.EnumerateFiles(f!, "flake.nix", SearchOption.AllDirectories));
        var flakes = System.Environment.GetEnvironmentVariable("FLAKETOOLS_FLAKES");
        var top = string.IsNullOrEmpty(flakes) || !System.IO.Directory.Exists(flakes)
            ? Enumerable.Empty<string>()
            : System.IO.Directory.EnumerateDirectories(flakes).Select(d => Path.Combine(d, "flake.nix")).Where(File.Exists);
        return deep.Concat(top)
            .Select(Path.GetFullPath)
            .Distinct(System.StringComparer.Ordinal)
            .OrderBy(f => f, System.StringComparer.Ordinal)
            .Select(f => new object[] { f });
    }

    /// <summary>What `nix-instantiate --eval --strict --json` says the inputs are.</summary>
    public static JsonNode NixInputs(string flakePath)
    {
        var (code, stdout, stderr) = NixRunner.Run("nix-instantiate", "--eval", "--strict", "--json", "-E", $"(import {flakePath}).inputs or {{}}");
        if (code != 0) throw new System.InvalidOperationException("nix-instantiate failed: " + stderr);
        return JsonNode.Parse(stdout)!;
    }

    /// <summary>JSON with object keys sorted, for comparisons blind to order.</summary>
    public static string Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, System.StringComparer.Ordinal).Select(p => System.Text.Json.JsonSerializer.Serialize(p.Key) + ":" + Canonical(p.Value))) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };
}
