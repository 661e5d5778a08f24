using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Evaluation;
using FlakeTools.Core.Settings;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Unfree;

/// <summary>What to change: allow or stop allowing every unfree package, add or remove package names, permit insecure packages.</summary>
public sealed class UnfreeRequest
{
    /// <summary><c>true</c>: allow every unfree package; <c>false</c>: remove the <c>allowUnfree = true</c> definitions; null: leave it.</summary>
    public bool? AllowUnfree { get; init; }

    /// <summary>Package names for the unfree predicate (added, or removed with <see cref="Remove"/>).</summary>
    public IReadOnlyList<string> Packages { get; init; } = Array.Empty<string>();

    /// <summary>Insecure packages to permit, as <c>name-version</c> (added, or removed with <see cref="Remove"/>).</summary>
    public IReadOnlyList<string> Insecure { get; init; } = Array.Empty<string>();

    /// <summary>Remove <see cref="Packages"/> or <see cref="Insecure"/> instead of adding them.</summary>
    public bool Remove { get; init; }

    /// <summary>Configuration names (a home-manager user inside one: <c>host/user</c>); every configuration when empty.</summary>
    public IReadOnlyList<string> Configurations { get; init; } = Array.Empty<string>();

    /// <summary>Only the package sets with these names (the argument name <c>pkgs-unstable</c>, or the input <c>nixpkgs-unstable</c>); all when empty.</summary>
    public IReadOnlyList<string> PackageSets { get; init; } = Array.Empty<string>();
}

/// <summary>An edit that was refused because it would not take effect (or cannot be made safely), with the reason.</summary>
public sealed class UnfreeRefusal
{
    internal UnfreeRefusal(string id, string target, string message)
    {
        Id = id;
        Target = target;
        Message = message;
    }

    /// <summary>A stable id: <c>UnfreeEditNotEffective</c>, <c>UnfreePredicateNotEditable</c>, <c>UnfreeConfigNotEditable</c>, <c>UnfreeNoPlace</c>.</summary>
    public string Id { get; }

    /// <summary>What it concerns: a configuration, a package set.</summary>
    public string Target { get; }

    /// <summary>What was refused, why, and what to do.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Id}: {Target}: {Message}";
}

/// <summary>The new text of one file.</summary>
public sealed class UnfreeFileEdit
{
    internal UnfreeFileEdit(string path, string oldText, string newText, IReadOnlyList<string> changes)
    {
        Path = path;
        OldText = oldText;
        NewText = newText;
        Changes = changes;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Its text as read.</summary>
    public string OldText { get; }

    /// <summary>Its new text.</summary>
    public string NewText { get; }

    /// <summary>What changes, for people (one line each).</summary>
    public IReadOnlyList<string> Changes { get; }
}

/// <summary>The edits a request needs, the refusals, and what needed no change.</summary>
public sealed class UnfreePlan
{
    internal UnfreePlan(IReadOnlyList<UnfreeFileEdit> files, IReadOnlyList<UnfreeRefusal> refusals, IReadOnlyList<string> unchanged)
    {
        Files = files;
        Refusals = refusals;
        Unchanged = unchanged;
    }

    /// <summary>One edit per file.</summary>
    public IReadOnlyList<UnfreeFileEdit> Files { get; }

    /// <summary>What was refused, with the reason.</summary>
    public IReadOnlyList<UnfreeRefusal> Refusals { get; }

    /// <summary>Places that already are as asked.</summary>
    public IReadOnlyList<string> Unchanged { get; }
}

/// <summary>
/// Changes unfree settings where they take effect for a configuration: the winning
/// <c>nixpkgs.config</c> definition, a module of the configuration, or the <c>import &lt;input&gt; { config; }</c>
/// of a package set (turning <c>&lt;input&gt;.legacyPackages.${system}</c> into one). Lossless: every edit
/// is a splice of the file's text, built through <see cref="SyntaxEditor"/> where it inserts or removes
/// bindings, and the result must parse.
/// </summary>
public static class UnfreeEditor
{
    /// <summary>Plans the edits for a request on an analysed flake.</summary>
    public static UnfreePlan Plan(UnfreeAnalysis analysis, UnfreeRequest request)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(request);
        var planner = new Planner(analysis, request);
        planner.Run();
        return planner.Build();
    }

    private sealed record Splice(string Path, string OldText, int Start, int Length, string Text, string Change);

