using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.Registries;
using Xunit;

namespace FlakeTools.Tests.Registries;

public sealed class RegistryLocationTests
{
    [Fact]
    public void Files_are_where_nix_looks_for_them()
    {
        var environment = RegistryEnvironment.FromVariables(new Dictionary<string, string> { ["HOME"] = "/home/u" });
        Assert.Equal("/home/u/.config/nix/registry.json", environment.UserRegistryPath);
        Assert.Equal("/etc/nix/registry.json", environment.SystemRegistryPath);
        Assert.Equal("/home/u/.cache/nix/flake-registry.json", environment.CachedGlobalRegistryPath);
        Assert.Equal(new[] { "/home/u/.config/nix/nix.conf", "/etc/xdg/nix/nix.conf" }, environment.UserConfigFiles);

        var custom = RegistryEnvironment.FromVariables(new Dictionary<string, string>
        {
            ["HOME"] = "/home/u",
            ["XDG_CONFIG_HOME"] = "/x/config",
            ["XDG_CACHE_HOME"] = "/x/cache",
            ["XDG_CONFIG_DIRS"] = "/a:/b",
            ["NIX_CONF_DIR"] = "/x/etc",
        });
        Assert.Equal("/x/config/nix/registry.json", custom.UserRegistryPath);
        Assert.Equal("/x/etc/registry.json", custom.SystemRegistryPath);
        Assert.Equal("/x/cache/nix/flake-registry.json", custom.CachedGlobalRegistryPath);
        Assert.Equal(new[] { "/x/config/nix/nix.conf", "/a/nix/nix.conf", "/b/nix/nix.conf" }, custom.UserConfigFiles);

        var empty = RegistryEnvironment.FromVariables(new Dictionary<string, string> { ["HOME"] = "/h", ["NIX_CONF_DIR"] = "" });
        Assert.Equal("/etc/nix/registry.json", empty.SystemRegistryPath);
        var newer = RegistryEnvironment.FromVariables(new Dictionary<string, string> { ["HOME"] = "/h", ["NIX_CONFIG_HOME"] = "/n/conf", ["NIX_CACHE_HOME"] = "/n/cache" });
        Assert.Equal("/n/conf/registry.json", newer.UserRegistryPath);
        Assert.Equal("/n/cache/flake-registry.json", newer.CachedGlobalRegistryPath);
    }

    [Fact]
    public void The_flake_registry_setting_comes_from_nix_conf_files_includes_and_NIX_CONFIG_in_nix_order()
    {
        using var sandbox = new RegistrySandbox();
        sandbox.Variables.Remove("NIX_CONFIG");
        sandbox.Write("etc-nix/nix.conf", "flake-registry = /from/system # a comment\ninclude extra.conf\n");
        sandbox.Write("etc-nix/extra.conf", "\n\nflake-registry = /from/include\n");
        var settings = NixSettings.Read(sandbox.Environment());
        Assert.Equal("/from/include", settings.Get("flake-registry")!.Value);
        Assert.Equal(sandbox.PathOf("etc-nix/extra.conf") + ":3", settings.Get("flake-registry")!.Origin);

        sandbox.Write("xdg/nix/nix.conf", "flake-registry = /from/xdg-dirs\n");
        Assert.Equal("/from/xdg-dirs", NixSettings.Read(sandbox.Environment()).Get("flake-registry")!.Value);
        sandbox.Write("config/nix/nix.conf", "!include missing.conf\nflake-registry = /from/user\n");
        var user = NixSettings.Read(sandbox.Environment());
        Assert.Equal("/from/user", user.Get("flake-registry")!.Value);
        Assert.Empty(user.Problems);

        sandbox.Variables["NIX_CONFIG"] = "flake-registry = /from/env";
        Assert.Equal("/from/env", NixSettings.Read(sandbox.Environment()).Get("flake-registry")!.Value);
        sandbox.Variables["NIX_CONFIG"] = "flake-registry =";
        var disabled = NixSettings.Read(sandbox.Environment()).Get("flake-registry")!;
        Assert.Equal("", disabled.Value);
        Assert.Equal("NIX_CONFIG line 1", disabled.Origin);
    }

    [Fact]
    public void Problems_in_nix_conf_are_reported()
    {
        var settings = NixSettings.FromText("include /nonexistent/flaketools.conf\nnonsense\nx y z\n", "test.conf", "/");
        Assert.Equal(3, settings.Problems.Count);
        Assert.Contains("does not exist", settings.Problems[0]);
        Assert.Contains("test.conf:2", settings.Problems[1]);
    }

    [Fact]
    public void An_empty_setting_disables_the_global_registry_from_nix_2_13_and_breaks_older_nix()
    {
        using var sandbox = new RegistrySandbox(flakeRegistrySetting: "");
        var settings = NixSettings.Read(sandbox.Environment());
        var newer = FlakeRegistries.LocateGlobal(sandbox.Environment(new Version(2, 13)), settings);
        Assert.Equal(RegistryAvailability.Disabled, newer.Availability);
        Assert.Null(newer.Path);
        var old = FlakeRegistries.LocateGlobal(sandbox.Environment(new Version(2, 8)), settings);
        Assert.Equal(RegistryAvailability.Broken, old.Availability);
        Assert.Contains("before 2.13", old.Note);
        Assert.Contains("{\"version\":2,\"flakes\":[]}", old.Note);
    }

