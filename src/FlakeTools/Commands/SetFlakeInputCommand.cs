using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using FlakeTools.Completion;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.References;
using FlakeTools.Core.Project;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Changes an input of a flake.nix: its url, ref, rev, flake flag or follows.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "FlakeInput", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FlakeInput))]
public sealed class SetFlakeInputCommand : FlakeCmdlet
{
    /// <summary>The input to change.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(InputNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>A new flake reference for the input.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Url { get; set; }

    /// <summary>A new branch or tag, written where the reference keeps it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Ref { get; set; }

    /// <summary>A commit to pin the input to.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Rev { get; set; }

    /// <summary>Whether the source is a flake (false writes flake = false).</summary>
    [Parameter]
    public bool Flake { get; set; }

    /// <summary>Follows for the input's own inputs: @{ nixpkgs = 'nixpkgs' }; '' as a value is the empty follows.</summary>
    [Parameter]
    public Hashtable? Follows { get; set; }

    /// <summary>Writes the changed input to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void Begin()
    {
        if (Url is null && Ref is null && Rev is null && Follows is null && !MyInvocation.BoundParameters.ContainsKey(nameof(Flake)))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("say what to change: -Url, -Ref, -Rev, -Flake or -Follows"), "NothingToChange", ErrorCategory.InvalidArgument, null));
        }
        if (Url is not null && (Ref is not null || Rev is not null))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Url replaces the whole reference; put the ref or rev into it instead of using -Ref or -Rev"), "ConflictingParameters", ErrorCategory.InvalidArgument, Url));
        }
        try
        {
            _follows = FollowsPairs(Follows);
            if (Ref is not null) FlakeEditor.CheckRef(Ref);
            if (Rev is not null) FlakeEditor.CheckRev(Rev);
        }
        catch (FlakeEditException e)
        {
            WriteEditError(e, (object?)Follows ?? (object?)Ref ?? Rev!);
            _invalid = true;
        }
    }

    private List<KeyValuePair<InputPath, InputPath>> _follows = new();
    private bool _invalid;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (_invalid) return;
        foreach (var path in ResolvedPaths())
        {
            var source = OpenFlake(path);
            if (source is null || !CheckParsed(source)) continue;
            var input = source.Flake.FindInput(Name);
            if (input is null)
            {
                WriteInputNotFound(source, Name);
                continue;
            }
            var flake = source.Flake;
            var actions = new List<string>();
            var warnings = new List<string>();
            void Apply(FlakeEditResult step, string action)
            {
                flake = step.Flake;
                warnings.AddRange(step.Warnings);
                if (step.Changed) actions.Add(action);
            }
            try
            {
                if (Url is not null || Ref is not null || Rev is not null)
                {
                    var reference = NewReference(input, source.FlakePath);
                    if (reference is null) continue;
                    Apply(FlakeEditor.SetReference(flake, InputPath.Of(Name), reference), $"url = {reference}");
                }
                if (MyInvocation.BoundParameters.ContainsKey(nameof(Flake)))
                {
                    Apply(FlakeEditor.SetIsFlake(flake, InputPath.Of(Name), Flake), $"flake = {(Flake ? "true" : "false")}");
                }
                foreach (var (inputPath, target) in _follows)
                {
                    Apply(FlakeEditor.SetFollows(flake, InputPath.Of(Name).Concat(inputPath), target), $"{inputPath} follows \"{target}\"");
                }
            }
            catch (FlakeEditException e)
            {
                WriteEditError(e, Name);
                continue;
            }
            var result = new FlakeEditResult(flake, flake.Text != source.Flake.Text, warnings);
            var written = SaveEdit(source, result, $"Set input '{Name}': {string.Join("; ", actions)}");
            if (PassThru && (written || !result.Changed) && ReadBack(source.FlakePath, Name) is { } changed) WriteObject(changed);
        }
    }

    /// <summary>The reference after -Url, -Ref and -Rev, or null after writing an error.</summary>
    private FlakeReference? NewReference(InputDeclaration input, string flakePath) =>
        Url is not null ? ParseReference(Url) : WithRefAndRev(input, flakePath, Ref, Rev);
}
