using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FlakeTools.Completion;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.Locks;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Gets the inputs a flake.lock pins: name, type, revision, date and age; with -Recurse, the inputs of inputs too.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "FlakeLockEntry", DefaultParameterSetName = PathSet)]
[OutputType(typeof(LockEntry))]
public sealed class GetFlakeLockEntryCommand : FlakeCmdlet
{
    /// <summary>
    /// Input names or input paths to show (wildcards allowed): <c>hyprland</c> is a root input,
    /// <c>hyprland/nixpkgs</c> an input of it, <c>'hyprland/*'</c> every input below it. With
    /// -Recurse, the inputs below each one come along.
    /// </summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InputNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Includes the inputs of inputs, at every depth; a node that several inputs share has its inputs listed once.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var path in ResolvedPaths())
        {
            if (OpenLock(path) is not { } lockFile) continue;
            var directory = LockDirectory(lockFile);
            if (Name is null || Name.Length == 0)
            {
                foreach (var entry in lockFile.Entries(Recurse, now, directory)) WriteObject(entry);
                continue;
            }
            var written = new HashSet<InputPath>();
            void Write(LockEntry entry)
            {
                if (!written.Add(entry.InputPath)) return;
                WriteObject(entry);
                if (!Recurse) return;
                foreach (var below in lockFile.EntriesBelow(entry, now))
                {
                    if (written.Add(below.InputPath)) WriteObject(below);
                }
            }
            var roots = lockFile.Entries(recurse: false, now, directory);
            IReadOnlyList<LockEntry>? all = null;
            foreach (var name in Name)
            {
                var isPath = name.Contains('/');
                var wildcard = WildcardPattern.ContainsWildcardCharacters(name);
                var matches = new List<LockEntry>();
                if (!isPath)
                {
                    var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                    matches.AddRange(roots.Where(e => pattern.IsMatch(e.Name)));
                }
                else if (!wildcard)
                {
                    // An exact input path: found through follows and shared nodes, however deep.
                    if (lockFile.Entry(InputPath.Parse(name), now, directory) is { } entry) matches.Add(entry);
                }
                else
                {
                    var pattern = WildcardPattern.Get(name.Trim('/'), WildcardOptions.IgnoreCase);
                    all ??= lockFile.Entries(recurse: true, now, directory);
                    matches.AddRange(all.Where(e => pattern.IsMatch(e.InputPath.ToString())));
                }
                foreach (var match in matches) Write(match);
                if (matches.Count == 0 && !wildcard)
                {
                    var error = new ItemNotFoundException($"{lockFile.Path} locks no input '{name}'; " + (isPath
                        ? "give an input path as Get-FlakeLockEntry -Recurse prints it, such as hyprland/nixpkgs"
                        : $"it locks: {string.Join(", ", lockFile.Root.Inputs.Keys.OrderBy(k => k, StringComparer.Ordinal))}"));
                    WriteError(new ErrorRecord(error, "InputNotFound", ErrorCategory.ObjectNotFound, name));
                }
            }
        }
    }
}
