using System.Management.Automation;
using FlakeTools.Core.Locks;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Gets the flake.lock of a flake as one object: version, root and nodes.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "FlakeLock", DefaultParameterSetName = PathSet)]
[OutputType(typeof(FlakeLock))]
public sealed class GetFlakeLockCommand : FlakeCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var path in ResolvedPaths())
        {
            if (OpenLock(path) is { } lockFile) WriteObject(lockFile);
        }
    }
}