    private sealed class Planner
    {
        private readonly UnfreeAnalysis _analysis;
        private readonly UnfreeRequest _request;
        private readonly List<Splice> _splices = new();
        private readonly List<UnfreeRefusal> _refusals = new();
        private readonly List<string> _unchanged = new();
        private readonly string _directory;

        public Planner(UnfreeAnalysis analysis, UnfreeRequest request)
        {
            _analysis = analysis;
            _request = request;
            _directory = analysis.Source.Directory;
        }

        public void Run()
        {
            var names = _request.Configurations;
            var configurations = _analysis.Configurations.Where(c => c.Name != "*").ToList();
            foreach (var name in names)
            {
                var host = UnfreeSetting.ConfigurationOf(name);
                if (!configurations.Any(c => c.Name == host)) _refusals.Add(new UnfreeRefusal("ConfigurationNotFound", name, $"{_analysis.Source.FlakePath} defines no configuration '{host}'; its configurations are: {string.Join(", ", configurations.Select(c => c.Name))}"));
            }
            foreach (var configuration in configurations)
            {
                var named = names.Count == 0 || names.Any(n => n == configuration.Name || n.StartsWith(configuration.Name + "/", StringComparison.Ordinal));
                if (!named) continue;
                var users = names.Where(n => n.StartsWith(configuration.Name + "/", StringComparison.Ordinal)).Select(n => n[(configuration.Name.Length + 1)..]).ToList();
                var wholeConfiguration = names.Count == 0 || names.Contains(configuration.Name);
                foreach (var group in _analysis.Groups.Where(g => g.Configuration == configuration))
                {
                    if (group.Target == UnfreeReader.Target.UserModules)
                    {
                        var userNamed = users.Contains(group.User!);
                        if (!userNamed && !wholeConfiguration) continue;
                        if (group.UnreachedReason is not null)
                        {
                            if (userNamed) _refusals.Add(new UnfreeRefusal("UnfreeEditNotEffective", group.ConfigurationName!, $"a setting in {group.User}'s home-manager modules would not take effect: {group.UnreachedReason}. Change the {configuration.Kind} configuration instead: Set-NixUnfreeConfig -Configuration {configuration.Name}"));
                            continue;
                        }
                        ChangeModules(group);
                        continue;
                    }
                    if (!wholeConfiguration) continue;
                    if (group.Target is UnfreeReader.Target.SystemModules or UnfreeReader.Target.HomeModules) ChangeConfiguration(configuration, group);
                }
                if (!wholeConfiguration) continue;
                foreach (var set in _analysis.PackageSets.Where(p => p.Configuration == configuration && p.Target == UnfreeReader.Target.ExtraPackageSet))
                {
                    if (!Selected(set)) continue;
                    ChangePackageSet(set, configuration.Name);
                }
            }
            // Package sets written in files that no configuration's arguments hold: only when named.
            if (_request.PackageSets.Count > 0)
            {
                foreach (var set in _analysis.PackageSets.Where(p => p.Target == UnfreeReader.Target.FilePackageSet && Selected(p))) ChangePackageSet(set, set.ConfigurationName ?? set.Name);
            }
        }

        private bool Selected(PlannedPackageSet set)
        {
            if (_request.PackageSets.Count == 0) return true;
            var input = set.Value switch
            {
                ImportedInputValue imported => imported.Input.Root,
                ExternalValue external => external.Root,
                _ => null,
            };
            return _request.PackageSets.Any(p =>
            {
                var pattern = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(p).Replace("\\*", ".*").Replace("\\?", ".") + "$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
                return pattern.IsMatch(set.Name) || (input is not null && pattern.IsMatch(input));
            });
        }

        // ------------------------------------------------------------ a configuration's own pkgs

