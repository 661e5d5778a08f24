using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.Locks;

namespace FlakeTools.Core.Project;

/// <summary>
/// Checks a flake.lock against itself and against the flake.nix beside it (Test-FlakeLock). Each
/// node's inputs are checked once, however many paths reach the node.
/// </summary>
public static class LockCheck
{
    /// <summary>The <see cref="Finding.Area"/> of lock findings.</summary>
    public const string Area = "Lock";

    /// <summary>A second copy of a source (<c>nixpkgs_2</c>): a follows is missing.</summary>
    public const string Duplicate = "Duplicate";
    /// <summary>An input locked longer ago than the allowed age.</summary>
    public const string Stale = "Stale";
    /// <summary>A follows whose target does not exist.</summary>
    public const string DanglingFollows = "DanglingFollows";
    /// <summary>flake.nix declares an input the lock does not have.</summary>
    public const string NotInLock = "NotInLock";
    /// <summary>The lock has an input flake.nix no longer declares or uses.</summary>
    public const string NotInFlake = "NotInFlake";
    /// <summary>flake.nix says an input follows something, the lock does not (or the other way round).</summary>
    public const string FollowsOutOfDate = "FollowsOutOfDate";
    /// <summary>Follows in the lock that go round in a cycle: the input resolves to nothing.</summary>
    public const string FollowsCycle = "FollowsCycle";
    /// <summary>A key written twice in one object of the lock (Nix uses the last one).</summary>
    public const string DuplicateKey = "DuplicateKey";
    /// <summary>A lock field with a value out of its range (a hand-edited lock).</summary>
    public const string InvalidField = "InvalidField";

    /// <summary>Checks a lock against itself and, when given, the flake.nix beside it; <paramref name="now"/> decides what is stale.</summary>
    public static IReadOnlyList<Finding> Check(FlakeLock lockFile, FlakeFile? flake, TimeSpan? maxAge, DateTimeOffset now, string? directory = null)
    {
        var findings = new List<Finding>();
        void Add(string id, FindingSeverity severity, string target, string message, string fix, int? line = null) =>
            findings.Add(new Finding { Id = id, Severity = severity, Area = Area, Target = target, Message = message, Fix = fix, Path = directory, Line = line });

        foreach (var problem in lockFile.Problems.Where(p => p.Kind != LockProblemKind.FollowsCycle))
        {
            Add(problem.Kind == LockProblemKind.DuplicateKey ? DuplicateKey : InvalidField, FindingSeverity.Error,
                problem.NodeKey ?? "", problem.Message, "restore flake.lock from version control, or run nix flake lock to rewrite it", problem.Line);
        }
        var entries = lockFile.Entries(recurse: true, now, directory);
        var reported = new HashSet<InputPath>();
        foreach (var suggestion in FollowsOptimizer.Suggest(lockFile, entries, FollowsOptimization.Declares(flake), directory))
        {
            reported.Add(suggestion.InputPath);
            Add(Duplicate, FindingSeverity.Warning, suggestion.InputPath.ToString(),
                $"locks a second copy of {suggestion.Follows} (node '{suggestion.NodeKey}')",
                $"make it follow yours: {suggestion.Declaration} (Optimize-FlakeInput adds it)");
        }
        foreach (var entry in entries.Where(e => e.IsDuplicate && !reported.Contains(e.InputPath)))
        {
            Add(Duplicate, FindingSeverity.Warning, entry.InputPath.ToString(),
                $"locks a second copy of a source another node already locks (node '{entry.NodeKey}')",
                "add a follows for it to an input of yours with the same source");
        }
        if (maxAge is { } limit)
        {
            foreach (var entry in entries.Where(e => e.Depth == 0 && !e.IsFollows && e.Age > limit))
            {
                Add(Stale, FindingSeverity.Warning, entry.InputPath.ToString(),
                    $"was last modified {entry.LastModified:yyyy-MM-dd}, {Math.Floor(entry.Age!.Value.TotalDays)} days ago (more than {Math.Floor(limit.TotalDays)})",
                    $"update it: Update-FlakeInput {entry.Name}");
            }
        }
        foreach (var entry in entries.Where(e => e.IsFollowsCycle))
        {
            Add(FollowsCycle, FindingSeverity.Error, entry.InputPath.ToString(),
                $"follows '{entry.Follows}', and the follows from there lead back round in a cycle",
                "fix the follows in flake.nix, then run nix flake lock");
        }
        foreach (var entry in entries.Where(e => e.IsFollows && !e.FollowsPath!.IsEmpty && e.Node is null && !e.IsFollowsCycle))
        {
            Add(DanglingFollows, FindingSeverity.Error, entry.InputPath.ToString(),
                $"follows '{entry.Follows}', which does not exist",
                "point the follows at an existing input, or remove it, then run nix flake lock");
        }
        if (flake is not null && !flake.HasStructuralErrors)
        {
            var locked = lockFile.Root.Inputs.Keys.ToHashSet(StringComparer.Ordinal);
            foreach (var input in flake.Inputs.Where(i => !locked.Contains(i.Name)))
            {
                Add(NotInLock, FindingSeverity.Error, input.Name, "is declared in flake.nix but not locked", "run nix flake lock (or Update-FlakeInput)");
            }
            var declared = flake.Inputs.Select(i => i.Name).Concat(flake.OutputsPattern?.Formals.Select(f => f.Name) ?? Enumerable.Empty<string>()).ToHashSet(StringComparer.Ordinal);
            foreach (var name in locked.Where(n => !declared.Contains(n) && n != "self"))
            {
                Add(NotInFlake, FindingSeverity.Warning, name, "is locked but flake.nix no longer declares or uses it", "run nix flake lock to drop it");
            }
            foreach (var declaration in flake.Inputs.SelectMany(i => i.Descendants()).Where(d => d.Follows is not null))
            {
                var entry = lockFile.Entry(declaration.InputPath, now, directory);
                if (entry is null || entry.FollowsPath == declaration.FollowsPath) continue;
                Add(FollowsOutOfDate, FindingSeverity.Warning, declaration.InputPath.ToString(),
                    $"flake.nix says it follows '{declaration.Follows}', the lock says {(entry.IsFollows ? $"'{entry.Follows}'" : "it has its own node")}",
                    "run nix flake lock to bring the lock up to date");
            }
        }
        return findings;
    }
}
