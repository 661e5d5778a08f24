using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.Locks;
using FlakeTools.Core.Project;
using FlakeTools.Core.Nix;
using FlakeTools.Syntax;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests;

/// <summary>Lock logic that needs no nix: the example lock and small hand-made ones.</summary>
public class LockLogicTests
{
    private static string ExamplePath => Path.Combine(TestPaths.RepositoryRoot, "examples", "desktop");

    private static FlakeLock Example => FlakeLock.Parse(File.ReadAllText(Path.Combine(ExamplePath, "flake.lock")), Path.Combine(ExamplePath, "flake.lock"));

    [Fact]
    public void TheExampleLockIsWrittenBackByteForByte()
    {
        var text = File.ReadAllText(Path.Combine(ExamplePath, "flake.lock"));
        Assert.Equal(text, FlakeLock.Parse(text).ToText());
    }

    [Fact]
    public void UnknownFieldsAndTypesSurviveAndKeysAreSortedAsNixSortsThem()
    {
        var json = "{\"version\":7,\"root\":\"root\",\"nodes\":{\"root\":{\"inputs\":{\"x\":\"x\"}},\"x\":{\"zeta\":[1,true,null],\"locked\":{\"type\":\"fancy\",\"weird\":\"é\\\"\\u0001\\n\"},\"original\":{\"type\":\"fancy\"},\"Upper\":{}}}}";
        var text = FlakeLock.Parse(json).ToText();
        Assert.Equal("""
            {
              "nodes": {
                "root": {
                  "inputs": {
                    "x": "x"
                  }
                },
                "x": {
                  "Upper": {},
                  "locked": {
                    "type": "fancy",
                    "weird": "é\"\u0001\n"
                  },
                  "original": {
                    "type": "fancy"
                  },
                  "zeta": [
                    1,
                    true,
                    null
                  ]
                }
              },
              "root": "root",
              "version": 7
            }

            """.Replace("\r\n", "\n"), text);
        var entry = FlakeLock.Parse(json).Entries(false, DateTimeOffset.UtcNow).Single();
        Assert.Equal("fancy", entry.Type);
        Assert.Equal("fancy", entry.Original!.Type); // an unknown type is kept as it is
    }

    [Fact]
    public void EntriesListRootInputsThenTheirInputsWithDuplicatesMarked()
    {
        var entries = Example.Entries(recurse: true, DateTimeOffset.FromUnixTimeSeconds(1720000000));
        Assert.Equal(new[] { "home-manager", "home-manager/nixpkgs", "hyprland", "hyprland/hyprlang", "hyprland/hyprlang/nixpkgs", "hyprland/hyprlang/systems", "hyprland/nixpkgs", "hyprland/systems", "nixpkgs", "wallpapers", "waybar", "waybar/flake-compat", "waybar/nixpkgs" },
            entries.Select(e => e.InputPath.ToString()));
        Assert.Equal(new[] { "waybar/nixpkgs" }, entries.Where(e => e.IsDuplicate).Select(e => e.InputPath.ToString()));
        Assert.Equal("hyprland/nixpkgs", entries.Single(e => e.InputPath.ToString() == "hyprland/hyprlang/nixpkgs").Follows);
        Assert.Equal("nixpkgs", entries.Single(e => e.InputPath.ToString() == "hyprland/hyprlang/nixpkgs").NodeKey);
        Assert.Equal(new[] { "home-manager", "hyprland", "nixpkgs", "wallpapers", "waybar" }, Example.Entries(false, DateTimeOffset.UtcNow).Select(e => e.Name));
    }

