using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using FlakeTools.Core.Locks;
using FlakeTools.Core.Nix;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests;

/// <summary>Locks made by the real nix, read by FlakeTools and compared with what nix says about them.</summary>
public sealed class NixLockTests : IDisposable
{
    private readonly NixScenario _scenario;

    public NixLockTests()
    {
        _scenario = new NixScenario();
    }

    public void Dispose() => _scenario.Dispose();

    private FlakeLock LockAndRead()
    {
        _scenario.Nix("flake", "lock");
        return FlakeLock.Parse(File.ReadAllText(Path.Combine(_scenario.Root, "flake.lock")), Path.Combine(_scenario.Root, "flake.lock"));
    }

    [NixFact]
    public void WritingALockGivesTheBytesNixWrote()
    {
        LockAndRead();
        var text = File.ReadAllText(Path.Combine(_scenario.Root, "flake.lock"));
        Assert.Equal(text, FlakeLock.Parse(text).ToText());
    }

    [NixFact]
    public void EntriesMatchTheInputTreeNixPrints()
    {
        var lockFile = LockAndRead();
        var (_, stdout, _) = NixRunner.RunIn(_scenario.Root, "nix", "flake", "metadata", ".");
        var nixTree = Regex.Replace(stdout, "\u001b\\[[0-9;]*m", "").Split('\n').SkipWhile(l => !l.StartsWith("Inputs:", StringComparison.Ordinal)).Skip(1).Where(l => l.Length > 0).ToList();

        // Our entries in nix's shape: a node's inputs are listed under it on its first visit only.
        var ours = new List<string>();
        var visited = new HashSet<string>();
        void Render(LockNode node, int depth, IReadOnlyList<LockEntry> all, string prefix)
        {
            foreach (var entry in all.Where(e => e.Depth == depth && e.InputPath.StartsWith(prefix, StringComparison.Ordinal) && e.Segments.Count == prefix.Count(c => c == '/') + 1))
            {
                if (entry.IsFollows)
                {
                    ours.Add($"{depth} {entry.Name} follows '{entry.Follows}'");
                    continue;
                }
                ours.Add($"{depth} {entry.Name} {entry.Rev ?? entry.Locked!.LastModified!.Value.ToUnixTimeSeconds().ToString()}");
                if (visited.Add(entry.NodeKey!)) Render(entry.Node!, depth + 1, all, entry.InputPath + "/");
            }
        }
        Render(lockFile.Root, 0, lockFile.Entries(recurse: true, DateTimeOffset.UtcNow), "");

        var theirs = nixTree.Select(line =>
        {
            var depth = (line.IndexOf(line.TrimStart('│', ' ', '├', '└', '─')[0]) - 4) / 4;
            var body = line.TrimStart('│', ' ', '├', '└', '─');
            var follows = Regex.Match(body, "^(\\S+) follows input '(.*)'$");
            if (follows.Success) return $"{depth} {follows.Groups[1].Value} follows '{follows.Groups[2].Value}'";
            var name = body[..body.IndexOf(':')];
            var rev = Regex.Match(body, "rev=([0-9a-f]{40})");
            return $"{depth} {name} {(rev.Success ? rev.Groups[1].Value : Regex.Match(body, "lastModified=(\\d+)").Groups[1].Value)}";
        }).ToList();
        Assert.Equal(theirs, ours);
    }

    [NixFact]
    public void TheLockNixFlakeMetadataReportsIsTheOneWeRead()
    {
        var lockFile = LockAndRead();
        var metadata = JsonNode.Parse(_scenario.Nix("flake", "metadata", "--json", "."))!;
        Assert.Equal(TestFlakes.Canonical(metadata["locks"]), TestFlakes.Canonical(lockFile.Json));
        var depRev = _scenario.Git("dep", "rev-parse", "HEAD").Trim();
        var entries = lockFile.Entries(recurse: true, DateTimeOffset.UtcNow);
        Assert.Equal(depRev, entries.Single(e => e.InputPath == "dep").Rev);
        Assert.Equal(depRev, entries.Single(e => e.InputPath == "mid/dep").Rev);
        Assert.Equal("mid/nixpkgs", entries.Single(e => e.InputPath == "mid/dep/nixpkgs").Follows);
        Assert.Equal("nixpkgs", entries.Single(e => e.InputPath == "mid/nixpkgs").Follows);
        Assert.Equal(lockFile.Root.Inputs["nixpkgs"].NodeKey, entries.Single(e => e.InputPath == "mid/dep/nixpkgs").NodeKey);
        Assert.Equal(lockFile.Root.Inputs["nixpkgs"].NodeKey, entries.Single(e => e.InputPath == "dep2/nixpkgs").NodeKey);
        // dep's own nixpkgs, and mid's own dep, are second copies that a missing follows brings in.
        Assert.Equal(new[] { "dep/nixpkgs", "mid/dep" }, entries.Where(e => e.IsDuplicate).Select(e => e.InputPath));
        Assert.Equal(new[] { "dep.inputs.nixpkgs.follows = \"nixpkgs\";", "mid.inputs.dep.follows = \"dep\";" }, FollowsOptimizer.Suggest(lockFile, null).Select(s => s.Declaration));
    }

