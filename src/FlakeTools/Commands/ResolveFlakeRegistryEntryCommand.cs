using System;
using System.Management.Automation;
using FlakeTools.Completion;
using FlakeTools.Core.References;
using FlakeTools.Core.Registries;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Resolves flake references through the registries as Nix does: the entry that answers and the reference it gives.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Resolve, "FlakeRegistryEntry")]
[OutputType(typeof(RegistryResolution))]
public sealed class ResolveFlakeRegistryEntryCommand : RegistryCmdlet
{
    private FlakeRegistries? _registries;

    /// <summary>The references to resolve (<c>nixpkgs</c>, <c>nixpkgs/nixos-24.05</c>, <c>flake:home-manager</c>).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(RegistryNameCompleter))]
    public string[] Reference { get; set; } = Array.Empty<string>();

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _registries = LoadRegistries();
        WriteProblems(_registries.Files);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var text in Reference)
        {
            if (!FlakeReference.TryParse(text, out var reference, out var parseError))
            {
                WriteError(new ErrorRecord(new ArgumentException(parseError), "InvalidReference", ErrorCategory.InvalidArgument, text));
                continue;
            }
            try
            {
                WriteObject(_registries!.Resolve(reference!, CurrentDirectory));
            }
            catch (RegistryResolutionException e)
            {
                WriteError(new ErrorRecord(e, "RegistryLookupFailed", ErrorCategory.ObjectNotFound, text));
            }
        }
    }
}
