using System;
using System.Globalization;
using System.Text.RegularExpressions;
using FlakeTools.Core.Project;

namespace FlakeTools.Core.Unfree;

/// <summary>
/// The home-manager a flake pins, as far as it matters for unfree: up to release 23.05 the
/// <c>pkgs</c> given to <c>homeManagerConfiguration</c> defined <c>nixpkgs.config</c> at normal
/// priority and beat a module's <c>allowUnfree</c>; from release 23.11 (the October 2023 fix)
/// it is only a default.
/// </summary>
public sealed class HomeManagerRelease
{
    private static readonly Regex ReleasePattern = new(@"^release-(\d+)\.(\d+)$", RegexOptions.Compiled);

    // "flake: fix nixpkgs `config`" landed on master in October 2023, before release-23.11 branched.
    private static readonly DateTimeOffset FixDate = new(2023, 10, 1, 0, 0, 0, TimeSpan.Zero);

    private HomeManagerRelease(bool pkgsConfigIsDefault, string description)
    {
        PkgsConfigIsDefault = pkgsConfigIsDefault;
        Description = description;
    }

    /// <summary>Whether the given <c>pkgs</c>'s config is only a default (release 23.11 and later): module settings win.</summary>
    public bool PkgsConfigIsDefault { get; }

    /// <summary>Which release was assumed and how it was learnt, for people.</summary>
    public string Description { get; }

    /// <summary>The release the flake's input <paramref name="input"/> pins: the lock's original ref, else the ref in flake.nix, else the locked date; the newest when nothing tells.</summary>
    public static HomeManagerRelease Of(FlakeSource source, string input)
    {
        string? reference = null;
        DateTimeOffset? modified = null;
        var from = "";
        var node = source.Lock?.Resolve(new[] { input });
        if (node is not null)
        {
            if (node.Original is { } original && original.TryGetValue("ref", out var r) && r is string text) { reference = text; from = "flake.lock"; }
            if (node.Locked is { } locked && locked.TryGetValue("lastModified", out var m) && m is not null && long.TryParse(Convert.ToString(m, CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)) modified = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        if (reference is null)
        {
            foreach (var declaration in source.Flake.Inputs)
            {
                if (declaration.Name == input && declaration.Reference?.Ref is { } declared) { reference = declared; from = "flake.nix"; }
            }
        }
        return Decide(input, reference, from, modified);
    }

    /// <summary>Decides from a ref (<c>release-23.05</c>, <c>master</c>) and the locked date.</summary>
    public static HomeManagerRelease Decide(string input, string? reference, string from, DateTimeOffset? lastModified)
    {
        if (reference is not null && ReleasePattern.Match(reference) is { Success: true } match)
        {
            var year = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var month = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            var newer = year > 23 || (year == 23 && month >= 11);
            return new HomeManagerRelease(newer, $"{input} {reference} (from {from})");
        }
        if (lastModified is { } date)
        {
            var newer = date >= FixDate;
            return new HomeManagerRelease(newer, $"{input} {(reference ?? "default branch")} locked at {date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} (from flake.lock): {(newer ? "after" : "before")} the October 2023 change");
        }
        return new HomeManagerRelease(true, $"{input} {(reference ?? "default branch")}: not locked, assumed release 23.11 or later");
    }
}
