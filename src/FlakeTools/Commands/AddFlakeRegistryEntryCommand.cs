using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using FlakeTools.Completion;
using FlakeTools.Core.Nix;
using FlakeTools.Core.References;
using FlakeTools.Core.Registries;
using FlakeTools.Core.RegistrySettings;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Adds or replaces a flake registry entry in the user registry (or -Scope System, or a file), like nix registry add / pin.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "FlakeRegistryEntry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ScopeSet)]
[OutputType(typeof(FlakeRegistryEntry))]
public sealed class AddFlakeRegistryEntryCommand : RegistryCmdlet
{
    private const string ScopeSet = "Scope";
    private const string RegistryPathSet = "RegistryPath";
    private const string ConfigurationSet = "Configuration";
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>The name to register (<c>nixpkgs</c>), or an indirect reference with a branch (<c>nixpkgs/nixos-24.05</c>).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RegistryNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The flake the name stands for (<c>github:NixOS/nixpkgs/nixos-24.05</c>, <c>path:/src/nixpkgs</c>). With -Pin it may be left out: the name's current target is pinned.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("To")]
    public string? Reference { get; set; }

    /// <summary>The registry to write: User (the default) or System (or Global when it is a local file).</summary>
    [Parameter(ParameterSetName = ScopeSet)]
    public RegistryScope Scope { get; set; } = RegistryScope.User;