    [Fact]
    public void A_url_is_read_from_nix_cache_when_present_and_otherwise_not_available_offline()
    {
        using var sandbox = new RegistrySandbox(flakeRegistrySetting: "https://example.invalid/flake-registry.json");
        var missing = sandbox.Load().LocationOf(RegistryScope.Global);
        Assert.Equal(RegistryAvailability.NotAvailableOffline, missing.Availability);
        Assert.Contains("not available offline", missing.Note);
        Assert.Contains(Path.Combine(sandbox.Variables["XDG_CACHE_HOME"], "nix", "flake-registry.json"), missing.Note);
        Assert.DoesNotContain(sandbox.Load().Files, f => f.Location.Scope == RegistryScope.Global);

        sandbox.Write("cache/nix/flake-registry.json", """{"version":2,"flakes":[{"from":{"type":"indirect","id":"nixpkgs"},"to":{"type":"github","owner":"NixOS","repo":"nixpkgs","ref":"nixpkgs-unstable"}}]}""");
        var registries = sandbox.Load();
        var cached = registries.LocationOf(RegistryScope.Global);
        Assert.True(cached.IsCachedDownload);
        Assert.Equal("https://example.invalid/flake-registry.json", cached.Url);
        var entry = Assert.Single(registries.Entries);
        Assert.Equal(RegistryScope.Global, entry.Scope);
        Assert.True(entry.IsReadOnly);
        Assert.Contains("downloaded copy", entry.ReadOnlyReason);

        var defaulted = new RegistrySandbox();
        defaulted.Variables.Remove("NIX_CONFIG");
        Assert.Equal(FlakeRegistries.DefaultGlobalRegistryUrl, defaulted.Load().LocationOf(RegistryScope.Global).Url);
        Assert.Equal(FlakeRegistries.OldDefaultGlobalRegistryUrl, FlakeRegistries.LocateGlobal(defaulted.Environment(new Version(2, 8)), NixSettings.Read(defaulted.Environment())).Url);
        defaulted.Dispose();
    }

    // Writability is the kernel's answer (access(2)): root may write a 0400 file, so only a
    // non-root run sees this one as read-only.
    [FlakeTools.Core.Tests.NotRootFact]
    public void A_read_only_file_says_so()
    {
        if (OperatingSystem.IsWindows()) return; // file modes are a Unix matter
        using var sandbox = new RegistrySandbox();
        sandbox.Write("config/nix/registry.json", """{"version":2,"flakes":[{"from":{"type":"indirect","id":"a"},"to":{"type":"path","path":"/a"}}]}""");
        File.SetUnixFileMode(sandbox.UserPath, UnixFileMode.UserRead);
        var entry = Assert.Single(sandbox.Load().Entries);
        Assert.True(entry.IsReadOnly);
        Assert.Contains("read-only", entry.ReadOnlyReason);
        File.SetUnixFileMode(sandbox.UserPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.False(sandbox.Load().Entries[0].IsReadOnly);
    }

    [NixFact]
    public void A_link_into_the_nix_store_is_recognised_as_generated_by_the_configuration()
    {
        using var sandbox = new RegistrySandbox();
        sandbox.Write("generated.json", """{"version":2,"flakes":[{"from":{"type":"indirect","id":"nixpkgs"},"to":{"type":"path","path":"/nix/store/00000000000000000000000000000000-source"},"exact":true}]}""");
        var (code, stdout, stderr) = RunNixStore(sandbox, sandbox.PathOf("generated.json"));
        Assert.True(code == 0, stderr);
        var storePath = stdout.Trim();
        Assert.StartsWith("/nix/store/", storePath);
        Directory.CreateDirectory(Path.GetDirectoryName(sandbox.SystemPath)!);
        Directory.CreateDirectory(Path.GetDirectoryName(sandbox.UserPath)!);
        // As on NixOS: /etc/nix/registry.json -> /etc/static/nix/registry.json -> /nix/store/...
        Directory.CreateDirectory(sandbox.PathOf("etc-static"));
        File.CreateSymbolicLink(sandbox.PathOf("etc-static/registry.json"), storePath);
        File.CreateSymbolicLink(sandbox.SystemPath, sandbox.PathOf("etc-static/registry.json"));
        File.CreateSymbolicLink(sandbox.UserPath, storePath);

        var entries = sandbox.Load().Entries;
        Assert.Equal(2, entries.Count);
        var system = entries.Single(e => e.Scope == RegistryScope.System);
        Assert.True(system.IsReadOnly);
        Assert.Contains("generated by the NixOS configuration (option nix.registry.nixpkgs)", system.ReadOnlyReason);
        Assert.Contains("nixos-rebuild switch", system.ReadOnlyReason);
        Assert.Contains(storePath, system.ReadOnlyReason);
        var user = entries.Single(e => e.Scope == RegistryScope.User);
        Assert.Contains("generated by the home-manager configuration (option nix.registry.nixpkgs)", user.ReadOnlyReason);
        Assert.Equal(sandbox.NixRegistryList(), entries.Select(e => e.ToNixListLine()));
    }

    private static (int, string, string) RunNixStore(RegistrySandbox sandbox, string file)
    {
        var info = new System.Diagnostics.ProcessStartInfo("nix-store") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--add");
        info.ArgumentList.Add(file);
        foreach (var (key, value) in sandbox.Variables) info.Environment[key] = value;
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr);
    }
}
