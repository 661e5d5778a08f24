using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.References;
using Xunit;

namespace FlakeTools.Core.Tests;

public class FlakeReferenceTests
{
    [Theory]
    [InlineData("github:NixOS/nixpkgs", "github", "NixOS", "nixpkgs", null, null)]
    [InlineData("github:hyprwm/Hyprland/v0.29.1", "github", "hyprwm", "Hyprland", "v0.29.1", null)]
    [InlineData("github:NixOS/nixpkgs?ref=nixos-23.05", "github", "NixOS", "nixpkgs", "nixos-23.05", null)]
    [InlineData("github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567", "github", "NixOS", "nixpkgs", null, "0123456789abcdef0123456789abcdef01234567")]
    [InlineData("github:NixOS/nixpkgs/nixos-23.05?rev=0123456789abcdef0123456789abcdef01234567", "github", "NixOS", "nixpkgs", "nixos-23.05", "0123456789abcdef0123456789abcdef01234567")]
    [InlineData("gitlab:veloren%2Fdev/veloren", "gitlab", "veloren/dev", "veloren", null, null)]
    [InlineData("sourcehut:~misterio/nix-colors/main", "sourcehut", "~misterio", "nix-colors", "main", null)]
    public void ParsesHostedReferences(string text, string type, string owner, string repo, string? @ref, string? rev)
    {
        var reference = FlakeReference.Parse(text);
        Assert.Equal(type, reference.Type);
        Assert.Equal(owner, reference.Owner);
        Assert.Equal(repo, reference.Repo);
        Assert.Equal(@ref, reference.Ref);
        Assert.Equal(rev, reference.Rev);
        Assert.Equal(text, reference.ToUrl());
    }

    [Theory]
    [InlineData("nixpkgs", "indirect", null, null)]
    [InlineData("flake:nixpkgs", "indirect", null, null)]
    [InlineData("nixpkgs/nixos-23.05", "indirect", "nixos-23.05", null)]
    [InlineData("nixpkgs/nixos-23.05/0123456789abcdef0123456789abcdef01234567", "indirect", "nixos-23.05", "0123456789abcdef0123456789abcdef01234567")]
    [InlineData("path:./sub", "path", null, null)]
    [InlineData("./relative/dir", "path", null, null)]
    [InlineData("/abs/path?narHash=sha256-abc", "path", null, null)]
    [InlineData("git+https://example.org/repo.git?ref=main&rev=0123456789abcdef0123456789abcdef01234567", "git", "main", "0123456789abcdef0123456789abcdef01234567")]
    [InlineData("git+ssh://git@github.com/owner/repo?ref=refs/tags/v1.2&shallow=1", "git", "refs/tags/v1.2", null)]
    [InlineData("git+file:///srv/repo", "git", null, null)]
    [InlineData("git://example.org/repo", "git", null, null)]
    [InlineData("hg+https://hg.example.org/repo?ref=default", "hg", "default", null)]
    [InlineData("https://example.org/archive/v1.tar.gz", "tarball", null, null)]
    [InlineData("tarball+https://example.org/download?id=3", "tarball", null, null)]
    [InlineData("file+https://example.org/file.json", "file", null, null)]
    [InlineData("github:NixOS/nixpkgs?dir=lib#hello", "github", null, null)]
    public void EveryTypeRoundTrips(string text, string type, string? @ref, string? rev)
    {
        var reference = FlakeReference.Parse(text);
        Assert.Equal(type, reference.Type);
        Assert.Equal(@ref, reference.Ref);
        Assert.Equal(rev, reference.Rev);
        Assert.Equal(text, reference.ToUrl());
        Assert.Equal(text, reference.ToString());
    }

    [Fact]
    public void TypedPartsOfTransportAndPathReferences()
    {
        var git = FlakeReference.Parse("git+ssh://git@github.com/owner/repo?ref=main&submodules=1&dir=nix");
        Assert.Equal("ssh://git@github.com/owner/repo", git.Url);
        Assert.Equal("nix", git.Dir);
        Assert.Equal(new[] { "submodules=1" }, git.Parameters.Select(p => p.Key + "=" + p.Value));
        Assert.Equal("./sub", FlakeReference.Parse("path:./sub").Path);
        Assert.Equal("nixpkgs", FlakeReference.Parse("nixpkgs/nixos-23.05").Id);
        Assert.Equal("ghe.example.org", FlakeReference.Parse("github:o/r?host=ghe.example.org").Host);
    }

