using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FlakeTools.Completion;
using FlakeTools.Core.Registries;

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
    private const string ConfigurationSet = "Configuration";

    /// <summary>Registered names to show (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(RegistryNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>The registries to read: User, System, Global (all three by default).</summary>
    [Parameter(ParameterSetName = ScopeSet)]
    public RegistryScope[]? Scope { get; set; }

    /// <summary>One registry file to read instead (as <c>nix registry --registry FILE</c>).</summary>
    [Parameter(ParameterSetName = RegistryPathSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? RegistryPath { get; set; }

    /// <summary>A NixOS or home-manager configuration whose <c>nix.registry</c> declarations to read (not available yet).</summary>
    [Parameter(ParameterSetName = ConfigurationSet, Mandatory = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ConfigurationSet)
        {
            WriteConfigurationNotAvailable("-Path " + string.Join(", ", Path!), Path![0]);
            return;
        }
        var registries = LoadRegistries();
        List<RegistryFile> files;
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
            var scopes = (Scope ?? new[] { RegistryScope.User, RegistryScope.System, RegistryScope.Global }).Distinct().ToList();
            if (scopes.Contains(RegistryScope.Configuration)) WriteConfigurationNotAvailable("-Scope Configuration", RegistryScope.Configuration);
            if (scopes.Contains(RegistryScope.Custom))
            {
                WriteError(new ErrorRecord(new ArgumentException("-Scope Custom names no file; use -RegistryPath <file> to read a registry file of your own"), "RegistryPathRequired", ErrorCategory.InvalidArgument, RegistryScope.Custom));
            }
            foreach (var location in registries.Locations.Where(l => scopes.Contains(l.Scope))) ReportAvailability(location);
            files = registries.Files.Where(f => scopes.Contains(f.Location.Scope)).OrderBy(f => f.Location.Scope).ToList();
        }

        WriteProblems(files);
        var patterns = (Name ?? Array.Empty<string>()).Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        var entries = files.SelectMany(f => f.Entries).ToList();
        foreach (var entry in entries.Where(e => patterns.Count == 0 || patterns.Any(p => p.IsMatch(e.Name)))) WriteObject(entry);
        foreach (var name in (Name ?? Array.Empty<string>()).Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && entries.All(e => !string.Equals(e.Name, n, StringComparison.OrdinalIgnoreCase))))
        {
            var known = string.Join(", ", entries.Select(e => e.Name).Distinct(StringComparer.Ordinal));
            var where = string.Join(", ", files.Select(f => f.Path));
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
