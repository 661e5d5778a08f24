using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using FlakeTools.Core.IO;
using FlakeTools.Core.References;
using FlakeTools.Core.Registries;
using Xunit;

namespace FlakeTools.Tests.Registries;

/// <summary>The registry model against the real nix (offline, in a sandboxed HOME).</summary>
public sealed class RegistryNixPeerTests
{
    private static RegistryInput Input(string reference, out string? dir) => RegistryInput.FromReference(FlakeReference.Parse(reference), "/", out dir);

    // Nix 2.8 prints '/' in a query as %2f and newer Nix '+' and '=' as %2B, %3D: compare decoded.
    private static List<string> Decoded(IEnumerable<string> lines) => lines.Select(Uri.UnescapeDataString).ToList();

    private static void WriteWithFlakeTools(RegistryFile before, Func<RegistryFile, RegistryFile> edit)
    {
        var after = edit(before);
        Directory.CreateDirectory(Path.GetDirectoryName(after.Path)!);
        TextFile.WriteAtomic(after.Path, after.ToText(), before.Text);
    }

    /// <summary>Forms whose attributes Nix 2.8 and the newest Nix agree on.</summary>
    public static TheoryData<string, string> AddForms => new()
    {
        { "a", "github:NixOS/nixpkgs" },
        { "b", "github:NixOS/nixpkgs/nixos-24.05" },
        { "c", "github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567" },
        { "d", "github:NixOS/nixpkgs?dir=lib" },
        { "e", "gitlab:o/r/v1" },
        { "f", "sourcehut:~o/r" },
        { "g", "git+https://example.org/r.git?ref=main&shallow=1&foo=bar" },
        { "h", "git+ssh://git@example.org/r?ref=x&rev=0123456789abcdef0123456789abcdef01234567" },
        { "i", "path:/src/flake?rev=0123456789abcdef0123456789abcdef01234567&revCount=3&lastModified=7" },
        { "j", "/src/flake" },
        { "k/dev", "flake:nixpkgs/nixos-22.05" },
        { "l/0123456789abcdef0123456789abcdef01234567", "github:o/r" },
        { "m", "hg+https://example.org/r?ref=default" },
        { "n", "https://example.org/x.tar.gz" },
        { "o", "git+file:///src/repo?submodules=1" },
    };

    [NixTheory]
    [MemberData(nameof(AddForms))]
    public void An_added_entry_is_byte_for_byte_what_nix_registry_add_writes(string name, string reference)
    {
        using var sandbox = new RegistrySandbox();
        var byNix = sandbox.PathOf("by-nix.json");
        var ours = sandbox.PathOf("ours.json");
        foreach (var path in new[] { byNix, ours }) File.WriteAllText(path, """{"version":2,"flakes":[{"from":{"type":"indirect","id":"first"},"to":{"type":"path","path":"/first"}}]}""");
        sandbox.NixOk("registry", "add", "--registry", byNix, name, reference);
        var file = RegistryFile.Load(RegistryLocation.ForFile(RegistryScope.Custom, ours));
        WriteWithFlakeTools(file, f => f.Add(Input(name, out _), Input(reference, out var dir), dir, exact: false));
        Assert.Equal(File.ReadAllText(byNix), File.ReadAllText(ours));

        // Adding again moves nothing for FlakeTools; nix registry remove then takes the same entry.
        Assert.False(RegistryFile.Load(RegistryLocation.ForFile(RegistryScope.Custom, ours)).Add(Input(name, out _), Input(reference, out var again), again, false).DiffersFromDisk);
        sandbox.NixOk("registry", "remove", "--registry", byNix, name);
        WriteWithFlakeTools(RegistryFile.Load(RegistryLocation.ForFile(RegistryScope.Custom, ours)), f => f.Remove(Input(name, out _)));
        Assert.Equal(File.ReadAllText(byNix), File.ReadAllText(ours));
    }

