using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using FlakeTools.Core.IO;
using FlakeTools.Core.Nix;
using FlakeTools.Core.Registries;

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
            WriteConfigurationNotAvailable("-Scope Configuration", "Configuration");
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

    /// <summary>The error for what needs the configuration reader (nix.registry.* in NixOS / home-manager .nix files).</summary>
    protected void WriteConfigurationNotAvailable(string what, object target)
    {
        var error = new NotSupportedException(
            $"{what}: registry entries declared in a NixOS or home-manager configuration (nix.registry.<name>) cannot be read or edited yet; " +
            "FlakeTools needs its configuration reader for that, which is not available. Meanwhile search the configuration for 'nix.registry' " +
            "(Get-ChildItem /etc/nixos -Recurse -Filter *.nix | Select-String 'nix\\.registry'), and use Get-FlakeRegistryEntry -Scope System / User to see the files it generates.");
        WriteError(new ErrorRecord(error, "ConfigurationRegistryNotAvailable", ErrorCategory.NotImplemented, target));
    }

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
    protected bool RefuseReadOnly(RegistryLocation location, string entryName)
    {
        if (location.WhyReadOnly(entryName) is not { } reason) return false;
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