        private void ChangeConfiguration(FlakeConfiguration configuration, UnfreeReader.Group group)
        {
            var pkgsSet = _analysis.PackageSets.FirstOrDefault(p => p.Configuration == configuration && p.Target == UnfreeReader.Target.SystemPkgs);
            if (group.Target == UnfreeReader.Target.SystemModules)
            {
                if (group.UnreachedReason is not null)
                {
                    if (pkgsSet is not null) { if (Selected(pkgsSet)) ChangePackageSet(pkgsSet, configuration.Name); }
                    else _refusals.Add(new UnfreeRefusal("UnfreeNoPlace", configuration.Name, $"nixpkgs.config would not take effect ({group.UnreachedReason}), and the reader cannot see where that package set is made; change it by hand"));
                    return;
                }
                if (_request.PackageSets.Count > 0 && !_request.PackageSets.Any(p => p is "pkgs" or "nixpkgs" || p == configuration.Pkgs?.Input)) return;
                ChangeModules(group);
                return;
            }
            // Standalone home-manager.
            if (_request.PackageSets.Count > 0 && pkgsSet is not null && !Selected(pkgsSet) && !_request.PackageSets.Contains("pkgs")) return;
            var release = group.Release!;
            var moduleDefinitions = group.Candidates.Any(c => !c.FromPackageSet) || group.Definitions.Count > 0;
            var settingInPkgs = _request.AllowUnfree is not null || _request.Insecure.Count > 0 && !release.PkgsConfigIsDefault;
            if (!release.PkgsConfigIsDefault && _request.AllowUnfree is not null)
            {
                // Up to 23.05 the pkgs's allowUnfree wins over the modules': change the pkgs.
                if (_request.AllowUnfree == false) ChangeModules(group);
                if (pkgsSet is not null) ChangePackageSet(pkgsSet, configuration.Name, group);
                else _refusals.Add(new UnfreeRefusal("UnfreeNoPlace", configuration.Name, $"{release.Description}: allowUnfree must be set in the pkgs given to homeManagerConfiguration, and the reader cannot see where it is made ({configuration.Pkgs?.Text})"));
                return;
            }
            _ = settingInPkgs;
            if (release.PkgsConfigIsDefault && !moduleDefinitions && pkgsSet is not null && pkgsSet.Config is not null)
            {
                ChangePackageSet(pkgsSet, configuration.Name, group);
                return;
            }
            ChangeModules(group);
        }

        // ------------------------------------------------------------ nixpkgs.config in modules

        private void ChangeModules(UnfreeReader.Group group)
        {
            var target = group.ConfigurationName ?? group.Label;
            var candidates = group.Candidates.Where(c => !c.Hidden).ToList();
            if (_request.AllowUnfree == true)
            {
                var effective = group.Candidates.FirstOrDefault(c => c.Setting == "allowUnfree" && c.Effective == true);
                if (effective is { Value: BoolValue { Value: true } })
                {
                    if (effective.Hidden) { }
                    else { _unchanged.Add($"{target}: allowUnfree = true already at {Where(effective)}"); return; }
                }
                if (effective is not null && !effective.Hidden && effective.Expression is { } valueNode)
                {
                    ReplaceValue(effective, "true", $"{target}: allowUnfree = true at {Where(effective)}");
                    return;
                }
                AddSetting(group, "allowUnfree", "true");
                return;
            }
            if (_request.AllowUnfree == false)
            {
                var found = false;
                foreach (var candidate in candidates.Where(c => c.Setting == "allowUnfree" && c.Value is BoolValue { Value: true } && !c.FromPackageSet))
                {
                    found = true;
                    RemoveSetting(candidate, $"{target}: remove allowUnfree = true at {Where(candidate)}");
                }
                if (!found) _unchanged.Add($"{target}: no allowUnfree = true in its modules");
                return;
            }
            if (_request.Packages.Count > 0) ChangeList(group, candidates, "allowUnfreePredicate", _request.Packages);
            if (_request.Insecure.Count > 0) ChangeList(group, candidates, "permittedInsecurePackages", _request.Insecure);
        }