    /// <summary>A registry file to write instead (as <c>nix registry add --registry FILE</c>); created when missing.</summary>
    [Parameter(ParameterSetName = RegistryPathSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? RegistryPath { get; set; }

    /// <summary>The entry matches only the name exactly: a branch or commit in the reference is not laid over the target.</summary>
    [Parameter]
    public SwitchParameter Exact { get; set; }

    /// <summary>Registers the locked form (commit, narHash) that Nix resolves now, like <c>nix registry pin</c>; needs nix.</summary>
    [Parameter]
    public SwitchParameter Pin { get; set; }

    /// <summary>Writes the new entry to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// The flake of a NixOS or home-manager configuration (a directory, its flake.nix, or a .nix file
    /// inside it) to declare <c>nix.registry.&lt;name&gt;.flake = &lt;input&gt;;</c> in: in the module
    /// where nix.registry is already set, else in the first module that receives the input.
    /// </summary>
    [Parameter(ParameterSetName = ConfigurationSet, Mandatory = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>The flake input to register (by default the input named like the entry).</summary>
    [Parameter(ParameterSetName = ConfigurationSet)]
    [ValidateNotNullOrEmpty]
    public string? Input { get; set; }

    /// <summary>The configuration to declare it in (by default the first one that can take it).</summary>
    [Parameter(ParameterSetName = ConfigurationSet)]
    [ValidateNotNullOrEmpty]
    public string? Configuration { get; set; }

    /// <inheritdoc />
    protected override void StopProcessing() => _cancellation.Cancel();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ConfigurationSet)
        {
            AddToConfiguration();
            return;
        }
        if (!FlakeReference.TryParse(Name, out var fromReference, out var fromError))
        {
            WriteError(new ErrorRecord(new ArgumentException(fromError), "InvalidReference", ErrorCategory.InvalidArgument, Name));
            return;
        }
        if (Reference is null && !Pin)
        {
            var error = new ArgumentException($"give the flake '{Name}' stands for (Add-FlakeRegistryEntry {Name} github:owner/repo), or -Pin to register the locked form of what '{Name}' resolves to now");
            WriteError(new ErrorRecord(error, "ReferenceRequired", ErrorCategory.InvalidArgument, Name));
            return;
        }
        var registries = LoadRegistries();
        RegistryLocation? location;
        try
        {
            location = WritableLocation(registries, Scope, RegistryPath);
        }
        catch (ArgumentException e)
        {
            WriteError(new ErrorRecord(e, "NotFileSystemPath", ErrorCategory.InvalidArgument, RegistryPath));
            return;
        }
        if (location is null) return;

        RegistryInput from;
        RegistryInput to;
        string? dir;
        try
        {
            from = RegistryInput.FromReference(fromReference!, CurrentDirectory, out var fromDir);
            if (fromDir is not null) WriteWarning($"'{Name}': the registered name carries ?dir={fromDir}; Nix keeps a dir only on the target, so it is left out of 'from'");
            if (Pin)
            {
                if (NixCli.Find() is not { } nix)
                {
                    var error = new InvalidOperationException("-Pin asks Nix for the locked form, and no 'nix' is on PATH; install Nix, or give the locked reference yourself (github:owner/repo/<commit>)");
                    WriteError(new ErrorRecord(error, "NixNotFound", ErrorCategory.ObjectNotFound, Name));
                    return;
                }
                WriteVerbose($"pinning '{Name}' through nix registry pin");
                var pinned = RegistryPinner.PinAsync(nix, Name, Reference, _cancellation.Token).GetAwaiter().GetResult();
                WriteVerbose(pinned.Command);
                to = pinned.To;
                dir = pinned.Dir;
                if (Reference is not null && FlakeReference.TryParse(Reference, out var pinnedReference, out _) && pinnedReference!.Dir is not null) dir = pinnedReference.Dir;
            }
            else
            {
                if (!FlakeReference.TryParse(Reference!, out var toReference, out var toError))
                {
                    WriteError(new ErrorRecord(new ArgumentException(toError), "InvalidReference", ErrorCategory.InvalidArgument, Reference));
                    return;
                }
                to = RegistryInput.FromReference(toReference!, CurrentDirectory, out dir);
            }
        }
        catch (RegistryResolutionException e)
        {
            WriteError(new ErrorRecord(e, "InvalidReference", ErrorCategory.InvalidArgument, e.Reference));
            return;
        }
        catch (NixCommandException e)
        {
            WriteError(new ErrorRecord(e, "NixFailed", ErrorCategory.InvalidResult, Name));
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var name = from.Id ?? from.ToNixUrl();
        if (RefuseReadOnly(location, name)) return;
        var before = RegistryFile.Load(location);
        WriteProblems(new[] { before });
        RegistryFile after;
        try
        {
            after = before.Add(from, to, dir, Exact);
        }
        catch (RegistryWriteException e)
        {
            WriteError(new ErrorRecord(e, "RegistryFileInvalid", ErrorCategory.InvalidData, location.Path));
            return;
        }
        var replaced = before.Entries.Where(e => e.FromInput.Equals(from)).Select(e => before.EntryJson(e.Index!.Value)!);
        var added = RegistryFile.EntryJson(from, to, dir, Exact);
        var action = Pin ? $"Pin registry entry '{name}'" : $"Add registry entry '{name}'";
        if (SaveRegistry(before, after, action, replaced, new[] { added }) && PassThru)
        {
            WriteObject(RegistryFile.Load(location).Entries.Last());
        }
        else if (PassThru && !after.DiffersFromDisk)
        {
            WriteObject(after.Entries.Last());
        }
    }

    private void AddToConfiguration()
    {
        if (Reference is not null)
        {
            var error = new ArgumentException($"a configuration registers a flake input, not a reference: give the input with -Input (Add-FlakeRegistryEntry {Name} -Input <input> -Path ...), or add '{Reference}' to the user registry without -Path");
            WriteError(new ErrorRecord(error, "ConfigurationInputRequired", ErrorCategory.InvalidArgument, Reference));
            return;
        }
        if (Pin)
        {
            WriteError(new ErrorRecord(new ArgumentException("-Pin writes a registry file; a configuration's nix.registry.<name>.flake is pinned by the flake's lock already"), "PinNotForConfiguration", ErrorCategory.InvalidArgument, Name));
            return;
        }
        var input = Input ?? Name;
        foreach (var (flake, _) in ResolveConfigurationPaths(Path!))
        {
            if (ReadConfiguration(flake) is not { } registry) continue;
            IReadOnlyList<FlakeTools.Core.Settings.OptionEdit> edits;
            try
            {
                edits = RegistryConfigurationEditor.PlanAdd(registry, Name, input, Configuration);
            }
            catch (RegistryDeclarationException e)
            {
                WriteRefusal(e);
                continue;
            }
            catch (Exception e) when (e is InvalidOperationException or System.IO.IOException or ArgumentException)
            {
                WriteError(new ErrorRecord(e, "ConfigurationEditFailed", ErrorCategory.InvalidOperation, Name));
                continue;
            }
            if (edits.Count == 0) WriteVerbose($"nix.registry.{Name} is declared with the input '{input}' in {flake} already");
            var written = WriteNixEdits(edits, $"Declare nix.registry.{Name}.flake = {input}");
            if (PassThru && written)
            {
                var again = ReadConfigurationAgain(flake);
                var entry = again.Entries().LastOrDefault(e => e.Name == Name && ((RegistryDeclarationOrigin)e.Origin).Declaration.Input == input);
                if (entry is not null) WriteObject(entry);
            }
        }
    }

    private ConfigurationRegistry ReadConfigurationAgain(string flake)
    {
        try
        {
            return ConfigurationRegistry.Open(flake);
        }
        catch (InvalidOperationException)
        {
            return ConfigurationRegistry.Read(FlakeTools.Core.Project.FlakeSource.Open(flake), Array.Empty<FlakeTools.Core.Configurations.FlakeConfiguration>());
        }
    }
}
