using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Project;

namespace FlakeTools.Core.Unfree;

/// <summary>
/// The unfree checks for Test-Flake: each known pitfall as a <see cref="Finding"/> (Area <c>Unfree</c>)
/// with what to do.
/// </summary>
public static class UnfreeChecks
{
    /// <summary>The area of every finding.</summary>
    public const string Area = "Unfree";

    /// <summary>The ids of the unfree findings.</summary>
    public static IReadOnlyList<string> Ids { get; } = new[]
    {
        "UnfreeNotEffective", "UnfreePredicateShadowed", "UnfreePredicatePointless",
        "UnfreeExternalPkgsWithConfig", "UnfreeNoConfig", "UnfreeImpureImport",
    };

    /// <summary>
    /// Checks the unfree settings of the flake at <paramref name="flakeDirectory"/>, whose
    /// configurations were read already (<see cref="ConfigurationReader.ReadConfigurations"/>).
    /// Ids: <c>UnfreeNotEffective</c> (a setting that does not reach its package set: useGlobalPkgs,
    /// standalone home-manager up to 23.05, nixpkgs.pkgs, a higher priority), <c>UnfreePredicateShadowed</c>
    /// (several predicates or lists, one wins), <c>UnfreePredicatePointless</c> (allowUnfree = true beside
    /// it), <c>UnfreeExternalPkgsWithConfig</c> (nixpkgs.pkgs with nixpkgs.config: an evaluation error),
    /// <c>UnfreeNoConfig</c> (a package set from legacyPackages, or imported without config, given to
    /// modules), <c>UnfreeImpureImport</c> (<c>import &lt;nixpkgs&gt; { }</c> in a module).
    /// </summary>
    /// <param name="flakeDirectory">The flake's directory (or its flake.nix).</param>
    /// <param name="configurations">The configurations read from it.</param>
    /// <param name="reader">The reader that read them (its files are reused); null to read the files again.</param>
    public static IEnumerable<Finding> Check(string flakeDirectory, IReadOnlyList<FlakeConfiguration> configurations, ConfigurationReader? reader = null)
    {
        ArgumentNullException.ThrowIfNull(configurations);
        var source = reader?.Source ?? FlakeSource.Open(flakeDirectory);
        var analysis = UnfreeReader.Analyze(source, configurations, reader?.Evaluator, UnfreeEnvironment.None);
        return Findings(analysis.Settings);
    }

    /// <summary>The findings for settings already read.</summary>
    public static IEnumerable<Finding> Findings(IEnumerable<UnfreeSetting> settings) => settings.Select(FindingFor).OfType<Finding>();

    /// <summary>The finding for one setting, or null when it has none (it takes effect, or lies outside the flake).</summary>
    public static Finding? FindingFor(UnfreeSetting setting)
    {
        if (Classify(setting) is not { } classified) return null;
        return new Finding
        {
            Id = classified.Id,
            Severity = classified.Severity,
            Area = Area,
            Message = $"{Describe(setting)}: {setting.Reason}",
            Fix = setting.Fix ?? "",
            Path = setting.Path.Length > 0 ? setting.Path : setting.Flake,
            Line = setting.Line > 0 ? setting.Line : null,
            Target = setting.Configuration is null ? setting.Setting : $"{setting.Configuration}: {setting.Setting}",
        };
    }

    private static (string Id, FindingSeverity Severity)? Classify(UnfreeSetting setting)
    {
        // Settings outside the flake (config.nix, variables) are shown by Get-NixUnfreeConfig only.
        if (setting.ProblemId is null || setting.Scope is UnfreeScope.ConfigFile or UnfreeScope.Environment) return null;
        var severity = setting.ProblemId switch
        {
            "UnfreeExternalPkgsWithConfig" => FindingSeverity.Error,
            "UnfreePredicatePointless" or "UnfreeNoConfig" => FindingSeverity.Information,
            _ => FindingSeverity.Warning,
        };
        return (setting.ProblemId, severity);
    }

    private static string Describe(UnfreeSetting setting) =>
        setting.Setting == "(none)" ? $"the package set {setting.PackageSet}" : $"{setting.Setting}{(setting.Value is null ? "" : " = " + setting.Value)}";
}