    [NixFact]
    public void After_every_flaketools_write_nix_registry_list_shows_the_same_entries_in_the_same_order()
    {
        using var sandbox = new RegistrySandbox("""{"version":2,"flakes":[{"from":{"type":"indirect","id":"nixpkgs"},"to":{"type":"github","owner":"NixOS","repo":"nixpkgs","ref":"nixpkgs-unstable"}},{"from":{"type":"indirect","id":"templates"},"to":{"type":"github","owner":"NixOS","repo":"templates"}}]}""");
        var steps = new List<(RegistryScope Scope, Func<RegistryFile, RegistryFile> Edit)>
        {
            (RegistryScope.User, f => f.Add(Input("nixpkgs", out _), Input("github:NixOS/nixpkgs/nixos-24.05", out _), null, exact: false)),
            (RegistryScope.User, f => f.Add(Input("home-manager", out _), Input("github:nix-community/home-manager?dir=sub", out var d), d, exact: true)),
            (RegistryScope.System, f => f.Add(Input("nixpkgs", out _), Input("path:/nix/store/00000000000000000000000000000000-source?lastModified=1&narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D", out _), null, exact: true)),
            (RegistryScope.User, f => f.Add(Input("nixpkgs/nixos-23.11", out _), Input("git+https://example.org/nixpkgs?ref=nixos-23.11", out _), null, exact: false)),
            (RegistryScope.User, f => f.Add(Input("nixpkgs", out _), Input("github:NixOS/nixpkgs/nixos-unstable", out _), null, exact: false)),
            (RegistryScope.User, f => f.Remove(Input("home-manager", out _))),
            (RegistryScope.System, f => f.RemoveAt(new[] { 0 })),
        };
        foreach (var (scope, edit) in steps)
        {
            var before = sandbox.Load().FileOf(scope)!;
            WriteWithFlakeTools(before, edit);
            var registries = sandbox.Load();
            Assert.Empty(registries.Files.SelectMany(f => f.Problems));
            Assert.Equal(Decoded(sandbox.NixRegistryList()), Decoded(registries.Entries.Select(e => e.ToNixListLine())));
        }
        Assert.Equal(new[] { "nixpkgs", "nixpkgs", "nixpkgs", "templates" }, sandbox.Load().Entries.Select(e => e.Name));
    }

    [NixFact]
    public void Unknown_fields_survive_a_flaketools_write_and_nix_still_reads_the_file()
    {
        using var sandbox = new RegistrySandbox();
        sandbox.Write("config/nix/registry.json", """{"version":2,"comment":"kept","flakes":[{"from":{"type":"indirect","id":"a"},"to":{"type":"path","path":"/a"},"note":{"why":"kept too"}}]}""");
        WriteWithFlakeTools(sandbox.Load().FileOf(RegistryScope.User)!, f => f.Add(Input("b", out _), Input("github:o/b", out _), null, exact: false));
        var written = JsonNode.Parse(File.ReadAllText(sandbox.UserPath))!;
        Assert.Equal("kept", written["comment"]!.GetValue<string>());
        Assert.Equal("kept too", written["flakes"]![0]!["note"]!["why"]!.GetValue<string>());
        Assert.Equal(Decoded(sandbox.NixRegistryList()), Decoded(sandbox.Load().Entries.Select(e => e.ToNixListLine())));
        Assert.Equal(2, sandbox.NixRegistryList().Count);
    }

    [NixFact]
    public void Entries_written_by_nix_registry_add_and_pin_read_back_equal()
    {
        using var sandbox = new RegistrySandbox();
        var flake = sandbox.Flake("local");
        var git = sandbox.GitFlake("repo");
        sandbox.NixOk("registry", "add", "local", "path:" + flake);
        sandbox.NixOk("registry", "add", "repo", "git+file://" + git + "?ref=main");
        sandbox.NixOk("registry", "add", "sub/branch", "github:o/r?dir=lib");
        // Nix 2.8's one-argument pin of a user-registry name fails (it removes the entry before it
        // resolves the name), so pin through --registry, which reads the same file separately.
        sandbox.NixOk("registry", "pin", "--registry", sandbox.UserPath, "local");
        sandbox.NixOk("registry", "pin", "--registry", sandbox.UserPath, "pinned-repo", "repo");

        var registries = sandbox.Load();
        var entries = registries.Entries;
        Assert.Equal(Decoded(sandbox.NixRegistryList()), Decoded(entries.Select(e => e.ToNixListLine())));
        Assert.Equal(new[] { "repo", "sub", "local", "pinned-repo" }, entries.Select(e => e.Name));
        var json = (JsonArray)JsonNode.Parse(File.ReadAllText(sandbox.UserPath))!["flakes"]!;
        for (var i = 0; i < entries.Count; i++)
        {
            Assert.Equal(json[i]!["from"]!.ToJsonString(), entries[i].FromInput.ToJsonObject().ToJsonString());
            var to = entries[i].ToInput.ToJsonObject();
            if (entries[i].Dir is { } dir) to["dir"] = dir;
            Assert.Equal(Sorted(json[i]!["to"]!), Sorted(to));
        }
        var pinned = entries.Single(e => e.Name == "local");
        Assert.Matches("^sha256-", pinned.ToInput.GetString("narHash"));
        Assert.Equal("lib", entries.Single(e => e.Name == "sub").To.Dir);
        Assert.Equal(File.ReadAllText(sandbox.UserPath), registries.FileOf(RegistryScope.User)!.ToText());
    }

    [NixFact]
    public void Pinning_through_nix_gives_the_entry_nix_registry_pin_writes()
    {
        using var sandbox = new RegistrySandbox();
        var git = sandbox.GitFlake("repo");
        sandbox.NixOk("registry", "add", "repo", "git+file://" + git + "?ref=main");
        sandbox.NixOk("registry", "pin", "--registry", sandbox.PathOf("by-nix.json"), "repo");
        var arguments = RegistryPinner.PinArguments(sandbox.PathOf("ours.json"), "repo", null, enableFlakes: false);
        sandbox.NixOk(arguments.ToArray());
        var byNix = RegistryFile.Load(RegistryLocation.ForFile(RegistryScope.Custom, sandbox.PathOf("by-nix.json"))).Entries.Single();
        var ours = RegistryFile.Load(RegistryLocation.ForFile(RegistryScope.Custom, sandbox.PathOf("ours.json"))).Entries.Single();
        Assert.Equal(byNix.ToInput, ours.ToInput);
        Assert.Equal(RegistrySandbox.Git(git, "rev-parse", "main"), ours.ToInput.Rev);
    }