        private void ChangeList(UnfreeReader.Group group, List<UnfreeReader.Candidate> candidates, string setting, IReadOnlyList<string> names)
        {
            var target = group.ConfigurationName ?? group.Label;
            var isPredicate = setting == "allowUnfreePredicate";
            if (_request.Remove)
            {
                var removed = false;
                foreach (var candidate in candidates.Where(c => c.Setting == setting || (isPredicate && c.Setting == "allowUnfreePackages")))
                {
                    var list = ListOf(candidate);
                    if (list is null) continue;
                    foreach (var item in list.Items.Where(i => ItemName(i) is { } n && names.Contains(n)).ToList())
                    {
                        RemoveListItem(list, item, $"{target}: remove {ItemName(item)} from {candidate.Setting} at {Where(candidate)}");
                        removed = true;
                    }
                }
                if (!removed) _unchanged.Add($"{target}: {string.Join(", ", names)} not listed in {setting}");
                return;
            }
            if (isPredicate)
            {
                var allowAll = group.Candidates.FirstOrDefault(c => c.Setting == "allowUnfree" && c.Effective == true && c.Value is BoolValue { Value: true } && !c.Hidden);
                if (allowAll is not null)
                {
                    _refusals.Add(new UnfreeRefusal("UnfreeEditNotEffective", target, $"allowUnfree = true at {Where(allowAll)} already allows every unfree package: {string.Join(", ", names)} in a predicate would change nothing. Remove allowUnfree first (Set-NixUnfreeConfig -AllowUnfree:$false) to allow only named packages"));
                    return;
                }
            }
            var winner = candidates.LastOrDefault(c => c.Setting == setting && (c.Effective == true || c.Pointless));
            if (winner is null && candidates.Any(c => c.Setting == setting && c.Unreached)) winner = null;
            if (winner is not null)
            {
                var list = ListOf(winner);
                if (list is null)
                {
                    _refusals.Add(new UnfreeRefusal(isPredicate ? "UnfreePredicateNotEditable" : "UnfreeConfigNotEditable", target, $"the {setting} at {Where(winner)} is not {(isPredicate ? "the `builtins.elem (lib.getName pkg) [ ... ]` form" : "a list written in the file")}; a second one would not take effect (only one definition wins). Add {string.Join(", ", names)} there by hand"));
                    return;
                }
                var missing = names.Where(n => !list.Items.Any(i => ItemName(i) == n)).ToList();
                if (missing.Count == 0) { _unchanged.Add($"{target}: {string.Join(", ", names)} already in {setting} at {Where(winner)}"); return; }
                AddListItems(list, missing, $"{target}: add {string.Join(", ", missing)} to {setting} at {Where(winner)}");
                return;
            }
            var quoted = string.Join(" ", names.Select(NixString.Quote));
            if (isPredicate) AddSetting(group, setting, null, quoted);
            else AddSetting(group, setting, "[ " + quoted + " ]");
        }

        private static ListSyntax? ListOf(UnfreeReader.Candidate candidate) =>
            candidate.Setting.EndsWith("Predicate", StringComparison.Ordinal)
                ? candidate.Predicate is { IsElemForm: true, List: { } list } ? list : null
                : PredicateReader.Strip(candidate.Expression) as ListSyntax;

        private static string? ItemName(SyntaxNode item) => PredicateReader.Strip(item) is StringSyntax s ? s.ConstantValue : null;

        /// <summary>
        /// Adds a setting where it takes effect: in the module of the last nixpkgs.config definition
        /// merged (through the option editor, into its block when it has one), else in a module of the group.
        /// </summary>
        private void AddSetting(UnfreeReader.Group group, string setting, string? value, string? predicateNames = null)
        {
            var target = group.ConfigurationName ?? group.Label;
            var written = group.Candidates.Where(c => c.Option is not null && !c.FromPackageSet && c.Module is not null).ToList();
            var best = group.Definitions.Where(d => d.Condition is null).Select(d => d.Priority).DefaultIfEmpty(ConfigDefinitions.NormalPriority).Min();
            if (best != ConfigDefinitions.NormalPriority)
            {
                var strong = written.FirstOrDefault(c => c.Definition.Priority == best);
                _refusals.Add(new UnfreeRefusal("UnfreeNoPlace", target, $"nixpkgs.config is defined with {strong?.Definition.PriorityName ?? "a higher priority"}{(strong is null ? "" : " at " + Where(strong))}, which replaces every definition of lower priority: a new one would not take effect. Add {setting} to that definition by hand"));
                return;
            }
            var module = written.Where(c => c.Definition.Priority == best && c.Definition.Condition is null && c.Module!.Path is { } p && p.StartsWith(_directory + "/", StringComparison.Ordinal)).OrderBy(c => c.ModuleRank).FirstOrDefault()?.Module
                         ?? ChooseModule(group);
            if (module is null)
            {
                _refusals.Add(new UnfreeRefusal("UnfreeNoPlace", target, $"no module of {target} is written in the flake's files as a set the editor can add to; add `nixpkgs.config.{setting}` by hand"));
                return;
            }
            var text = value ?? Predicate(PredicateLib(module), predicateNames!);
            try
            {
                var edit = OptionEditor.Set(module, new[] { "nixpkgs", "config", setting }, text, value is null ? new[] { "lib" } : null);
                AddEdit(edit, $"{target}: nixpkgs.config.{setting} = {Short(text)} in {module.Name}");
            }
            catch (OptionEditException e)
            {
                _refusals.Add(new UnfreeRefusal("UnfreeNoPlace", target, e.Message));
            }
        }

