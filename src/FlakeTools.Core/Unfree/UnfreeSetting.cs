using System;

namespace FlakeTools.Core.Unfree;

/// <summary>Where an unfree setting is made, which decides which package set it can reach.</summary>
public enum UnfreeScope
{
    /// <summary>A NixOS module's <c>nixpkgs.config</c>.</summary>
    NixOS,
    /// <summary>A nix-darwin module's <c>nixpkgs.config</c>.</summary>
    Darwin,
    /// <summary>A standalone home-manager module's <c>nixpkgs.config</c>.</summary>
    HomeManager,
    /// <summary>The <c>nixpkgs.config</c> of a home-manager user inside NixOS or nix-darwin.</summary>
    HomeManagerInNixOS,
    /// <summary>The <c>config</c> of a package set made in the files (<c>import nixpkgs { config = ...; }</c>, <c>legacyPackages</c>).</summary>
    PackageSet,
    /// <summary>A module read on its own (not through a flake): which configuration it reaches is not known.</summary>
    Module,
    /// <summary><c>~/.config/nixpkgs/config.nix</c> or the file <c>$NIXPKGS_CONFIG</c> names.</summary>
    ConfigFile,
    /// <summary>An environment variable (<c>NIXPKGS_ALLOW_UNFREE</c>, ...).</summary>
    Environment,
}

/// <summary>
/// One place unfree (or one of its neighbours: insecure, broken, unsupported) is configured, or a
/// package set that has no such configuration; for which configuration and package set, whether it
/// takes effect, and when not, why and what to do.
/// </summary>
public sealed class UnfreeSetting
{
    /// <summary>
    /// The setting: <c>allowUnfree</c>, <c>allowUnfreePredicate</c>, <c>allowUnfreePackages</c>,
    /// <c>permittedInsecurePackages</c>, <c>allowInsecurePredicate</c>, <c>allowBroken</c>,
    /// <c>allowUnsupportedSystem</c>, <c>config</c> (a whole config the reader cannot see into),
    /// <c>(none)</c> (a package set with no unfree setting), <c>import &lt;nixpkgs&gt;</c> (an impure
    /// import in a module), or an environment variable's name.
    /// </summary>
    public string Setting { get; internal set; } = "";

    /// <summary>The value as text: <c>true</c>, the predicate's code, the list; null for <c>(none)</c>.</summary>
    public string? Value { get; internal set; }

    /// <summary>The package names a predicate or list names (<c>*</c> when a predicate allows every package); empty when none or unknown.</summary>
    public string[] Packages { get; internal set; } = Array.Empty<string>();

    /// <summary>Where the setting is made.</summary>
    public UnfreeScope Scope { get; internal set; }

    /// <summary>The configuration it is read for (<c>kahless</c>; a home-manager user inside it: <c>kahless/roni</c>); null when it belongs to none.</summary>
    public string? Configuration { get; internal set; }

    /// <summary>The configuration a <see cref="Configuration"/> name belongs to: <c>kahless</c> for <c>kahless/roni</c> and for <c>kahless</c>.</summary>
    public static string ConfigurationOf(string name) => name.Split('/')[0];

    /// <summary>The package set it concerns: <c>nixpkgs (NixOS)</c>, <c>pkgs-unstable = import nixpkgs-unstable</c>, <c>nixpkgs-unstable.legacyPackages</c>.</summary>
    public string? PackageSet { get; internal set; }

    /// <summary>Whether it takes effect for that package set; false for a package set with no unfree setting; null when it cannot be told (a module read on its own).</summary>
    public bool? Effective { get; internal set; }

    /// <summary>Why it does not take effect (or what to know when it does); null when there is nothing to say.</summary>
    public string? Reason { get; internal set; }

    /// <summary>What to do so that it takes effect; null when nothing is needed.</summary>
    public string? Fix { get; internal set; }

    /// <summary>The condition it is defined under (<c>lib.mkIf</c>), or null.</summary>
    public string? Condition { get; internal set; }

    /// <summary>The priority wrapper it is defined with (<c>mkForce</c>, <c>mkDefault</c>), or null.</summary>
    public string? Priority { get; internal set; }

    /// <summary>The file it is written in; empty for an environment variable.</summary>
    public string Path { get; internal set; } = "";

    /// <summary>The one-based line it is written on (0 when not in a file).</summary>
    public int Line { get; internal set; }

    /// <summary>The flake's directory (or the file read, when it was read on its own).</summary>
    public string Flake { get; internal set; } = "";

    /// <summary>Which home-manager release the answer assumed, when it depends on it, and how it was learnt.</summary>
    public string? HomeManagerRelease { get; internal set; }

    /// <summary>The finding id for Test-Flake when it does not take effect (<see cref="UnfreeChecks"/>), or null.</summary>
    internal string? ProblemId { get; set; }

    /// <summary>The file relative to <see cref="Flake"/> with the line: <c>home.nix:4</c>.</summary>
    public string Location
    {
        get
        {
            if (Path.Length == 0) return "";
            var shown = Path;
            if (Flake.Length > 0 && System.IO.Directory.Exists(Flake))
            {
                var relative = System.IO.Path.GetRelativePath(Flake, Path);
                if (!relative.StartsWith("..", StringComparison.Ordinal)) shown = relative;
            }
            return Line > 0 ? $"{shown}:{Line}" : shown;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Setting} {Value} ({Configuration}, {(Effective == true ? "effective" : Effective == false ? "not effective" : "unknown")})";
}
