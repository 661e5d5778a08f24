using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Project;
using FlakeTools.Core.Registries;
using FlakeTools.Core.RegistrySettings;
using FlakeTools.Core.Unfree;

namespace FlakeTools.Core.Checks;

/// <summary>One area of Test-Flake: its name, the finding ids it reports, and the check itself.</summary>
/// <param name="Name">The <see cref="Finding.Area"/> of its findings (<c>Inputs</c>).</param>
/// <param name="Ids">The finding ids it may report (for completion and help).</param>
/// <param name="Check">The check: findings for a flake, read from the shared <see cref="CheckContext"/>.</param>
public sealed record FlakeCheckArea(string Name, IReadOnlyList<string> Ids, Func<CheckContext, IEnumerable<Finding>> Check);

/// <summary>
/// Test-Flake's checks, one area after the other. An area is one line in <see cref="Areas"/>;
/// an area that fails is reported as a <see cref="CheckFailed"/> finding and the others still run.
/// </summary>
public static class FlakeChecks
{
    /// <summary>A check that stopped on something it did not expect (the other areas still ran).</summary>
    public const string CheckFailed = "CheckFailed";

    /// <summary>The areas, in the order they run and report.</summary>
    public static IReadOnlyList<FlakeCheckArea> Areas { get; } = new FlakeCheckArea[]
    {
        new(ParseCheck.Area, ParseCheck.Ids, ParseCheck.Check),
        new(LockArea.Area, LockArea.Ids, LockArea.Check),
        new(InputCheck.Area, InputCheck.Ids, InputCheck.Check),
        new(ConfigurationCheck.Area, ConfigurationCheck.Ids, ConfigurationCheck.Check),
        new(RegistryChecks.Area, RegistryChecks.Ids, c => RegistryChecks.Check(c.Source, c.Configurations, new RegistryEnvironment(c.Environment))),
        new(UnfreeArea.Area, UnfreeChecks.Ids, UnfreeArea.Check),
    };

    /// <summary>Every finding id of every area, with its area.</summary>
    public static IEnumerable<(string Id, string Area)> Ids =>
        Areas.SelectMany(a => a.Ids.Select(id => (id, a.Name))).Append((CheckFailed, "*"));

    /// <summary>Runs the areas <paramref name="runArea"/> selects (all when null) over one flake.</summary>
    public static IReadOnlyList<Finding> Run(CheckContext context, Func<string, bool>? runArea = null) =>
        Run(context, runArea is null ? Areas : Areas.Where(a => runArea(a.Name)));

    /// <summary>Runs the given areas over one flake, each on its own: one that fails is a <see cref="CheckFailed"/> finding.</summary>
    public static IReadOnlyList<Finding> Run(CheckContext context, IEnumerable<FlakeCheckArea> areas)
    {
        var findings = new List<Finding>();
        foreach (var area in areas)
        {
            try
            {
                findings.AddRange(area.Check(context).ToList());
            }
            catch (Exception e) when (e is not (OutOfMemoryException or StackOverflowException))
            {
                findings.Add(new Finding
                {
                    Id = CheckFailed,
                    Severity = FindingSeverity.Error,
                    Area = area.Name,
                    Target = area.Name,
                    Path = context.Directory,
                    Message = $"the {area.Name} check stopped on something it did not expect ({e.GetType().Name}: {e.Message}); the other areas were checked",
                    Fix = "report this to FlakeTools with the flake attached",
                });
            }
        }
        return findings;
    }
}