        private static string Predicate(string getName, string names) => $"pkg: builtins.elem ({getName} pkg) [ {names} ]";

        private static string PredicateLib(FlakeModule module) =>
            OptionEditor.DefinitionSet(module) is { } set && set.Ancestors().OfType<LambdaSyntax>().LastOrDefault() is { Parameter: IdentifierSyntax identifier }
                ? identifier.Name + ".lib.getName"
                : "lib.getName";

        private FlakeModule? ChooseModule(UnfreeReader.Group group)
        {
            var configuration = group.Configuration!;
            var modules = configuration.Modules.Where(m => group.Target switch
            {
                UnfreeReader.Target.SystemModules => m.Context is ModuleContext.NixOS or ModuleContext.Darwin,
                UnfreeReader.Target.UserModules => m.User == group.User,
                _ => m.Context == ModuleContext.HomeManager,
            }).Where(m => m.Kind is ModuleKind.File or ModuleKind.Inline && m.Path is { } p && p.StartsWith(_directory + "/", StringComparison.Ordinal) && OptionEditor.DefinitionSet(m) is not null).ToList();
            // A module that sets nixpkgs.* already, else the first file, else the first module written in place.
            return modules.FirstOrDefault(m => OptionEditor.DefinitionSet(m)!.Bindings.Any(b => b.AttrPath.StaticNames is { Count: > 0 } n && n[0] == "nixpkgs"))
                   ?? modules.FirstOrDefault(m => m.Kind == ModuleKind.File)
                   ?? modules.FirstOrDefault();
        }

        // ------------------------------------------------------------ package sets

        private void ChangePackageSet(PlannedPackageSet set, string target, UnfreeReader.Group? homeGroup = null)
        {
            var label = $"{target}: {set.Name}";
            var value = set.Value;
            var group = _analysis.Groups.FirstOrDefault(g => g.PkgsValue == value && g.Scope == UnfreeScope.PackageSet) ?? homeGroup;
            var candidates = group?.Candidates.Where(c => c.FromPackageSet && !c.Hidden).ToList() ?? new List<UnfreeReader.Candidate>();
            switch (value)
            {
                case ExternalValue legacy when value.Source is SelectSyntax select:
                {
                    if (_request.AllowUnfree == false || _request.Remove) { _unchanged.Add($"{label}: {legacy.Root}.legacyPackages allows no unfree package already"); return; }
                    var config = _request.AllowUnfree == true ? "config.allowUnfree = true;"
                        : _request.Packages.Count > 0 ? $"config.allowUnfreePredicate = {Predicate(legacy.Root + ".lib.getName", string.Join(" ", _request.Packages.Select(NixString.Quote)))};"
                        : $"config.permittedInsecurePackages = [ {string.Join(" ", _request.Insecure.Select(NixString.Quote))} ];";
                    var system = SystemExpression(select);
                    var indent = select.GetLineIndentation();
                    var unit = SyntaxEditor.IndentUnit(select.Tree);
                    var eol = select.Tree.LineEnding;
                    var text = $"import {UnfreeReader.LegacySourceText(select)} {{{eol}{indent}{unit}system = {system};{eol}{indent}{unit}{config}{eol}{indent}}}";
                    AddSplice(select.Tree, select.Span.Start, select.Span.Length, text, $"{label}: import {legacy.Root} with {config.TrimEnd(';')} instead of {legacy.Root}.legacyPackages");
                    return;
                }
                case ImportedInputValue imported when imported.Source is ApplySyntax apply && PredicateReader.Strip(apply.Argument) is AttrSetSyntax arguments:
                {
                    var configNode = arguments.Bindings.FirstOrDefault(b => b.AttrPath.StaticNames is { Count: 1 } n && n[0] == "config");
                    if (configNode is not null && PredicateReader.Strip(configNode.Value) is not AttrSetSyntax)
                    {
                        _refusals.Add(new UnfreeRefusal("UnfreeConfigNotEditable", label, $"its config is given as `{Evaluator.Short(configNode.Value!)}` at {Where(configNode)}; change it where that value is written"));
                        return;
                    }
                    var input = imported.Input.Root;
                    if (_request.AllowUnfree == true)
                    {
                        var existing = candidates.LastOrDefault(c => c.Setting == "allowUnfree");
                        if (existing is { Value: BoolValue { Value: true } }) { _unchanged.Add($"{label}: allowUnfree = true already at {Where(existing)}"); return; }
                        if (existing?.Expression is not null) { ReplaceValue(existing, "true", $"{label}: allowUnfree = true at {Where(existing)}"); return; }
                        InsertConfig(arguments, configNode, "allowUnfree", "true", label);
                        return;
                    }
                    if (_request.AllowUnfree == false)
                    {
                        var found = candidates.Where(c => c.Setting == "allowUnfree" && c.Value is BoolValue { Value: true }).ToList();
                        foreach (var c in found) RemoveSetting(c, $"{label}: remove allowUnfree = true at {Where(c)}");
                        if (found.Count == 0) _unchanged.Add($"{label}: no allowUnfree = true");
                        return;
                    }
                    var setting = _request.Packages.Count > 0 ? "allowUnfreePredicate" : "permittedInsecurePackages";
                    var names = _request.Packages.Count > 0 ? _request.Packages : _request.Insecure;
                    if (_request.Remove || candidates.Any(c => c.Setting == setting))
                    {
                        var pseudo = new UnfreeReader.Group(null, null, label, UnfreeScope.PackageSet, UnfreeReader.Target.FilePackageSet) { ConfigurationName = target };
                        foreach (var c in group?.Candidates ?? new List<UnfreeReader.Candidate>()) pseudo.Add(c);
                        ChangeList(pseudo, candidates, setting, names);
                        return;
                    }
                    if (setting == "allowUnfreePredicate" && candidates.Any(c => c.Setting == "allowUnfree" && c.Value is BoolValue { Value: true }))
                    {
                        _refusals.Add(new UnfreeRefusal("UnfreeEditNotEffective", label, $"allowUnfree = true there already allows every unfree package: a predicate would change nothing"));
                        return;
                    }
                    var quoted = string.Join(" ", names.Select(NixString.Quote));
                    InsertConfig(arguments, configNode, setting, setting == "allowUnfreePredicate" ? Predicate(input + ".lib.getName", quoted) : "[ " + quoted + " ]", label);
                    return;
                }
                default:
                    _refusals.Add(new UnfreeRefusal("UnfreeConfigNotEditable", label, "the editor cannot see where this package set is written; change it by hand"));
                    return;
            }
        }

