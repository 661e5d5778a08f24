using System.Linq;
using System.Management.Automation;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Locks;
using FlakeTools.Core.Project;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Adds the follows that make duplicated transitive inputs (nixpkgs_2...) use your own inputs.</para>
/// </summary>
[Cmdlet(VerbsCommon.Optimize, "FlakeInput", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FollowsSuggestion))]
public sealed class OptimizeFlakeInputCommand : FlakeCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var path in ResolvedPaths())
        {
            var source = OpenFlake(path);
            if (source is null || !CheckParsed(source)) continue;
            if (source.Lock is null)
            {
                if (source.LockError is not null)
                {
                    _ = OpenLock(source.LockPath); // the error record for what is wrong with it
                    continue;
                }
                var error = new ItemNotFoundException($"{source.LockPath} does not exist; run 'nix flake lock' first: the duplicates are found in the lock");
                WriteError(new ErrorRecord(error, "LockNotFound", ErrorCategory.ObjectNotFound, source.LockPath));
                continue;
            }
            var suggestions = FollowsOptimization.Suggest(source.Lock, source.Flake, source.Directory);
            if (suggestions.Count == 0)
            {
                WriteVerbose($"{source.LockPath}: no duplicated input that one of your inputs could replace");
                continue;
            }
            FlakeEditResult result;
            try
            {
                result = FollowsOptimization.Apply(source.Flake, suggestions);
            }
            catch (FlakeEditException e)
            {
                WriteEditError(e, source.FlakePath);
                continue;
            }
            var action = "Add follows: " + string.Join(" ", suggestions.Select(s => s.Declaration));
            if (SaveEdit(source, result, action))
            {
                WriteWarning($"{source.FlakePath} changed; run Update-FlakeInput or 'nix flake lock' to drop the duplicates from the lock");
                foreach (var suggestion in suggestions) WriteObject(suggestion);
            }
        }
    }
}
