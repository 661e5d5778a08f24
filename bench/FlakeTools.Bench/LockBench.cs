using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.Json.Nodes;
using FlakeTools.Core.Json;
using FlakeTools.Core.Locks;

namespace FlakeTools.Bench;

/// <summary>
/// Reads and resolves a generated flake.lock of N nodes shaped like real ones: root inputs that
/// each bring a few inputs of their own (some following root inputs, some sharing nodes, some
/// duplicating nixpkgs).
/// </summary>
internal static class LockBench
{
    public static int Run(int nodeCount)
    {
        var text = Generate(nodeCount);
        Console.WriteLine($"lock:            {nodeCount} nodes, {text.Length:N0} bytes");

        // Warm up once, then measure the median of several runs of each step.
        Measure(text, out _);
        var runs = Enumerable.Range(0, 9).Select(_ => Measure(text, out var r) ? r : default).ToList();
        string Median(Func<(double Parse, double Entries, double Resolve, double Write, long Allocated, int EntryCount), double> pick) =>
            $"{runs.Select(pick).OrderBy(x => x).ElementAt(runs.Count / 2):F2} ms";
        Console.WriteLine($"parse:           {Median(r => r.Parse)}");
        Console.WriteLine($"entries (all):   {Median(r => r.Entries)} ({runs[0].EntryCount} input paths, duplicates marked)");
        Console.WriteLine($"resolve paths:   {Median(r => r.Resolve)}");
        Console.WriteLine($"write (Nix form):{Median(r => r.Write),10}");
        Console.WriteLine($"allocated/run:   {runs.Select(r => r.Allocated).OrderBy(x => x).ElementAt(runs.Count / 2) / 1e6:F1} MB");
        return 0;
    }

    private static bool Measure(string text, out (double Parse, double Entries, double Resolve, double Write, long Allocated, int EntryCount) result)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var lockFile = FlakeLock.Parse(text);
        var parse = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var entries = lockFile.Entries(recurse: true, DateTimeOffset.UtcNow);
        var entriesTime = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        foreach (var entry in entries) lockFile.Resolve(entry.InputPath);
        var resolve = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var written = lockFile.ToText();
        var write = clock.Elapsed.TotalMilliseconds;
        result = (parse, entriesTime, resolve, write, GC.GetTotalAllocatedBytes(precise: true) - allocated, entries.Count);
        if (written != text) throw new InvalidOperationException("the lock did not write back byte for byte");
        return true;
    }

    /// <summary>A lock in Nix's exact layout.</summary>
    internal static string Generate(int nodeCount)
    {
        var random = new Random(42);
        var nodes = new JsonObject();
        var rootInputs = new JsonObject();
        JsonObject Node(string owner, string repo, int seed) => new()
        {
            ["locked"] = new JsonObject
            {
                ["lastModified"] = 1700000000 + seed * 977,
                ["narHash"] = "sha256-" + Convert.ToBase64String(BitConverter.GetBytes((long)seed * 7919).Concat(new byte[24]).ToArray()),
                ["owner"] = owner,
                ["repo"] = repo,
                ["rev"] = (seed * 2654435761L).ToString("x").PadLeft(40, '0')[..40],
                ["type"] = "github",
            },
            ["original"] = new JsonObject { ["owner"] = owner, ["repo"] = repo, ["type"] = "github" },
        };
        nodes["nixpkgs"] = Node("NixOS", "nixpkgs", 1);
        rootInputs["nixpkgs"] = "nixpkgs";
        var created = 1;
        var shared = new List<string>();
        var parent = 0;
        while (created < nodeCount - 1)
        {
            var name = $"input{parent}";
            var node = Node($"owner{parent}", $"repo{parent}", created + 1);
            created++;
            var inputs = new JsonObject();
            var children = Math.Min(random.Next(2, 8), nodeCount - 1 - created);
            for (var c = 0; c < children; c++)
            {
                var kind = random.Next(4);
                var childName = kind == 0 ? "nixpkgs" : $"dep{c}";
                if (inputs.ContainsKey(childName)) childName += c;
                if (kind == 0 && random.Next(2) == 0) { inputs[childName] = new JsonArray("nixpkgs"); continue; }
                if (kind == 1 && shared.Count > 0) { inputs[childName] = shared[random.Next(shared.Count)]; continue; }
                var key = kind == 0 ? $"nixpkgs_{created + 1}" : $"{name}-{childName}";
                nodes[key] = kind == 0 ? Node("NixOS", "nixpkgs", created + 1) : Node($"owner{created}", $"repo{created}", created + 1);
                inputs[childName] = key;
                if (kind == 2) shared.Add(key);
                created++;
            }
            if (inputs.Count > 0) node["inputs"] = inputs;
            nodes[name] = node;
            rootInputs[name] = name;
            parent++;
        }
        nodes["root"] = new JsonObject { ["inputs"] = rootInputs };
        var document = new JsonObject { ["nodes"] = nodes, ["root"] = "root", ["version"] = 7 };
        return NixJson.Serialize(JsonNode.Parse(document.ToJsonString())) + "\n";
    }
}
