using System;
using System.IO;
using FlakeTools.Core.IO;

namespace FlakeTools.Core.Registries;

/// <summary>Whether Nix has a registry to read at a location.</summary>
public enum RegistryAvailability
{
    /// <summary>A file Nix reads.</summary>
    File,
    /// <summary>No file there: Nix reads it as empty (writing creates it).</summary>
    Missing,
    /// <summary>The global registry is switched off (<c>flake-registry =</c> empty, Nix 2.13 and later).</summary>
    Disabled,
    /// <summary>The global registry is a URL and Nix has no downloaded copy: FlakeTools does not download it.</summary>
    NotAvailableOffline,
    /// <summary>Nix cannot use the setting (an empty <c>flake-registry</c> before Nix 2.13 makes every lookup fail).</summary>
    Broken,
}

/// <summary>One registry as Nix finds it: its scope, its file and how that file was chosen.</summary>
public sealed class RegistryLocation
{
    private RegistryLocation(RegistryScope scope, string? path, RegistryAvailability availability)
    {
        Scope = scope;
        Path = path;
        Availability = availability;
    }

    /// <summary>The scope.</summary>
    public RegistryScope Scope { get; }

    /// <summary>The registry file (for a downloaded global registry: Nix's cached copy), or null when there is none.</summary>
    public string? Path { get; }

    /// <summary>Whether there is something to read.</summary>
    public RegistryAvailability Availability { get; }

    /// <summary>The URL of a global registry that Nix downloads.</summary>
    public string? Url { get; private init; }

    /// <summary>Where the <c>flake-registry</c> setting was made (file and line, <c>NIX_CONFIG</c>, or Nix's default).</summary>
    public string? SettingOrigin { get; private init; }

    /// <summary>For people: why the registry is missing, disabled or not available, and what to do.</summary>
    public string? Note { get; private init; }

    /// <summary>Whether <see cref="Path"/> is Nix's cached download of <see cref="Url"/>.</summary>
    public bool IsCachedDownload { get; private init; }

    /// <summary>A registry file at a path (user, system, a global file, or one named with -RegistryPath).</summary>
    public static RegistryLocation ForFile(RegistryScope scope, string path, string? settingOrigin = null) =>
        new(scope, path, File.Exists(path) ? RegistryAvailability.File : RegistryAvailability.Missing) { SettingOrigin = settingOrigin };

    /// <summary>The global registry when it is a URL: Nix's cached copy when present, else not available offline.</summary>
    public static RegistryLocation ForDownload(string url, string cachePath, string settingOrigin)
    {
        if (File.Exists(cachePath))
        {
            return new RegistryLocation(RegistryScope.Global, cachePath, RegistryAvailability.File)
            {
                Url = url,
                SettingOrigin = settingOrigin,
                IsCachedDownload = true,
                Note = $"Nix's last downloaded copy of {url} ({cachePath}, {File.GetLastWriteTimeUtc(cachePath):yyyy-MM-dd HH:mm} UTC)",
            };
        }
        return new RegistryLocation(RegistryScope.Global, null, RegistryAvailability.NotAvailableOffline)
        {
            Url = url,
            SettingOrigin = settingOrigin,
            Note = $"the global registry {url} (flake-registry, {settingOrigin}) is not available offline: Nix has no downloaded copy at {cachePath}. " +
                   "Any nix command that resolves a registry name (nix flake metadata nixpkgs) downloads it; or set flake-registry in nix.conf to a local file.",
        };
    }

    /// <summary>The global registry switched off, or set to a value this Nix cannot use.</summary>
    public static RegistryLocation ForEmptySetting(string settingOrigin, Version? nixVersion)
    {
        if (nixVersion is not null && nixVersion < new Version(2, 13))
        {
            return new RegistryLocation(RegistryScope.Global, null, RegistryAvailability.Broken)
            {
                SettingOrigin = settingOrigin,
                Note = $"flake-registry is empty ({settingOrigin}): Nix {nixVersion} (before 2.13) reads that as a URL and every registry lookup fails with \"unable to download ''\". " +
                       "Point flake-registry at a local file holding {\"version\":2,\"flakes\":[]} instead, or upgrade Nix.",
            };
        }
        return new RegistryLocation(RegistryScope.Global, null, RegistryAvailability.Disabled)
        {
            SettingOrigin = settingOrigin,
            Note = $"the global registry is disabled (flake-registry is empty, {settingOrigin})",
        };
    }

    /// <summary>
    /// Why this registry cannot be changed by FlakeTools, naming what produces it and what to do
    /// instead; null when it can be written.
    /// </summary>
    public string? WhyReadOnly(string entryName)
    {
        if (Path is null) return Note ?? $"the {Scope.ToString().ToLowerInvariant()} registry has no file";
        if (IsCachedDownload)
        {
            return $"{Path} is Nix's downloaded copy of the global registry {Url}; Nix replaces it on the next download. " +
                   $"Add the entry to the user registry instead (Add-FlakeRegistryEntry {entryName} <reference>), which Nix consults first, or set flake-registry in nix.conf to a local file.";
        }
        var storeTarget = StoreTarget(Path);
        if (storeTarget is not null)
        {
            var option = $"nix.registry.{entryName}";
            return Scope switch
            {
                RegistryScope.System =>
                    $"{Path} is a read-only link into /nix/store ({storeTarget}): it is generated by the NixOS configuration (option {option}). " +
                    "Edit that declaration in your NixOS configuration and run 'nixos-rebuild switch', or add the entry to the user registry (-Scope User), which Nix consults first. " +
                    $"Get-FlakeRegistryEntry -Scope {Scope} -Path <the flake of the configuration> shows the .nix line that declares it.",
                RegistryScope.User =>
                    $"{Path} is a read-only link into /nix/store ({storeTarget}): it is generated by the home-manager configuration (option {option}). " +
                    "Edit that declaration in your home-manager configuration and run 'home-manager switch' (or nixos-rebuild switch when home-manager is a NixOS module), or keep a registry of your own with -RegistryPath. " +
                    $"Get-FlakeRegistryEntry -Scope {Scope} -Path <the flake of the configuration> shows the .nix line that declares it.",
                RegistryScope.Global =>
                    $"{Path} is in /nix/store ({storeTarget}): the flake-registry setting ({SettingOrigin}) points at a file a NixOS or home-manager configuration generates (nix.settings.flake-registry). " +
                    "Change that setting in the configuration, or add the entry to the user registry (-Scope User), which Nix consults first.",
                _ => $"{Path} is in /nix/store ({storeTarget}), which is read-only; write a registry file elsewhere.",
            };
        }
        return TextFile.WhyNotWritable(Path);
    }

    /// <summary>Where a path leads inside /nix/store (through links), or null.</summary>
    internal static string? StoreTarget(string path)
    {
        if (path.StartsWith("/nix/store/", StringComparison.Ordinal)) return path;
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is null) return null;
            var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.LinkTarget;
            return target.StartsWith("/nix/store/", StringComparison.Ordinal) ? target : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Scope}: {Path ?? Note}";
}
