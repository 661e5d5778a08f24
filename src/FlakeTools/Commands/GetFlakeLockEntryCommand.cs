using System;
using System.Linq;
using System.Management.Automation;
using FlakeTools.Completion;
using FlakeTools.Core.Locks;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Gets the inputs a flake.lock pins: name, type, revision, date and age; with -Recurse, the inputs of inputs too.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "FlakeLockEntry", DefaultParameterSetName = PathSet)]
[OutputType(typeof(LockEntry))]
public sealed class GetFlakeLockEntryCommand : FlakeCmdlet
{
    /// <summary>Root input names to show (wildcards allowed); with -Recurse, their inputs come along.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InputNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Includes the inputs of inputs, at every depth.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var path in ResolvedPaths())
        {
            if (OpenLock(path) is not { } lockFile) continue;
            var patterns = (Name ?? Array.Empty<string>()).Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
            var entries = lockFile.Entries(Recurse, now, LockDirectory(lockFile));
            foreach (var entry in entries.Where(e => patterns.Count == 0 || patterns.Any(p => p.IsMatch(e.Segments[0])))) WriteObject(entry);
            foreach (var name in (Name ?? Array.Empty<string>()).Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && entries.All(e => !string.Equals(e.Segments[0], n, StringComparison.OrdinalIgnoreCase))))
            {
                var error = new ItemNotFoundException($"{lockFile.Path} locks no input '{name}'; it locks: {string.Join(", ", lockFile.Root.Inputs.Keys.OrderBy(k => k, StringComparer.Ordinal))}");
                WriteError(new ErrorRecord(error, "InputNotFound", ErrorCategory.ObjectNotFound, name));
            }
        }
    }
}
