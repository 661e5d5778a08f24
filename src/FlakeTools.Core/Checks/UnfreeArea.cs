using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Project;
using FlakeTools.Core.Unfree;

namespace FlakeTools.Core.Checks;

/// <summary>
/// Unfree: the findings of <see cref="UnfreeChecks"/>, and for an <c>allowUnfree = true</c> that does
/// not take effect, the edit that sets it where it does (the place <c>Set-NixUnfreeConfig
/// -Configuration &lt;c&gt; -AllowUnfree</c> chooses) as the fix.
/// </summary>
public static class UnfreeArea
{
    /// <summary>The area's name.</summary>
    public const string Area = UnfreeChecks.Area;

    /// <summary>Checks the unfree settings of the flake's configurations; offers a fix where an edit makes allowUnfree take effect.</summary>
    public static IEnumerable<Finding> Check(CheckContext context)
    {
        var analysis = UnfreeReader.Analyze(context.Source, context.Configurations, context.Reader?.Evaluator, UnfreeEnvironment.None);
        var findings = new List<Finding>();
        foreach (var setting in analysis.Settings)
        {
            if (UnfreeChecks.FindingFor(setting) is not { } finding) continue;
            findings.Add(finding);
            if (finding.Id == "UnfreeNotEffective" && setting.Setting == "allowUnfree" && setting.Value == "true" && setting.Configuration is { } name)
            {
                // "kahless/worf" is the user worf of the NixOS configuration kahless: the edit goes to the configuration.
                var configuration = UnfreeSetting.ConfigurationOf(name);
                context.OfferFix(finding, () => MakeFix(analysis, configuration, finding));
            }
        }
        return findings;
    }

    private static FlakeFix? MakeFix(UnfreeAnalysis analysis, string configuration, Finding finding)
    {
        var plan = UnfreeEditor.Plan(analysis, new UnfreeRequest { AllowUnfree = true, Configurations = new[] { configuration } });
        // Only a single, complete edit is mechanical: a refusal or edits in several files are left to Set-NixUnfreeConfig.
        if (plan.Refusals.Count > 0 || plan.Files.Count != 1) return null;
        var edit = plan.Files[0];
        return new FlakeFix(finding.Id, finding.Target, edit.Path, "Set allowUnfree where it takes effect: " + string.Join("; ", edit.Changes), edit.OldText, edit.NewText);
    }
}
