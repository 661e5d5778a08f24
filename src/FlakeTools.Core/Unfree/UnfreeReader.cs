using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Evaluation;
using FlakeTools.Core.IO;
using FlakeTools.Core.Project;
using FlakeTools.Core.Settings;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Unfree;

/// <summary>
/// Finds every place unfree (and its neighbours) is configured in a flake, from its module graph
/// (<see cref="ConfigurationReader"/>) and its files, and decides for each one which configuration
/// and package set it reaches and whether it takes effect there.
/// </summary>
public sealed class UnfreeReader
{
    /// <summary>The settings read, in nixpkgs' names.</summary>
    public static IReadOnlyList<string> SettingNames { get; } = new[]
    {
        "allowUnfree", "allowUnfreePredicate", "allowUnfreePackages",
        "permittedInsecurePackages", "allowInsecurePredicate", "allowBroken", "allowUnsupportedSystem",
    };

    // Options nixpkgs' own config module declares (so pkgs.config always holds them, false by default).
    private static readonly HashSet<string> DeclaredInPkgsConfig = new(StringComparer.Ordinal) { "allowUnfree", "allowBroken", "allowUnsupportedSystem" };

    private readonly FlakeSource? _flake;
    private readonly string _directory;
    private readonly Evaluator _evaluator;
    private readonly Func<SyntaxNode?, SourceLocation?> _locate;
    private readonly List<UnfreeSetting> _rows = new();
    private readonly HashSet<(string, int)> _seenPackageSets = new();
    internal readonly List<PlannedPackageSet> PackageSets = new();
    internal readonly List<Group> Groups = new();

    private UnfreeReader(FlakeSource? flake, string directory, Evaluator evaluator, Func<SyntaxNode?, SourceLocation?> locate)
    {
        _flake = flake;
        _directory = directory;
        _evaluator = evaluator;
        _locate = locate;
    }

    /// <summary>Reads the unfree settings of the flake at a directory or flake.nix.</summary>
    public static IReadOnlyList<UnfreeSetting> ReadFlake(string path, UnfreeEnvironment? environment = null) => Analyze(FlakeSource.Open(path), environment).Settings;

    /// <summary>Reads the unfree settings of an opened flake: its configurations, its package sets, and the config files and variables outside it.</summary>
    public static UnfreeAnalysis Analyze(FlakeSource source, UnfreeEnvironment? environment = null)
    {
        var configurationReader = ConfigurationReader.Create(source);
        var configurations = configurationReader.ReadConfigurations();
        return Analyze(source, configurations, configurationReader.Evaluator, environment);
    }

    /// <summary>Reads the unfree settings of a flake whose configurations are read already.</summary>
    public static UnfreeAnalysis Analyze(FlakeSource source, IReadOnlyList<FlakeConfiguration> configurations, Evaluator? evaluator, UnfreeEnvironment? environment)
    {
        Func<SyntaxNode?, SourceLocation?> locate;
        if (evaluator is not null)
        {
            locate = evaluator.Files.Locate;
        }
        else
        {
            // Without the reader's files, trees are matched to files through the modules that hold them.
            var trees = new Dictionary<SyntaxTree, string>();
            foreach (var configuration in configurations)
            {
                if (configuration.Arguments?.Source?.Tree is { } tree && configuration.File is not null) trees.TryAdd(tree, configuration.File);
                foreach (var module in configuration.Modules)
                {
                    if (module.Value?.Source?.Tree is { } moduleTree && module.Path is not null) trees.TryAdd(moduleTree, module.Path);
                }
            }
            locate = node => node is not null && trees.TryGetValue(node.Tree, out var file) ? new SourceLocation(file, node.StartPosition.Line) : null;
            evaluator = new Evaluator();
        }
        var reader = new UnfreeReader(source, source.Directory, evaluator, locate);
        OnLargeStack(() => { reader.Run(configurations, environment ?? UnfreeEnvironment.None); return 0; });
        return new UnfreeAnalysis(source, configurations, reader._rows, reader.Groups, reader.PackageSets);
    }