        private void InsertConfig(AttrSetSyntax arguments, BindingSyntax? configNode, string setting, string value, string label)
        {
            if (configNode is not null && PredicateReader.Strip(configNode.Value) is AttrSetSyntax configSet)
            {
                InsertBinding(configSet, $"{setting} = {value};", $"{label}: config.{setting} = {Short(value)}");
                return;
            }
            var anchor = arguments.Bindings.LastOrDefault(b => b.AttrPath.StaticNames is { Count: > 1 } n && n[0] == "config");
            InsertBinding(arguments, $"config.{setting} = {value};", $"{label}: config.{setting} = {Short(value)}", anchor);
        }

        private static string SystemExpression(SelectSyntax select)
        {
            var part = select.AttrPath.Parts.Last();
            if (AttrPathSyntax.GetStaticName(part) is { } name && part.Kind != SyntaxKind.Interpolation) return NixString.Quote(name);
            if (part is InterpolationSyntax interpolation) return interpolation.Expression.ToString().Trim();
            return part.ToString().Trim();
        }

        // ------------------------------------------------------------ splices

        private void ReplaceValue(UnfreeReader.Candidate candidate, string text, string change)
        {
            var node = candidate.Expression!;
            // Through mkForce/mkDefault: replace the wrapped value, keep the wrapper.
            var inner = PredicateReader.Strip(node)!;
            while (inner is ApplySyntax apply && PredicateReader.Strip(apply.Argument) is { } argument && argument.Kind is SyntaxKind.Identifier or SyntaxKind.Literal or SyntaxKind.Parenthesized)
            {
                inner = PredicateReader.Strip(apply.Argument)!;
            }
            if (candidate.Option is { Node: BindingSyntax } option)
            {
                var valueText = node.Tree.Text[node.Span.Start..inner.Span.Start] + text + node.Tree.Text[inner.Span.End..node.Span.End];
                try
                {
                    AddEdit(OptionEditor.Replace(option, valueText), change);
                }
                catch (OptionEditException e)
                {
                    _refusals.Add(new UnfreeRefusal("UnfreeConfigNotEditable", candidate.Configuration ?? "?", e.Message));
                }
                return;
            }
            AddSplice(node.Tree, inner.Span.Start, inner.Span.Length, text, change);
        }

