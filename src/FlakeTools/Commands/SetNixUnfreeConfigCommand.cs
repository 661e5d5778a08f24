using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FlakeTools.Completion;
using FlakeTools.Core.IO;
using FlakeTools.Core.Project;
using FlakeTools.Core.Unfree;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Allows unfree packages (all, or by name) or insecure packages where the setting takes effect for a configuration, and refuses an edit that would not.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "NixUnfreeConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PathSet)]
[OutputType(typeof(UnfreeSetting))]
public sealed class SetNixUnfreeConfigCommand : FlakeCmdlet
{
    /// <summary>Allow every unfree package (<c>-AllowUnfree:$false</c> removes the <c>allowUnfree = true</c> definitions).</summary>
    [Parameter]
    public SwitchParameter AllowUnfree { get; set; }

    /// <summary>Package names to allow through <c>allowUnfreePredicate</c> (or to remove from it with <c>-Remove</c>).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Package { get; set; }

    /// <summary>Insecure packages to permit, as <c>name-version</c> (<c>permittedInsecurePackages</c>; removed with <c>-Remove</c>).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Insecure { get; set; }

    /// <summary>Remove the names given with <c>-Package</c> or <c>-Insecure</c> instead of adding them.</summary>
    [Parameter]
    public SwitchParameter Remove { get; set; }

    /// <summary>Configuration names (a home-manager user inside one: <c>host/user</c>). Every configuration of the flake when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ConfigurationNameCompleter))]
    public string[]? Configuration { get; set; }

    /// <summary>Only these package sets: the name they are given (<c>pkgs-unstable</c>) or the input they come from (<c>nixpkgs-unstable</c>); wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? PackageSet { get; set; }

    /// <summary>Write the settings of the changed configurations, read back from the files.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void Begin()
    {
        var actions = (MyInvocation.BoundParameters.ContainsKey(nameof(AllowUnfree)) ? 1 : 0) + (Package is { Length: > 0 } ? 1 : 0) + (Insecure is { Length: > 0 } ? 1 : 0);
        if (actions != 1)
        {
            var error = new ArgumentException("give exactly one of -AllowUnfree (or -AllowUnfree:$false), -Package or -Insecure");
            ThrowTerminatingError(new ErrorRecord(error, "UnfreeChangeMissing", ErrorCategory.InvalidArgument, CommandLineTarget()));
        }
        if (Remove && Package is null && Insecure is null)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Remove goes with -Package or -Insecure; to stop allowing every unfree package use -AllowUnfree:$false"), "UnfreeChangeMissing", ErrorCategory.InvalidArgument, CommandLineTarget()));
        }
    }

    // What the command line named (the flake's path), as the target of an error about the command line.
    private string CommandLineTarget() => string.Join(", ", ParameterSetName == LiteralPathSet ? LiteralPath : Path);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var path in ResolvedPaths())
        {
            var directory = UnfreeReading.FlakeDirectoryOf(path);
            if (directory is null)
            {
                var error = new InvalidOperationException($"{path} is not in a flake: Set-NixUnfreeConfig changes a flake's configurations, where it can tell which setting takes effect. A config.nix is read only outside flakes; edit it by hand");
                WriteError(new ErrorRecord(error, "UnfreeNotAFlake", ErrorCategory.InvalidArgument, path));
                continue;
            }
            Change(directory);
        }
    }

    private void Change(string directory)
    {
        var source = OpenFlake(directory);
        if (source is null || !CheckParsed(source)) return;
        UnfreePlan plan;
        try
        {
            var analysis = UnfreeReader.Analyze(source, UnfreeEnvironment.None);
            plan = UnfreeEditor.Plan(analysis, new UnfreeRequest
            {
                AllowUnfree = MyInvocation.BoundParameters.ContainsKey(nameof(AllowUnfree)) ? AllowUnfree.IsPresent : null,
                Packages = Package ?? Array.Empty<string>(),
                Insecure = Insecure ?? Array.Empty<string>(),
                Remove = Remove,
                Configurations = Configuration ?? Array.Empty<string>(),
                PackageSets = PackageSet ?? Array.Empty<string>(),
            });
        }
        catch (InvalidOperationException e)
        {
            WriteError(new ErrorRecord(e, "UnfreeReadFailed", ErrorCategory.InvalidData, source.FlakePath));
            return;
        }
        foreach (var refusal in plan.Refusals)
        {
            var category = refusal.Id == "ConfigurationNotFound" ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidOperation;
            WriteError(new ErrorRecord(new InvalidOperationException(refusal.Message), refusal.Id, category, refusal.Target));
        }
        foreach (var unchanged in plan.Unchanged) WriteVerbose("nothing to change: " + unchanged);
        var written = false;
        foreach (var file in plan.Files)
        {
            var description = string.Join(Environment.NewLine, file.Changes.Select(c => "Set unfree: " + c)) + Environment.NewLine + LineDiff.Describe(file.OldText, file.NewText);
            if (!ShouldProcess(file.Path, description)) continue;
            try
            {
                TextFile.WriteAtomic(file.Path, file.NewText, file.OldText);
                written = true;
            }
            catch (FileAccessException e)
            {
                WriteFileError(e, file.Path);
            }
        }
        if (PassThru && written)
        {
            var settings = UnfreeReading.Read(this, directory) ?? Array.Empty<UnfreeSetting>();
            var selection = new NameSelection(Configuration?.Select(UnfreeSetting.ConfigurationOf));
            WriteObject(settings.Where(s => s.Configuration is not null && selection.Matches(UnfreeSetting.ConfigurationOf(s.Configuration))), enumerateCollection: true);
        }
    }
}
