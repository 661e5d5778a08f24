using System;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Project;
using FlakeTools.Core.Tests.Configurations;
using FlakeTools.Core.Unfree;
using Xunit;

namespace FlakeTools.Core.Tests.Unfree;

/// <summary>The findings Test-Flake gets from <see cref="UnfreeChecks.Check"/>.</summary>
public class UnfreeChecksTests
{
    [Fact]
    public void EachPitfallIsAFindingWithItsFix()
    {
        using var tree = new TempTree(
            ("flake.nix", UnfreeReaderTests.System("./a.nix ./b.nix home-manager.nixosModules.home-manager { home-manager.useGlobalPkgs = true; home-manager.users.ann = ./ann.nix; }",
                "\n      specialArgs.old = nixpkgs-unstable.legacyPackages.x86_64-linux;")),
            ("a.nix", "{ lib, ... }: { nixpkgs.config.allowUnfree = true; nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [ \"steam\" ]; }"),
            ("b.nix", "{ lib, ... }: { nixpkgs.config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [ \"zoom\" ]; environment.systemPackages = with import <nixpkgs> { }; [ hello ]; }"),
            ("ann.nix", "{ nixpkgs.config.allowUnfree = true; }"));
        var reader = ConfigurationReader.Open(tree.Path);
        var findings = UnfreeChecks.Check(tree.Path, reader.ReadConfigurations(), reader).ToList();
        Assert.All(findings, f => Assert.Equal("Unfree", f.Area));
        Assert.All(findings, f => Assert.False(string.IsNullOrEmpty(f.Fix)));
        var ids = findings.Select(f => $"{f.Id} {f.Severity} {System.IO.Path.GetFileName(f.Path)}:{f.Line}").OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.Equal(new[]
        {
            "UnfreeImpureImport Warning b.nix:1",
            "UnfreeNoConfig Information flake.nix:7",
            "UnfreeNotEffective Warning ann.nix:1",
            "UnfreePredicatePointless Information a.nix:1",
            "UnfreePredicateShadowed Warning b.nix:1",
        }, ids);
        // Without the reader, the same findings from the configurations alone.
        var again = UnfreeChecks.Check(tree.Path, ConfigurationReader.Open(tree.Path).ReadConfigurations()).Select(f => f.Id).OrderBy(s => s, StringComparer.Ordinal);
        Assert.Equal(findings.Select(f => f.Id).OrderBy(s => s, StringComparer.Ordinal), again);
    }

    [Fact]
    public void NixpkgsPkgsWithConfigIsAnError()
    {
        using var tree = new TempTree(("flake.nix", UnfreeReaderTests.System("./a.nix")),
            ("a.nix", "{ inputs, ... }: { nixpkgs.pkgs = inputs.nixpkgs.legacyPackages.x86_64-linux; nixpkgs.config.allowUnfree = true; }"));
        var reader = ConfigurationReader.Open(tree.Path);
        var finding = Assert.Single(UnfreeChecks.Check(tree.Path, reader.ReadConfigurations(), reader), f => f.Id == "UnfreeExternalPkgsWithConfig");
        Assert.Equal(FindingSeverity.Error, finding.Severity);
    }
}
