using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Inputs;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Locks;

/// <summary>What kind of problem a lock check found.</summary>
public enum LockFindingKind
{
    /// <summary>A second copy of a source (<c>nixpkgs_2</c>): a follows is missing.</summary>
    Duplicate,
    /// <summary>An input locked longer ago than the allowed age.</summary>
    Stale,
    /// <summary>A follows whose target does not exist.</summary>
    DanglingFollows,
    /// <summary>flake.nix declares an input the lock does not have.</summary>
    NotInLock,
    /// <summary>The lock has an input flake.nix no longer declares or uses.</summary>
    NotInFlake,
    /// <summary>flake.nix says an input follows something, the lock does not (or the other way round).</summary>
    FollowsOutOfDate,
    /// <summary>Follows in the lock that go round in a cycle: the input resolves to nothing.</summary>
    FollowsCycle,
    /// <summary>A key written twice in one object of the lock (Nix uses the last one).</summary>
    DuplicateKey,
    /// <summary>A lock field with a value out of its range (a hand-edited lock).</summary>
    InvalidField,
}

/// <summary>One finding of a lock check: what, where, and what to do.</summary>
public sealed class LockFinding
{
    /// <summary>What kind of problem.</summary>
    public LockFindingKind Kind { get; init; }

    /// <summary>How serious it is.</summary>
    public DiagnosticSeverity Severity { get; init; }

    /// <summary>The input path concerned.</summary>
    public string InputPath { get; init; } = "";

    /// <summary>What is wrong.</summary>
    public string Message { get; init; } = "";

    /// <summary>What to do about it.</summary>
    public string Suggestion { get; init; } = "";

    /// <summary>The flake directory.</summary>
    public string? Path { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Severity}: {InputPath}: {Message}";

    /// <summary>Checks a lock against itself and, when given, the flake.nix beside it.</summary>
    public static IReadOnlyList<LockFinding> Check(FlakeLock lockFile, FlakeFile? flake, TimeSpan? maxAge, DateTimeOffset now, string? directory = null)
    {
        var findings = new List<LockFinding>();
        void Add(LockFindingKind kind, DiagnosticSeverity severity, string path, string message, string suggestion) =>
            findings.Add(new LockFinding { Kind = kind, Severity = severity, InputPath = path, Message = message, Suggestion = suggestion, Path = directory });

        foreach (var problem in lockFile.Problems.Where(p => p.Kind != LockProblemKind.FollowsCycle))
        {
            Add(problem.Kind == LockProblemKind.DuplicateKey ? LockFindingKind.DuplicateKey : LockFindingKind.InvalidField, DiagnosticSeverity.Error,
                problem.NodeKey ?? "", problem.Message, "restore flake.lock from version control, or run nix flake lock to rewrite it");
        }
        var entries = lockFile.Entries(recurse: true, now, directory);
        var reported = new HashSet<InputPath>();
        foreach (var suggestion in FollowsOptimizer.Suggest(lockFile, entries, flake, directory))
        {
            reported.Add(suggestion.InputPath);
            Add(LockFindingKind.Duplicate, DiagnosticSeverity.Warning, suggestion.InputPath.ToString(),
                $"locks a second copy of {suggestion.Follows} (node '{suggestion.NodeKey}')",
                $"make it follow yours: {suggestion.Declaration} (Optimize-FlakeInput adds it)");
        }
        foreach (var entry in entries.Where(e => e.IsDuplicate && !reported.Contains(e.InputPath)))
        {
            Add(LockFindingKind.Duplicate, DiagnosticSeverity.Warning, entry.InputPath.ToString(),
                $"locks a second copy of a source another node already locks (node '{entry.NodeKey}')",
                "add a follows for it to an input of yours with the same source");
        }
        if (maxAge is { } limit)
        {
            foreach (var entry in entries.Where(e => e.Depth == 0 && !e.IsFollows && e.Age > limit))
            {
                Add(LockFindingKind.Stale, DiagnosticSeverity.Warning, entry.InputPath.ToString(),
                    $"was last modified {entry.LastModified:yyyy-MM-dd}, {Math.Floor(entry.Age!.Value.TotalDays)} days ago (more than {Math.Floor(limit.TotalDays)})",
                    $"update it: Update-FlakeInput {entry.Name}");
            }
        }
        foreach (var entry in entries.Where(e => e.IsFollowsCycle))
        {
            Add(LockFindingKind.FollowsCycle, DiagnosticSeverity.Error, entry.InputPath.ToString(),
                $"follows '{entry.Follows}', and the follows from there lead back round in a cycle",
                "fix the follows in flake.nix, then run nix flake lock");
        }
        foreach (var entry in entries.Where(e => e.IsFollows && !e.FollowsPath!.IsEmpty && e.Node is null && !e.IsFollowsCycle))
        {
            Add(LockFindingKind.DanglingFollows, DiagnosticSeverity.Error, entry.InputPath.ToString(),
                $"follows '{entry.Follows}', which does not exist",
                "point the follows at an existing input, or remove it, then run nix flake lock");
        }
        if (flake is not null && !flake.HasErrors)
        {
            var locked = lockFile.Root.Inputs.Keys.ToHashSet(StringComparer.Ordinal);
            foreach (var input in flake.Inputs.Where(i => !locked.Contains(i.Name)))
            {
                Add(LockFindingKind.NotInLock, DiagnosticSeverity.Error, input.Name, "is declared in flake.nix but not locked", "run nix flake lock (or Update-FlakeInput)");
            }
            var declared = flake.Inputs.Select(i => i.Name).Concat(flake.OutputsPattern?.Formals.Select(f => f.Name) ?? Enumerable.Empty<string>()).ToHashSet(StringComparer.Ordinal);
            foreach (var name in locked.Where(n => !declared.Contains(n) && n != "self"))
            {
                Add(LockFindingKind.NotInFlake, DiagnosticSeverity.Warning, name, "is locked but flake.nix no longer declares or uses it", "run nix flake lock to drop it");
            }
            foreach (var declaration in flake.Inputs.SelectMany(i => i.Descendants()).Where(d => d.Follows is not null))
            {
                var entry = lockFile.Entry(Inputs.InputPath.Parse(declaration.InputPath), now, directory);
                if (entry is null || entry.Follows == declaration.Follows) continue;
                Add(LockFindingKind.FollowsOutOfDate, DiagnosticSeverity.Warning, declaration.InputPath,
                    $"flake.nix says it follows '{declaration.Follows}', the lock says {(entry.IsFollows ? $"'{entry.Follows}'" : "it has its own node")}",
                    "run nix flake lock to bring the lock up to date");
            }
        }
        return findings;
    }
}
