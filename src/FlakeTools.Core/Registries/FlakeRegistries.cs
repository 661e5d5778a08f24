using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.References;

namespace FlakeTools.Core.Registries;

/// <summary>
/// The registries Nix consults, in its order: user, system, global (the flags
/// <c>--override-flake</c> come first in Nix but are no file). Found as Nix finds them from a
/// <see cref="RegistryEnvironment"/>.
/// </summary>
public sealed class FlakeRegistries
{
    /// <summary>The <c>flake-registry</c> default of Nix 2.10 and later.</summary>
    public const string DefaultGlobalRegistryUrl = "https://channels.nixos.org/flake-registry.json";

    /// <summary>The <c>flake-registry</c> default before Nix 2.10.</summary>
    public const string OldDefaultGlobalRegistryUrl = "https://github.com/NixOS/flake-registry/raw/master/flake-registry.json";

    private FlakeRegistries(RegistryEnvironment environment, IReadOnlyList<RegistryFile> files, IReadOnlyList<RegistryLocation> locations, NixSettings settings)
    {
        Environment = environment;
        Files = files;
        Locations = locations;
        Settings = settings;
    }

    /// <summary>The environment the registries were found in.</summary>
    public RegistryEnvironment Environment { get; }

    /// <summary>The user, system and global locations, in Nix's order.</summary>
    public IReadOnlyList<RegistryLocation> Locations { get; }

    /// <summary>The registry files that could be found (user, system, and global when it is a file or a cached download).</summary>
    public IReadOnlyList<RegistryFile> Files { get; }

    /// <summary>Nix's settings (for <c>flake-registry</c> and the problems found reading them).</summary>
    public NixSettings Settings { get; }

    /// <summary>The entries Nix consults, in the order it consults them.</summary>
    public IReadOnlyList<FlakeRegistryEntry> Entries => Files.SelectMany(f => f.EntriesNixUses).ToList();

    /// <summary>The file of a scope (user, system, or the global one when Nix has it as a file), or null.</summary>
    public RegistryFile? FileOf(RegistryScope scope) => Files.FirstOrDefault(f => f.Location.Scope == scope);

    /// <summary>The location of a scope.</summary>
    public RegistryLocation LocationOf(RegistryScope scope) => Locations.First(l => l.Scope == scope);

    /// <summary>Finds and reads the user, system and global registries.</summary>
    public static FlakeRegistries Load(RegistryEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var settings = NixSettings.Read(environment);
        var locations = new List<RegistryLocation>
        {
            RegistryLocation.ForFile(RegistryScope.User, environment.UserRegistryPath),
            RegistryLocation.ForFile(RegistryScope.System, environment.SystemRegistryPath),
            LocateGlobal(environment, settings),
        };
        var files = locations.Where(l => l.Path is not null).Select(RegistryFile.Load).ToList();
        return new FlakeRegistries(environment, files, locations, settings);
    }

    /// <summary>Where the global registry is, from the <c>flake-registry</c> setting.</summary>
    public static RegistryLocation LocateGlobal(RegistryEnvironment environment, NixSettings settings)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(settings);
        var setting = settings.Get("flake-registry");
        string value;
        string origin;
        if (setting is null)
        {
            var version = environment.NixVersion;
            value = version is not null && version < new Version(2, 10) ? OldDefaultGlobalRegistryUrl : DefaultGlobalRegistryUrl;
            origin = "Nix's default";
        }
        else
        {
            value = setting.Value;
            origin = setting.Origin;
        }
        if (value.Length == 0) return RegistryLocation.ForEmptySetting(origin, environment.NixVersion);
        if (value.StartsWith('/')) return RegistryLocation.ForFile(RegistryScope.Global, value, origin);
        return RegistryLocation.ForDownload(value, environment.CachedGlobalRegistryPath, origin);
    }

    /// <summary>
    /// Resolves a reference as Nix does: the first entry (user, system, global; file order) whose
    /// <c>from</c> matches wins (exact entries only when equal; others also when equal without the
    /// reference's ref and rev, which are then laid over <c>to</c>), and the result is looked up
    /// again until it is a direct reference. Relative paths are taken from <paramref name="baseDirectory"/>.
    /// </summary>
    public RegistryResolution Resolve(FlakeReference reference, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var input = RegistryInput.FromReference(reference, baseDirectory, out var ownDir);
        var entries = Entries;
        var steps = new List<FlakeRegistryEntry>();
        string? entryDir = null;
        var matched = false;
        for (var round = 1; ; round++)
        {
            if (round > 100) throw new RegistryResolutionException(reference.ToUrl(), $"cycle detected in flake registry for '{input.ToNixUrl()}' (entries: {string.Join(" -> ", steps.Take(6).Select(s => s.Name))} ...); remove one of the entries that point back");
            var entry = entries.FirstOrDefault(e => e.Exact ? e.FromInput.Equals(input) : e.FromInput.Contains(input));
            if (entry is null) break;
            input = entry.Exact
                ? entry.ToInput
                : entry.ToInput.ApplyOverrides(entry.FromInput.Ref is null ? input.Ref : null, entry.FromInput.Rev is null ? input.Rev : null);
            entryDir = entry.Dir;
            matched = true;
            steps.Add(entry);
        }
        if (!input.IsDirect)
        {
            var unavailable = Locations.Where(l => l.Availability is RegistryAvailability.NotAvailableOffline or RegistryAvailability.Broken).Select(l => l.Note).ToList();
            var why = unavailable.Count > 0 ? " (" + string.Join("; ", unavailable) + ")" : "";
            var exactMiss = entries.Where(e => e.Exact && e.FromInput.Contains(input)).Select(e => $"{e.Scope} entry {e.FromInput.ToNixUrl()} is exact and matches only that reference").FirstOrDefault();
            throw new RegistryResolutionException(reference.ToUrl(), $"cannot find flake '{input.ToNixUrl()}' in the flake registries{why}" +
                (exactMiss is not null ? $"; the {exactMiss}" : "") + ". Add an entry for it (Add-FlakeRegistryEntry) or use a direct reference");
        }
        var dir = matched ? entryDir ?? ownDir : ownDir;
        return new RegistryResolution(reference, input, dir, steps);
    }
}

/// <summary>How a reference resolves through the registries.</summary>
public sealed class RegistryResolution
{
    internal RegistryResolution(FlakeReference reference, RegistryInput resolvedInput, string? dir, IReadOnlyList<FlakeRegistryEntry> steps)
    {
        Reference = reference;
        ResolvedInput = resolvedInput;
        Dir = dir;
        Steps = steps;
    }

    /// <summary>The reference as given.</summary>
    public FlakeReference Reference { get; }

    /// <summary>The entry that answered (the first of <see cref="Steps"/>), or null for a direct reference.</summary>
    public FlakeRegistryEntry? Entry => Steps.Count > 0 ? Steps[0] : null;

    /// <summary>Every entry used, in order (an entry may lead to another registry name).</summary>
    public IReadOnlyList<FlakeRegistryEntry> Steps { get; }

    /// <summary>The resolved input, as Nix's attributes.</summary>
    public RegistryInput ResolvedInput { get; }

    /// <summary>The subdirectory of the result (an entry's <c>dir</c> wins over the reference's own).</summary>
    public string? Dir { get; }

    /// <summary>The resolved reference.</summary>
    public FlakeReference Resolved => ResolvedInput.ToReference(Dir);

    /// <summary>The resolved reference as the URL Nix prints (<c>resolvedUrl</c> of <c>nix flake metadata --json</c>).</summary>
    public string ResolvedUrl => ResolvedInput.ToNixUrl(Dir);
}