    [Theory]
    [InlineData("github:hyprwm/Hyprland/v0.29.1", "v0.30.0", "github:hyprwm/Hyprland/v0.30.0")]
    [InlineData("github:NixOS/nixpkgs?ref=nixos-23.05", "nixos-24.05", "github:NixOS/nixpkgs?ref=nixos-24.05")]
    [InlineData("github:NixOS/nixpkgs", "nixos-24.05", "github:NixOS/nixpkgs/nixos-24.05")]
    [InlineData("github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567", "nixos-24.05", "github:NixOS/nixpkgs/nixos-24.05")]
    [InlineData("github:NixOS/nixpkgs/nixos-23.05?dir=lib", "nixos-24.05", "github:NixOS/nixpkgs/nixos-24.05?dir=lib")]
    [InlineData("git+https://example.org/r.git?ref=main&shallow=1", "dev", "git+https://example.org/r.git?ref=dev&shallow=1")]
    [InlineData("git+https://example.org/r.git", "refs/tags/v1", "git+https://example.org/r.git?ref=refs/tags/v1")]
    [InlineData("nixpkgs/nixos-23.05", "nixos-24.05", "nixpkgs/nixos-24.05")]
    [InlineData("flake:nixpkgs", "nixos-24.05", "flake:nixpkgs/nixos-24.05")]
    public void WithRefChangesOnlyTheRef(string before, string newRef, string after) =>
        Assert.Equal(after, FlakeReference.Parse(before).WithRef(newRef).ToUrl());

    [Theory]
    [InlineData("github:NixOS/nixpkgs/nixos-23.05", "github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567")]
    [InlineData("github:NixOS/nixpkgs?ref=nixos-23.05", "github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567?ref=nixos-23.05")]
    [InlineData("git+https://example.org/r.git?ref=main", "git+https://example.org/r.git?ref=main&rev=0123456789abcdef0123456789abcdef01234567")]
    [InlineData("nixpkgs/nixos-23.05", "nixpkgs/nixos-23.05/0123456789abcdef0123456789abcdef01234567")]
    public void WithRevPinsACommit(string before, string after) =>
        Assert.Equal(after, FlakeReference.Parse(before).WithRev("0123456789abcdef0123456789abcdef01234567").ToUrl());

    [Fact]
    public void RemovingRefOrRevDropsThePart()
    {
        Assert.Equal("github:hyprwm/Hyprland", FlakeReference.Parse("github:hyprwm/Hyprland/v0.29.1").WithRef(null).ToUrl());
        Assert.Equal("git+https://e.org/r?shallow=1", FlakeReference.Parse("git+https://e.org/r?ref=main&shallow=1").WithRef(null).ToUrl());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("github:NixOS", "needs an owner and a repository")]
    [InlineData("github:a/b/c/d", "too many parts")]
    [InlineData("github:a/b/v1?ref=v2", "names a branch or tag twice")]
    [InlineData("github:a/b?rev=123", "'123' is not a commit hash")]
    [InlineData("git+ftp://example.org/r", "git+ftp is not a supported transport")]
    [InlineData("svn://example.org/r", "'svn:' is not a scheme Nix knows")]
    [InlineData("github:a/b?ref", "has no value")]
    [InlineData("github:a/b with space", "white space")]
    [InlineData("github:a/b/bad..ref~", "not a valid branch or tag name")]
    public void InvalidReferencesNameTheBadPart(string text, string messagePart)
    {
        var error = Assert.Throws<FlakeReferenceException>(() => FlakeReference.Parse(text));
        Assert.Contains(messagePart, error.Message);
        Assert.StartsWith($"'{text}' is not a valid flake reference", error.Message);
        Assert.False(FlakeReference.TryParse(text, out _, out var message));
        Assert.Equal(error.Message, message);
    }

    [Fact]
    public void AttributeSetForm()
    {
        var reference = FlakeReference.FromAttributes(new[]
        {
            new KeyValuePair<string, object>("type", "github"),
            new KeyValuePair<string, object>("owner", "NixOS"),
            new KeyValuePair<string, object>("repo", "nixpkgs"),
            new KeyValuePair<string, object>("ref", "nixos-24.05"),
        });
        Assert.Equal(FlakeReferenceForm.AttributeSet, reference.Form);
        Assert.Equal("nixos-24.05", reference.Ref);
        Assert.Equal("github:NixOS/nixpkgs?ref=nixos-24.05", reference.ToUrl());
        Assert.Equal(new[] { "type=github", "owner=NixOS", "repo=nixpkgs", "ref=nixos-24.05" }, reference.ToAttributes().Select(p => p.Key + "=" + p.Value));
        Assert.Equal(new[] { "type=github", "owner=NixOS", "repo=nixpkgs", "ref=nixos-25.05" }, reference.WithRef("nixos-25.05").ToAttributes().Select(p => p.Key + "=" + p.Value));

        var git = FlakeReference.FromAttributes(new[]
        {
            new KeyValuePair<string, object>("type", "git"),
            new KeyValuePair<string, object>("url", "https://example.org/src.git"),
            new KeyValuePair<string, object>("submodules", true),
        });
        Assert.Equal("git+https://example.org/src.git?submodules=1", git.ToUrl());
        Assert.Throws<FlakeReferenceException>(() => FlakeReference.FromAttributes(new[] { new KeyValuePair<string, object>("owner", "x") }));
    }
}
