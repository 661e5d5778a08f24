using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using FlakeTools.Core.Json;
using FlakeTools.Core.Locks;

namespace FlakeTools.Bench;

/// <summary>
/// Locks whose input paths grow exponentially with their nodes (issue 15 item 10): diamonds of
/// shared nodes (2^(levels+1) paths over 2 * levels nodes) and a long chain. Times reading, the
/// -Recurse listing, the checks, the optimiser and a comparison; with a folder, also writes each
/// lock there as &lt;shape&gt;/flake.lock (with a flake.nix) to time the cmdlets on.
/// </summary>
internal static class LockShapesBench
{
    public static int Run(string? folder)
    {
        Console.WriteLine($"{"shape",-18} {"nodes",6} {"paths",10} {"listed",7} {"parse",9} {"-Recurse",9} {"checks",9} {"optimise",9} {"compare",9}");
        foreach (var (name, text, paths) in new[]
        {
            ("diamond-14", Diamond(14), Math.Pow(2, 15) + 14 * 2),
            ("diamond-40", Diamond(40), Math.Pow(2, 41) + 40 * 2),
            ("chain-5000", Chain(5000), 5000.0),
            ("chain-20000", Chain(20000), 20000.0),
            ("generated-2000", LockBench.Generate(2000), double.NaN),
        })
        {
            if (folder is not null)
            {
                var dir = Path.Combine(folder, name);
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, "flake.lock"), text);
                var roots = FlakeLock.Parse(text).Root.Inputs.Keys;
                File.WriteAllText(Path.Combine(dir, "flake.nix"), "{\n  inputs = {\n" + string.Concat(roots.Select(r => $"    {r}.url = \"path:/{r}\";\n")) + "  };\n  outputs = { self, ... }: { };\n}\n");
            }
            Measure(text); // warm up
            var runs = Enumerable.Range(0, 5).Select(_ => Measure(text)).ToList();
            double Median(Func<(double, double, double, double, double, int, int), double> pick) => runs.Select(pick).OrderBy(x => x).ElementAt(runs.Count / 2);
            Console.WriteLine($"{name,-18} {runs[0].Item7,6} {(double.IsNaN(paths) ? "-" : paths.ToString("G3")),10} {runs[0].Item6,7} {Median(r => r.Item1),7:F1}ms {Median(r => r.Item2),7:F1}ms {Median(r => r.Item3),7:F1}ms {Median(r => r.Item4),7:F1}ms {Median(r => r.Item5),7:F1}ms");
        }
        return 0;
    }

    private static (double Parse, double Entries, double Check, double Optimise, double Compare, int Listed, int Nodes) Measure(string text)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1700000000);
        var clock = Stopwatch.StartNew();
        var lockFile = FlakeLock.Parse(text);
        var parse = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var entries = lockFile.Entries(recurse: true, now);
        var list = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        FlakeTools.Core.Project.LockCheck.Check(lockFile, null, TimeSpan.FromDays(30), now);
        var check = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        FollowsOptimizer.Suggest(lockFile, null);
        var optimise = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        LockChange.Compare(lockFile, lockFile);
        var compare = clock.Elapsed.TotalMilliseconds;
        return (parse, list, check, optimise, compare, entries.Count, lockFile.Nodes.Count);
    }

    private static JsonObject Github(string owner) => new()
    {
        ["locked"] = new JsonObject { ["lastModified"] = 1700000000, ["narHash"] = "sha256-AAAA", ["owner"] = owner, ["repo"] = "r", ["rev"] = new string('a', 40), ["type"] = "github" },
        ["original"] = new JsonObject { ["owner"] = owner, ["repo"] = "r", ["type"] = "github" },
    };

    /// <summary>Levels of two nodes; each node's inputs x and y are both nodes of the next level, and it follows the root's nixpkgs.</summary>
    internal static string Diamond(int levels)
    {
        var nodes = new JsonObject();
        for (var level = 0; level < levels; level++)
        {
            foreach (var side in new[] { "a", "b" })
            {
                var node = Github($"o{level}{side}");
                var inputs = new JsonObject { ["nixpkgs"] = new JsonArray("nixpkgs") };
                if (level + 1 < levels) { inputs["x"] = $"n{level + 1}a"; inputs["y"] = $"n{level + 1}b"; }
                node["inputs"] = inputs;
                nodes[$"n{level}{side}"] = node;
            }
        }
        nodes["nixpkgs"] = Github("NixOS");
        nodes["root"] = new JsonObject { ["inputs"] = new JsonObject { ["nixpkgs"] = "nixpkgs", ["x"] = "n0a", ["y"] = "n0b" } };
        return NixJson.Serialize(new JsonObject { ["nodes"] = nodes, ["root"] = "root", ["version"] = 7 }) + "\n";
    }

    /// <summary>A chain: each node's input <c>next</c> is the next node; each also follows the root's nixpkgs.</summary>
    internal static string Chain(int count)
    {
        var nodes = new JsonObject();
        for (var i = 0; i < count; i++)
        {
            var node = Github($"o{i}");
            var inputs = new JsonObject { ["nixpkgs"] = new JsonArray("nixpkgs") };
            if (i + 1 < count) inputs["next"] = $"n{i + 1}";
            node["inputs"] = inputs;
            nodes[$"n{i}"] = node;
        }
        nodes["nixpkgs"] = Github("NixOS");
        nodes["root"] = new JsonObject { ["inputs"] = new JsonObject { ["nixpkgs"] = "nixpkgs", ["next"] = "n0" } };
        return NixJson.Serialize(new JsonObject { ["nodes"] = nodes, ["root"] = "root", ["version"] = 7 }) + "\n";
    }
}
