using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using FlakeTools.Completion;
using FlakeTools.Core.Nix;
using FlakeTools.Core.References;
using FlakeTools.Core.Registries;

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

    /// <summary>A NixOS or home-manager configuration to declare <c>nix.registry.&lt;name&gt;</c> in (not available yet).</summary>
    [Parameter(ParameterSetName = ConfigurationSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>The flake input the configuration registers (<c>nix.registry.&lt;name&gt;.flake = inputs.&lt;input&gt;</c>; not available yet).</summary>
    [Parameter(ParameterSetName = ConfigurationSet)]
    public string? Input { get; set; }

    /// <inheritdoc />
    protected override void StopProcessing() => _cancellation.Cancel();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ConfigurationSet)
        {
            WriteConfigurationNotAvailable($"Add-FlakeRegistryEntry {Name} -Path {string.Join(", ", Path!)}", Name);
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
}
