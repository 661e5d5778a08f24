using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using FlakeTools.Core.Evaluation;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Project;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Configurations;

/// <summary>
/// Reads the configurations of a flake and their module graphs without running Nix: the flake's
/// <c>outputs</c> function is applied to stand-ins for its inputs by the static reader
/// (<see cref="Evaluator"/>), configurations are found as calls of the known builders, and
/// modules are followed from each configuration's <c>modules</c> through <c>imports</c>,
/// home-manager users and shared modules. Each file is parsed once.
/// </summary>
public sealed class ConfigurationReader
{
    private static readonly (string Output, ConfigurationKind Kind)[] Outputs =
    {
        ("nixosConfigurations", ConfigurationKind.NixOS),
        ("homeConfigurations", ConfigurationKind.HomeManager),
        ("darwinConfigurations", ConfigurationKind.Darwin),
    };

    private readonly FlakeSource _source;
    private readonly Evaluator _evaluator;
    private readonly Thunk _outputs;
    private readonly List<string> _flakeProblems = new();

    private ConfigurationReader(FlakeSource source, int stepLimit)
    {
        _source = source;
        _evaluator = new Evaluator(new SourceFiles(), stepLimit);
        _evaluator.Files.Add(source.FlakePath, source.Flake.Tree);
        _evaluator.FallbackDirectory = source.Directory;
        _outputs = Thunk.Deferred(ApplyOutputs, source.Flake.Outputs);
    }

    /// <summary>The static reader used (its files, steps).</summary>
    public Evaluator Evaluator => _evaluator;

    /// <summary>The flake read.</summary>
    public FlakeSource Source => _source;

    /// <summary>Problems with the flake as a whole (no <c>outputs</c>, outputs not a set).</summary>
    public IReadOnlyList<string> FlakeProblems => _flakeProblems;

    /// <summary>Opens the flake at a directory or flake.nix and prepares to read it.</summary>
    public static ConfigurationReader Open(string path, int stepLimit = 200_000) => new(FlakeSource.Open(path), stepLimit);

    /// <summary>Prepares to read an opened flake.</summary>
    public static ConfigurationReader Create(FlakeSource source, int stepLimit = 200_000) => new(source, stepLimit);

