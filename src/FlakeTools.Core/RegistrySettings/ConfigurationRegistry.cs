using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Evaluation;
using FlakeTools.Core.Project;
using FlakeTools.Core.Registries;
using FlakeTools.Core.Settings;
using FlakeTools.Syntax;

namespace FlakeTools.Core.RegistrySettings;

/// <summary>
/// The registry as the NixOS and home-manager configurations of a flake declare it:
/// <c>nix.registry.&lt;name&gt;</c> in every form (<c>.flake</c>, <c>.to</c>, <c>.from</c>, <c>.exact</c>;
/// flat, block, nested; inline modules, imported files, home-manager modules; the idioms that
/// register many at once), the settings that disable or move the global registry
/// (<c>nix.settings.flake-registry</c>, <c>nix.extraOptions</c>), and <c>nix.nixPath</c> entries
/// that resolve through the registry. Read from the module graph, without running Nix.
/// </summary>
public sealed class ConfigurationRegistry
{
    private static readonly string[] RegistryOption = { "nix", "registry" };
    private static readonly Regex MissingInput = new("^attribute `([^`]+)` missing in `([^`]+)`$", RegexOptions.CultureInvariant);
    private static readonly Regex FlakeRegistryLine = new(@"^\s*(extra-)?flake-registry\s*=\s*(?<value>.*?)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    private ConfigurationRegistry(FlakeSource source, IReadOnlyList<FlakeConfiguration> configurations)
    {
        Source = source;
        Configurations = configurations;
    }

    /// <summary>The flake read.</summary>
    public FlakeSource Source { get; }

    /// <summary>The flake's directory.</summary>
    public string FlakeDirectory => Source.Directory;

    /// <summary>The configurations read.</summary>
    public IReadOnlyList<FlakeConfiguration> Configurations { get; }

    /// <summary>Every declared entry, in the order of the modules and their text.</summary>
    public IReadOnlyList<RegistryDeclaration> Declarations { get; private set; } = Array.Empty<RegistryDeclaration>();

    /// <summary>Settings that disable or move the global registry, and nixPath entries through the registry.</summary>
    public IReadOnlyList<RegistrySetting> Settings { get; private set; } = Array.Empty<RegistrySetting>();

    /// <summary>Places where declarations may exist that the reader cannot see (<c>file:line: reason</c>).</summary>
    public IReadOnlyList<string> Unresolved { get; private set; } = Array.Empty<string>();

    /// <summary>Reads the configurations of the flake at <paramref name="path"/> (a directory or its flake.nix) and their registry declarations.</summary>
    public static ConfigurationRegistry Open(string path)
    {
        var reader = ConfigurationReader.Open(path);
        return Read(reader.Source, reader.ReadConfigurations());
    }

    /// <summary>The registry declarations of configurations already read.</summary>
    public static ConfigurationRegistry Read(FlakeSource source, IReadOnlyList<FlakeConfiguration> configurations)
    {
        var registry = new ConfigurationRegistry(source, configurations);
        registry.ReadDeclarations();
        registry.ReadSettings();
        return registry;
    }

    /// <summary>The declarations as registry entries (scope Configuration), each with its .nix file and line.</summary>
    public IReadOnlyList<FlakeRegistryEntry> Entries() =>
        Declarations.Select(d => new FlakeRegistryEntry(RegistryScope.Configuration, d.From, d.To ?? Placeholder(d), d.Dir, d.Exact, new RegistryDeclarationOrigin(d))).ToList();

    /// <summary>The declarations of a registered name that generate the registry of a scope (System: NixOS, User: home-manager).</summary>
    public IEnumerable<RegistryDeclaration> DeclarationsOf(string name, RegistryScope generates) =>
        Declarations.Where(d => d.Generates == generates && string.Equals(d.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// Entries of registry files that a configuration generates (links into /nix/store) given an
    /// origin that names the .nix declaration producing them; other entries come back unchanged.
    /// </summary>
    public IReadOnlyList<FlakeRegistryEntry> Annotate(IEnumerable<FlakeRegistryEntry> entries) =>
        entries.Select(entry =>
        {
            if (entry.Origin is not RegistryFileOrigin file || entry.Scope is not (RegistryScope.System or RegistryScope.User)) return entry;
            if (RegistryLocation.StoreTarget(file.Path) is null) return entry;
            var declaration = DeclarationsOf(entry.Name, entry.Scope).FirstOrDefault();
            return new FlakeRegistryEntry(entry.Scope, entry.FromInput, entry.ToInput, entry.Dir, entry.Exact, new GeneratedRegistryOrigin(file, declaration, FlakeDirectory));
        }).ToList();

    /// <summary>
    /// Why a registry file cannot take a change of <paramref name="entryName"/>, naming the .nix
    /// declaration that produces it when the file is a link into /nix/store that this configuration
    /// generates; null when the file can be written.
    /// </summary>
    public string? WhyReadOnly(RegistryLocation location, string entryName)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Path is null || location.Scope is not (RegistryScope.System or RegistryScope.User) || RegistryLocation.StoreTarget(location.Path) is null) return location.WhyReadOnly(entryName);
        var declaration = DeclarationsOf(entryName, location.Scope).FirstOrDefault();
        return new GeneratedRegistryOrigin(new RegistryFileOrigin(location, 0), declaration, FlakeDirectory).WhyReadOnly(entryName);
    }

    /// <summary>The flake directory for a path given by people: a flake directory, its flake.nix, or a .nix file inside a flake (the nearest flake.nix above it); null when there is none.</summary>
    public static string? FindFlake(string path)
    {
        var directory = System.IO.Directory.Exists(path) ? path : System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        for (var current = directory; current is not null; current = System.IO.Path.GetDirectoryName(current))
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(current, "flake.nix"))) return current;
            if (System.IO.Directory.Exists(path)) return null;
        }
        return null;
    }

    private static RegistryInput Placeholder(RegistryDeclaration declaration) =>
        RegistryInput.FromJson(new JsonObject { ["type"] = "indirect", ["id"] = declaration.Input is { } input && IsFlakeId(input) ? input : declaration.Name }, "to");

    private static bool IsFlakeId(string name) => Regex.IsMatch(name, "^[a-zA-Z][a-zA-Z0-9_-]*$");

    // ------------------------------------------------------------ nix.registry

    private void ReadDeclarations()
    {
        var read = OptionReader.Read(Configurations.SelectMany(c => c.Modules), RegistryOption);
        var unresolved = read.Unresolved.Select(p => p.ToString()).ToList();
        var declarations = new List<RegistryDeclaration>();
        var groups = new List<(string Key, string Name, List<OptionDefinition> Definitions)>();
        foreach (var definition in read.Definitions)
        {
            var below = definition.Below(RegistryOption)!;
            if (below.Count == 0)
            {
                declarations.AddRange(Covering(definition, unresolved));
                continue;
            }
            var key = definition.Configuration + "\u0000" + definition.Context + "\u0000" + definition.Module.User + "\u0000" + below[0];
            var group = groups.FirstOrDefault(g => g.Key == key);
            if (group.Definitions is null)
            {
                group = (key, below[0], new List<OptionDefinition>());
                groups.Add(group);
            }
            group.Definitions.Add(definition);
        }
        foreach (var (_, name, definitions) in groups)
        {
            var declaration = new RegistryDeclaration(name, definitions[0].Module, definitions, isCovering: false);
            var builder = new EntryBuilder(this, declaration);
            foreach (var definition in definitions) builder.Apply(definition.Below(RegistryOption)!.Skip(1).ToList(), definition.Value, definition.Module.Evaluator);
            builder.Finish();
            declarations.Add(declaration);
        }
        // One file may be a module of several configurations: one declaration, with every configuration.
        var merged = new List<RegistryDeclaration>();
        foreach (var declaration in declarations.OrderBy(d => Order(d)))
        {
            var same = merged.FirstOrDefault(m => m.Name == declaration.Name && m.Generates == declaration.Generates && m.File == declaration.File && m.Line == declaration.Line && m.Module.User == declaration.Module.User);
            if (same is not null)
            {
                same.Configurations = same.Configurations.Concat(declaration.Configurations).Distinct(StringComparer.Ordinal).ToArray();
                continue;
            }
            merged.Add(declaration);
        }
        Declarations = merged;
        Unresolved = unresolved.Distinct(StringComparer.Ordinal).ToList();
    }

    private int Order(RegistryDeclaration declaration)
    {
        var index = 0;
        foreach (var configuration in Configurations)
        {
            foreach (var module in configuration.Modules)
            {
                if (ReferenceEquals(module, declaration.Module)) return index * 1000 + Math.Min(999, declaration.Definitions.Min(d => d.Line));
                index++;
            }
        }
        return int.MaxValue;
    }

    // `nix.registry = <a set of entries>`: each name it gives is declared by this one line.
    private IEnumerable<RegistryDeclaration> Covering(OptionDefinition definition, List<string> unresolved)
    {
        var evaluator = definition.Module.Evaluator ?? new Evaluator();
        var value = Unwrap(definition.Value, evaluator);
        var known = new HashSet<string>(StringComparer.Ordinal);
        if (value is AttrSetValue set)
        {
            foreach (var (name, thunk) in set.Attributes)
            {
                known.Add(name);
                var declaration = new RegistryDeclaration(name, definition.Module, new[] { definition }, isCovering: true);
                var builder = new EntryBuilder(this, declaration);
                builder.Apply(Array.Empty<string>(), evaluator.Force(thunk), evaluator);
                builder.Finish();
                yield return declaration;
            }
            if (set.IsComplete) yield break;
        }
        // The idiom over inputs the reader could not compute (a filter it does not follow, such as
        // lib.isType "flake"): one declaration per flake input it may name, said to be assumed.
        var text = definition.ValueNode?.ToString() ?? "";
        var reason = value is AttrSetValue partial ? partial.Incomplete ?? string.Join("; ", partial.Rest.Select(Evaluator.Why)) : Evaluator.Why(value);
        var overInputs = (Regex.IsMatch(text, @"\binputs\b") || reason.Contains("filterAttrs", StringComparison.Ordinal) || reason.Contains("isType", StringComparison.Ordinal))
            && (Regex.IsMatch(text + " " + reason, @"\b(mapAttrs|genAttrs|listToAttrs|filterAttrs|mapAttrs')\b") || value is AttrSetValue);
        if (!overInputs)
        {
            unresolved.Add($"{definition.Location}: nix.registry{(value is AttrSetValue ? " may hold more names" : " = ...")}: {reason}");
            yield break;
        }
        var flakesOnly = (text + reason).Contains("isType", StringComparison.Ordinal) || text.Contains("_type", StringComparison.Ordinal);
        var names = Source.Flake.Inputs.Where(i => !flakesOnly || i.IsFlake).Select(i => i.Name).Append("self").Where(n => !known.Contains(n));
        var assumed = $"assumed from `{Evaluator.Short(definition.ValueNode ?? definition.Node!)}`: the reader could not compute {(value is AttrSetValue ? "all of " : "")}the set ({reason})";
        foreach (var name in names)
        {
            var declaration = new RegistryDeclaration(name, definition.Module, new[] { definition }, isCovering: true) { Input = name };
            var builder = new EntryBuilder(this, declaration);
            builder.Finish();
            declaration.Problem = assumed;
            yield return declaration;
        }
    }

    private static NixValue Unwrap(NixValue value, Evaluator evaluator)
    {
        while (true)
        {
            switch (value)
            {
                case PriorityValue p: value = evaluator.Force(p.Value); continue;
                case ConditionalValue { Condition: BoolValue { Value: true } } c: value = evaluator.Force(c.Value); continue;
                default: return value;
            }
        }
    }

    /// <summary>Collects one entry's definitions (<c>flake</c>, <c>to.*</c>, <c>from.*</c>, <c>exact</c>) into its from, to and exact.</summary>
    private sealed class EntryBuilder
    {
        private readonly ConfigurationRegistry _registry;
        private readonly RegistryDeclaration _declaration;
        private readonly JsonObject _to = new();
        private readonly JsonObject _from = new();
        private readonly List<string> _problems = new();

        public EntryBuilder(ConfigurationRegistry registry, RegistryDeclaration declaration)
        {
            _registry = registry;
            _declaration = declaration;
            _declaration.Configurations = new[] { declaration.Module.Configuration };
        }

        public void Apply(IReadOnlyList<string> path, NixValue value, Evaluator? evaluator)
        {
            evaluator ??= new Evaluator();
            value = Unwrap(value, evaluator);
            if (value is ConditionalValue conditional) value = Unwrap(evaluator.Force(conditional.Value), evaluator);
            if (path.Count == 0 || (path.Count == 1 && path[0] is "to" or "from"))
            {
                if (value is AttrSetValue set)
                {
                    foreach (var (name, thunk) in set.Attributes) Apply(path.Append(name).ToList(), evaluator.Force(thunk), evaluator);
                    if (!set.IsComplete) _problems.Add($"{Describe(path)} may hold more: {set.Incomplete ?? string.Join("; ", set.Rest.Select(Evaluator.Why))}");
                }
                else
                {
                    _problems.Add($"{Describe(path)} is unknown: {Evaluator.Why(value)}");
                }
                return;
            }
            switch (path[0])
            {
                case "flake" when path.Count == 1:
                    _declaration.Input = value switch
                    {
                        ExternalValue { RootKind: ExternalRootKind.Input, AttrPath.Count: 0, Suffix: null } input => input.Root,
                        FlakeSelfValue => "self",
                        // `inputs.ghost` where the flake has no input ghost: the name, so that the checks can say so.
                        UnknownValue unknown when MissingInput.Match(unknown.Reason) is { Success: true } match && match.Groups[2].Value.StartsWith("inputs", StringComparison.Ordinal) => match.Groups[1].Value,
                        _ => _declaration.Input,
                    };
                    if (_declaration.Input is null) _problems.Add($"the flake of nix.registry.{_declaration.Name} is not an input the reader knows: {Evaluator.Why(value)}");
                    return;
                case "exact" when path.Count == 1:
                    if (value is BoolValue exact)
                    {
                        _declaration.Exact = exact.Value;
                        _declaration.ExactWritten = true;
                    }
                    else _problems.Add($"exact is unknown: {Evaluator.Why(value)}");
                    return;
                case "to" or "from" when path.Count == 2:
                    var target = path[0] == "to" ? _to : _from;
                    JsonNode? scalar = value switch
                    {
                        StringValue s => JsonValue.Create(s.Value),
                        PathValue p => JsonValue.Create(p.Path),
                        BoolValue b => JsonValue.Create(b.Value),
                        NumberValue { IsInteger: true, Value: >= 0 } n => JsonValue.Create((ulong)n.Value),
                        _ => null,
                    };
                    if (scalar is null) _problems.Add($"{path[0]}.{path[1]} is unknown: {Evaluator.Why(value)}");
                    else target[path[1]] = scalar;
                    return;
                default:
                    _problems.Add($"{Describe(path)} is not a registry setting FlakeTools reads");
                    return;
            }
        }

        private string Describe(IReadOnlyList<string> path) => NixString.AttrPath(new[] { "nix", "registry", _declaration.Name }.Concat(path));

        public void Finish()
        {
            try
            {
                _declaration.From = _from.Count > 0
                    ? RegistryInput.FromJson(_from, $"nix.registry.{_declaration.Name}.from")
                    : RegistryInput.FromJson(new JsonObject { ["type"] = "indirect", ["id"] = _declaration.Name }, "from");
            }
            catch (RegistryFormatException e)
            {
                _problems.Add(e.Message);
                _declaration.From = RegistryInput.FromJson(new JsonObject { ["type"] = "indirect", ["id"] = IsFlakeId(_declaration.Name) ? _declaration.Name : "invalid" }, "from");
            }
            if (_to.Count > 0)
            {
                if (_to["dir"] is JsonValue dir)
                {
                    _declaration.Dir = dir.ToString();
                    _to.Remove("dir");
                }
                try
                {
                    _declaration.To = RegistryInput.FromJson(_to, $"nix.registry.{_declaration.Name}.to");
                }
                catch (RegistryFormatException e)
                {
                    _problems.Add(e.Message);
                }
            }
            else if (_declaration.Input is { } input)
            {
                _declaration.To = _registry.InputTarget(input, out var dir, out var problem);
                _declaration.Dir = dir;
                if (problem is not null) _problems.Add(problem);
            }
            else if (_declaration.Problem is null)
            {
                _problems.Add($"nix.registry.{_declaration.Name} has neither flake nor to");
            }
            if (_problems.Count > 0) _declaration.Problem = string.Join("; ", _problems);
        }
    }

    /// <summary>The reference an input stands for (from flake.nix), as a registry target.</summary>
    internal RegistryInput? InputTarget(string input, out string? dir, out string? problem)
    {
        dir = null;
        problem = null;
        if (input == "self") return RegistryInput.FromJson(new JsonObject { ["type"] = "path", ["path"] = FlakeDirectory }, "self");
        var declaration = Source.Flake.Inputs.FirstOrDefault(i => i.Name == input);
        if (declaration is null)
        {
            problem = $"'{input}' is not an input of {Source.FlakePath}";
            return null;
        }
        if (declaration.Reference is null)
        {
            problem = declaration.Follows is not null ? $"the input '{input}' follows '{declaration.Follows}'" : $"the input '{input}' has no reference FlakeTools can read";
            return null;
        }
        try
        {
            return RegistryInput.FromReference(declaration.Reference, FlakeDirectory, out dir);
        }
        catch (RegistryResolutionException e)
        {
            problem = e.Message;
            return null;
        }
    }

    // ------------------------------------------------------------ the global registry and nixPath

    private void ReadSettings()
    {
        var settings = new List<RegistrySetting>();
        var modules = Configurations.SelectMany(c => c.Modules).ToList();
        foreach (var definition in OptionReader.Read(modules, new[] { "nix", "settings" }).Definitions)
        {
            var below = definition.Below(new[] { "nix", "settings" })!;
            if (below.Count == 0)
            {
                if (Unwrap(definition.Value, definition.Module.Evaluator ?? new Evaluator()) is AttrSetValue set && set.Get("flake-registry") is { } thunk)
                {
                    settings.Add(FlakeRegistrySetting(definition, (definition.Module.Evaluator ?? new Evaluator()).Force(thunk)));
                }
                continue;
            }
            if (below.Count == 1 && below[0] == "flake-registry") settings.Add(FlakeRegistrySetting(definition, definition.Value));
        }
        foreach (var definition in OptionReader.Read(modules, new[] { "nix", "extraOptions" }).Definitions)
        {
            if (definition.Value is not StringValue text)
            {
                if (definition.ValueNode?.ToString().Contains("flake-registry", StringComparison.Ordinal) == true) settings.Add(new RegistrySetting(RegistrySettingKind.Unknown, definition, Evaluator.Why(definition.Value), null));
                continue;
            }
            foreach (Match match in FlakeRegistryLine.Matches(text.Value))
            {
                var value = match.Groups["value"].Value;
                settings.Add(new RegistrySetting(value.Length == 0 ? RegistrySettingKind.GlobalRegistryDisabled : RegistrySettingKind.GlobalRegistryMoved, definition, value, null));
            }
        }
        foreach (var definition in OptionReader.Read(modules, new[] { "nix", "nixPath" }).Definitions)
        {
            var evaluator = definition.Module.Evaluator ?? new Evaluator();
            var value = Unwrap(definition.Value, evaluator);
            if (value is not ListValue list)
            {
                if (definition.ValueNode?.ToString().Contains("flake:", StringComparison.Ordinal) == true) settings.Add(new RegistrySetting(RegistrySettingKind.Unknown, definition, Evaluator.Why(value), null));
                continue;
            }
            foreach (var item in list.Items)
            {
                var entry = Unwrap(evaluator.Force(item), evaluator);
                var text = entry is StringValue s ? s.Value : null;
                if (text is null) continue;
                var at = text.IndexOf("=flake:", StringComparison.Ordinal);
                var reference = at >= 0 ? text[(at + 7)..] : text.StartsWith("flake:", StringComparison.Ordinal) ? text[6..] : null;
                if (reference is null) continue;
                var name = reference.Split('/', 2)[0];
                settings.Add(new RegistrySetting(RegistrySettingKind.NixPathThroughRegistry, definition, text, name));
            }
        }
        Settings = settings.GroupBy(s => (s.Kind, s.Definition.File, s.Definition.Line, s.Value)).Select(g => g.First()).ToList();
    }

    private static RegistrySetting FlakeRegistrySetting(OptionDefinition definition, NixValue value)
    {
        var text = value switch
        {
            StringValue s => s.Value,
            PathValue p => p.Path,
            _ => null,
        };
        if (text is null) return new RegistrySetting(RegistrySettingKind.Unknown, definition, Evaluator.Why(value), null);
        return new RegistrySetting(text.Length == 0 ? RegistrySettingKind.GlobalRegistryDisabled : RegistrySettingKind.GlobalRegistryMoved, definition, text, null);
    }

    internal static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