    [Fact]
    public void ComparingLocksReportsUpdatesAdditionsRemovalsAndFollows()
    {
        var before = Example;
        var json = JsonNode.Parse(before.Json.ToJsonString())!.AsObject();
        var nodes = json["nodes"]!.AsObject();
        nodes["hyprland"]!["locked"]!["rev"] = "1111111111111111111111111111111111111111";
        nodes["hyprland"]!["locked"]!["lastModified"] = 1722000000;
        nodes["root"]!["inputs"]!.AsObject().Remove("wallpapers");
        nodes.Remove("wallpapers");
        nodes["waybar"]!["inputs"]!["nixpkgs"] = new JsonArray("nixpkgs");
        nodes.Remove("nixpkgs_2");
        var after = FlakeLock.Parse(json.ToJsonString());
        var changes = LockChange.Compare(before, after);
        Assert.Equal(new[] { "hyprland:Updated", "wallpapers:Removed", "waybar/nixpkgs:FollowsChanged" }, changes.Select(c => $"{c.InputPath}:{c.Change}"));
        var hyprland = changes[0];
        Assert.Equal("1111111111111111111111111111111111111111", hyprland.NewRev);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1722000000), hyprland.NewLastModified);
        Assert.Equal("nixpkgs", changes[2].NewFollows);
        Assert.Null(changes[2].OldFollows);
        Assert.Empty(LockChange.Compare(before, before));
    }

    [Fact]
    public void ChecksFindDuplicatesStaleInputsAndDisagreementsWithFlakeNix()
    {
        var flake = FlakeFile.Parse(File.ReadAllText(Path.Combine(ExamplePath, "flake.nix")));
        var findings = LockCheck.Check(Example, flake, TimeSpan.FromDays(30), DateTimeOffset.FromUnixTimeSeconds(1719838000 + 86400 * 10));
        Assert.Contains(findings, f => f.Id == LockCheck.Duplicate && f.Target == "waybar/nixpkgs" && f.Fix.Contains("waybar.inputs.nixpkgs.follows = \"nixpkgs\";"));
        // Ten days after nixpkgs was modified, only wallpapers (32.8 days) is over the limit.
        Assert.Equal(new[] { "wallpapers" }, findings.Where(f => f.Id == LockCheck.Stale).Select(f => f.Target));
        Assert.All(findings.Where(f => f.Id == LockCheck.Stale), f => Assert.Equal(FindingSeverity.Warning, f.Severity));

        var changed = FlakeEditor.AddInput(flake, "elgato", References.FlakeReference.Parse("github:waxlamp/elgato")).Flake;
        changed = FlakeEditor.SetFollows(changed, InputPath.Parse("waybar/nixpkgs"), InputPath.Parse("nixpkgs")).Flake;
        var more = LockCheck.Check(Example, changed, null, DateTimeOffset.UtcNow);
        Assert.Contains(more, f => f.Id == LockCheck.NotInLock && f.Target == "elgato" && f.Severity == FindingSeverity.Error);
        Assert.Contains(more, f => f.Id == LockCheck.FollowsOutOfDate && f.Target == "waybar/nixpkgs");
    }

    [Fact]
    public void DanglingFollowsAndInputsFlakeNixNoLongerHas()
    {
        var json = "{\"version\":7,\"root\":\"root\",\"nodes\":{\"root\":{\"inputs\":{\"a\":\"a\",\"old\":\"a\"}},\"a\":{\"inputs\":{\"b\":[\"nowhere\"],\"c\":[]},\"locked\":{\"type\":\"path\",\"path\":\"/a\",\"narHash\":\"sha256-x\"},\"original\":{\"type\":\"path\",\"path\":\"/a\"}}}}";
        var flake = FlakeFile.Parse("{ inputs.a.url = \"path:/a\"; outputs = { self, a }: { }; }");
        var findings = LockCheck.Check(FlakeLock.Parse(json), flake, null, DateTimeOffset.UtcNow);
        // `old` reaches the same node as `a`: that node's inputs are checked once, under `a`.
        Assert.Equal(new[] { "DanglingFollows:a/b", "NotInFlake:old" }, findings.Select(f => $"{f.Id}:{f.Target}"));
    }

    [Theory]
    [InlineData("2.8.0", "flake lock . --update-input a --update-input b")]
    [InlineData("2.18.9", "flake lock . --update-input a --update-input b")]
    [InlineData("2.19.0", "flake update --flake . -- a b")]
    [InlineData("2.24.10", "flake update --flake . -- a b")]
    public void UpdateUsesTheFormTheInstalledNixUnderstands(string version, string expected)
    {
        var nix = new NixCli("nix", Version.Parse(version));
        Assert.EndsWith(expected, string.Join(" ", nix.UpdateArguments("/f", new[] { "a", "b" })));
        Assert.EndsWith(Version.Parse(version) >= new Version(2, 19) ? "flake update --flake ." : "flake update .", string.Join(" ", nix.UpdateArguments("/f", Array.Empty<string>())));
    }
}

/// <summary>
/// Tests that change process-wide environment variables (NIX_CONFIG, NIX_CONF_DIR, XDG_CONFIG_HOME).
/// Their collection runs alone, never beside the tests that start nix, which read the same variables.
/// </summary>
[CollectionDefinition(ProcessEnvironmentCollection.Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment";
}

/// <summary>How NixCli reads the Nix configuration from the environment.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public class NixConfigurationTests
{
    [Fact]
    public void FlakesAreEnabledOnTheCommandLineOnlyWhenTheConfigurationLacksThem()
    {
        var saved = (Environment.GetEnvironmentVariable("NIX_CONFIG"), Environment.GetEnvironmentVariable("NIX_CONF_DIR"), Environment.GetEnvironmentVariable("XDG_CONFIG_HOME"));
        var empty = Directory.CreateTempSubdirectory("flaketools-conf-").FullName;
        try
        {
            Environment.SetEnvironmentVariable("NIX_CONF_DIR", empty);
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", empty);
            Environment.SetEnvironmentVariable("NIX_CONFIG", "sandbox = false");
            var nix = new NixCli("nix", new Version(2, 8));
            Assert.Equal(new[] { "--extra-experimental-features", "nix-command flakes", "flake", "lock", "." }, nix.LockArguments("/f"));
            Environment.SetEnvironmentVariable("NIX_CONFIG", "experimental-features = nix-command\nextra-experimental-features = flakes");
            // The configuration is read when the NixCli is made (NixCli.Find), not on every call.
            Assert.Equal("--extra-experimental-features", nix.LockArguments("/f")[0]);
            Assert.Equal(new[] { "flake", "lock", "." }, new NixCli("nix", new Version(2, 8)).LockArguments("/f"));
            File.WriteAllText(Path.Combine(empty, "nix.conf"), "experimental-features = nix-command flakes # enabled system-wide\n");
            Environment.SetEnvironmentVariable("NIX_CONFIG", null);
            Assert.True(NixConfiguration.EnablesFlakes());
            Assert.Equal("nix flake lock . --override-input nixpkgs 'github:NixOS/nixpkgs?ref=x y'", NixCli.Format(new NixCli("nix", new Version(2, 8)).OverrideArguments("/f", "nixpkgs", "github:NixOS/nixpkgs?ref=x y")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("NIX_CONFIG", saved.Item1);
            Environment.SetEnvironmentVariable("NIX_CONF_DIR", saved.Item2);
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", saved.Item3);
            Directory.Delete(empty, recursive: true);
        }
    }
}