    /// <summary>
    /// Reads every configuration with its modules. Runs on a thread with a large stack, since
    /// evaluation nests as deep as the Nix code does.
    /// </summary>
    public IReadOnlyList<FlakeConfiguration> ReadConfigurations(Func<string, bool>? nameFilter = null)
    {
        IReadOnlyList<FlakeConfiguration>? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = ReadAll(nameFilter);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, 16 * 1024 * 1024);
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException($"reading the configurations of {_source.FlakePath} failed: {failure.Message}", failure);
        return result!;
    }

    /// <summary>The names of the configurations, without reading their modules (for completion).</summary>
    public IReadOnlyList<(string Name, ConfigurationKind Kind)> ReadNames()
    {
        var names = new List<(string, ConfigurationKind)>();
        var outputs = _evaluator.Force(_outputs);
        foreach (var (output, kind) in Outputs)
        {
            if (_evaluator.SelectOrNull(outputs, output, null) is AttrSetValue set)
            {
                names.AddRange(set.Names.Select(n => (n, kind)));
            }
        }
        return names;
    }

    private IReadOnlyList<FlakeConfiguration> ReadAll(Func<string, bool>? nameFilter)
    {
        var configurations = new List<FlakeConfiguration>();
        _evaluator.ResetBudget();
        var outputs = Unwrap(_evaluator.Force(_outputs));
        if (outputs is not AttrSetValue && outputs is not ExternalValue)
        {
            configurations.Add(new FlakeConfiguration
            {
                Name = "*",
                Path = _source.Directory,
                File = _source.FlakePath,
                Line = _source.Flake.Outputs?.StartPosition.Line ?? 1,
                Unresolved = new[] { "the flake's outputs: " + Evaluator.Why(outputs) },
            });
            return configurations;
        }
        foreach (var (output, kind) in Outputs)
        {
            _evaluator.ResetBudget();
            var value = _evaluator.SelectOrNull(outputs, output, null);
            if (value is null) continue;
            value = Unwrap(value);
            // A flake whose outputs are partly unknown (flake-parts modules from inputs) may or may not
            // define this kind: say so once, below, rather than for each kind.
            if (value is UnknownValue && outputs is AttrSetValue { IsComplete: false } && outputs.Source is not null && ((AttrSetValue)outputs).Get(output) is null) continue;
            if (value is AttrSetValue set)
            {
                foreach (var (name, thunk) in set.Attributes)
                {
                    if (nameFilter is not null && !nameFilter(name)) continue;
                    configurations.Add(ReadConfiguration(name, output, kind, thunk));
                }
                if (!set.IsComplete)
                {
                    var reason = set.Incomplete ?? string.Join("; ", set.Rest.Select(Evaluator.Why));
                    if (nameFilter is null || nameFilter("*")) configurations.Add(Placeholder(output, kind, set.Source, "more configurations may exist: " + reason));
                }
            }
            else if (nameFilter is null || nameFilter("*"))
            {
                configurations.Add(Placeholder(output, kind, value.Source, $"the names of {output} are unknown: {Evaluator.Why(value)}"));
            }
        }
        if (configurations.Count == 0 && outputs is AttrSetValue { IsComplete: false } partial && (nameFilter is null || nameFilter("*")))
        {
            configurations.Add(Placeholder("", ConfigurationKind.Unknown, partial.Source, "configurations may exist that the reader cannot see: " + (partial.Incomplete ?? string.Join("; ", partial.Rest.Select(Evaluator.Why)))));
        }
        return configurations;
    }

    private FlakeConfiguration Placeholder(string output, ConfigurationKind kind, SyntaxNode? source, string reason)
    {
        var location = _evaluator.Files.Locate(source);
        return new FlakeConfiguration
        {
            Name = "*",
            Kind = kind,
            Output = output,
            Path = _source.Directory,
            File = location?.Path ?? _source.FlakePath,
            Line = location?.Line ?? 0,
            Unresolved = new[] { reason },
        };
    }

    private NixValue ApplyOutputs()
    {
        var tree = _source.Flake.Tree;
        var top = Unwrap(_evaluator.EvaluateRoot(tree));
        var outputs = _evaluator.SelectOrNull(top, "outputs", tree.Root);
        if (outputs is null) return new UnknownValue("flake.nix has no outputs");
        var names = new SortedDictionary<string, Thunk>(StringComparer.Ordinal);
        var inputs = new AttrSetValue(names, null);
        var inputsThunk = Thunk.Of(inputs);
        foreach (var input in _source.Flake.Inputs)
        {
            names[input.Name] = Thunk.Of(new ExternalValue(input.Name, Array.Empty<string>(), null));
        }
        if (outputs is LambdaValue { Pattern: { } pattern })
        {
            foreach (var formal in pattern.Formals)
            {
                if (formal.Name != "self" && !names.ContainsKey(formal.Name))
                    names[formal.Name] = Thunk.Of(new ExternalValue(formal.Name, Array.Empty<string>(), null));
            }
        }
        Thunk? result = null;
        names["self"] = Thunk.Of(new FlakeSelfValue(_source.Directory, Thunk.Deferred(() => result is null ? new UnknownValue("self is used before the outputs exist") : _evaluator.Force(result), null), inputsThunk));
        result = Thunk.Deferred(() => _evaluator.Apply(outputs, inputsThunk, _source.Flake.Outputs), _source.Flake.Outputs);
        return _evaluator.Force(result);
    }

    private NixValue Unwrap(NixValue value)
    {
        while (true)
        {
            switch (value)
            {
                case PriorityValue p: value = _evaluator.Force(p.Value); continue;
                case ConditionalValue { Condition: BoolValue { Value: true } } c: value = _evaluator.Force(c.Value); continue;
                default: return value;
            }
        }
    }

    // ---------------------------------------------------------------- one configuration

    private FlakeConfiguration ReadConfiguration(string name, string output, ConfigurationKind kind, Thunk thunk)
    {
        _evaluator.ResetBudget();
        var value = Unwrap(_evaluator.Force(thunk));
        var location = _evaluator.Files.Locate(thunk.Expression) ?? _evaluator.Files.Locate(value.Source);
        var configuration = new FlakeConfiguration
        {
            Name = name,
            Kind = kind,
            Output = output,
            Path = _source.Directory,
            File = location?.Path ?? _source.FlakePath,
            Line = location?.Line ?? 0,
        };
        if (value is not BuilderCallValue call)
        {
            configuration.Kind = ConfigurationKind.Unknown;
            configuration.Unresolved = new[] { $"not a call of nixosSystem, homeManagerConfiguration or darwinSystem the reader can see: {Evaluator.Why(value)}" };
            return configuration;
        }
        var builderKind = call.Kind switch
        {
            BuilderKind.NixOS => ConfigurationKind.NixOS,
            BuilderKind.HomeManager => ConfigurationKind.HomeManager,
            _ => ConfigurationKind.Darwin,
        };
        configuration.Kind = builderKind;
        configuration.Builder = call.Builder.DisplayName;
        var unresolved = new List<string>();
        if (builderKind != kind) unresolved.Add($"{output}.{name} is made with {call.Builder.DisplayName}, a {builderKind} builder");

        var arguments = Unwrap(_evaluator.Force(call.Argument));
        configuration.Arguments = arguments;
        if (arguments is not AttrSetValue args)
        {
            unresolved.Add($"the arguments of {call.Builder.DisplayName}: {Evaluator.Why(arguments)}");
            configuration.Unresolved = unresolved.ToArray();
            return configuration;
        }
        if (!args.IsComplete) unresolved.Add("the arguments of the builder are not all known: " + (args.Incomplete ?? string.Join("; ", args.Rest.Select(Evaluator.Why))));

        var system = Get(args, "system");
        if (system is StringValue s) configuration.System = s.Value;

        var isHome = builderKind == ConfigurationKind.HomeManager;
        var specialName = isHome ? "extraSpecialArgs" : "specialArgs";
        var special = ArgumentSet.From(_evaluator, Get(args, specialName), isHome ? ArgumentSource.ExtraSpecialArgs : ArgumentSource.SpecialArgs, specialName);
        configuration.SpecialArgs = special.Names.ToArray();
        if (special.Unresolved is not null) unresolved.Add(special.Unresolved);

        var pkgs = Get(args, "pkgs");
        if (pkgs is not null) configuration.Pkgs = DescribePackages(pkgs);
        else if (isHome) { configuration.Pkgs = new PackageSet(PackageSetKind.Unresolved, null, "missing (homeManagerConfiguration needs pkgs)", null, null); }
        else configuration.Pkgs = new PackageSet(PackageSetKind.BuilderDefault, call.Builder.Root, call.Builder.Root + " (default)", null, _evaluator.Files.Locate(call.Source));
        if (configuration.System is null && configuration.Pkgs.Kind == PackageSetKind.LegacyPackages && configuration.Pkgs.Value is ExternalValue legacy && legacy.AttrPath.Count >= 2)
            configuration.System = legacy.AttrPath[^1];
        if (configuration.System is null && configuration.Pkgs.Kind == PackageSetKind.Import && configuration.Pkgs.Value is ImportedInputValue { Argument: { } importArgs }
            && _evaluator.SelectOrNull(_evaluator.Force(importArgs), "system", null) is StringValue importSystem)
            configuration.System = importSystem.Value;

        var modules = new List<Thunk>();
        var modulesValue = Get(args, "modules");
        var context = builderKind switch
        {
            ConfigurationKind.HomeManager => ModuleContext.HomeManager,
            ConfigurationKind.Darwin => ModuleContext.Darwin,
            _ => ModuleContext.NixOS,
        };
        var evaluation = new ModuleEvaluation(this, configuration, context, null, special);
        var listText = $"{output}.{name} modules";
        if (modulesValue is ListValue list) modules.AddRange(list.Items);
        else if (modulesValue is not null) unresolved.Add($"the modules list: {Evaluator.Why(modulesValue)}");
        if (isHome && args.Get("configuration") is { } legacyConfiguration) modules.Add(legacyConfiguration);
        foreach (var module in modules) evaluation.Walk(module, null, listText, null);
        evaluation.Finish();
        var all = new List<FlakeModule>(evaluation.Modules);

        if (evaluation.HomeManager is { } home && context is ModuleContext.NixOS or ModuleContext.Darwin)
        {
            var setup = home.Build(_evaluator, configuration.Pkgs);
            configuration.HomeManager = setup;
            unresolved.AddRange(setup.Unresolved);
            var homeContext = context == ModuleContext.NixOS ? ModuleContext.HomeManagerInNixOS : ModuleContext.HomeManagerInDarwin;
            foreach (var (user, definitions) in home.Users)
            {
                var userEvaluation = new ModuleEvaluation(this, configuration, homeContext, user, home.ExtraSpecialArgs(_evaluator));
                foreach (var (shared, from) in home.SharedModules) userEvaluation.Walk(shared, null, from, null);
                foreach (var (definition, from, condition) in definitions) userEvaluation.Walk(definition, null, from, condition);
                userEvaluation.Finish();
                all.AddRange(userEvaluation.Modules);
            }
        }
        if (configuration.Pkgs?.Kind == PackageSetKind.BuilderDefault && evaluation.PkgsOption is { } pkgsOption) configuration.Pkgs = pkgsOption;
        configuration.System ??= evaluation.HostPlatform;
        configuration.Modules = all.ToArray();
        unresolved.AddRange(all.Where(m => m.Unresolved is not null).Select(m => $"module {m.Name}{(m.User is null ? "" : " (user " + m.User + ")")}: {m.Unresolved}"));
        configuration.Unresolved = unresolved.Distinct().ToArray();
        return configuration;
    }

    private NixValue? Get(AttrSetValue set, string name)
    {
        var value = _evaluator.SelectOrNull(set, name, null);
        return value is null ? null : Unwrap(value);
    }

    internal PackageSet DescribePackages(NixValue value)
    {
        value = Unwrap(value);
        var location = _evaluator.Files.Locate(value.Source);
        switch (value)
        {
            case ExternalValue { RootKind: ExternalRootKind.Input } external when external.AttrPath.Count >= 1 && external.AttrPath[0] == "legacyPackages":
                return new PackageSet(PackageSetKind.LegacyPackages, external.Root, external.Root + ".legacyPackages", value, location);
            case ImportedInputValue imported:
            {
                NixValue? config = null;
                var names = new List<string>();
                if (imported.Argument is not null && Unwrap(_evaluator.Force(imported.Argument)) is AttrSetValue args)
                {
                    names.AddRange(args.Names);
                    config = _evaluator.SelectOrNull(args, "config", null);
                }
                var text = $"import {imported.Input.DisplayName}" + (names.Count > 0 ? " { " + string.Join(" ", names) + " }" : "");
                return new PackageSet(PackageSetKind.Import, imported.Input.Root, text, value, location, config);
            }
            case ExternalValue external:
                return new PackageSet(PackageSetKind.Unresolved, external.RootKind == ExternalRootKind.Input ? external.Root : null, external.DisplayName, value, location);
            default:
                return new PackageSet(PackageSetKind.Unresolved, null, "unresolved: " + Evaluator.Why(value), value, location);
        }
    }

    // ---------------------------------------------------------------- module graph

    internal string DisplayPath(string path)
    {
        var relative = System.IO.Path.GetRelativePath(_source.Directory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    /// <summary>One evaluation of modules (one <c>evalModules</c>): NixOS, or one home-manager user.</summary>
    private sealed class ModuleEvaluation
    {
        private readonly ConfigurationReader _reader;
        private readonly FlakeConfiguration _configuration;
        private readonly ModuleContext _context;
        private readonly string? _user;
        private readonly ArgumentSet _special;
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly Stack<string> _stack = new();
        private readonly HashSet<string> _moduleArgs = new(StringComparer.Ordinal);
        private readonly List<(FlakeModule Module, PatternInfo Pattern)> _pending = new();
        private readonly Thunk _argumentSet;
        private string? _moduleArgsUnresolved;

        public ModuleEvaluation(ConfigurationReader reader, FlakeConfiguration configuration, ModuleContext context, string? user, ArgumentSet special)
        {
            _reader = reader;
            _configuration = configuration;
            _context = context;
            _user = user;
            _special = special;
            _argumentSet = Thunk.Of(BuildArgumentSet());
        }

        public List<FlakeModule> Modules { get; } = new();

        public HomeManagerCollector? HomeManager { get; private set; }

        public PackageSet? PkgsOption { get; private set; }

        public string? HostPlatform { get; private set; }

        private Evaluator E => _reader._evaluator;

        private AttrSetValue BuildArgumentSet()
        {
            var names = new SortedDictionary<string, Thunk>(StringComparer.Ordinal);
            foreach (var name in ModuleSystemArguments(_context))
            {
                names[name] = Thunk.Of(new ExternalValue(name, Array.Empty<string>(), null, ExternalRootKind.Argument));
            }
            foreach (var (name, thunk) in _special.Values) names[name] = thunk;
            return new AttrSetValue(names, null, new NixValue[] { new ExternalValue("_module.args", Array.Empty<string>(), null, ExternalRootKind.Argument) });
        }

        public void Walk(Thunk thunk, FlakeModule? parent, string importedFrom, string? condition)
        {
            E.ResetBudget();
            var value = E.Force(thunk);
            var site = thunk.Expression;
            while (true)
            {
                if (value is PriorityValue priority) { value = E.Force(priority.Value); continue; }
                if (value is ConditionalValue conditional)
                {
                    if (conditional.Condition is BoolValue { Value: false }) return;
                    if (conditional.Condition is not BoolValue) condition = condition is null ? conditional.ConditionText : condition + " && " + conditional.ConditionText;
                    value = E.Force(conditional.Value);
                    continue;
                }
                break;
            }
            var module = new FlakeModule
            {
                Configuration = _configuration.Name,
                ConfigurationKind = _configuration.Kind,
                Context = _context,
                User = _user,
                Flake = _configuration.Path,
                ImportedFrom = importedFrom,
                Condition = condition,
                Evaluator = E,
            };
            string? key = null;
            if (value is PathValue or StringValue { Value: ['/', ..] })
            {
                var path = value is PathValue p ? p.Path : ((StringValue)value).Value;
                var file = E.Files.Open(path);
                key = file.Path;
                module.Kind = ModuleKind.File;
                module.Path = file.Path;
                module.Name = _reader.DisplayPath(file.Path);
                var importLine = E.Files.Locate(value.Source ?? site);
                if (_stack.Contains(key))
                {
                    var cycle = $"imports {_reader.DisplayPath(file.Path)}, which imports this module again (an import cycle: Nix fails with infinite recursion)";
                    if (parent is not null) parent.Problem = parent.Problem is null ? cycle : parent.Problem + "; " + cycle;
                    return;
                }
                if (!_seen.Add(key)) return;
                if (file.Tree is null)
                {
                    module.Kind = ModuleKind.Unresolved;
                    module.Line = importLine?.Line ?? 0;
                    module.Problem = $"{file.Error}; it is imported from {importLine?.ToString() ?? importedFrom}";
                    Modules.Add(module);
                    return;
                }
                if (file.Tree.HasErrors)
                {
                    var first = file.Tree.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);
                    module.Line = first.Line;
                    module.SyntaxError = first;
                    module.Problem = $"syntax error at {_reader.DisplayPath(first.FilePath ?? file.Path)}:{first.Line}:{first.Column}: {first.Message}";
                    Modules.Add(module);
                    return;
                }
                module.Line = 1;
                value = E.ImportFile(file.Path, value.Source);
            }
            else if (value is LambdaValue or AttrSetValue)
            {
                var location = E.Files.Locate(value.Source);
                module.Path = location?.Path;
                module.Line = location?.Line ?? 0;
                var isFile = value.Source?.Parent is RootSyntax;
                module.Kind = isFile ? ModuleKind.File : ModuleKind.Inline;
                module.Name = module.Path is null ? "inline" : isFile ? _reader.DisplayPath(module.Path) : $"inline ({_reader.DisplayPath(module.Path)}:{module.Line})";
                key = isFile ? module.Path : null;
                if (key is not null && _stack.Contains(key)) return;
                if (key is not null && !_seen.Add(key)) return;
            }
            else if (value is ExternalValue external)
            {
                module.Kind = ModuleKind.Input;
                module.Name = external.DisplayName;
                var location = E.Files.Locate(external.Source ?? site);
                module.Path = null;
                module.Line = location?.Line ?? 0;
                if (!_seen.Add("input:" + external.DisplayName)) return;
                if (IsHomeManagerModule(external))
                {
                    HomeManager ??= new HomeManagerCollector(_reader);
                    HomeManager.Module = external.DisplayName;
                }
                if (external.RootKind == ExternalRootKind.Generated)
                {
                    module.Kind = ModuleKind.Generated;
                }
                else if (external.RootKind == ExternalRootKind.Argument && external.Root != "modulesPath")
                {
                    module.Kind = ModuleKind.Unresolved;
                    module.Unresolved = $"`{external.DisplayName}` is known only when Nix evaluates the configuration";
                }
                Modules.Add(module);
                return;
            }
            else
            {
                var location = E.Files.Locate(value.Source ?? site);
                module.Kind = ModuleKind.Unresolved;
                module.Path = location?.Path;
                module.Line = location?.Line ?? 0;
                module.Name = module.Path is null ? "unresolved" : $"unresolved ({_reader.DisplayPath(module.Path)}:{module.Line})";
                module.Unresolved = Evaluator.Why(value);
                Modules.Add(module);
                return;
            }

            Modules.Add(module);
            if (key is not null) _stack.Push(key);
            try
            {
                Expand(module, value);
            }
            finally
            {
                if (key is not null) _stack.Pop();
            }
        }

        private void Expand(FlakeModule module, NixValue value)
        {
            E.ResetBudget();
            var pattern = new PatternInfo(Array.Empty<string>(), false, false);
            if (value is LambdaValue lambda)
            {
                pattern = PatternInfo.Of(lambda);
                module.Arguments = pattern.Names;
                module.TakesMore = pattern.TakesMore;
                if (module.Kind == ModuleKind.File && lambda.Source is { } source) module.Line = source.StartPosition.Line;
                value = E.Apply(lambda, _argumentSet, lambda.Source);
            }
            while (value is PriorityValue p) value = E.Force(p.Value);
            _pending.Add((module, pattern));
            if (value is ConditionalValue or MergeValue)
            {
                // lib/modules.nix takes a body of `mkIf c { ... }` (or mkMerge) as the module's config.
                module.Value = value;
                ReadSettings(module, value);
                return;
            }
            if (value is not AttrSetValue body)
            {
                module.Unresolved ??= "the module's body is not a set the reader can see: " + Evaluator.Why(value);
                return;
            }
            module.Value = body;
            var here = module.Path is null ? module.Name : $"{module.Path}:{module.Line}";
            var explicitConfig = body.Get("config") is not null || body.Get("options") is not null;
            if (body.Get("imports") is { } imports)
            {
                var list = Unwrap(E.Force(imports));
                if (list is ListValue items)
                {
                    foreach (var item in items.Items) Walk(item, module, here, null);
                }
                else
                {
                    module.Unresolved ??= "its imports are unknown: " + Evaluator.Why(list);
                }
            }
            NixValue config = body;
            if (explicitConfig)
            {
                config = body.Get("config") is { } c ? E.Force(c) : AttrSetValue.Empty;
            }
            ReadSettings(module, config);
        }

        private NixValue Unwrap(NixValue value) => _reader.Unwrap(value);

        private void ReadSettings(FlakeModule module, NixValue config)
        {
            var moduleArgs = new List<string>();
            foreach (var (definition, _) in Definitions(config, "_module", "args"))
            {
                if (definition is AttrSetValue set)
                {
                    moduleArgs.AddRange(set.Names);
                    if (!set.IsComplete) _moduleArgsUnresolved ??= $"_module.args in {module.Name} is not fully known";
                }
                else
                {
                    _moduleArgsUnresolved ??= $"_module.args in {module.Name}: {Evaluator.Why(definition)}";
                }
            }
            foreach (var name in moduleArgs) _moduleArgs.Add(name);
            module.SetsModuleArgs = moduleArgs.Distinct().ToArray();

            if (_context is ModuleContext.NixOS or ModuleContext.Darwin)
            {
                foreach (var (definition, _) in Definitions(config, "nixpkgs", "pkgs"))
                {
                    var described = _reader.DescribePackages(definition);
                    var location = E.Files.Locate(definition.Source);
                    PkgsOption = new PackageSet(PackageSetKind.ModuleOption, described.Input, "nixpkgs.pkgs = " + described.Text, definition, location, described.Config);
                }
                foreach (var name in new[] { "hostPlatform", "system" })
                {
                    foreach (var (definition, _) in Definitions(config, "nixpkgs", name))
                    {
                        if (definition is StringValue platform) HostPlatform ??= platform.Value;
                        else if (definition is AttrSetValue platformSet && E.SelectOrNull(platformSet, "system", null) is StringValue platformSystem) HostPlatform ??= platformSystem.Value;
                    }
                }
                foreach (var (definition, condition) in Definitions(config, "home-manager"))
                {
                    if (definition is not AttrSetValue settings) continue;
                    HomeManager ??= new HomeManagerCollector(_reader);
                    HomeManager.Add(settings, module, condition, Definitions);
                }
            }
        }

        /// <summary>Every definition at a path in a module's config, through mkIf, mkMerge and priorities.</summary>
        private IEnumerable<(NixValue Value, string? Condition)> Definitions(NixValue config, params string[] path)
        {
            var current = new List<(NixValue, string?)> { (config, null) };
            foreach (var name in path)
            {
                var next = new List<(NixValue, string?)>();
                foreach (var (value, condition) in current)
                {
                    foreach (var (set, setCondition) in Flatten(value, condition))
                    {
                        if (set is AttrSetValue attrs && attrs.Get(name) is { } thunk) next.Add((E.Force(thunk), setCondition));
                    }
                }
                current = next;
            }
            return current.SelectMany(c => Flatten(c.Item1, c.Item2));
        }

        private IEnumerable<(NixValue, string?)> Flatten(NixValue value, string? condition)
        {
            switch (value)
            {
                case PriorityValue p:
                    return Flatten(E.Force(p.Value), condition);
                case ConditionalValue c:
                    if (c.Condition is BoolValue { Value: false }) return Array.Empty<(NixValue, string?)>();
                    return Flatten(E.Force(c.Value), c.Condition is BoolValue ? condition : condition is null ? c.ConditionText : condition + " && " + c.ConditionText);
                case MergeValue m when E.Force(m.List) is ListValue list:
                    return list.Items.SelectMany(item => Flatten(E.Force(item), condition)).ToList();
                default:
                    return new[] { (value, condition) };
            }
        }

        /// <summary>Decides, once every module's <c>_module.args</c> is known, how each argument arrives.</summary>
        public void Finish()
        {
            var system = ModuleSystemArguments(_context);
            foreach (var (module, pattern) in _pending)
            {
                var missing = new List<string>();
                foreach (var name in pattern.Names)
                {
                    ArgumentSource source;
                    if (_special.Names.Contains(name)) source = _special.Source;
                    else if (system.Contains(name)) source = ArgumentSource.ModuleSystem;
                    else if (_moduleArgs.Contains(name)) source = ArgumentSource.ModuleArgs;
                    else if (_special.Unresolved is not null || _moduleArgsUnresolved is not null) source = ArgumentSource.Unknown;
                    else source = ArgumentSource.None;
                    module.ReceivedVia[name] = source;
                    if (source == ArgumentSource.None) missing.Add(name);
                }
                module.MissingArguments = missing.ToArray();
            }
        }

        private static bool IsHomeManagerModule(ExternalValue external)
        {
            var path = external.AttrPath;
            if (path.Count >= 2 && path[^2] is "nixosModules" or "darwinModules" && path[^1] == "home-manager") return true;
            return external.Root == "home-manager" && path.Count == 2 && path[0] is "nixosModules" or "darwinModules" && path[1] == "default";
        }
    }

    /// <summary>The arguments the module system gives every module of a context.</summary>
    public static IReadOnlySet<string> ModuleSystemArguments(ModuleContext context) => context switch
    {
        ModuleContext.NixOS => NixOSArguments,
        ModuleContext.Darwin => DarwinArguments,
        ModuleContext.HomeManager => StandaloneHomeArguments,
        _ => NestedHomeArguments,
    };

    // lib/modules.nix gives lib, options, config, specialArgs, _class, _prefix and, through
    // _module.args, extendModules and moduleType; NixOS adds modulesPath (specialArgs), pkgs, utils,
    // baseModules, extraModules, modules, noUserModules (_module.args).
    private static readonly HashSet<string> CommonArguments = new(StringComparer.Ordinal) { "lib", "options", "config", "specialArgs", "_class", "_prefix", "extendModules", "moduleType" };
    private static readonly HashSet<string> NixOSArguments = new(CommonArguments) { "modulesPath", "pkgs", "utils", "baseModules", "extraModules", "modules", "noUserModules" };
    private static readonly HashSet<string> DarwinArguments = new(CommonArguments) { "modulesPath", "pkgs", "baseModules", "modules" };
    private static readonly HashSet<string> StandaloneHomeArguments = new(CommonArguments) { "modulesPath", "pkgs", "pkgsPath", "baseModules", "nixosConfig", "darwinConfig" };
    private static readonly HashSet<string> NestedHomeArguments = new(StandaloneHomeArguments) { "name", "osConfig", "osClass" };

    private sealed record PatternInfo(string[] Names, bool TakesMore, bool HasDefaults)
    {
        public static PatternInfo Of(LambdaValue lambda)
        {
            if (lambda.Pattern is not { } pattern) return new PatternInfo(Array.Empty<string>(), true, false);
            var formals = pattern.Formals.ToList();
            return new PatternInfo(formals.Select(f => f.Name).ToArray(), pattern.HasEllipsis || pattern.BindName is not null, formals.Any(f => f.Default is not null));
        }
    }

    /// <summary>home-manager settings collected over all modules of a NixOS or nix-darwin configuration.</summary>
    private sealed class HomeManagerCollector
    {
        private readonly ConfigurationReader _reader;
        private readonly List<NixValue> _extraSpecialArgs = new();
        private readonly List<string> _unresolved = new();
        private bool? _useGlobalPkgs;
        private bool? _useUserPackages;

        public HomeManagerCollector(ConfigurationReader reader) => _reader = reader;

        public string? Module { get; set; }

        public SortedDictionary<string, List<(Thunk Definition, string From, string? Condition)>> Users { get; } = new(StringComparer.Ordinal);

        public List<(Thunk Module, string From)> SharedModules { get; } = new();

        private Evaluator E => _reader._evaluator;

        public void Add(AttrSetValue settings, FlakeModule module, string? condition, Func<NixValue, string[], IEnumerable<(NixValue Value, string? Condition)>> definitions)
        {
            var here = module.Path is null ? module.Name : $"{module.Path}:{module.Line}";
            if (settings.Get("users") is { } usersThunk)
            {
                foreach (var (users, usersCondition) in definitions(E.Force(usersThunk), Array.Empty<string>()))
                {
                    if (users is not AttrSetValue set)
                    {
                        _unresolved.Add($"home-manager.users in {module.Name}: {Evaluator.Why(users)}");
                        continue;
                    }
                    if (!set.IsComplete) _unresolved.Add($"home-manager.users in {module.Name}: " + (set.Incomplete ?? "not all names are known"));
                    foreach (var (user, definition) in set.Attributes)
                    {
                        if (!Users.TryGetValue(user, out var list)) Users[user] = list = new();
                        list.Add((definition, here, usersCondition ?? condition));
                    }
                }
            }
            if (settings.Get("sharedModules") is { } shared)
            {
                foreach (var (value, _) in definitions(E.Force(shared), Array.Empty<string>()))
                {
                    if (value is ListValue list) SharedModules.AddRange(list.Items.Select(i => (i, here)));
                    else _unresolved.Add($"home-manager.sharedModules in {module.Name}: {Evaluator.Why(value)}");
                }
            }
            if (settings.Get("extraSpecialArgs") is { } extra)
            {
                foreach (var (value, _) in definitions(E.Force(extra), Array.Empty<string>())) _extraSpecialArgs.Add(value);
            }
            _useGlobalPkgs = ReadBool(settings, "useGlobalPkgs", module) ?? _useGlobalPkgs;
            _useUserPackages = ReadBool(settings, "useUserPackages", module) ?? _useUserPackages;
        }

        private bool? ReadBool(AttrSetValue settings, string name, FlakeModule module)
        {
            if (settings.Get(name) is not { } thunk) return null;
            var value = _reader.Unwrap(E.Force(thunk));
            if (value is BoolValue b) return b.Value;
            _unresolved.Add($"home-manager.{name} in {module.Name}: {Evaluator.Why(value)}");
            return null;
        }

        public ArgumentSet ExtraSpecialArgs(Evaluator evaluator)
        {
            NixValue merged = AttrSetValue.Empty;
            foreach (var value in _extraSpecialArgs) merged = evaluator.Update(merged, value, value.Source);
            return ArgumentSet.From(evaluator, merged, ArgumentSource.ExtraSpecialArgs, "home-manager.extraSpecialArgs");
        }

        public HomeManagerSetup Build(Evaluator evaluator, PackageSet? systemPkgs)
        {
            var extra = ExtraSpecialArgs(evaluator);
            var unresolved = new List<string>(_unresolved);
            if (extra.Unresolved is not null) unresolved.Add(extra.Unresolved);
            var pkgs = _useGlobalPkgs == true
                ? new PackageSet(PackageSetKind.GlobalPkgs, systemPkgs?.Input, "the system's pkgs (useGlobalPkgs)" + (systemPkgs is null ? "" : ": " + systemPkgs.Text), systemPkgs?.Value, systemPkgs?.Location, systemPkgs?.Config)
                : new PackageSet(PackageSetKind.HomeManagerOwn, systemPkgs?.Input, "its own instance of the system's nixpkgs, with home-manager's nixpkgs.* options", null, null);
            return new HomeManagerSetup
            {
                Users = Users.Keys.ToArray(),
                UseGlobalPkgs = _useGlobalPkgs,
                UseUserPackages = _useUserPackages,
                ExtraSpecialArgs = extra.Names.ToArray(),
                SharedModules = SharedModules.Count,
                Pkgs = pkgs,
                Module = Module,
                Unresolved = unresolved.ToArray(),
            };
        }
    }
}