    public static TheoryData<string> ResolveCases => new()
    {
        "local",
        "flake:local?dir=sub",
        "flake:local",
        "repo",
        "repo/other",
        "repo/main",
        "alias",
        "alias/other",
        "exact",
        "subdir",
        "first/other",
        "chain-into-global",
        "global-only",
    };

    [NixTheory]
    [MemberData(nameof(ResolveCases))]
    public void A_reference_resolves_to_what_nix_flake_metadata_says(string reference)
    {
        using var sandbox = new RegistrySandbox();
        var local = sandbox.Flake("local");
        sandbox.Flake("local/sub");
        var repo = sandbox.GitFlake("repo");
        File.WriteAllText(sandbox.GlobalPath, $$$"""{"version":2,"flakes":[{"from":{"type":"indirect","id":"global-only"},"to":{"type":"path","path":"{{{local}}}"}},{"from":{"type":"indirect","id":"local"},"to":{"type":"path","path":"/nonexistent/shadowed"}}]}""");
        sandbox.Write("etc-nix/registry.json", $$$"""
            {"version":2,"flakes":[
              {"from":{"type":"indirect","id":"exact"},"to":{"type":"git","url":"file://{{{repo}}}","ref":"other"},"exact":true},
              {"from":{"type":"indirect","id":"chain-into-global"},"to":{"type":"indirect","id":"global-only"}},
              {"from":{"type":"indirect","id":"repo"},"to":{"type":"path","path":"/nonexistent/shadowed"}}
            ]}
            """);
        sandbox.Write("config/nix/registry.json", $$$"""
            {"version":2,"flakes":[
              {"from":{"type":"indirect","id":"local"},"to":{"type":"path","path":"{{{local}}}"}},
              {"from":{"type":"indirect","id":"repo"},"to":{"type":"git","url":"file://{{{repo}}}","ref":"main"}},
              {"from":{"type":"indirect","id":"alias"},"to":{"type":"indirect","id":"repo"}},
              {"from":{"type":"indirect","id":"subdir"},"to":{"type":"path","path":"{{{local}}}","dir":"sub"}},
              {"from":{"type":"indirect","id":"first"},"to":{"type":"git","url":"file://{{{repo}}}","ref":"main"}},
              {"from":{"type":"indirect","id":"first","ref":"other"},"to":{"type":"path","path":"/nonexistent/second"}}
            ]}
            """);
        var metadata = JsonNode.Parse(sandbox.NixOk("flake", "metadata", "--json", reference))!;
        var resolution = sandbox.Load().Resolve(FlakeReference.Parse(reference), sandbox.Directory);
        var resolved = resolution.ResolvedInput.ToJsonObject();
        if (resolution.Dir is { } dir) resolved["dir"] = dir;
        Assert.Equal(Sorted(metadata["resolved"]!), Sorted(resolved));
        Assert.Equal(Uri.UnescapeDataString(metadata["resolvedUrl"]!.GetValue<string>()), Uri.UnescapeDataString(resolution.ResolvedUrl));
    }

    [NixTheory]
    [InlineData("local/branch")]
    [InlineData("exact/main")]
    [InlineData("missing")]
    public void What_nix_cannot_resolve_fails_here_too(string reference)
    {
        using var sandbox = new RegistrySandbox();
        var local = sandbox.Flake("local");
        var repo = sandbox.GitFlake("repo");
        sandbox.Write("config/nix/registry.json", $$$"""
            {"version":2,"flakes":[
              {"from":{"type":"indirect","id":"local"},"to":{"type":"path","path":"{{{local}}}"}},
              {"from":{"type":"indirect","id":"exact"},"to":{"type":"git","url":"file://{{{repo}}}","ref":"other"},"exact":true}
            ]}
            """);
        var (code, _, stderr) = sandbox.Nix("flake", "metadata", "--json", reference);
        Assert.NotEqual(0, code);
        var error = Assert.Throws<RegistryResolutionException>(() => sandbox.Load().Resolve(FlakeReference.Parse(reference), sandbox.Directory));
        var nixSays = stderr.Split('\n').First(l => l.StartsWith("error:", StringComparison.Ordinal))["error: ".Length..];
        Assert.StartsWith(nixSays.Split(" to ")[0].Split(" in the flake")[0], error.Message);
    }

    private static string Sorted(JsonNode node) =>
        new JsonObject(((JsonObject)node).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value?.DeepClone()))).ToJsonString();
}
