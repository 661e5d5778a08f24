using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Project;

namespace FlakeTools.Core.Checks;

/// <summary>The lock: everything Test-FlakeLock finds (<see cref="LockCheck"/>), and a lock that is missing or unreadable.</summary>
public static class LockArea
{
    /// <summary>The area's name (that of <see cref="LockCheck"/>).</summary>
    public const string Area = LockCheck.Area;

    /// <summary>flake.nix has inputs and there is no flake.lock.</summary>
    public const string NoLock = "NoLock";
    /// <summary>flake.lock exists and cannot be read.</summary>
    public const string LockUnreadable = "LockUnreadable";

    /// <summary>The ids of the area.</summary>
    public static IReadOnlyList<string> Ids { get; } = new[]
    {
        LockCheck.Duplicate, LockCheck.Stale, LockCheck.DanglingFollows, LockCheck.NotInLock, LockCheck.NotInFlake,
        LockCheck.FollowsOutOfDate, LockCheck.FollowsCycle, LockCheck.DuplicateKey, LockCheck.InvalidField, NoLock, LockUnreadable,
    };

    /// <summary>Checks the lock; offers the follows that remove each duplicate as its fix.</summary>
    public static IEnumerable<Finding> Check(CheckContext context)
    {
        var lockFile = context.Lock;
        if (lockFile is null)
        {
            if (context.Source.LockError is { } error)
            {
                return new[]
                {
                    new Finding
                    {
                        Id = LockUnreadable, Severity = FindingSeverity.Error, Area = Area, Target = "flake.lock", Path = context.Source.LockPath,
                        Message = $"flake.lock cannot be read: {error}",
                        Fix = "restore flake.lock from version control, or delete it and run nix flake lock",
                    },
                };
            }
            if (context.Flake.Inputs.Count == 0 || context.Flake.Tree.HasErrors) return Enumerable.Empty<Finding>();
            return new[]
            {
                new Finding
                {
                    Id = NoLock, Severity = FindingSeverity.Warning, Area = Area, Target = "flake.lock", Path = context.Directory,
                    Message = "flake.nix has inputs and there is no flake.lock: every build may fetch different revisions until one is written",
                    Fix = "run nix flake lock, and commit flake.lock",
                },
            };
        }
        var flake = context.Flake.Tree.HasErrors ? null : context.Flake;
        // A problem of the lock as a whole (a top-level key written twice) has no node: its target is the file.
        var findings = LockCheck.Check(lockFile, flake, context.MaxAge, context.Now, context.Directory)
            .Select(f => f.Target.Length > 0 ? f : new Finding { Id = f.Id, Severity = f.Severity, Area = f.Area, Target = "flake.lock", Message = f.Message, Fix = f.Fix, Path = f.Path, Line = f.Line })
            .ToList();
        if (flake is not null && !flake.HasErrors)
        {
            var suggestions = FollowsOptimization.Suggest(lockFile, flake, context.Directory);
            foreach (var finding in findings.Where(f => f.Id == LockCheck.Duplicate))
            {
                var suggestion = suggestions.FirstOrDefault(s => s.InputPath.ToString() == finding.Target);
                if (suggestion is null) continue;
                context.OfferFix(finding, () =>
                {
                    var result = FollowsOptimization.Apply(flake, new[] { suggestion });
                    return result.Changed
                        ? new FlakeFix(finding.Id, finding.Target, context.FlakePath, $"Add follows: {suggestion.Declaration}", flake.Text, result.Flake.Text)
                        : null;
                });
            }
        }
        return findings;
    }
}
