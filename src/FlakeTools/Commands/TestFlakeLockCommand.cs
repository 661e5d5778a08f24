using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Locks;
using FlakeTools.Core.Project;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Checks a flake.lock: duplicated inputs, stale inputs, follows that point nowhere, and inputs the lock and flake.nix disagree on.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "FlakeLock", DefaultParameterSetName = PathSet)]
[OutputType(typeof(Finding), typeof(bool))]
public sealed class TestFlakeLockCommand : FlakeCmdlet
{
    /// <summary>Inputs last modified longer ago than this are reported as stale: a TimeSpan, or 30d, 12h, 2w.</summary>
    [Parameter]
    [AgeTransformation]
    [ValidateNonNegativeAge]
    public TimeSpan? MaxAge { get; set; }

    /// <summary>Returns only $true (no findings) or $false (findings, or a lock that is missing or cannot be read: the error says why).</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var path in ResolvedPaths())
        {
            if (OpenLock(path, reportProblems: false) is not { } lockFile)
            {
                if (Quiet) WriteObject(false);
                continue;
            }
            var directory = LockDirectory(lockFile);
            FlakeFile? flake = null;
            try
            {
                flake = FlakeSource.Open(directory).Flake;
            }
            catch (Core.IO.FileAccessException)
            {
                WriteVerbose($"{directory} has no readable flake.nix; checking the lock alone");
            }
            var findings = LockCheck.Check(lockFile, flake, MaxAge, now, directory);
            if (Quiet) WriteObject(findings.Count == 0);
            else foreach (var finding in findings) WriteObject(finding);
        }
    }
}

/// <summary>Refuses a negative age: no input can be last modified in the future.</summary>
public sealed class ValidateNonNegativeAgeAttribute : ValidateArgumentsAttribute
{
    /// <inheritdoc />
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var value = arguments is PSObject ps ? ps.BaseObject : arguments;
        if (value is TimeSpan age && age < TimeSpan.Zero)
        {
            throw new ValidationMetadataException($"-MaxAge {age} is negative; give how old an input may be, such as 30d, 12h or 2w");
        }
    }
}

/// <summary>Accepts ages as 30d, 12h, 90m, 2w (or anything that converts to a TimeSpan).</summary>
public sealed class AgeTransformationAttribute : ArgumentTransformationAttribute
{
    private static readonly Regex Short = new(@"^\s*(\d+(?:\.\d+)?)\s*([wdhm])\s*$", RegexOptions.IgnoreCase | RegexOptions.Compiled);

    /// <inheritdoc />
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        if (value is string text && Short.Match(text) is { Success: true } match)
        {
            var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return match.Groups[2].Value.ToLowerInvariant() switch
            {
                "w" => TimeSpan.FromDays(7 * amount),
                "d" => TimeSpan.FromDays(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromMinutes(amount),
            };
        }
        return inputData;
    }
}
