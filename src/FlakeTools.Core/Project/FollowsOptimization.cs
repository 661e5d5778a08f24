using System;
using System.Collections.Generic;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.Locks;

namespace FlakeTools.Core.Project;

/// <summary>
/// Optimize-FlakeInput's two halves joined: the follows the lock suggests
/// (<see cref="FollowsOptimizer"/>), limited to inputs flake.nix declares, and their edit of flake.nix.
/// </summary>
public static class FollowsOptimization
{
    /// <summary>Which root inputs can take a follows: the ones <paramref name="flake"/> declares (all, without a flake).</summary>
    public static Func<string, bool>? Declares(FlakeFile? flake) => flake is null ? null : name => flake.FindInput(name) is not null;

    /// <summary>One suggestion per duplicated input path that a root input with the same source can replace.</summary>
    public static IReadOnlyList<FollowsSuggestion> Suggest(FlakeLock lockFile, FlakeFile? flake, string? directory = null) =>
        FollowsOptimizer.Suggest(lockFile, Declares(flake), directory);

    /// <summary>Adds the suggested follows to flake.nix (each in the style of its input).</summary>
    public static FlakeEditResult Apply(FlakeFile flake, IEnumerable<FollowsSuggestion> suggestions)
    {
        var current = flake;
        var warnings = new List<string>();
        foreach (var suggestion in suggestions)
        {
            var result = FlakeEditor.SetFollows(current, InputPath.Of(suggestion.Input).Concat(suggestion.OverridePath), InputPath.Parse(suggestion.Follows));
            current = result.Flake;
            warnings.AddRange(result.Warnings);
        }
        return new FlakeEditResult(current, current.Text != flake.Text, warnings);
    }
}