    [NixFact]
    public void UpdatingOneInputChangesWhatNixSaysAndOnlyThat()
    {
        var before = LockAndRead();
        _scenario.Write("dep/README", "changed\n");
        var newRev = _scenario.Commit("dep", "second");
        var nix = NixCli.Find()!;
        nix.RunAsync(nix.UpdateArguments(_scenario.Root, new[] { "dep" }), _scenario.Root, CancellationToken.None).GetAwaiter().GetResult();
        var after = FlakeLock.Parse(File.ReadAllText(Path.Combine(_scenario.Root, "flake.lock")));
        var changes = LockChange.Compare(before, after);
        Assert.Equal(new[] { "dep:Updated" }, changes.Select(c => $"{c.InputPath}:{c.Change}"));
        Assert.Equal(newRev, changes.Single().NewRev);
        var metadata = JsonNode.Parse(_scenario.Nix("flake", "metadata", "--json", "."))!;
        var depKey = metadata["locks"]!["nodes"]!["root"]!["inputs"]!["dep"]!.GetValue<string>();
        Assert.Equal(newRev, metadata["locks"]!["nodes"]![depKey]!["locked"]!["rev"]!.GetValue<string>());
    }

    [NixFact]
    public void OptimizedFollowsRemoveTheDuplicateWhenNixLocksAgain()
    {
        var lockFile = LockAndRead();
        var flakePath = Path.Combine(_scenario.Root, "flake.nix");
        var flake = Flakes.FlakeFile.Parse(File.ReadAllText(flakePath), flakePath);
        var result = FollowsOptimizer.Apply(flake, FollowsOptimizer.Suggest(lockFile, flake));
        File.WriteAllText(flakePath, result.Flake.Text);
        var relocked = LockAndRead();
        Assert.Empty(relocked.DuplicateNodeKeys());
        Assert.Equal("nixpkgs", relocked.Entries(recurse: true, DateTimeOffset.UtcNow).Single(e => e.InputPath == "dep/nixpkgs").Follows);
        Assert.Empty(LockFinding.Check(relocked, Flakes.FlakeFile.Parse(File.ReadAllText(flakePath)), null, DateTimeOffset.UtcNow));
    }

    [NixFact]
    public void AFailingNixReportsItsMessage()
    {
        _scenario.Write("root/flake.nix", File.ReadAllText(Path.Combine(_scenario.Root, "flake.nix")).Replace(_scenario.PathOf("mid"), _scenario.PathOf("missing")));
        var nix = NixCli.Find()!;
        var error = Assert.Throws<NixCommandException>(() => nix.RunAsync(nix.LockArguments(_scenario.Root), _scenario.Root, CancellationToken.None).GetAwaiter().GetResult());
        Assert.Contains("nix flake lock", error.Command);
        Assert.Contains("missing", error.Message);
        Assert.NotEqual(0, error.ExitCode);
    }

    [NixFact]
    public void TheInstalledNixIsDetected()
    {
        var nix = NixCli.Find()!;
        Assert.True(nix.Version >= new Version(2, 4));
        var arguments = nix.UpdateArguments("/flake", new[] { "a", "b" });
        if (nix.HasFlakeUpdateInputs) Assert.Equal(new[] { "flake", "update", "--flake", ".", "--", "a", "b" }, arguments.SkipWhile(a => a != "flake"));
        else Assert.Equal(new[] { "flake", "lock", ".", "--update-input", "a", "--update-input", "b" }, arguments.SkipWhile(a => a != "flake"));
    }
}
