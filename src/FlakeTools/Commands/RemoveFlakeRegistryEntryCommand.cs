using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FlakeTools.Completion;
using FlakeTools.Core.References;
using FlakeTools.Core.Registries;
using FlakeTools.Core.RegistrySettings;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Removes flake registry entries from the user registry (or -Scope System, a file, or the piped entries' own files), like nix registry remove.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "FlakeRegistryEntry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveFlakeRegistryEntryCommand : RegistryCmdlet
{
    private readonly List<Request> _requests = new();

    /// <summary>
    /// The registered names to remove (wildcards allowed; every entry of that name goes), or an
    /// indirect reference such as <c>nixpkgs/nixos-24.05</c> (only the entry whose <c>from</c> is exactly that).
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(RegistryNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>The registry: User (the default) or System (or Global when it is a local file). Piped entries bring their own.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public RegistryScope? Scope { get; set; }

    /// <summary>A registry file to change instead (as <c>nix registry remove --registry FILE</c>). Piped entries bind their <c>Source</c> here.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Source")]
    [ValidateNotNullOrEmpty]
    public string? RegistryPath { get; set; }

    /// <summary>The entry's position in its file (bound from piped entries, so that only that entry goes).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public int? Index { get; set; }

    /// <summary>The line of a .nix declaration (bound from piped entries of a configuration).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public int? Line { get; set; }

    /// <summary>Where a piped entry comes from (its declaration, or the .nix line that generates its file).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public RegistryOrigin? Origin { get; set; }

    /// <summary>
    /// The flake of a NixOS or home-manager configuration (a directory, its flake.nix, or a .nix file
    /// inside it) whose <c>nix.registry.&lt;name&gt;</c> declarations to remove. For a registry file that
    /// such a configuration generates (a link into /nix/store), it names the .nix line to edit instead.
    /// </summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    private sealed record Request(string[] Names, RegistryScope? Scope, string? RegistryPath, int? Index, int? Line, RegistryOrigin? Origin);

    /// <inheritdoc />
    protected override void ProcessRecord() => _requests.Add(new Request(Name, Scope, RegistryPath, Index, Line, Origin));

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_requests.Count == 0) return;
        var registries = LoadRegistries();
        // One write per file: piped entries keep the positions they had when they were read.
        var byFile = new Dictionary<string, (RegistryLocation Location, List<Request> Requests)>(StringComparer.Ordinal);
        foreach (var request in _requests)
        {
            if (request.Scope == RegistryScope.Configuration || request.Line is not null || request.Origin is RegistryDeclarationOrigin || (Path is not null && request.Index is null && request.Scope is null && request.RegistryPath is null))
            {
                RemoveDeclarations(request);
                continue;
            }
            RegistryLocation? location;
            try
            {
                location = WritableLocation(registries, request.Scope ?? RegistryScope.User, request.RegistryPath);
            }
            catch (ArgumentException e)
            {
                WriteError(new ErrorRecord(e, "NotFileSystemPath", ErrorCategory.InvalidArgument, request.RegistryPath));
                continue;
            }
            if (location is null) continue;
            if (!byFile.TryGetValue(location.Path!, out var group)) byFile[location.Path!] = group = (location, new List<Request>());
            group.Requests.Add(request);
        }
        foreach (var (location, requests) in byFile.Values) RemoveFrom(registries, location, requests);
    }

    private void RemoveFrom(FlakeRegistries registries, RegistryLocation location, List<Request> requests)
    {
        var before = RegistryFile.Load(location);
        WriteProblems(new[] { before });
        var indexes = new SortedSet<int>();
        foreach (var request in requests)
        {
            foreach (var name in request.Names)
            {
                var matches = Matches(before, name, request.Index);
                if (matches is null) continue;
                if (matches.Count == 0)
                {
                    if (!WildcardPattern.ContainsWildcardCharacters(name)) WriteNotFound(registries, before, name);
                    continue;
                }
                if (request.Origin is GeneratedRegistryOrigin generated && generated.WhyReadOnly(matches[0].Name) is { } why)
                {
                    WriteError(new ErrorRecord(new UnauthorizedAccessException(why), "RegistryReadOnly", ErrorCategory.PermissionDenied, location.Path));
                    return;
                }
                if (RefuseReadOnly(location, matches[0].Name, ConfigurationFlake())) return;
                foreach (var entry in matches) indexes.Add(entry.Index!.Value);
            }
        }
        if (indexes.Count == 0) return;
        var after = before.RemoveAt(indexes);
        var names = string.Join(", ", indexes.Select(i => before.Entries.First(e => e.Index == i).FromInput.ToNixUrl()));
        SaveRegistry(before, after, $"Remove registry entr{(indexes.Count == 1 ? "y" : "ies")} {names}", indexes.Select(i => before.EntryJson(i)!), Array.Empty<string>());
    }

    private List<FlakeRegistryEntry>? Matches(RegistryFile file, string name, int? index)
    {
        if (index is { } position)
        {
            var entry = file.Entries.FirstOrDefault(e => e.Index == position);
            if (entry is not null && string.Equals(entry.Name, name, StringComparison.Ordinal)) return new List<FlakeRegistryEntry> { entry };
            var error = new InvalidOperationException($"{file.Path} changed since entry {position} ('{name}') was read: it now holds {(entry is null ? "no such entry" : $"'{entry.Name}' there")}. Read the entries again (Get-FlakeRegistryEntry) and remove by name");
            WriteError(new ErrorRecord(error, "RegistryChanged", ErrorCategory.InvalidOperation, name));
            return null;
        }
        if (name.Contains('/') || name.Contains(':'))
        {
            if (!FlakeReference.TryParse(name, out var reference, out var parseError))
            {
                WriteError(new ErrorRecord(new ArgumentException(parseError), "InvalidReference", ErrorCategory.InvalidArgument, name));
                return null;
            }
            try
            {
                var from = RegistryInput.FromReference(reference!, CurrentDirectory, out _);
                return file.Entries.Where(e => e.FromInput.Equals(from)).ToList();
            }
            catch (RegistryResolutionException e)
            {
                WriteError(new ErrorRecord(e, "InvalidReference", ErrorCategory.InvalidArgument, name));
                return null;
            }
        }
        var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
        return file.Entries.Where(e => pattern.IsMatch(e.Name)).ToList();
    }

    private void WriteNotFound(FlakeRegistries registries, RegistryFile file, string name)
    {
        var elsewhere = registries.Files.Where(f => f.Path != file.Path && f.Entries.Any(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase)))
            .Select(f => f.Location.Scope == RegistryScope.Global ? $"the global registry ({f.Path}), which FlakeTools does not edit unless it is a local file: add an entry of the same name to the user registry to override it"
                                                                  : $"the {f.Location.Scope.ToString().ToLowerInvariant()} registry ({f.Path}): add -Scope {f.Location.Scope}")
            .ToList();
        var names = string.Join(", ", file.Entries.Select(e => e.Name).Distinct(StringComparer.Ordinal));
        var message = $"{file.Path} has no entry '{name}'" + (names.Length > 0 ? $" (it has: {names})" : " (it has no entries)") + (elsewhere.Count > 0 ? "; it is in " + string.Join("; and in ", elsewhere) : "");
        WriteError(new ErrorRecord(new ItemNotFoundException(message), "RegistryEntryNotFound", ErrorCategory.ObjectNotFound, name));
    }

    private string? ConfigurationFlake() =>
        Path is null ? null : ResolveConfigurationPaths(Path).Select(p => p.Flake).FirstOrDefault();

    // nix.registry.<name> declared in a configuration: the piped entry's own declaration, or the
    // declarations of that name in the configurations at -Path (or of the piped entry's .nix file).
    private void RemoveDeclarations(Request request)
    {
        var declarations = new List<RegistryDeclaration>();
        if (request.Origin is RegistryDeclarationOrigin origin)
        {
            declarations.Add(origin.Declaration);
        }
        else
        {
            var places = Path is not null ? ResolveConfigurationPaths(Path)
                : request.RegistryPath is not null ? ResolveConfigurationPaths(new[] { request.RegistryPath })
                : SystemConfigurationFlake is { } system ? new List<(string, string?)> { (system, null) }
                : ResolveConfigurationPaths(new[] { CurrentDirectory });
            foreach (var (flake, file) in places)
            {
                if (ReadConfiguration(flake) is not { } registry) continue;
                foreach (var name in request.Names)
                {
                    var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                    var found = registry.Declarations.Where(d => pattern.IsMatch(d.Name)
                        && (file is null || d.Definitions.Any(x => x.File == file))
                        && (request.Line is null || d.Definitions.Any(x => x.Line == request.Line))).ToList();
                    if (found.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                    {
                        var known = string.Join(", ", registry.Declarations.Select(d => d.Name).Distinct(StringComparer.Ordinal));
                        var error = new ItemNotFoundException($"the configurations of {flake} declare no nix.registry.{name}{(request.Line is null ? "" : $" at line {request.Line}")}" + (known.Length > 0 ? $" (they declare: {known})" : " (they declare none)"));
                        WriteError(new ErrorRecord(error, "RegistryEntryNotFound", ErrorCategory.ObjectNotFound, name));
                    }
                    declarations.AddRange(found);
                }
            }
        }
        // One declaration at a time, each planned on the text the one before left.
        foreach (var declaration in declarations.Distinct())
        {
            var current = declaration;
            try
            {
                if (!ReferenceEquals(declaration, declarations[0]) && ConfigurationRegistry.FindFlake(declaration.File ?? "") is { } flake)
                {
                    var again = ConfigurationRegistry.Open(flake);
                    current = again.Declarations.FirstOrDefault(d => d.Name == declaration.Name && d.IsCovering == declaration.IsCovering && d.Generates == declaration.Generates && d.File == declaration.File) ?? declaration;
                }
                WriteNixEdits(RegistryConfigurationEditor.PlanRemove(current), $"Remove nix.registry.{current.Name}");
            }
            catch (RegistryDeclarationException e)
            {
                WriteRefusal(e);
            }
            catch (Exception e) when (e is InvalidOperationException or System.IO.IOException or ArgumentException)
            {
                WriteError(new ErrorRecord(e, "ConfigurationEditFailed", ErrorCategory.InvalidOperation, current.Name));
            }
        }
    }
}
