using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FlakeTools.Completion;
using FlakeTools.Core.Checks;
using FlakeTools.Core.IO;
using FlakeTools.Core.Project;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Checks a whole flake setup (flake.nix, flake.lock, the configurations and their modules) and says what is wrong, where, and what to write instead; -Fix makes the mechanical fixes.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "Flake", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(Finding), typeof(bool))]
public sealed class TestFlakeCommand : FlakeCmdlet
{
    /// <summary>Only findings with these ids (wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(FindingIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    /// <summary>Only findings of these severities.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public FindingSeverity[]? Severity { get; set; }

    /// <summary>Only these areas (wildcards allowed): Parse, Lock, Inputs, Configurations.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(FindingAreaCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Area { get; set; }

    /// <summary>Returns only $true (no findings) or $false, one per flake.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Makes the mechanical fixes of the findings selected, each after ShouldProcess, then checks again.</summary>
    [Parameter]
    public SwitchParameter Fix { get; set; }

    private List<WildcardPattern>? _ids;
    private List<WildcardPattern>? _areas;

    /// <inheritdoc />
    protected override void Begin()
    {
        _ids = Id?.Select(i => WildcardPattern.Get(i, WildcardOptions.IgnoreCase)).ToList();
        _areas = Area?.Select(a => WildcardPattern.Get(a, WildcardOptions.IgnoreCase)).ToList();
        foreach (var area in Area ?? Array.Empty<string>())
        {
            if (!WildcardPattern.ContainsWildcardCharacters(area) && !FlakeChecks.Areas.Any(a => string.Equals(a.Name, area, StringComparison.OrdinalIgnoreCase)))
            {
                var names = string.Join(", ", FlakeChecks.Areas.Select(a => a.Name));
                WriteWarning($"-Area {area} names no area of Test-Flake; the areas are: {names}");
            }
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var now = DateTimeOffset.UtcNow;
        var unresolved = UnresolvedPaths;
        foreach (var path in ResolvedPaths())
        {
            var context = Open(path, now);
            if (context is null)
            {
                if (Quiet) WriteObject(false);
                continue;
            }
            var findings = Run(context);
            if (Fix) findings = ApplyFixes(path, now, ref context, findings);
            if (Quiet) WriteObject(findings.Count == 0);
            else WriteObject(findings, enumerateCollection: true);
        }
        // A path that names nothing is no pass for a script that asks -Quiet.
        if (Quiet) for (var i = unresolved; i < UnresolvedPaths; i++) WriteObject(false);
    }

    private CheckContext? Open(string path, DateTimeOffset now)
    {
        try
        {
            return CheckContext.Open(path, now);
        }
        catch (FileAccessException e)
        {
            WriteReadError(e, "Flake", path);
            return null;
        }
    }

    private List<Finding> Run(CheckContext context)
    {
        bool AreaSelected(string area) => _areas is null || _areas.Any(p => p.IsMatch(area));
        return FlakeChecks.Run(context, AreaSelected)
            .Where(f => _ids is null || _ids.Any(p => p.IsMatch(f.Id)))
            .Where(f => Severity is null || Severity.Contains(f.Severity))
            .ToList();
    }

    // One fix at a time: each is made from the files as they are, written after ShouldProcess,
    // and the flake is checked again before the next, so that no edit is made from stale text.
    private List<Finding> ApplyFixes(string path, DateTimeOffset now, ref CheckContext context, List<Finding> findings)
    {
        var attempted = new HashSet<string>(StringComparer.Ordinal);
        var wroteFlake = false;
        while (true)
        {
            FlakeFix? fix = null;
            foreach (var finding in findings)
            {
                var candidate = context.FixFor(finding);
                if (candidate is null || !candidate.Changes || !attempted.Add(candidate.Key)) continue;
                fix = candidate;
                break;
            }
            if (fix is null) break;
            var description = $"{fix.Description} ({fix.FindingId} {fix.Target})" + Environment.NewLine + LineDiff.Describe(fix.OldText, fix.NewText);
            if (!ShouldProcess(fix.File, description)) continue;
            try
            {
                if (!TextFile.WriteAtomic(fix.File, fix.NewText, fix.OldText)) continue;
            }
            catch (FileAccessException e)
            {
                WriteFileError(e, fix.File);
                continue;
            }
            WriteVerbose($"{fix.File}: {fix.Description}");
            wroteFlake |= fix.FindingId == LockCheck.Duplicate;
            var reopened = Open(path, now);
            if (reopened is null) return new List<Finding>();
            context = reopened;
            findings = Run(context);
        }
        if (wroteFlake) WriteWarning($"{context.FlakePath} has new follows; run Update-FlakeInput or 'nix flake lock' to bring flake.lock up to date");
        return findings;
    }
}
