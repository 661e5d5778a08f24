using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.Project;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Adds an input to a flake.nix, in the file's own style.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "FlakeInput", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FlakeInput))]
public sealed class AddFlakeInputCommand : FlakeCmdlet
{
    /// <summary>The new input's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>The flake reference, e.g. github:NixOS/nixpkgs/nixos-unstable.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Url { get; set; } = "";

    /// <summary>Follows for the input's own inputs: @{ nixpkgs = 'nixpkgs' }.</summary>
    [Parameter]
    public Hashtable? Follows { get; set; }

    /// <summary>Whether the source is a flake; -Flake $false writes flake = false.</summary>
    [Parameter]
    public bool Flake { get; set; } = true;

    /// <summary>Writes the new input to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var reference = ParseReference(Url);
        if (reference is null) return;
        List<KeyValuePair<InputPath, InputPath>> follows;
        try
        {
            FlakeEditor.CheckInputName(Name);
            follows = FollowsPairs(Follows);
        }
        catch (FlakeEditException e)
        {
            WriteEditError(e, e.Error == FlakeEditError.InvalidFollows ? Follows! : Name);
            return;
        }
        foreach (var path in ResolvedPaths())
        {
            var source = OpenFlake(path);
            if (source is null) continue;
            FlakeEditResult result;
            try
            {
                result = FlakeEditor.AddInput(source.Flake, Name, reference, Flake ? null : false, follows);
            }
            catch (FlakeEditException e)
            {
                WriteEditError(e, Name);
                continue;
            }
            if (SaveEdit(source, result, $"Add input '{Name}' = {reference}") && PassThru && ReadBack(source.FlakePath, Name) is { } added) WriteObject(added);
        }
    }
}