    /// <summary>Runs work on a thread with a large stack (evaluation nests as deep as the Nix code does); an exception comes back to the caller.</summary>
    internal static T OnLargeStack<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new System.Threading.Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, 16 * 1024 * 1024);
        thread.Start();
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        return result;
    }

    // ---------------------------------------------------------------- the flake

    private void Run(IReadOnlyList<FlakeConfiguration> configurations, UnfreeEnvironment environment)
    {
        var moduleFiles = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var configuration in configurations)
        {
            if (configuration.Name == "*") continue;
            try
            {
                ReadConfiguration(configuration);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or NullReferenceException or KeyNotFoundException or InvalidCastException)
            {
                _rows.Add(new UnfreeSetting
                {
                    Setting = "config",
                    Scope = Scope(configuration.Kind),
                    Configuration = configuration.Name,
                    Reason = "the unfree settings of this configuration could not be read: " + e.Message,
                    Path = configuration.File ?? (_flake?.FlakePath ?? _directory),
                    Line = configuration.Line,
                    Flake = _directory,
                });
            }
            foreach (var module in configuration.Modules)
            {
                if (module.Path is null) continue;
                if (!moduleFiles.TryGetValue(module.Path, out var names)) moduleFiles[module.Path] = names = new List<string>();
                var name = module.User is null ? configuration.Name : configuration.Name + "/" + module.User;
                if (!names.Contains(name)) names.Add(name);
            }
        }
        ScanFiles(moduleFiles);
        ReadOutside(environment);
    }

    private static UnfreeScope Scope(ConfigurationKind kind) => kind switch
    {
        ConfigurationKind.HomeManager => UnfreeScope.HomeManager,
        ConfigurationKind.Darwin => UnfreeScope.Darwin,
        _ => UnfreeScope.NixOS,
    };

    private void ReadConfiguration(FlakeConfiguration configuration)
    {
        switch (configuration.Kind)
        {
            case ConfigurationKind.NixOS or ConfigurationKind.Darwin:
                ReadSystem(configuration);
                break;
            case ConfigurationKind.HomeManager:
                ReadStandaloneHome(configuration);
                break;
        }
    }

    private void ReadSystem(FlakeConfiguration configuration)
    {
        var scope = Scope(configuration.Kind);
        var system = configuration.Modules.Where(m => m.Context is ModuleContext.NixOS or ModuleContext.Darwin).ToList();
        var pkgs = configuration.Pkgs;
        var external = pkgs is not null && pkgs.Kind is PackageSetKind.ModuleOption or PackageSetKind.Import or PackageSetKind.LegacyPackages or PackageSetKind.Unresolved && pkgs.Kind != PackageSetKind.BuilderDefault;
        var label = external ? pkgs!.Text : $"{pkgs?.Input ?? "nixpkgs"} ({configuration.Kind})";
        var group = new Group(configuration, null, label, scope, Target.SystemModules);
        var rank = 0;
        foreach (var module in Ordered(system)) AddModuleDefinitions(group, module, scope, configuration.Name, rank++);
        if (external)
        {
            var reason = pkgs!.Kind == PackageSetKind.ModuleOption
                ? $"nixpkgs.pkgs is set ({pkgs.Text}): NixOS uses that package set as it is, and refuses to evaluate when nixpkgs.config is set too (\"Your system configures nixpkgs with an externally created instance\")"
                : $"the pkgs given to {configuration.Builder} ({pkgs.Text}) is used as it is: nixpkgs.config does not reach it";
            var fix = $"put the setting into the config of that package set ({pkgs.Text}) and remove it from nixpkgs.config";
            group.Unreached(reason, fix);
            if (pkgs.Value is not null) AddPackageSet(configuration, configuration.Name, pkgs.Kind == PackageSetKind.ModuleOption ? "nixpkgs.pkgs" : "pkgs", pkgs.Value, Target.SystemPkgs);
        }
        Finish(group);

        // home-manager users inside the system.
        if (configuration.HomeManager is { } home)
        {
            foreach (var user in home.Users)
            {
                var name = configuration.Name + "/" + user;
                var userModules = configuration.Modules.Where(m => m.User == user && m.Context is ModuleContext.HomeManagerInNixOS or ModuleContext.HomeManagerInDarwin).ToList();
                var userLabel = home.UseGlobalPkgs == true ? label + " (useGlobalPkgs)" : $"home-manager's own nixpkgs ({user})";
                var userGroup = new Group(configuration, user, userLabel, UnfreeScope.HomeManagerInNixOS, Target.UserModules);
                var userRank = 0;
                foreach (var module in Ordered(userModules)) AddModuleDefinitions(userGroup, module, UnfreeScope.HomeManagerInNixOS, name, userRank++);
                if (home.UseGlobalPkgs == true)
                {
                    userGroup.Unreached(
                        $"home-manager.useGlobalPkgs = true: {user}'s modules get the {configuration.Kind} pkgs, and home-manager ignores their nixpkgs.* options (newer home-manager refuses to evaluate when both nixpkgs.config and nixpkgs.overlays are set)",
                        $"set it on the {configuration.Kind} side instead (nixpkgs.config in a module of {configuration.Name}: Set-NixUnfreeConfig -Configuration {configuration.Name}), and remove it from {user}'s modules");
                }
                else if (!userGroup.Candidates.Any(c => c.Setting is "allowUnfree" or "allowUnfreePredicate" or "allowUnfreePackages") && group.Candidates.Any(c => c.Effective == true && c.Setting is "allowUnfree" or "allowUnfreePredicate" or "allowUnfreePackages"))
                {
                    var first = userModules.FirstOrDefault(m => m.Path is not null);
                    _rows.Add(new UnfreeSetting
                    {
                        Setting = "(none)",
                        Scope = UnfreeScope.HomeManagerInNixOS,
                        ProblemId = "UnfreeNoConfig",
                        Configuration = name,
                        PackageSet = userLabel,
                        Effective = false,
                        Reason = $"without home-manager.useGlobalPkgs, home-manager builds its own nixpkgs for {user} with only home-manager's nixpkgs.config: the {configuration.Kind} nixpkgs.config does not reach {user}'s pkgs",
                        Fix = $"set home-manager.useGlobalPkgs = true, or nixpkgs.config in {user}'s home configuration (Set-NixUnfreeConfig -Configuration {name})",
                        Path = first?.Path ?? configuration.File ?? (_flake?.FlakePath ?? _directory),
                        Line = first?.Line ?? configuration.Line,
                        Flake = _directory,
                    });
                }
                Finish(userGroup);
            }
            // Package sets given to the users through home-manager.extraSpecialArgs.
            foreach (var option in OptionReader.Read(system, new[] { "home-manager", "extraSpecialArgs" }).Definitions)
            {
                var below = option.Below(new[] { "home-manager", "extraSpecialArgs" });
                if (below is { Count: 1 }) AddPackageSetIfOne(configuration, configuration.Name, below[0], Thunk.Of(option.Value), Target.ExtraPackageSet);
                else if (below is { Count: 0 } && Unwrap(option.Value) is AttrSetValue args)
                {
                    foreach (var (argument, thunk) in args.Attributes) AddPackageSetIfOne(configuration, configuration.Name, argument, thunk, Target.ExtraPackageSet);
                }
            }
        }
        AddSpecialArgs(configuration, "specialArgs");
    }

    private void ReadStandaloneHome(FlakeConfiguration configuration)
    {
        var pkgs = configuration.Pkgs;
        var root = configuration.Builder?.Split('.')[0] ?? "home-manager";
        var release = HomeManagerRelease.Of(_flake!, root);
        var label = pkgs?.Text ?? "pkgs";
        var group = new Group(configuration, null, label, UnfreeScope.HomeManager, Target.HomeModules) { Release = release };
        var homeRank = 0;
        foreach (var module in Ordered(configuration.Modules.Where(m => m.Context == ModuleContext.HomeManager).ToList())) AddModuleDefinitions(group, module, UnfreeScope.HomeManager, configuration.Name, homeRank++);

        // The given pkgs's config is a definition of nixpkgs.config too: at normal priority, after the
        // modules, up to release 23.05; only a default (mkDefault) from 23.11.
        var priority = release.PkgsConfigIsDefault ? 1000 : ConfigDefinitions.NormalPriority;
        NixValue? pkgsConfig = null;
        if (pkgs?.Kind == PackageSetKind.Import) pkgsConfig = pkgs.Config is null ? null : Unwrap(pkgs.Config);
        var explicitNames = new HashSet<string>(StringComparer.Ordinal);
        if (pkgs is not null && pkgs.Value is not null && pkgs.Kind is PackageSetKind.Import or PackageSetKind.LegacyPackages)
        {
            var setName = pkgs.Kind == PackageSetKind.LegacyPackages ? "pkgs" : "pkgs";
            var location = _locate(pkgs.Value.Source);
            var definition = new ConfigDefinition(pkgsConfig ?? AttrSetValue.Empty, null, release.PkgsConfigIsDefault ? "mkDefault" : null, priority);
            if (pkgsConfig is not null)
            {
                foreach (var candidate in Candidates(definition, UnfreeScope.PackageSet, configuration.Name, $"pkgs = {label}", location)) { candidate.FromPackageSet = true; candidate.PackageSetValue = pkgs.Value; candidate.ModuleRank = -1; group.Add(candidate); explicitNames.Add(candidate.Setting); }
                if (pkgsConfig is not AttrSetValue) { }
            }
            group.PkgsDefinitionPriority = priority;
            group.PkgsValue = pkgs.Value;
            // Declared options are always in pkgs.config: false unless the import set them.
            foreach (var name in DeclaredInPkgsConfig)
            {
                if (explicitNames.Contains(name)) continue;
                group.Add(new Candidate(name, new BoolValue(false, null), null, definition, hidden: true, scope: UnfreeScope.PackageSet, configuration.Name, label, location) { FromPackageSet = true, PackageSetValue = pkgs.Value, ModuleRank = -1 });
            }
            UnfreeSetting? none = null;
            if (pkgsConfig is null && !group.Candidates.Any(c => !c.Hidden && c.Setting is "allowUnfree" or "allowUnfreePredicate" or "allowUnfreePackages"))
            {
                none = NoneRow(configuration.Name, label, pkgs.Kind, pkgs.Input, location, configuration.System);
                _rows.Add(none);
            }
            MarkSeen(pkgs.Value);
            PackageSets.Add(new PlannedPackageSet(configuration, configuration.Name, "pkgs", pkgs.Value, pkgsConfig, Target.SystemPkgs, none));
        }
        Finish(group);
        AddSpecialArgs(configuration, "extraSpecialArgs");
    }

    private void AddSpecialArgs(FlakeConfiguration configuration, string name)
    {
        if (configuration.Arguments is not AttrSetValue args || _evaluator.SelectOrNull(args, name, null) is not AttrSetValue special) return;
        foreach (var (argument, thunk) in special.Attributes) AddPackageSetIfOne(configuration, configuration.Name, argument, thunk, Target.ExtraPackageSet);
    }

    private void AddPackageSetIfOne(FlakeConfiguration configuration, string configurationName, string argument, Thunk thunk, Target target)
    {
        var value = Unwrap(_evaluator.Force(thunk));
        if (IsPackageSet(value)) AddPackageSet(configuration, configurationName, argument, value, target);
    }

    private static bool IsPackageSet(NixValue value) =>
        value is ImportedInputValue { Argument: not null } ||
        value is ExternalValue { RootKind: ExternalRootKind.Input } e && e.AttrPath.Count == 2 && e.AttrPath[0] == "legacyPackages";

    /// <summary>A package set given by value (pkgs, specialArgs): its config's settings, or a (none) row.</summary>
    private void AddPackageSet(FlakeConfiguration? configuration, string? configurationName, string name, NixValue value, Target target)
    {
        value = Unwrap(value);
        var location = _locate(value.Source);
        if (value.Source is { } source && location is { } seenAt && !_seenPackageSets.Add((seenAt.Path, source.Span.Start))) return;
        switch (value)
        {
            case ExternalValue legacy when legacy.AttrPath.Count >= 1 && legacy.AttrPath[0] == "legacyPackages":
            {
                var label = $"{name} = {legacy.Root}.legacyPackages";
                var row = NoneRow(configurationName, label, PackageSetKind.LegacyPackages, legacy.Root, location, legacy.AttrPath.Count > 1 ? legacy.AttrPath[1] : null);
                _rows.Add(row);
                PackageSets.Add(new PlannedPackageSet(configuration, configurationName, name, value, null, target, row));
                break;
            }
            case ImportedInputValue imported:
            {
                var label = $"{name} = import {imported.Input.DisplayName}";
                NixValue? config = null;
                if (imported.Argument is not null && Unwrap(_evaluator.Force(imported.Argument)) is AttrSetValue args) config = _evaluator.SelectOrNull(args, "config", null);
                if (config is not null) config = Unwrap(config);
                var group = new Group(configuration, null, label, UnfreeScope.PackageSet, target) { ConfigurationName = configurationName, PkgsValue = value };
                if (config is not null)
                {
                    foreach (var candidate in Candidates(new ConfigDefinition(config, null, null, ConfigDefinitions.NormalPriority), UnfreeScope.PackageSet, configurationName, label, location))
                    {
                        candidate.FromPackageSet = true;
                        candidate.PackageSetValue = value;
                        group.Add(candidate);
                    }
                }
                UnfreeSetting? none = null;
                if (!group.Candidates.Any(c => c.Setting is "allowUnfree" or "allowUnfreePredicate" or "allowUnfreePackages" || c.Setting == "config"))
                {
                    none = NoneRow(configurationName, label, PackageSetKind.Import, imported.Input.Root, location, null);
                    _rows.Add(none);
                }
                Finish(group);
                PackageSets.Add(new PlannedPackageSet(configuration, configurationName, name, value, config, target, none));
                break;
            }
        }
    }

    private UnfreeSetting NoneRow(string? configuration, string label, PackageSetKind kind, string? input, SourceLocation? location, string? system)
    {
        var legacy = kind == PackageSetKind.LegacyPackages;
        return new UnfreeSetting
        {
            Setting = "(none)",
            Scope = UnfreeScope.PackageSet,
            ProblemId = configuration is null ? null : "UnfreeNoConfig",
            Configuration = configuration,
            PackageSet = label,
            Effective = false,
            Reason = legacy
                ? $"{input}.legacyPackages is nixpkgs with its default config: no unfree package evaluates from it, whatever nixpkgs.config says"
                : "this package set is made without a config that allows unfree packages",
            Fix = $"make it with `import {input ?? "nixpkgs"} {{ system = {(system is null ? "..." : "\"" + system + "\"")}; config.allowUnfree = true; }}`" + (configuration is null ? "" : $" (Set-NixUnfreeConfig -Configuration {UnfreeSetting.ConfigurationOf(configuration)} -AllowUnfree)"),
            Path = location?.Path ?? "",
            Line = location?.Line ?? 0,
            Flake = _directory,
        };
    }

    private void MarkSeen(NixValue value)
    {
        if (value.Source is { } source && _locate(source) is { } location) _seenPackageSets.Add((location.Path, source.Span.Start));
    }

    // ---------------------------------------------------------------- module definitions

    /// <summary>Modules in the order the module system merges their definitions: breadth first (genericClosure), as nixpkgs' lib/modules.nix collects them.</summary>
    internal static List<FlakeModule> Ordered(List<FlakeModule> modules)
    {
        string Here(FlakeModule m) => m.Path is null ? m.Name : $"{m.Path}:{m.Line}";
        var byHere = new Dictionary<string, FlakeModule>(StringComparer.Ordinal);
        foreach (var module in modules) byHere.TryAdd(Here(module), module);
        var children = modules.ToDictionary(m => m, _ => new List<FlakeModule>());
        var roots = new List<FlakeModule>();
        foreach (var module in modules)
        {
            if (module.ImportedFrom is not null && byHere.TryGetValue(module.ImportedFrom, out var parent) && parent != module) children[parent].Add(module);
            else roots.Add(module);
        }
        var order = new List<FlakeModule>();
        var queue = new Queue<FlakeModule>(roots);
        var seen = new HashSet<FlakeModule>();
        while (queue.Count > 0)
        {
            var next = queue.Dequeue();
            if (!seen.Add(next)) continue;
            order.Add(next);
            foreach (var child in children[next]) queue.Enqueue(child);
        }
        return order;
    }

    private static readonly string[] NixpkgsConfig = { "nixpkgs", "config" };

    private void AddModuleDefinitions(Group group, FlakeModule module, UnfreeScope scope, string configuration, int rank = 0)
    {
        if (module.Value is null) return;
        _evaluator.ResetBudget();
        var result = OptionReader.Read(new[] { module }, NixpkgsConfig);
        foreach (var option in result.Definitions)
        {
            var below = option.Below(NixpkgsConfig);
            if (below is null) continue;
            var (leafPriority, configPriority, configPriorityName) = Priorities(option, below.Count > 0);
            var definition = new ConfigDefinition(option.Value, option.Condition, configPriorityName, configPriority);
            group.Definitions.Add(definition);
            SourceLocation? location = option.Node is { } node ? new SourceLocation(option.File ?? module.Path ?? "", node.StartPosition.Line) : module.Path is null ? null : new SourceLocation(module.Path, module.Line);
            if (below.Count == 0)
            {
                // nixpkgs.config = <a value not written in place>: look into the value.
                foreach (var candidate in Candidates(definition, scope, configuration, group.Label, location))
                {
                    candidate.Module = module;
                    candidate.ModuleRank = rank;
                    group.Add(candidate);
                }
                continue;
            }
            if (below.Count != 1 || !SettingNames.Contains(below[0])) continue;
            var value = Unwrap(option.Value);
            group.Add(new Candidate(below[0], value, option.ValueNode, definition, false, scope, configuration, group.Label, location)
            {
                Module = module,
                Option = option,
                NestedPriority = leafPriority,
                ModuleRank = rank,
            });
        }
        foreach (var problem in result.Unresolved)
        {
            var definition = new ConfigDefinition(new UnknownValue(problem.Reason), null, null, ConfigDefinitions.NormalPriority);
            group.Add(new Candidate("config", definition.Value, null, definition, false, scope, configuration, group.Label, new SourceLocation(problem.File ?? module.Path ?? "", problem.Line))
            {
                Module = module,
                ModuleRank = rank,
                Unknown = "this nixpkgs config is not known statically: " + problem.Reason,
            });
        }
    }

    /// <summary>
    /// The priority of a setting's own wrapper (<c>allowUnfree = lib.mkForce true</c>, which does not
    /// order the nixpkgs.config definitions: they merge with recursiveUpdate) and the priority of the
    /// nixpkgs.config definition it belongs to (<c>nixpkgs.config = lib.mkForce { ... }</c>, which does).
    /// </summary>
    private static (string? Leaf, int Config, string? ConfigName) Priorities(OptionDefinition option, bool isLeaf)
    {
        var priorities = option.Wrappers.Where(w => w.Kind == OptionWrapperKind.Priority).ToList();
        string? leaf = null;
        // The setting's own wrapper sits between its value and the binding that names it.
        var own = isLeaf ? option.ValueNode?.Ancestors().TakeWhile(a => a is not BindingSyntax).OfType<ApplySyntax>().Select(WrapperName).LastOrDefault(n => n is not null) : null;
        if (own is not null && priorities.Count > 0 && priorities[^1].Text.StartsWith(own, StringComparison.Ordinal))
        {
            leaf = priorities[^1].Text;
            priorities.RemoveAt(priorities.Count - 1);
        }
        var outer = priorities.FirstOrDefault();
        return (leaf, outer?.Priority ?? ConfigDefinitions.NormalPriority, outer?.Text);
    }

    private static string? WrapperName(ApplySyntax apply)
    {
        var function = PredicateReader.Strip(apply.Function);
        if (function is ApplySyntax inner) function = PredicateReader.Strip(inner.Function);
        var name = function switch
        {
            IdentifierSyntax identifier => identifier.Name,
            SelectSyntax select => select.AttrPath.StaticNames?.LastOrDefault(),
            _ => null,
        };
        return name is "mkForce" or "mkDefault" or "mkOverride" or "mkOptionDefault" or "mkImageMediaOverride" or "mkVMOverride" ? name : null;
    }

    /// <summary>One candidate per setting found in a config definition (a set, a function of pkgs, or unknown).</summary>
    private IEnumerable<Candidate> Candidates(ConfigDefinition definition, UnfreeScope scope, string? configuration, string packageSet, SourceLocation? fallback)
    {
        var value = definition.Value;
        if (value is LambdaValue lambda && lambda.Pattern is not null)
        {
            value = Unwrap(_evaluator.Apply(lambda, Thunk.Of(new ExternalValue("pkgs-config-argument", Array.Empty<string>(), null, ExternalRootKind.Argument)), lambda.Source));
        }
        if (value is not AttrSetValue set)
        {
            yield return new Candidate("config", value, null, definition, false, scope, configuration, packageSet, _locate(value.Source) ?? fallback)
            {
                Unknown = "this nixpkgs config is not known statically: " + Evaluator.Why(value),
            };
            yield break;
        }
        foreach (var name in SettingNames)
        {
            if (set.Get(name) is not { } thunk) continue;
            var raw = _evaluator.Force(thunk);
            foreach (var leaf in ConfigDefinitions.Flatten(_evaluator, raw, definition.Condition, null, ConfigDefinitions.NormalPriority))
            {
                var nestedPriority = raw is PriorityValue p ? p.Wrapper : null;
                var candidate = new Candidate(name, leaf.Value, thunk.Expression, definition, false, scope, configuration, packageSet, _locate(thunk.Expression ?? leaf.Value.Source) ?? fallback)
                {
                    NestedCondition = leaf.Condition,
                    NestedPriority = nestedPriority,
                };
                yield return candidate;
            }
        }
        if (!set.IsComplete)
        {
            yield return new Candidate("config", set, null, definition, false, scope, configuration, packageSet, _locate(set.Source) ?? fallback)
            {
                Unknown = "part of this nixpkgs config is not known statically: " + (set.Incomplete ?? string.Join("; ", set.Rest.Select(Evaluator.Why))),
            };
        }
    }

    private NixValue Unwrap(NixValue value)
    {
        for (var i = 0; i < 64; i++)
        {
            switch (value)
            {
                case PriorityValue p: value = _evaluator.Force(p.Value); continue;
                case ConditionalValue { Condition: BoolValue { Value: true } } c: value = _evaluator.Force(c.Value); continue;
                default: return value;
            }
        }
        return value;
    }

    /// <summary>Decides which candidates of a group take effect, and writes their rows.</summary>
    private void Finish(Group group)
    {
        Groups.Add(group);
        var candidates = group.Candidates;
        if (candidates.Count == 0) return;
        var definitions = candidates.Select(c => c.Definition).Distinct().ToList();
        var best = definitions.Where(d => d.Condition is null).Select(d => d.Priority).DefaultIfEmpty(int.MaxValue).Min();
        foreach (var candidate in candidates)
        {
            if (candidate.Definition.Priority > best)
            {
                var winner = candidates.First(c => c.Definition.Priority == best && c.Definition.Condition is null);
                candidate.Effective = false;
                candidate.Reason = candidate.FromPackageSet && group.Release is { PkgsConfigIsDefault: true }
                    ? $"{group.Release.Description}: the config of the pkgs given to homeManagerConfiguration is only a default, and the nixpkgs.config at {Where(winner)} replaces all of it"
                    : $"a nixpkgs.config definition with higher priority ({winner.Definition.PriorityName ?? "normal"} at {Where(winner)}) replaces this one";
                candidate.Fix = candidate.FromPackageSet && group.Release is { PkgsConfigIsDefault: true }
                    ? $"move the setting into nixpkgs.config of the home modules (beside {Where(winner)})"
                    : $"set it in the definition at {Where(winner)}, or give both the same priority";
            }
        }
        // lib/modules.nix hands the definitions over with the modules in reverse order of collection
        // (breadth first), each module's own in text order; nixpkgs' config type folds them with
        // recursiveUpdate, so the last of that list wins: the first module collected.
        var merged = candidates.OrderByDescending(c => c.ModuleRank).ThenBy(c => c.Sequence).ToList();
        foreach (var bySetting in merged.Where(c => c.Effective is null).GroupBy(c => c.Setting))
        {
            var list = bySetting.ToList();
            if (bySetting.Key == "allowUnfreePackages")
            {
                foreach (var c in list) c.Effective = true;
                continue;
            }
            var winner = list[^1];
            winner.Effective = true;
            foreach (var loser in list.Take(list.Count - 1))
            {
                if (SameValue(loser, winner))
                {
                    // The same value twice: whichever wins, this one holds.
                    loser.Effective = true;
                    if (winner.Location != loser.Location && !winner.Hidden) loser.Reason = $"the same value is set at {Where(winner)} too";
                    continue;
                }
                loser.Effective = false;
                if (winner.Hidden && group.Release is not null)
                {
                    loser.Reason = $"{group.Release.Description}: home-manager up to release 23.05 gives nixpkgs.config the config of the pkgs passed to homeManagerConfiguration ({group.Label}) at normal priority, and its {loser.Setting} (false unless that pkgs was made with config.{loser.Setting} = true) wins (home-manager issue 2942); from release 23.11 this setting would be honoured";
                    loser.Fix = $"pass `pkgs = import {group.Input ?? "nixpkgs"} {{ system = ...; config.{loser.Setting} = true; }}` to homeManagerConfiguration (Set-NixUnfreeConfig -Configuration {group.Configuration?.Name} -AllowUnfree), use allowUnfreePredicate, or update home-manager to release-23.11 or later";
                    loser.Shadowed = true;
                    loser.ShadowedByPkgs = true;
                }
                else
                {
                    loser.Reason = $"nixpkgs.config definitions do not merge {loser.Setting}: one wins, and it is the one at {Where(winner)} (the module system merges the modules in reverse order of collection with recursiveUpdate)" + (winner.Condition is null ? "" : $" (when `{winner.Condition}` holds)");
                    loser.Fix = loser.Setting.EndsWith("Predicate", StringComparison.Ordinal) || loser.Setting == "permittedInsecurePackages"
                        ? $"merge both into the one at {Where(winner)}"
                        : $"remove one of them; the value that counts is the one at {Where(winner)}";
                    loser.Shadowed = true;
                }
            }
        }
        // allowUnfree = true makes the unfree predicate and list pointless.
        var allowAll = candidates.FirstOrDefault(c => c.Setting == "allowUnfree" && c.Effective == true && c.Value is BoolValue { Value: true } && c.Condition is null);
        if (allowAll is not null)
        {
            foreach (var candidate in candidates.Where(c => c.Effective == true && c.Setting is "allowUnfreePredicate" or "allowUnfreePackages"))
            {
                candidate.Effective = false;
                candidate.Pointless = true;
                candidate.Reason = $"allowUnfree = true at {Where(allowAll)} already allows every unfree package: nixpkgs never asks the {(candidate.Setting == "allowUnfreePackages" ? "list" : "predicate")}";
                candidate.Fix = $"remove the {(candidate.Setting == "allowUnfreePackages" ? "list" : "predicate")}, or remove allowUnfree = true to allow only the packages it names";
            }
        }
        if (group.UnreachedReason is not null)
        {
            foreach (var candidate in candidates.Where(c => !c.FromPackageSet))
            {
                candidate.Effective = false;
                candidate.Reason = group.UnreachedReason;
                candidate.Fix = group.UnreachedFix;
                candidate.Unreached = true;
            }
        }
        foreach (var candidate in candidates)
        {
            if (candidate.Unknown is not null && candidate.Reason is null) candidate.Reason = candidate.Unknown;
            if (candidate.Effective == true && candidate.NestedCondition is not null && candidate.Reason is null) candidate.Reason = $"only when `{candidate.NestedCondition}` holds";
            if (candidate.Hidden) continue;
            candidate.Row = candidate.ToRow(_directory, group.Release?.Description);
            _rows.Add(candidate.Row);
        }
    }

    private static bool SameValue(Candidate a, Candidate b)
    {
        if (a.Value is BoolValue x && b.Value is BoolValue y) return x.Value == y.Value;
        if (a.Expression is null || b.Expression is null) return false;
        return a.Condition == b.Condition && string.Equals(Squeeze(a.Expression.ToString()), Squeeze(b.Expression.ToString()), StringComparison.Ordinal);
    }

    private static string Squeeze(string text) => string.Join(" ", text.Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries));

    private string Where(Candidate candidate)
    {
        if (candidate.Location is not { } location) return candidate.PackageSet ?? "?";
        var relative = System.IO.Path.GetRelativePath(_directory, location.Path);
        return $"{(relative.StartsWith("..", StringComparison.Ordinal) ? location.Path : relative)}:{location.Line}";
    }

    // ---------------------------------------------------------------- the files

    private void ScanFiles(Dictionary<string, List<string>> moduleFiles)
    {
        var files = _evaluator.Files;
        foreach (var path in NixFiles(_directory))
        {
            var file = files.Open(path);
            if (file.Tree is null || file.Tree.HasErrors) continue;
            var isModuleFile = moduleFiles.TryGetValue(file.Path, out var configurations);
            var configuration = configurations is { Count: 1 } ? configurations[0] : null;
            foreach (var node in file.Tree.Root.DescendantNodes())
            {
                if (node is ApplySyntax apply && ImportTarget(apply) is { } target)
                {
                    if (target is SearchPathSyntax searchPath)
                    {
                        AddImpureImport(file.Path, apply, searchPath, configuration, isModuleFile);
                        continue;
                    }
                    if (!_seenPackageSets.Contains((file.Path, apply.Span.Start)))
                    {
                        _evaluator.ResetBudget();
                        var label = BoundName(apply) ?? "import";
                        var input = Evaluator.Short(target);
                        var imported = new ImportedInputValue(new ExternalValue(input, Array.Empty<string>(), target), Thunk.Of(_evaluator.Evaluate(apply.Argument, Evaluation.Scope.Root)), apply);
                        AddPackageSetSyntactic(configuration, label, imported, file.Path);
                    }
                }
                else if (node is SelectSyntax select && IsLegacyPackageSet(select) is { } legacyRoot && !_seenPackageSets.Contains((file.Path, select.Span.Start)))
                {
                    _seenPackageSets.Add((file.Path, select.Span.Start));
                    var system = AttrPathSyntax.GetStaticName(select.AttrPath.Parts.Last());
                    var row = NoneRow(configuration, $"{BoundName(select) ?? "(used directly)"} = {legacyRoot}.legacyPackages", PackageSetKind.LegacyPackages, legacyRoot, new SourceLocation(file.Path, select.StartPosition.Line), system);
                    _rows.Add(row);
                }
            }
            if (!isModuleFile && System.IO.Path.GetFileName(file.Path) == "config.nix" && SettingNames.Any(n => file.Tree.Text.Contains(n, StringComparison.Ordinal)))
            {
                // A nixpkgs config.nix kept in the repository (linked to ~/.config/nixpkgs by the user).
                foreach (var row in LoneModule(file, files, UnfreeScope.ConfigFile, _directory))
                {
                    row.Effective = false;
                    row.Reason = "a nixpkgs config.nix: nixpkgs reads it only as ~/.config/nixpkgs/config.nix or $NIXPKGS_CONFIG, in impure evaluation outside flakes; flake evaluation never reads it";
                    row.Fix = $"for the flake's configurations, set {row.Setting} in their nixpkgs.config (Set-NixUnfreeConfig)";
                    row.ProblemId = null;
                    _rows.Add(row);
                }
            }
            else if (!isModuleFile && file.Path != _flake?.FlakePath) ReadLoneModuleDefinitions(file, files);
        }
    }

    private void AddPackageSetSyntactic(string? configuration, string label, ImportedInputValue imported, string path)
    {
        NixValue? config = null;
        if (imported.Argument is not null && imported.Argument.ValueIfForced is AttrSetValue args && args.Get("config") is { } thunk) config = Unwrap(_evaluator.Force(thunk));
        var fullLabel = $"{label} = import {imported.Input.Root}";
        var location = new SourceLocation(path, imported.Source!.StartPosition.Line);
        var group = new Group(null, null, fullLabel, UnfreeScope.PackageSet, Target.FilePackageSet) { ConfigurationName = configuration, PkgsValue = imported };
        if (config is not null)
        {
            foreach (var candidate in Candidates(new ConfigDefinition(config, null, null, ConfigDefinitions.NormalPriority), UnfreeScope.PackageSet, configuration, fullLabel, location))
            {
                candidate.FromPackageSet = true;
                candidate.PackageSetValue = imported;
                group.Add(candidate);
            }
        }
        _seenPackageSets.Add((path, imported.Source.Span.Start));
        UnfreeSetting? none = null;
        if (!group.Candidates.Any(c => c.Setting is "allowUnfree" or "allowUnfreePredicate" or "allowUnfreePackages" or "config"))
        {
            none = NoneRow(configuration, fullLabel, PackageSetKind.Import, imported.Input.Root, location, null);
            _rows.Add(none);
        }
        Finish(group);
        PackageSets.Add(new PlannedPackageSet(null, configuration, label, imported, config, Target.FilePackageSet, none));
    }

    private void AddImpureImport(string path, ApplySyntax apply, SearchPathSyntax target, string? configuration, bool isModuleFile)
    {
        var inWith = apply.Parent is WithSyntax with && with.Scope == apply || apply.Parent is ParenthesizedSyntax { Parent: WithSyntax } ;
        _rows.Add(new UnfreeSetting
        {
            Setting = $"import {target}",
            ProblemId = "UnfreeImpureImport",
            Value = Evaluator.Short(inWith ? apply.Parent! : apply),
            Scope = isModuleFile ? UnfreeScope.Module : UnfreeScope.PackageSet,
            Configuration = configuration,
            PackageSet = $"import {target}",
            Effective = false,
            Reason = $"`import {target} {{ }}` reads NIX_PATH, which pure flake evaluation does not have (it fails: file '{target.Name}' was not found in the Nix search path); and it makes a package set of its own: the configuration's nixpkgs.config does not reach it",
            Fix = isModuleFile ? "use the module's pkgs argument (`{ pkgs, ... }:`) instead" : "import the flake input instead (`import nixpkgs { system = ...; config.allowUnfree = true; }`)",
            Path = path,
            Line = apply.StartPosition.Line,
            Flake = _directory,
        });
    }

    /// <summary>Definitions of nixpkgs.config in a file no configuration imports (that the reader sees).</summary>
    private void ReadLoneModuleDefinitions(SourceFile file, SourceFiles files)
    {
        if (!file.Tree!.Text.Contains("nixpkgs", StringComparison.Ordinal)) return;
        if (!file.Tree.Root.DescendantNodes().OfType<AttrPathSyntax>().Any(p => p.StaticNames is { } n && (n.Contains("config") || n.Contains("nixpkgs")))) return;
        foreach (var row in LoneModule(file, files, UnfreeScope.Module, _directory))
        {
            row.Reason = "no configuration the reader sees imports this file: whether it takes effect depends on who imports it" + (row.Reason is null ? "" : "; " + row.Reason);
            _rows.Add(row);
        }
    }

    /// <summary>The rows of a module (or config.nix) read on its own.</summary>
    internal static List<UnfreeSetting> LoneModule(SourceFile file, SourceFiles files, UnfreeScope scope, string flake)
    {
        var evaluator = new Evaluator(files) { FallbackDirectory = file.Directory };
        var reader = new UnfreeReader(null, flake, evaluator, evaluator.Files.Locate);
        var value = reader.Unwrap(evaluator.ImportFile(file.Path, null));
        var rows = new List<UnfreeSetting>();
        if (value is LambdaValue lambda)
        {
            value = reader.Unwrap(evaluator.Apply(lambda, Thunk.Of(new ExternalValue("args", Array.Empty<string>(), null, ExternalRootKind.Argument)), lambda.Source));
        }
        if (value is not AttrSetValue body) return rows;
        var group = new Group(null, null, scope == UnfreeScope.ConfigFile ? "config.nix" : "", scope, Target.FilePackageSet);
        if (scope == UnfreeScope.ConfigFile)
        {
            foreach (var candidate in reader.Candidates(new ConfigDefinition(body, null, null, ConfigDefinitions.NormalPriority), scope, null, group.Label, new SourceLocation(file.Path, 1)))
            {
                if (candidate.Setting != "config") group.Add(candidate);
            }
        }
        else
        {
            var module = new FlakeModule { Name = System.IO.Path.GetFileName(file.Path), Kind = ModuleKind.File, Path = file.Path, Line = 1, Value = body, Evaluator = evaluator, Flake = flake };
            reader.AddModuleDefinitions(group, module, scope, "");
            foreach (var candidate in group.Candidates) candidate.Configuration = null;
        }
        reader.Finish(group);
        foreach (var row in reader._rows)
        {
            if (scope == UnfreeScope.Module) row.Effective = null;
            rows.Add(row);
        }
        return rows;
    }

    private static SyntaxNode? ImportTarget(ApplySyntax apply)
    {
        if (PredicateReader.Strip(apply.Function) is not ApplySyntax head) return null;
        var function = PredicateReader.Strip(head.Function);
        var isImport = function is IdentifierSyntax { Name: "import" } || function is SelectSyntax s && s.AttrPath.StaticNames is { Count: 1 } n && n[0] == "import" && s.Expression is IdentifierSyntax { Name: "builtins" };
        if (!isImport) return null;
        var target = PredicateReader.Strip(head.Argument);
        if (PredicateReader.Strip(apply.Argument) is not AttrSetSyntax) return null;
        return target switch
        {
            SearchPathSyntax => target,
            IdentifierSyntax or SelectSyntax => target,
            _ => null,
        };
    }

    private static string? IsLegacyPackageSet(SelectSyntax select)
    {
        var parts = select.AttrPath.Parts.ToList();
        if (parts.Count < 2 || AttrPathSyntax.GetStaticName(parts[^2]) != "legacyPackages") return null;
        if (parts.Count >= 3) return AttrPathSyntax.GetStaticName(parts[^3]);
        return PredicateReader.Strip(select.Expression) switch
        {
            IdentifierSyntax identifier => identifier.Name,
            SelectSyntax inner when inner.AttrPath.StaticNames is { } names && names.Count > 0 => names[^1],
            _ => null,
        };
    }

    /// <summary>The text before <c>.legacyPackages</c>: what to import instead.</summary>
    internal static string LegacySourceText(SelectSyntax select)
    {
        var legacy = select.AttrPath.Parts.ToList()[^2];
        return select.Tree.Text[select.Span.Start..legacy.Span.Start].TrimEnd().TrimEnd('.').TrimEnd();
    }

    private static string? BoundName(SyntaxNode node)
    {
        var parent = node.Parent;
        while (parent is ParenthesizedSyntax) parent = parent.Parent;
        return parent is BindingSyntax binding && binding.AttrPath.StaticNames is { } names ? string.Join(".", names) : null;
    }

    /// <summary>The .nix files of the flake's own tree (<see cref="FlakeTree.NixFiles"/>), at most 5,000, in ordinal order.</summary>
    internal static IEnumerable<string> NixFiles(string directory) =>
        FlakeTree.NixFiles(directory, 5000).OrderBy(f => f, StringComparer.Ordinal);

    // ---------------------------------------------------------------- outside the flake

    private void ReadOutside(UnfreeEnvironment environment)
    {
        foreach (var path in environment.ConfigFiles())
        {
            if (!File.Exists(path)) continue;
            _rows.AddRange(ReadConfigNix(path, _directory, forFlake: true));
            break; // nixpkgs reads the first that exists
        }
        foreach (var (variable, setting) in UnfreeEnvironment.Variables)
        {
            if (!environment.EnvironmentVariables.TryGetValue(variable, out var value)) continue;
            _rows.Add(new UnfreeSetting
            {
                Setting = variable,
                Value = value,
                Scope = UnfreeScope.Environment,
                Effective = false,
                Reason = $"{variable} is read only by impure evaluation (`--impure`, or commands without flakes); pure flake evaluation ignores it" + (value == "1" ? "" : $"; and nixpkgs looks only for the value 1"),
                Fix = $"set {setting} in the configuration's nixpkgs.config (Set-NixUnfreeConfig), or run the command with --impure",
                Flake = _directory,
            });
        }
    }

    /// <summary>The settings of a config.nix (<c>~/.config/nixpkgs/config.nix</c>, <c>$NIXPKGS_CONFIG</c>).</summary>
    public static IReadOnlyList<UnfreeSetting> ReadConfigNix(string path, string? flake = null, bool forFlake = false)
    {
        var files = new SourceFiles();
        var file = files.Open(path);
        if (file.Tree is null) throw new FileAccessException(path, file.Error ?? $"{path} cannot be read");
        var rows = OnLargeStack(() => LoneModule(file, files, UnfreeScope.ConfigFile, flake ?? file.Directory));
        foreach (var row in rows)
        {
            row.Flake = flake ?? path;
            if (forFlake)
            {
                row.Effective = false;
                row.Reason = "config.nix is read only by impure evaluation outside flakes (nix-env, nix-shell, nix-build with <nixpkgs>): flake evaluation never reads it";
                row.Fix = $"set {row.Setting} in the configuration's nixpkgs.config instead (Set-NixUnfreeConfig)";
            }
            else if (row.Effective == true)
            {
                row.Reason = "for impure evaluation outside flakes (nix-env, nix-shell, nix-build with <nixpkgs>); flake evaluation never reads config.nix";
            }
        }
        return rows;
    }

    /// <summary>The settings of one module file read on its own (not through a flake): which configuration it reaches is not known.</summary>
    public static IReadOnlyList<UnfreeSetting> ReadModule(string path)
    {
        var files = new SourceFiles();
        var file = files.Open(path);
        if (file.Tree is null) throw new FileAccessException(path, file.Error ?? $"{path} cannot be read");
        var rows = OnLargeStack(() => LoneModule(file, files, UnfreeScope.Module, path));
        foreach (var row in rows)
        {
            row.Flake = path;
            row.Reason = "read on its own: whether it takes effect depends on the configuration that imports it (read the flake instead)" + (row.Reason is null ? "" : "; " + row.Reason);
        }
        return rows;
    }

    // ---------------------------------------------------------------- candidates

    internal enum Target
    {
        SystemModules,
        UserModules,
        HomeModules,
        SystemPkgs,
        ExtraPackageSet,
        FilePackageSet,
    }

    /// <summary>The definitions that make one package set's config, in merge order.</summary>
    internal sealed class Group
    {
        public Group(FlakeConfiguration? configuration, string? user, string label, UnfreeScope scope, Target target)
        {
            Configuration = configuration;
            User = user;
            Label = label;
            Scope = scope;
            Target = target;
            ConfigurationName = configuration is null ? null : user is null ? configuration.Name : configuration.Name + "/" + user;
        }

        public FlakeConfiguration? Configuration { get; }

        public string? ConfigurationName { get; set; }

        public string? User { get; }

        public string Label { get; }

        public UnfreeScope Scope { get; }

        public Target Target { get; }

        public HomeManagerRelease? Release { get; set; }

        public int? PkgsDefinitionPriority { get; set; }

        public NixValue? PkgsValue { get; set; }

        public string? Input => Configuration?.Pkgs?.Input;

        public List<ConfigDefinition> Definitions { get; } = new();

        public List<Candidate> Candidates { get; } = new();

        public string? UnreachedReason { get; private set; }

        public string? UnreachedFix { get; private set; }

        public void Add(Candidate candidate)
        {
            candidate.Sequence = Candidates.Count;
            Candidates.Add(candidate);
        }

        public void Unreached(string reason, string fix)
        {
            UnreachedReason = reason;
            UnreachedFix = fix;
        }
    }

    internal sealed class Candidate
    {
        public Candidate(string setting, NixValue value, SyntaxNode? expression, ConfigDefinition definition, bool hidden, UnfreeScope scope, string? configuration, string? packageSet, SourceLocation? location)
        {
            Setting = setting;
            Value = value;
            Expression = expression;
            Definition = definition;
            Hidden = hidden;
            Scope = scope;
            Configuration = configuration;
            PackageSet = packageSet;
            Location = location;
        }

        public string Setting { get; }

        public NixValue Value { get; }

        /// <summary>The expression written for the setting (the value node; its parent is the binding).</summary>
        public SyntaxNode? Expression { get; }

        public ConfigDefinition Definition { get; }

        public bool Hidden { get; }

        public UnfreeScope Scope { get; }

        public string? Configuration { get; set; }

        public string? PackageSet { get; }

        public SourceLocation? Location { get; }

        public FlakeModule? Module { get; set; }

        /// <summary>The option definition the setting was read from (for edits through the option editor), or null.</summary>
        public OptionDefinition? Option { get; set; }

        public bool FromPackageSet { get; set; }

        public NixValue? PackageSetValue { get; set; }

        public string? NestedCondition { get; set; }

        public string? NestedPriority { get; set; }

        public string? Unknown { get; set; }

        public bool? Effective { get; set; }

        public string? Reason { get; set; }

        public string? Fix { get; set; }

        public bool Shadowed { get; set; }

        public bool Pointless { get; set; }

        public bool ShadowedByPkgs { get; set; }

        /// <summary>The module's place in the order the module system collects modules (breadth first); -1 for the configuration's own root.</summary>
        public int ModuleRank { get; set; }

        public int Sequence { get; set; }

        public bool Unreached { get; set; }

        public UnfreeSetting? Row { get; set; }

        public string? Condition => NestedCondition ?? Definition.Condition;

        public PredicateInfo? Predicate => Setting.EndsWith("Predicate", StringComparison.Ordinal) ? PredicateReader.Read(Expression) : null;

        public UnfreeSetting ToRow(string flake, string? release)
        {
            var packages = Array.Empty<string>();
            string? text;
            switch (Value)
            {
                case BoolValue b:
                    text = b.Value ? "true" : "false";
                    break;
                case ListValue list:
                    packages = list.Items.Select(i => i.ValueIfForced ?? (i.Expression is StringSyntax s ? new StringValue(s.ConstantValue ?? "", s) : null)).OfType<StringValue>().Select(s => s.Value).ToArray();
                    if (packages.Length < list.Items.Count) packages = list.Items.Select(i => i.Expression is StringSyntax s ? s.ConstantValue : null).Where(s => s is not null).Select(s => s!).ToArray();
                    text = Compact(Expression ?? Value.Source);
                    break;
                case LambdaValue:
                    var predicate = Predicate;
                    packages = predicate?.Packages ?? Array.Empty<string>();
                    text = Compact(Expression ?? Value.Source);
                    break;
                default:
                    text = Compact(Expression ?? Value.Source) ?? Value.ToString();
                    break;
            }
            return new UnfreeSetting
            {
                Setting = Setting,
                Value = text,
                Packages = packages,
                Scope = Scope,
                Configuration = Configuration,
                PackageSet = PackageSet,
                Effective = Effective,
                Reason = Reason,
                Fix = Fix,
                Condition = Condition,
                Priority = NestedPriority ?? Definition.PriorityName,
                Path = Location?.Path ?? "",
                Line = Location?.Line ?? 0,
                Flake = flake,
                HomeManagerRelease = release,
                ProblemId = Effective != false ? null
                    : Pointless ? "UnfreePredicatePointless"
                    : Shadowed && !ShadowedByPkgs ? "UnfreePredicateShadowed"
                    : Unreached && Reason?.Contains("externally created instance", StringComparison.Ordinal) == true ? "UnfreeExternalPkgsWithConfig"
                    : "UnfreeNotEffective",
            };
        }

        private static string? Compact(SyntaxNode? node)
        {
            if (node is null) return null;
            var text = string.Join(" ", node.ToString().Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries));
            return text.Length > 100 ? text[..97] + "..." : text;
        }
    }
}

/// <summary>A package set the reader found given by value (pkgs, specialArgs) or written in a file, for the editor.</summary>
internal sealed record PlannedPackageSet(FlakeConfiguration? Configuration, string? ConfigurationName, string Name, NixValue Value, NixValue? Config, UnfreeReader.Target Target, UnfreeSetting? NoneRow);

/// <summary>What the reader found in a flake: the settings, and what the editor needs to change them.</summary>
public sealed class UnfreeAnalysis
{
    internal UnfreeAnalysis(FlakeSource source, IReadOnlyList<FlakeConfiguration> configurations, IReadOnlyList<UnfreeSetting> settings, IReadOnlyList<UnfreeReader.Group> groups, IReadOnlyList<PlannedPackageSet> packageSets)
    {
        Source = source;
        Configurations = configurations;
        Settings = settings;
        Groups = groups;
        PackageSets = packageSets;
    }

    /// <summary>The flake.</summary>
    public FlakeSource Source { get; }

    /// <summary>The configurations read.</summary>
    public IReadOnlyList<FlakeConfiguration> Configurations { get; }

    /// <summary>Every setting found.</summary>
    public IReadOnlyList<UnfreeSetting> Settings { get; }

    internal IReadOnlyList<UnfreeReader.Group> Groups { get; }

    internal IReadOnlyList<PlannedPackageSet> PackageSets { get; }
}
