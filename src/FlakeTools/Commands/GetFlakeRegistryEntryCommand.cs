using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FlakeTools.Completion;
using FlakeTools.Core.Registries;
using FlakeTools.Core.RegistrySettings;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Gets flake registry entries from the user, system and global registries (or one registry file), in the order Nix consults them.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "FlakeRegistryEntry", DefaultParameterSetName = ScopeSet)]
[OutputType(typeof(FlakeRegistryEntry))]
public sealed class GetFlakeRegistryEntryCommand : RegistryCmdlet
{
    private const string ScopeSet = "Scope";
    private const string RegistryPathSet = "RegistryPath";

    /// <summary>Registered names to show (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(RegistryNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>The registries to read: User, System, Global (all three by default), and Configuration (the nix.registry declarations of the configuration at -Path).</summary>
    [Parameter(ParameterSetName = ScopeSet)]
    public RegistryScope[]? Scope { get; set; }

    /// <summary>One registry file to read instead (as <c>nix registry --registry FILE</c>).</summary>
    [Parameter(ParameterSetName = RegistryPathSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? RegistryPath { get; set; }

    /// <summary>
    /// The flake of a NixOS or home-manager configuration (a directory, its flake.nix, or a .nix file
    /// inside it): its <c>nix.registry</c> declarations are read (scope Configuration, the default
    /// with -Path), and entries of registry files it generates name the .nix line that produces them.
    /// Without -Path, /etc/nixos is used for that when it is a flake.
    /// </summary>
    [Parameter(ParameterSetName = ScopeSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var registries = LoadRegistries();
        List<RegistryFile> files;
        var declared = new List<FlakeRegistryEntry>();
        ConfigurationRegistry? configuration = null;
        if (ParameterSetName == RegistryPathSet)
        {
            string path;
            try
            {
                path = ResolveRegistryPath(RegistryPath!);
            }
            catch (ArgumentException e)
            {
                WriteError(new ErrorRecord(e, "NotFileSystemPath", ErrorCategory.InvalidArgument, RegistryPath));
                return;
            }
            if (!System.IO.File.Exists(path))
            {
                var error = new ItemNotFoundException($"{path} does not exist; Nix reads a missing registry as empty. Add-FlakeRegistryEntry -RegistryPath {path} creates it");
                WriteError(new ErrorRecord(error, "RegistryNotFound", ErrorCategory.ObjectNotFound, path));
                return;
            }
            files = new List<RegistryFile> { RegistryFile.Load(LocationForPath(registries, path)) };
        }
        else
        {
            var scopes = (Scope ?? (Path is null ? new[] { RegistryScope.User, RegistryScope.System, RegistryScope.Global } : new[] { RegistryScope.Configuration })).Distinct().ToList();
            if (scopes.Contains(RegistryScope.Custom))
            {
                WriteError(new ErrorRecord(new ArgumentException("-Scope Custom names no file; use -RegistryPath <file> to read a registry file of your own"), "RegistryPathRequired", ErrorCategory.InvalidArgument, RegistryScope.Custom));
            }
            var flakes = Path is not null
                ? ResolveConfigurationPaths(Path)
                : scopes.Contains(RegistryScope.Configuration)
                    ? ResolveConfigurationPaths(new[] { System.IO.File.Exists(System.IO.Path.Combine(CurrentDirectory, "flake.nix")) ? CurrentDirectory : SystemConfigurationFlake ?? CurrentDirectory })
                    : SystemConfigurationFlake is { } system ? new List<(string, string?)> { (system, null) } : new List<(string, string?)>();
            var implicitFlake = Path is null && !scopes.Contains(RegistryScope.Configuration);
            foreach (var (flake, file) in flakes)
            {
                if (ReadConfiguration(flake, quiet: implicitFlake) is not { } read) continue;
                configuration ??= read;
                if (!scopes.Contains(RegistryScope.Configuration)) continue;
                foreach (var entry in read.Entries())
                {
                    var declaration = ((RegistryDeclarationOrigin)entry.Origin).Declaration;
                    if (file is not null && declaration.Definitions.All(d => d.File != file)) continue;
                    if (declaration.Problem is not null) WriteWarning($"{declaration.Location}: nix.registry.{declaration.Name}: {declaration.Problem}");
                    declared.Add(entry);
                }
            }
            foreach (var location in registries.Locations.Where(l => scopes.Contains(l.Scope))) ReportAvailability(location);
            files = registries.Files.Where(f => scopes.Contains(f.Location.Scope)).OrderBy(f => f.Location.Scope).ToList();
        }

        WriteProblems(files);
        var patterns = (Name ?? Array.Empty<string>()).Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        var entries = files.SelectMany(f => f.Entries).ToList();
        if (configuration is not null) entries = configuration.Annotate(entries).ToList();
        entries.AddRange(declared);
        foreach (var entry in entries.Where(e => patterns.Count == 0 || patterns.Any(p => p.IsMatch(e.Name)))) WriteObject(entry);
        foreach (var name in (Name ?? Array.Empty<string>()).Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && entries.All(e => !string.Equals(e.Name, n, StringComparison.OrdinalIgnoreCase))))
        {
            var known = string.Join(", ", entries.Select(e => e.Name).Distinct(StringComparer.Ordinal));
            var where = string.Join(", ", files.Select(f => f.Path).Concat(declared.Select(d => d.Source).Distinct()));
            var error = new ItemNotFoundException($"no registry entry '{name}' in {(where.Length > 0 ? where : "the registries")}" + (known.Length > 0 ? $"; the entries are: {known}" : " (they have no entries)"));
            WriteError(new ErrorRecord(error, "RegistryEntryNotFound", ErrorCategory.ObjectNotFound, name));
        }
    }

    private void ReportAvailability(RegistryLocation location)
    {
        switch (location.Availability)
        {
            case RegistryAvailability.NotAvailableOffline:
                WriteWarning(location.Note);
                break;
            case RegistryAvailability.Broken:
                WriteError(new ErrorRecord(new InvalidOperationException(location.Note), "GlobalRegistryBroken", ErrorCategory.InvalidData, location.SettingOrigin));
                break;
            case RegistryAvailability.Disabled:
                WriteVerbose(location.Note);
                break;
            case RegistryAvailability.File when location.IsCachedDownload:
                WriteVerbose(location.Note);
                break;
        }
    }
}