        private void RemoveSetting(UnfreeReader.Candidate candidate, string change)
        {
            if (candidate.Option is { } option)
            {
                try
                {
                    AddEdit(OptionEditor.Remove(option), change);
                }
                catch (OptionEditException e)
                {
                    _refusals.Add(new UnfreeRefusal("UnfreeConfigNotEditable", candidate.Configuration ?? "?", e.Message));
                }
                return;
            }
            // A setting in the config of an `import <input> { config = ...; }`: an argument, not an option.
            var binding = candidate.Expression?.Parent as BindingSyntax;
            if (binding is null || binding.AttrPath.StaticNames is not { } names || names[^1] != candidate.Setting)
            {
                _refusals.Add(new UnfreeRefusal("UnfreeConfigNotEditable", candidate.Configuration ?? "?", $"{candidate.Setting} at {Where(candidate)} is not written as its own binding; remove it by hand"));
                return;
            }
            AddDiff(binding.Tree, SyntaxEditor.RemoveMember(binding), change);
        }

        private void AddEdit(OptionEdit edit, string change)
        {
            if (!edit.Changed) return;
            var path = edit.Path;
            if (path is null) { _refusals.Add(new UnfreeRefusal("UnfreeNoPlace", change, "the file of this place is not known to the editor")); return; }
            AddTextDiff(path, edit.Before, edit.After, change);
        }

        private void InsertBinding(AttrSetSyntax set, string text, string change, SyntaxNode? after = null) =>
            AddDiff(set.Tree, SyntaxEditor.InsertBindings(set, text, after), change);

        private void AddListItems(ListSyntax list, IReadOnlyList<string> names, string change)
        {
            var items = list.Items.ToList();
            var quoted = names.Select(NixString.Quote).ToList();
            var tree = list.Tree;
            var text = tree.Text;
            if (items.Count == 0)
            {
                AddSplice(tree, list.Span.Start, list.Span.Length, "[ " + string.Join(" ", quoted) + " ]", change);
                return;
            }
            var last = items[^1];
            var multiLine = text.AsSpan(list.Span.Start, items[0].Span.Start - list.Span.Start).Contains('\n') || items.Zip(items.Skip(1)).Any(p => tree.GetLinePosition(p.First.Span.End).Line != tree.GetLinePosition(p.Second.Span.Start).Line);
            var separator = multiLine ? tree.LineEnding + last.GetLineIndentation() : " ";
            var at = last.Span.End;
            if (multiLine)
            {
                // After a comment that ends the last item's line, unless the list closes on that line.
                var lineEnd = text.IndexOf('\n', at);
                if (lineEnd < 0) lineEnd = text.Length;
                if (lineEnd > 0 && text[lineEnd - 1] == '\r') lineEnd--;
                var close = list.LastToken();
                if (close is null || close.Span.Start > lineEnd) at = text[..lineEnd].TrimEnd(' ', '\t').Length;
            }
            AddSplice(tree, at, 0, string.Concat(quoted.Select(q => separator + q)), change);
        }

        private void RemoveListItem(ListSyntax list, SyntaxNode item, string change)
        {
            var tree = list.Tree;
            var text = tree.Text;
            var lineStart = text.LastIndexOf('\n', Math.Max(0, item.Span.Start - 1)) + 1;
            var lineEnd = text.IndexOf('\n', item.Span.End);
            if (lineEnd < 0) lineEnd = text.Length;
            var before = text[lineStart..item.Span.Start];
            var after = text[item.Span.End..lineEnd].TrimEnd('\r');
            var aloneOnLine = before.Trim().Length == 0 && (after.Trim().Length == 0 || after.TrimStart().StartsWith('#'));
            if (aloneOnLine && lineEnd < text.Length)
            {
                AddSplice(tree, lineStart, lineEnd + 1 - lineStart, "", change);
                return;
            }
            // Same line as others: the item and the whitespace before it.
            var start = item.Span.Start;
            while (start > 0 && text[start - 1] is ' ' or '\t') start--;
            AddSplice(tree, start, item.Span.End - start, "", change);
        }