/// <summary>The names (and values) given through <c>specialArgs</c> or <c>extraSpecialArgs</c>.</summary>
internal sealed class ArgumentSet
{
    private ArgumentSet(ArgumentSource source, IReadOnlyDictionary<string, Thunk> values, string? unresolved)
    {
        Source = source;
        Values = values;
        Unresolved = unresolved;
    }

    public ArgumentSource Source { get; }

    public IReadOnlyDictionary<string, Thunk> Values { get; }

    public IEnumerable<string> Names => Values.Keys;

    public string? Unresolved { get; }

    public static ArgumentSet From(Evaluator evaluator, NixValue? value, ArgumentSource source, string what)
    {
        while (value is PriorityValue p) value = evaluator.Force(p.Value);
        if (value is null) return new ArgumentSet(source, new Dictionary<string, Thunk>(), null);
        if (value is AttrSetValue set)
        {
            var values = new SortedDictionary<string, Thunk>(set.Attributes.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
            string? unresolved = null;
            if (!set.IsComplete)
            {
                var reasons = set.Rest.Select(Evaluator.Why).ToList();
                if (set.Incomplete is not null) reasons.Add(set.Incomplete);
                unresolved = $"{what} may hold more names: {string.Join("; ", reasons)}";
            }
            return new ArgumentSet(source, values, unresolved);
        }
        return new ArgumentSet(source, new Dictionary<string, Thunk>(), $"{what}: {Evaluator.Why(value)}");
    }
}
