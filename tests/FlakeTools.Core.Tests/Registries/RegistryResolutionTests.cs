using System;
using System.IO;
using System.Linq;
using FlakeTools.Core.References;
using FlakeTools.Core.Registries;
using Xunit;

namespace FlakeTools.Tests.Registries;

public sealed class RegistryResolutionTests
{
    private static RegistryInput Input(string reference) => RegistryInput.FromReference(FlakeReference.Parse(reference), "/work", out _);

    [Theory]
    [InlineData("nixpkgs", "flake:nixpkgs")]
    [InlineData("nixpkgs/nixos-24.05", "flake:nixpkgs/nixos-24.05")]
    [InlineData("github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567", "github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567")]
    [InlineData("github:NixOS/nixpkgs?host=example.org", "github:NixOS/nixpkgs?host=example.org")]
    [InlineData("path:./sub", "path:/work/sub")]
    [InlineData("path:/src?lastModified=5&rev=0123456789abcdef0123456789abcdef01234567", "path:/src?lastModified=5&rev=0123456789abcdef0123456789abcdef01234567")]
    [InlineData("git+https://example.org/r.git?ref=main&shallow=1&foo=bar", "git+https://example.org/r.git?foo=bar&ref=main&shallow=1")]
    [InlineData("hg+https://example.org/r?ref=default", "hg+https://example.org/r?ref=default")]
    [InlineData("https://example.org/x.tar.gz", "https://example.org/x.tar.gz")]
    public void References_become_the_attributes_nix_makes_of_them(string reference, string nixUrl)
    {
        Assert.Equal(nixUrl, Input(reference).ToNixUrl());
    }

    [Fact]
    public void Git_booleans_and_path_integers_are_typed()
    {
        var git = Input("git+file:///src?submodules=1&shallow=0");
        Assert.Equal(true, git.Attributes["submodules"]);
        Assert.Equal(false, git.Attributes["shallow"]);
        Assert.Equal("file:///src", git.Attributes["url"]);
        Assert.Equal(3UL, Input("path:/src?revCount=3").Attributes["revCount"]);
        Assert.Equal(5UL, Input("path:/src?lastModified=5").Attributes["lastModified"]);
        // Parameters Nix's fetchers refuse never make an input: the reference parser refuses them
        // (as Nix's Input::fromURL does), before the registries see the reference.
        Assert.Contains("'foo'", Assert.Throws<FlakeReferenceException>(() => Input("path:/src?foo=1")).Message);
        Assert.Contains("whole number", Assert.Throws<FlakeReferenceException>(() => Input("path:/src?revCount=x")).Message);
        Assert.Contains("'foo'", Assert.Throws<FlakeReferenceException>(() => Input("github:o/r?foo=1")).Message);
    }

    [Fact]
    public void Contains_matches_equal_inputs_and_those_equal_without_ref_and_rev()
    {
        Assert.True(Input("nixpkgs").Contains(Input("nixpkgs")));
        Assert.True(Input("nixpkgs").Contains(Input("nixpkgs/branch")));
        Assert.True(Input("nixpkgs").Contains(Input("nixpkgs/branch/0123456789abcdef0123456789abcdef01234567")));
        Assert.True(Input("nixpkgs/branch").Contains(Input("nixpkgs/branch")));
        Assert.False(Input("nixpkgs/branch").Contains(Input("nixpkgs")));
        Assert.False(Input("nixpkgs/branch").Contains(Input("nixpkgs/branch/0123456789abcdef0123456789abcdef01234567")));
        Assert.False(Input("nixpkgs").Contains(Input("nixpkgs2")));
    }

    [Fact]
    public void Overrides_follow_each_fetcher()
    {
        const string rev = "0123456789abcdef0123456789abcdef01234567";
        Assert.Equal("github:o/r/v2", Input("github:o/r/v1").ApplyOverrides("v2", null).ToNixUrl());
        Assert.Equal($"github:o/r/{rev}", Input("github:o/r/v1").ApplyOverrides(null, rev).ToNixUrl());
        Assert.Throws<RegistryResolutionException>(() => Input("github:o/r").ApplyOverrides("v2", rev));
        Assert.Equal($"git+https://x/r?ref=main&rev={rev}", Input("git+https://x/r?ref=main").ApplyOverrides(null, rev).ToNixUrl());
        Assert.Contains("commit hash but no branch", Assert.Throws<RegistryResolutionException>(() => Input("git+https://x/r").ApplyOverrides(null, rev)).Message);
        Assert.Equal("flake:other/b", Input("other").ApplyOverrides("b", null).ToNixUrl());
        Assert.Contains("don't know how to set branch/tag name", Assert.Throws<RegistryResolutionException>(() => Input("path:/src").ApplyOverrides("b", null)).Message);
        Assert.Same(Input("path:/src").GetType(), Input("path:/src").ApplyOverrides(null, null).GetType());
    }

