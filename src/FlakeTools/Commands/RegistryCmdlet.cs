using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using FlakeTools.Core.IO;
using FlakeTools.Core.Nix;
using FlakeTools.Core.Registries;
using FlakeTools.Core.RegistrySettings;
using FlakeTools.Core.Settings;

namespace FlakeTools.Commands;

/// <summary>
/// What the registry cmdlets share: the environment handed to the model, the registry a command
/// works on (-Scope or -RegistryPath), writes with -WhatIf/-Confirm, and error records.
/// </summary>
public abstract class RegistryCmdlet : PSCmdlet
{
    /// <summary>The environment of this process, as the registry model takes it.</summary>
    internal static RegistryEnvironment ProcessEnvironment(string? workingDirectory = null) => new(Environment.GetEnvironmentVariable, () => NixVersion.Value, workingDirectory);

    // Asked at most once per session, and only when an answer depends on it (flake-registry unset or empty).
    private static readonly Lazy<Version?> NixVersion = new(DetectNixVersion);

    private static Version? DetectNixVersion()
    {
        try
        {
            return NixCli.Find()?.Version;
        }
        catch (Exception e) when (e is NixCommandException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The current file-system directory (for relative paths in references).</summary>
    protected string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

    /// <summary>Loads the user, system and global registries; warns about settings Nix would refuse.</summary>
    protected FlakeRegistries LoadRegistries()
    {
        var registries = FlakeRegistries.Load(ProcessEnvironment(CurrentDirectory));
        foreach (var problem in registries.Settings.Problems) WriteWarning("Nix configuration: " + problem);
        return registries;
    }

    /// <summary>A registry file named with -RegistryPath, resolved through the provider.</summary>
    protected string ResolveRegistryPath(string path)
    {
        var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
        if (provider.Name != "FileSystem") throw new ArgumentException($"'{path}' is not a file-system path; a registry is a JSON file");
        if (Directory.Exists(resolved)) resolved = Path.Combine(resolved, "registry.json");
        return resolved;
    }

    /// <summary>The location of a registry file given by path: one of Nix's own when it is the same file, else a custom one.</summary>
    protected static RegistryLocation LocationForPath(FlakeRegistries registries, string path) =>
        registries.Locations.FirstOrDefault(l => l.Path is not null && string.Equals(Path.GetFullPath(l.Path), Path.GetFullPath(path), StringComparison.Ordinal))
        ?? RegistryLocation.ForFile(RegistryScope.Custom, path);

    /// <summary>Writes the error for a -Scope that has no writable file, or returns the location.</summary>
    protected RegistryLocation? WritableLocation(FlakeRegistries registries, RegistryScope scope, string? registryPath)
    {
        if (registryPath is not null) return LocationForPath(registries, ResolveRegistryPath(registryPath));
        if (scope == RegistryScope.Configuration)
        {
            var error = new ArgumentException("-Scope Configuration declares nix.registry.<name> in a NixOS or home-manager configuration, which registers a flake input: give the input with -Input and the configuration's flake with -Path (Add-FlakeRegistryEntry elgato -Input elgato -Path /etc/nixos)");
            WriteError(new ErrorRecord(error, "ConfigurationInputRequired", ErrorCategory.InvalidArgument, scope));
            return null;
        }
        if (scope == RegistryScope.Custom)
        {
            var error = new ArgumentException("-Scope Custom names no file; give the registry file with -RegistryPath instead");
            WriteError(new ErrorRecord(error, "RegistryPathRequired", ErrorCategory.InvalidArgument, scope));
            return null;
        }
        var location = registries.LocationOf(scope);
        if (location.Path is null)
        {
            var error = new InvalidOperationException($"the {scope.ToString().ToLowerInvariant()} registry has no file to write: {location.Note}. Add the entry to the user registry (-Scope User), which Nix consults first");
            WriteError(new ErrorRecord(error, "RegistryNotWritable", ErrorCategory.InvalidOperation, scope));
            return null;
        }
        return location;
    }

    // Configurations read in this command, by flake directory (one read per flake).
    private readonly Dictionary<string, ConfigurationRegistry?> _configurations = new(StringComparer.Ordinal);

    /// <summary>The NixOS configuration of this machine, when it is a flake: /etc/nixos.</summary>
    protected static string? SystemConfigurationFlake => File.Exists("/etc/nixos/flake.nix") ? "/etc/nixos" : null;

    /// <summary>
    /// Resolves -Path values (wildcards) to (flake directory, .nix file or null) pairs: a flake
    /// directory, its flake.nix, or a .nix file inside a flake. Writes an error for each that is none.
    /// </summary>
    protected List<(string Flake, string? File)> ResolveConfigurationPaths(IEnumerable<string> paths)
    {
        var result = new List<(string, string?)>();
        foreach (var path in paths)
        {
            IEnumerable<string> resolved;
            try
            {
                resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out var provider);
                if (provider.Name != "FileSystem") throw new ArgumentException($"'{path}' is not a file-system path");
            }
            catch (Exception e) when (e is ItemNotFoundException or ArgumentException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"{path} does not exist; give the flake of the configuration (a directory with flake.nix, such as /etc/nixos) or a .nix file inside it", e), "ConfigurationNotFound", ErrorCategory.ObjectNotFound, path));
                continue;
            }
            foreach (var item in resolved)
            {
                var flake = ConfigurationRegistry.FindFlake(item);
                if (flake is null)
                {
                    var error = new ItemNotFoundException($"{item} is not in a flake (no flake.nix {(Directory.Exists(item) ? "in it" : "above it")}); FlakeTools reads nix.registry from the configurations a flake defines (nixosConfigurations, homeConfigurations)");
                    WriteError(new ErrorRecord(error, "ConfigurationNotFound", ErrorCategory.ObjectNotFound, item));
                    continue;
                }
                var file = File.Exists(item) && !string.Equals(Path.GetFileName(item), "flake.nix", StringComparison.Ordinal) ? Path.GetFullPath(item) : null;
                result.Add((flake, file));
            }
        }
        return result;
    }

    /// <summary>Reads the configurations of a flake and their registry declarations (once per command); writes the error and returns null when that fails.</summary>
    protected ConfigurationRegistry? ReadConfiguration(string flake, bool quiet = false)
    {
        if (_configurations.TryGetValue(flake, out var cached)) return cached;
        ConfigurationRegistry? registry = null;
        try
        {
            registry = ConfigurationRegistry.Open(flake);
            foreach (var place in registry.Unresolved) WriteVerbose($"nix.registry: {place}");
            foreach (var setting in registry.Settings) WriteVerbose(setting.ToString());
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException or ArgumentException or FormatException)
        {
            var error = new InvalidOperationException($"the configurations of {flake} cannot be read: {e.Message}", e);
            // Read only to name the .nix line of a generated file: not asked for, so not an error.
            if (quiet) WriteVerbose(error.Message);
            else WriteError(new ErrorRecord(error, "ConfigurationReadFailed", ErrorCategory.InvalidData, flake));
        }
        _configurations[flake] = registry;
        return registry;
    }

    /// <summary>
    /// Writes the edits of .nix files after ShouldProcess (the text shows the lines that change);
    /// atomic, and only when the file still holds what was read. Returns whether all were written.
    /// </summary>
    protected bool WriteNixEdits(IReadOnlyList<OptionEdit> edits, string action)
    {
        var all = true;
        foreach (var edit in edits)
        {
            if (!edit.Changed || edit.Path is null) continue;
            var description = $"{action} in {edit.Path}{Environment.NewLine}{LineDiff.Describe(edit.Before, edit.After)}";
            if (!ShouldProcess(edit.Path, description))
            {
                all = false;
                continue;
            }
            try
            {
                TextFile.WriteAtomic(edit.Path, edit.After, edit.Before);
            }
            catch (FileAccessException e)
            {
                WriteError(new ErrorRecord(e, e.ErrorId, e.IsReadOnly ? ErrorCategory.PermissionDenied : e.Problem == FileProblem.ChangedSinceRead ? ErrorCategory.ResourceUnavailable : ErrorCategory.WriteError, edit.Path));
                all = false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(new IOException($"{edit.Path} cannot be written: {e.Message}", e), "NixFileNotWritable", ErrorCategory.WriteError, edit.Path));
                all = false;
            }
        }
        return all;
    }

    /// <summary>Writes a refusal of the configuration editor as an error record.</summary>
    protected void WriteRefusal(RegistryDeclarationException e) =>
        WriteError(new ErrorRecord(e, e.ErrorId, e.ErrorId switch
        {
            "RegistryInputNotDeclared" or "ConfigurationNotFound" => ErrorCategory.ObjectNotFound,
            "RegistryDeclarationCovered" or "RegistryDeclarationReadOnly" => ErrorCategory.PermissionDenied,
            _ => ErrorCategory.InvalidOperation,
        }, e.Target));

    /// <summary>Writes the problems of registry files as error records (one per problem; the rest still shows).</summary>
    protected void WriteProblems(IEnumerable<RegistryFile> files)
    {
        foreach (var problem in files.SelectMany(f => f.Problems))
        {
            var error = new InvalidDataException(problem.Message);
            WriteError(new ErrorRecord(error, problem.Index is null ? "RegistryFileInvalid" : "RegistryEntryInvalid", ErrorCategory.InvalidData, problem.Path));
        }
    }

    /// <summary>Writes the read-only refusal for an entry, or returns false when it can be written.</summary>
    protected bool RefuseReadOnly(RegistryLocation location, string entryName, string? configurationFlake = null)
    {
        if (location.WhyReadOnly(entryName) is not { } reason) return false;
        // A link into /nix/store: say which .nix line produces it, when the configuration is at hand.
        if (location.Path is not null && location.Scope is RegistryScope.System or RegistryScope.User && (configurationFlake ?? SystemConfigurationFlake) is { } flake
            && File.Exists(Path.Combine(flake, "flake.nix")) && ReadConfiguration(flake, quiet: configurationFlake is null) is { } configuration)
        {
            reason = configuration.WhyReadOnly(location, entryName) ?? reason;
        }
        var error = new UnauthorizedAccessException(reason);
        WriteError(new ErrorRecord(error, "RegistryReadOnly", ErrorCategory.PermissionDenied, location.Path ?? entryName));
        return true;
    }

    /// <summary>
    /// Writes <paramref name="after"/> over <paramref name="before"/> after ShouldProcess; the
    /// -WhatIf/-Confirm text shows the JSON entries that go and come. Returns whether it was written.
    /// </summary>
    protected bool SaveRegistry(RegistryFile before, RegistryFile after, string action, IEnumerable<string> removedJson, IEnumerable<string> addedJson)
    {
        if (!after.DiffersFromDisk)
        {
            WriteVerbose($"{after.Path}: nothing to change ({action})");
            return false;
        }
        var description = new StringBuilder(action).Append(" in ").Append(after.Path);
        foreach (var json in removedJson) description.Append(Environment.NewLine).Append(Indent(json, "  - "));
        foreach (var json in addedJson) description.Append(Environment.NewLine).Append(Indent(json, "  + "));
        if (!ShouldProcess(after.Path, description.ToString())) return false;
        try
        {
            var directory = Path.GetDirectoryName(after.Path);
            if (directory is not null) Directory.CreateDirectory(directory);
            // after.Text is what was read: a file changed since then is not overwritten (FileChangedSinceRead).
            TextFile.WriteAtomic(after.Path, after.ToText(), after.Text);
            return true;
        }
        catch (FileAccessException e) when (e.IsReadOnly)
        {
            var error = new UnauthorizedAccessException(e.Message + "; run it as a user who may write there (sudo), or use the user registry (-Scope User), which Nix consults first", e);
            WriteError(new ErrorRecord(error, "RegistryReadOnly", ErrorCategory.PermissionDenied, after.Path));
        }
        catch (FileAccessException e)
        {
            WriteError(new ErrorRecord(e, e.ErrorId, e.Problem == FileProblem.ChangedSinceRead ? ErrorCategory.ResourceUnavailable : ErrorCategory.WriteError, after.Path));
        }
        catch (UnauthorizedAccessException e)
        {
            WriteError(new ErrorRecord(new UnauthorizedAccessException($"{after.Path} cannot be written: {e.Message}; run as a user who may write it, or use -Scope User", e), "RegistryReadOnly", ErrorCategory.PermissionDenied, after.Path));
        }
        catch (RegistryWriteException e)
        {
            WriteError(new ErrorRecord(e, "RegistryFileInvalid", ErrorCategory.InvalidData, after.Path));
        }
        return false;
    }

    private static string Indent(string json, string prefix) =>
        string.Join(Environment.NewLine, json.Split('\n').Select(line => prefix + line));
}