        private void AddDiff(SyntaxTree old, SyntaxTree edited, string change)
        {
            var path = PathOf(old);
            if (path is null) { _refusals.Add(new UnfreeRefusal("UnfreeNoPlace", change, "the file of this place is not known to the editor")); return; }
            AddTextDiff(path, old.Text, edited.Text, change);
        }

        private void AddTextDiff(string path, string a, string b, string change)
        {
            var prefix = 0;
            while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix]) prefix++;
            var suffix = 0;
            while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[a.Length - 1 - suffix] == b[b.Length - 1 - suffix]) suffix++;
            var splice = new Splice(path, a, prefix, a.Length - prefix - suffix, b.Substring(prefix, b.Length - prefix - suffix), change);
            if (!_splices.Contains(splice)) _splices.Add(splice);
        }

        private void AddSplice(SyntaxTree tree, int start, int length, string text, string change)
        {
            var path = PathOf(tree);
            if (path is null)
            {
                _refusals.Add(new UnfreeRefusal("UnfreeNoPlace", change, "the file of this place is not known to the editor"));
                return;
            }
            var splice = new Splice(path, tree.Text, start, length, text, change);
            if (_splices.Contains(splice)) return;
            _splices.Add(splice);
        }

        private readonly Dictionary<SyntaxTree, string?> _paths = new();

        private string? PathOf(SyntaxTree tree)
        {
            if (_paths.TryGetValue(tree, out var known)) return known;
            string? path = null;
            if (tree == _analysis.Source.Flake.Tree) path = _analysis.Source.FlakePath;
            path ??= _analysis.Configurations.SelectMany(c => c.Modules).FirstOrDefault(m => m.Value?.Source?.Tree == tree && m.Path is not null)?.Path;
            path ??= _analysis.Groups.SelectMany(g => g.Candidates).FirstOrDefault(c => c.Expression?.Tree == tree && c.Location is not null)?.Location?.Path;
            path ??= _analysis.PackageSets.Select(p => p.NoneRow).FirstOrDefault(r => r is not null && r.Path.Length > 0 && System.IO.File.Exists(r.Path) && IO.TextFile.Read(r.Path) == tree.Text)?.Path;
            path ??= _analysis.Settings.Where(s => s.Path.Length > 0 && System.IO.File.Exists(s.Path)).Select(s => s.Path).Distinct().FirstOrDefault(p => IO.TextFile.Read(p) == tree.Text);
            _paths[tree] = path;
            return path;
        }

        private string Where(UnfreeReader.Candidate candidate) => candidate.Location is { } l ? Relative(l.Path) + ":" + l.Line : candidate.PackageSet ?? "?";

        private string Where(SyntaxNode? node) => node is null ? "?" : PathOf(node.Tree) is { } p ? Relative(p) + ":" + node.StartPosition.Line : "line " + node.StartPosition.Line;

        private string Relative(string path)
        {
            var relative = System.IO.Path.GetRelativePath(_directory, path);
            return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
        }

        private static string Short(string text) => text.Length > 60 ? text[..57] + "..." : text;

        public UnfreePlan Build()
        {
            var files = new List<UnfreeFileEdit>();
            foreach (var byFile in _splices.GroupBy(s => s.Path))
            {
                var oldText = byFile.First().OldText;
                var ordered = byFile.OrderByDescending(s => s.Start).ThenByDescending(s => s.Length).ToList();
                var text = oldText;
                var end = int.MaxValue;
                var overlap = false;
                foreach (var splice in ordered)
                {
                    if (splice.Start + splice.Length > end) { overlap = true; break; }
                    text = text[..splice.Start] + splice.Text + text[(splice.Start + splice.Length)..];
                    end = splice.Start;
                }
                if (overlap)
                {
                    _refusals.Add(new UnfreeRefusal("UnfreeEditConflict", byFile.Key, "two changes of this request touch the same text; run them one configuration at a time (-Configuration)"));
                    continue;
                }
                var parsed = SyntaxTree.Parse(text);
                if (parsed.HasErrors && !SyntaxTree.Parse(oldText).HasErrors)
                {
                    _refusals.Add(new UnfreeRefusal("UnfreeEditInvalid", byFile.Key, $"the edit would not parse ({parsed.Diagnostics[0]}); nothing was written"));
                    continue;
                }
                files.Add(new UnfreeFileEdit(byFile.Key, oldText, text, ordered.OrderBy(s => s.Start).Select(s => s.Change).ToList()));
            }
            return new UnfreePlan(files, _refusals, _unchanged);
        }
    }
}