    [Fact]
    public void User_wins_over_system_and_system_over_global()
    {
        using var sandbox = new RegistrySandbox("""{"version":2,"flakes":[{"from":{"type":"indirect","id":"a"},"to":{"type":"path","path":"/global-a"}},{"from":{"type":"indirect","id":"b"},"to":{"type":"path","path":"/global-b"}},{"from":{"type":"indirect","id":"c"},"to":{"type":"path","path":"/global-c"}}]}""");
        sandbox.Write("etc-nix/registry.json", """{"version":2,"flakes":[{"from":{"type":"indirect","id":"a"},"to":{"type":"path","path":"/system-a"}},{"from":{"type":"indirect","id":"b"},"to":{"type":"path","path":"/system-b"}}]}""");
        sandbox.Write("config/nix/registry.json", """{"version":2,"flakes":[{"from":{"type":"indirect","id":"a"},"to":{"type":"path","path":"/user-a"}}]}""");
        var registries = sandbox.Load();
        Assert.Equal(new[] { RegistryScope.User, RegistryScope.System, RegistryScope.System, RegistryScope.Global, RegistryScope.Global, RegistryScope.Global }, registries.Entries.Select(e => e.Scope));
        Assert.Equal("path:/user-a", registries.Resolve(FlakeReference.Parse("a"), "/").ResolvedUrl);
        Assert.Equal("path:/system-b", registries.Resolve(FlakeReference.Parse("b"), "/").ResolvedUrl);
        var c = registries.Resolve(FlakeReference.Parse("c"), "/");
        Assert.Equal("path:/global-c", c.ResolvedUrl);
        Assert.Equal(RegistryScope.Global, c.Entry!.Scope);
        Assert.Equal(sandbox.GlobalPath, c.Entry.Source);
    }

    [Fact]
    public void Exact_entries_match_only_equal_references_and_lay_nothing_over()
    {
        using var sandbox = new RegistrySandbox();
        sandbox.Write("config/nix/registry.json", """
            {"version":2,"flakes":[
              {"from":{"type":"indirect","id":"pkgs"},"to":{"type":"github","owner":"NixOS","repo":"nixpkgs","ref":"nixos-24.05"},"exact":true},
              {"from":{"type":"indirect","id":"lib"},"to":{"type":"github","owner":"o","repo":"lib","ref":"main"}}
            ]}
            """);
        var registries = sandbox.Load();
        Assert.Equal("github:NixOS/nixpkgs/nixos-24.05", registries.Resolve(FlakeReference.Parse("pkgs"), "/").ResolvedUrl);
        var error = Assert.Throws<RegistryResolutionException>(() => registries.Resolve(FlakeReference.Parse("pkgs/nixos-unstable"), "/"));
        Assert.Contains("cannot find flake 'flake:pkgs/nixos-unstable'", error.Message);
        Assert.Contains("is exact", error.Message);
        Assert.Equal("github:o/lib/v2", registries.Resolve(FlakeReference.Parse("lib/v2"), "/").ResolvedUrl);
    }

    [Fact]
    public void Chains_are_followed_dirs_taken_from_the_last_entry_and_cycles_reported()
    {
        using var sandbox = new RegistrySandbox();
        sandbox.Write("config/nix/registry.json", """
            {"version":2,"flakes":[
              {"from":{"type":"indirect","id":"short"},"to":{"type":"indirect","id":"long"}},
              {"from":{"type":"indirect","id":"long"},"to":{"type":"github","owner":"o","repo":"r","dir":"sub"}},
              {"from":{"type":"indirect","id":"ping"},"to":{"type":"indirect","id":"pong"}},
              {"from":{"type":"indirect","id":"pong"},"to":{"type":"indirect","id":"ping"}}
            ]}
            """);
        var registries = sandbox.Load();
        // A registry name with a query is a URL (flake:...); the short form "short/v1?dir=mine" is a
        // relative path to Nix (2.8 and newest alike), so it never reaches the registries.
        Assert.Equal("path", FlakeReference.Parse("short/v1?dir=mine").Type);
        var resolution = registries.Resolve(FlakeReference.Parse("flake:short/v1?dir=mine"), "/");
        Assert.Equal("github:o/r/v1?dir=sub", resolution.ResolvedUrl);
        Assert.Equal(new[] { "short", "long" }, resolution.Steps.Select(s => s.Name));
        Assert.Equal("short", resolution.Entry!.Name);
        Assert.Equal("sub", resolution.Resolved.Dir);
        Assert.Contains("cycle detected", Assert.Throws<RegistryResolutionException>(() => registries.Resolve(FlakeReference.Parse("ping"), "/")).Message);
        var direct = registries.Resolve(FlakeReference.Parse("github:a/b?dir=x"), "/");
        Assert.Null(direct.Entry);
        Assert.Equal("github:a/b?dir=x", direct.ResolvedUrl);
    }

    [Fact]
    public void The_first_matching_entry_in_file_order_wins()
    {
        using var sandbox = new RegistrySandbox();
        sandbox.Write("config/nix/registry.json", """
            {"version":2,"flakes":[
              {"from":{"type":"indirect","id":"n"},"to":{"type":"github","owner":"o","repo":"general"}},
              {"from":{"type":"indirect","id":"n","ref":"special"},"to":{"type":"github","owner":"o","repo":"special"}}
            ]}
            """);
        Assert.Equal("github:o/general/special", sandbox.Load().Resolve(FlakeReference.Parse("n/special"), "/").ResolvedUrl);
    }
}
