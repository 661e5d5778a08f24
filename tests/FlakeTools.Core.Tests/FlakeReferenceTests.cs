using System.Collections.Generic;
using System.Linq;
using System.IO;
using System.Text.Json.Nodes;
using FlakeTools.Core.References;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests;

public class FlakeReferenceTests
{
    [Theory]
    [InlineData("github:NixOS/nixpkgs", "github", "NixOS", "nixpkgs", null, null)]
    [InlineData("github:hyprwm/Hyprland/v0.29.1", "github", "hyprwm", "Hyprland", "v0.29.1", null)]
    [InlineData("github:NixOS/nixpkgs?ref=nixos-23.05", "github", "NixOS", "nixpkgs", "nixos-23.05", null)]
    [InlineData("github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567", "github", "NixOS", "nixpkgs", null, "0123456789abcdef0123456789abcdef01234567")]
    [InlineData("github:NixOS/nixpkgs?rev=0123456789abcdef0123456789abcdef01234567", "github", "NixOS", "nixpkgs", null, "0123456789abcdef0123456789abcdef01234567")]
    [InlineData("github:owner/repo/fix/some-branch", "github", "owner", "repo", "fix/some-branch", null)]
    [InlineData("github:/owner/repo/main", "github", "owner", "repo", "main", null)]
    [InlineData("github:owner/repo/?ref=x", "github", "owner", "repo", "x", null)]
    [InlineData("github:owner//repo//refs/heads/main/", "github", "owner", "repo", "refs/heads/main", null)]
    [InlineData("github:owner/repo/fix%2Fsome-branch", "github", "owner", "repo", "fix/some-branch", null)]
    [InlineData("gitlab:a/b/c/d", "gitlab", "a", "b", "c/d", null)]
    [InlineData("github:NixOS/nixpkgs/0123456789ABCDEF0123456789ABCDEF01234567", "github", "NixOS", "nixpkgs", null, "0123456789ABCDEF0123456789ABCDEF01234567")]
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
    [InlineData("github:NixOS/nixpkgs?dir=lib", "github", null, null)]
    [InlineData("git+file:///path/dep?submodules", "git", null, null)]
    [InlineData("git+ftp://example.org/r", "git", null, null)]
    [InlineData("git+https://h/x?foo=bar&ref=main", "git", "main", null)]
    [InlineData("file:///srv/a/b.tar.gz", "tarball", null, null)]
    [InlineData("path:/a/b?rev=0123456789abcdef0123456789abcdef01234567&revCount=3", "path", null, "0123456789abcdef0123456789abcdef01234567")]
    [InlineData("nixpkgs/0123456789abcdef0123456789abcdef01234567", "indirect", null, "0123456789abcdef0123456789abcdef01234567")]
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
    [InlineData("github:NixOS/nixpkgs?ref=nixos-23.05", "github:NixOS/nixpkgs?rev=0123456789abcdef0123456789abcdef01234567")]
    [InlineData("github:owner/repo/fix/some-branch?dir=nix", "github:owner/repo/0123456789abcdef0123456789abcdef01234567?dir=nix")]
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
    [InlineData("github:a/b/c/d?ref=e", "names a branch or tag twice")]
    [InlineData("github:a/b/main?rev=0123456789abcdef0123456789abcdef01234567", "names both a branch or tag ('main') and a commit")]
    [InlineData("github:a/b?foo=1", "takes no parameter 'foo'")]
    [InlineData("github:a/b#hello", "cannot name an output ('#hello')")]
    [InlineData("github:a/b/-x", "'-x' is not a valid branch or tag name")]
    [InlineData("github:a/b/x.lock", "'x.lock' is not a valid branch or tag name")]
    [InlineData("github:a/b?host=a_b", "'a_b' is not a host name")]
    [InlineData("path:/a/b?ref=x", "a path reference takes no parameter 'ref'")]
    [InlineData("nixpkgs/a/b", "'b' is not a commit hash")]
    [InlineData("file+git://x/y", "did you mean 'git+file'")]
    [InlineData("git+file://host/srv/x", "a file URL has no host ('host')")]
    [InlineData("github:a/b/c%zz", "'%' in the path must start an escape")]
    [InlineData("github:a/b/v1?ref=v2", "names a branch or tag twice")]
    [InlineData("github:a/b?rev=123", "'123' is not a commit hash")]
    [InlineData("svn://example.org/r", "'svn:' is not a scheme Nix knows")]
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

    /// <summary>
    /// The real Nix as the peer: `nix registry add --registry FILE x REF` parses a reference without
    /// fetching it and writes its attributes. Cases where Nix 2.8 and newer Nix agree (README.md in
    /// src/FlakeTools.Core/References lists where they do not).
    /// </summary>
    [NixTheory]
    [InlineData("github:owner/repo/fix/some-branch")]
    [InlineData("github:/owner/repo/main")]
    [InlineData("github:owner/repo/?ref=x")]
    [InlineData("github:o/r?dir=nix&host=ghe.example.org")]
    [InlineData("github:o/r?ref=a&ref=b")]
    [InlineData("github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567")]
    [InlineData("gitlab:a/b/c/d")]
    [InlineData("sourcehut:~o/r/x/y?host=git.example.org")]
    [InlineData("git+https://h/x.git?ref=refs/tags/v1&rev=0123456789abcdef0123456789abcdef01234567&shallow=1&submodules=1")]
    [InlineData("git+https://h/x?foo=bar&ref=main")]
    [InlineData("git+file:///path/dep?submodules")]
    [InlineData("git+ssh://git@host/me/x.git?ref=main")]
    [InlineData("git://host/x")]
    [InlineData("hg+https://h/x?ref=b&rev=0123456789abcdef0123456789abcdef01234567")]
    [InlineData("https://example.org/v1.tar.gz")]
    [InlineData("file:///srv/a/b.tar.gz")]
    [InlineData("path:/srv/x?lastModified=5&revCount=2")]
    [InlineData("path:/a/b?rev=0123456789abcdef0123456789abcdef01234567")]
    [InlineData("nixpkgs/nixos-23.05")]
    [InlineData("nixpkgs/nixos-23.05/0123456789abcdef0123456789abcdef01234567")]
    [InlineData("flake:nixpkgs")]
    public void ReferencesEqualWhatNixParses(string text)
    {
        var directory = Directory.CreateTempSubdirectory("flaketools-registry-");
        try
        {
            var registry = Path.Combine(directory.FullName, "registry.json");
            var (code, _, stderr) = NixRunner.Run("nix", "registry", "add", "--registry", registry, "x", text);
            Assert.True(code == 0, stderr);
            var to = (JsonObject)JsonNode.Parse(File.ReadAllText(registry))!["flakes"]![0]!["to"]!;
            var nix = string.Join(" ", to.Select(p => p.Key + "=" + (p.Value is JsonValue v && v.TryGetValue<bool>(out var b) ? (b ? "1" : "0") : p.Value!.ToString())).Order(System.StringComparer.Ordinal));
            var ours = string.Join(" ", FlakeReference.Parse(text).ToAttributes().Select(a => a.Key + "=" + a.Value).Order(System.StringComparer.Ordinal));
            Assert.Equal(nix, ours);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [NixTheory]
    [InlineData("github:o")]
    [InlineData("github:o/r/v1?ref=x")]
    [InlineData("github:o/r/main?rev=0123456789abcdef0123456789abcdef01234567")]
    [InlineData("github:o/r#frag")]
    [InlineData("github:o/r?ref=@")]
    [InlineData("github:o/r/-x")]
    [InlineData("path:/a/b?ref=x")]
    [InlineData("nixpkgs/a/b")]
    [InlineData("svn://example.org/r")]
    public void ReferencesNixRefusesAreRefused(string text)
    {
        var directory = Directory.CreateTempSubdirectory("flaketools-registry-");
        try
        {
            var (code, _, _) = NixRunner.Run("nix", "registry", "add", "--registry", Path.Combine(directory.FullName, "registry.json"), "x", text);
            Assert.NotEqual(0, code);
            Assert.False(FlakeReference.TryParse(text, out _, out _));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void GitHubTakesEverythingAfterTheRepositoryAsTheRef()
    {
        var reference = FlakeReference.Parse("github:owner/repo/fix/some-branch");
        Assert.Equal(("owner", "repo", "fix/some-branch"), (reference.Owner, reference.Repo, reference.Ref));
        Assert.Equal("github:owner/repo/feature/other", reference.WithRef("feature/other").ToUrl());
        Assert.Equal("github:/owner/repo/v2", FlakeReference.Parse("github:/owner/repo/main").WithRef("v2").ToUrl());
        Assert.Equal("github:owner/repo/?ref=y", FlakeReference.Parse("github:owner/repo/?ref=x").WithRef("y").ToUrl());
        Assert.Equal("github:owner/repo/fix/x", FlakeReference.Parse("github:owner/repo/0123456789abcdef0123456789abcdef01234567").WithRef("fix/x").ToUrl());
        Assert.Equal("github:owner/repo?ref=fix/x", FlakeReference.Parse("github:owner/repo?rev=0123456789abcdef0123456789abcdef01234567").WithRef("fix/x").ToUrl());
        Assert.Equal("github:owner/repo", reference.WithRef(null).ToUrl());
        // A ref that looks like a commit cannot stand in the path, where Nix would read it as one.
        Assert.Equal("github:owner/repo?ref=0123456789abcdef0123456789abcdef01234567", reference.WithRef("0123456789abcdef0123456789abcdef01234567").ToUrl());
    }

    [Fact]
    public void RefAndRevTogetherOnlyWhereNixTakesBoth()
    {
        const string rev = "0123456789abcdef0123456789abcdef01234567";
        Assert.Equal("git+https://h/x?ref=dev&rev=" + rev, FlakeReference.Parse("git+https://h/x").WithRefAndRev("dev", rev).ToUrl());
        Assert.Equal("nixpkgs/dev/" + rev, FlakeReference.Parse("nixpkgs").WithRefAndRev("dev", rev).ToUrl());
        Assert.Equal("github:o/r/dev", FlakeReference.Parse("github:o/r/main").WithRefAndRev("dev", null).ToUrl());
        var error = Assert.Throws<FlakeReferenceException>(() => FlakeReference.Parse("github:o/r/main").WithRefAndRev("dev", rev));
        Assert.Equal("'github:o/r/main' is not a valid flake reference: a github reference takes a branch or tag or a commit, not both; give -Ref or -Rev", error.Message);
    }

    [Fact]
    public void WhatNixIgnoresIsKeptAndWarnedAbout()
    {
        var flag = FlakeReference.Parse("git+file:///path/dep?submodules");
        Assert.Equal(("git", "file:///path/dep"), (flag.Type, flag.Url));
        Assert.Empty(flag.Parameters);
        Assert.Equal(new[] { "'submodules' in 'git+file:///path/dep?submodules' has no value and Nix ignores it; write submodules=1 if you meant to turn it on" }, flag.Warnings);
        Assert.Equal("git+file:///path/dep?submodules&ref=main", flag.WithRef("main").ToUrl());

        var twice = FlakeReference.Parse("github:o/r?ref=a&ref=b");
        Assert.Equal("a", twice.Ref);
        Assert.Equal(new[] { "'ref' is given twice in 'github:o/r?ref=a&ref=b'; Nix takes the first" }, twice.Warnings);

        var registry = FlakeReference.Parse("flake:nixpkgs?ref=x");
        Assert.Null(registry.Ref);
        Assert.Contains("Nix ignores ?ref=", Assert.Single(registry.Warnings));
        Assert.Empty(FlakeReference.Parse("github:o/r/main").Warnings);
    }

    [Fact]
    public void TransportUrlsKeepTheParametersNixPassesOn()
    {
        var git = FlakeReference.Parse("git+https://h/x?foo=bar&ref=main&shallow=1");
        Assert.Equal("https://h/x?foo=bar", git.Url);
        Assert.Equal(new[] { "shallow=1" }, git.Parameters.Select(p => p.Key + "=" + p.Value));
        Assert.Equal("git://host/x", FlakeReference.Parse("git://host/x").Url);
        Assert.Equal("https://example.org/download?id=3", FlakeReference.Parse("tarball+https://example.org/download?id=3").Url);
        Assert.Equal("https://hg.example.org/repo", FlakeReference.Parse("hg+https://hg.example.org/repo?ref=default").Url);
        Assert.Equal("/srv/my repo", FlakeReference.Parse("path:/srv/my%20repo").Path);
        Assert.Equal("veloren/dev", FlakeReference.Parse("gitlab:veloren%2Fdev/veloren").Owner);
    }

    [Theory]
    [InlineData("https://example.org/download", true, "tarball")]
    [InlineData("https://example.org/download", false, "file")]
    [InlineData("https://example.org/v1.tar.gz", false, "tarball")]
    [InlineData("file+https://example.org/v1.tar.gz", true, "file")]
    [InlineData("tarball+https://example.org/download", false, "tarball")]
    public void PlainUrlsAreTarballsForFlakesAndFilesOtherwise(string text, bool isFlake, string type) =>
        Assert.Equal(type, FlakeReference.Parse(text, isFlake).Type);

    [Fact]
    public void GitRefNamesFollowGitsRules()
    {
        foreach (var good in new[] { "main", "refs/tags/v1.2", "fix/some-branch", "release-23.05", "@x", "a+b" }) Assert.True(FlakeReferenceTypes.IsLegalRefName(good), good);
        foreach (var bad in new[] { "", "@", "-x", "a..b", "a@{b", "a b", "a~1", "a^", "a:b", "a?", "a*", "a[b", "a\\b", "a/", "/a", "a//b", ".a", "a/.b", "a.lock", "a/b.lock", "a.", "a\u007f" })
        {
            Assert.False(FlakeReferenceTypes.IsLegalRefName(bad), bad);
        }
        Assert.True(FlakeReferenceTypes.IsRev("0123456789ABCDEF0123456789abcdef01234567"));
        Assert.False(FlakeReferenceTypes.IsRev("0123456789abcdef0123456789abcdef0123456"));
        Assert.True(FlakeReferenceTypes.IsGitForge("sourcehut"));
        Assert.False(FlakeReferenceTypes.IsGitForge("git"));
    }

    public static TheoryData<string, (string Key, object Value)[], string> AttributeCases => new()
    {
        { "ssh URL", new (string, object)[] { ("type", "git"), ("url", "ssh://git@host/me/x.git") }, "git+ssh://git@host/me/x.git" },
        { "https URL", new (string, object)[] { ("type", "git"), ("url", "https://host/me/x.git"), ("ref", "main") }, "git+https://host/me/x.git?ref=main" },
        { "scp-like", new (string, object)[] { ("type", "git"), ("url", "git@host:me/x.git") }, "git+ssh://git@host/me/x.git" },
        { "local path", new (string, object)[] { ("type", "git"), ("url", "/srv/repo"), ("submodules", true) }, "git+file:///srv/repo?submodules=1" },
        { "file URL", new (string, object)[] { ("type", "git"), ("url", "file:///srv/repo") }, "git+file:///srv/repo" },
        { "git+ URL", new (string, object)[] { ("type", "git"), ("url", "git+https://host/x") }, "git+https://host/x" },
        { "git scheme", new (string, object)[] { ("type", "git"), ("url", "git://host/x") }, "git://host/x" },
        { "github with dir", new (string, object)[] { ("type", "github"), ("owner", "o"), ("repo", "r"), ("dir", "sub"), ("lastModified", 17L) }, "github:o/r?dir=sub&lastModified=17" },
        { "indirect", new (string, object)[] { ("type", "indirect"), ("id", "nixpkgs"), ("ref", "nixos-24.05") }, "flake:nixpkgs/nixos-24.05" },
        { "path", new (string, object)[] { ("type", "path"), ("path", "/srv/x"), ("narHash", "sha256-x") }, "path:/srv/x?narHash=sha256-x" },
        { "tarball", new (string, object)[] { ("type", "tarball"), ("url", "https://h/x.tar.gz") }, "tarball+https://h/x.tar.gz" },
        { "unknown type", new (string, object)[] { ("type", "svn"), ("url", "svn://x") }, "svn:?url=svn://x" },
    };

    [Theory]
    [MemberData(nameof(AttributeCases))]
    public void AttributeFormTakesWhatEachFetcherTakes(string what, (string Key, object Value)[] attributes, string url)
    {
        var reference = FlakeReference.FromAttributes(attributes.Select(a => new KeyValuePair<string, object>(a.Key, a.Value)));
        Assert.True(url == reference.ToUrl(), what + ": " + reference.ToUrl());
        Assert.Equal(FlakeReferenceForm.AttributeSet, reference.Form);
        Assert.Equal(attributes.Select(a => a.Key), reference.ToAttributes().Select(a => a.Key));
    }

    [Theory]
    [InlineData("github", "owner=o", "needs a 'repo' attribute")]
    [InlineData("github", "owner=o;repo=r;url=https://x", "a github reference takes no attribute 'url'")]
    [InlineData("github", "owner=o;repo=r;ref=main;rev=0123456789abcdef0123456789abcdef01234567", "names both a branch or tag")]
    [InlineData("git", "ref=main", "needs a 'url' attribute")]
    [InlineData("git", "url=github.com/me/x", "is not a git URL")]
    [InlineData("git", "url=https://h/x;owner=me", "a git reference takes no attribute 'owner'")]
    [InlineData("git", "url=https://h/x;submodules=1", "'submodules' must be true or false")]
    [InlineData("git", "url=https://h/x;ref=a..b", "'a..b' is not a valid branch or tag name")]
    [InlineData("path", "rev=0123456789abcdef0123456789abcdef01234567", "needs a 'path' attribute")]
    [InlineData("indirect", "id=9lives", "'9lives' is not a registry name")]
    [InlineData("hg", "url=https://h/x;ref=a~b", "'a~b' is not a valid branch or tag name")]
    public void AttributeFormIsCheckedAsItsTypeChecksIt(string type, string attributes, string messagePart)
    {
        var pairs = new List<KeyValuePair<string, object>> { new("type", type) };
        pairs.AddRange(attributes.Split(';').Select(a => a.Split('=', 2)).Select(a => new KeyValuePair<string, object>(a[0], a[1])));
        var error = Assert.Throws<FlakeReferenceException>(() => FlakeReference.FromAttributes(pairs));
        Assert.Contains(messagePart, error.Message);
    }

    [Fact]
    public void AttributeFormEditsKeepTheAttributesAsWritten()
    {
        var git = FlakeReference.FromAttributes(new[] { new KeyValuePair<string, object>("type", "git"), new KeyValuePair<string, object>("url", "git@host:me/x.git") });
        Assert.Equal(new[] { "type=git", "url=git@host:me/x.git", "ref=fix/x" }, git.WithRef("fix/x").ToAttributes().Select(p => p.Key + "=" + p.Value));
        var forge = FlakeReference.FromAttributes(new[]
        {
            new KeyValuePair<string, object>("type", "github"), new KeyValuePair<string, object>("owner", "o"),
            new KeyValuePair<string, object>("repo", "r"), new KeyValuePair<string, object>("ref", "main"), new KeyValuePair<string, object>("dir", "nix"),
        });
        Assert.Equal(new[] { "type=github", "owner=o", "repo=r", "rev=0123456789abcdef0123456789abcdef01234567", "dir=nix" },
            forge.WithRev("0123456789abcdef0123456789abcdef01234567").ToAttributes().Select(p => p.Key + "=" + p.Value));
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
