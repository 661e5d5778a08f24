using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Project;
using FlakeTools.Core.Registries;

namespace FlakeTools.Core.RegistrySettings;

/// <summary>
/// Registry checks for Test-Flake: what the configurations declare (<c>nix.registry</c>,
/// <c>flake-registry</c>, <c>nix.nixPath</c>) against the flake's inputs and, when an environment
/// is given, against the registry files Nix reads. Area <c>Registry</c>.
/// </summary>
public static class RegistryChecks
{
    /// <summary>The area of every finding.</summary>
    public const string Area = "Registry";

    /// <summary>The ids of the registry findings.</summary>
    public static IReadOnlyList<string> Ids { get; } = new[]
    {
        "RegistryInputNotDeclared", "RegistryConflict", "RegistryNotExact", "RegistryShadowed",
        "RegistryNixPathUnpinned", "RegistryReadOnly", "RegistryGlobalDisabled", "RegistryUnresolved",
        RegistryIgnoredWhenLocking,
    };

    /// <summary>
    /// A flake input given as a registry name (<c>flake:X</c>, <c>inputs.X.url = "X"</c>) that a user or
    /// system registry entry answers: Nix 2.26 and later lock flakes through the global registry only,
    /// so that entry decides the lock on older Nix and is ignored from 2.26 on.
    /// </summary>
    public const string RegistryIgnoredWhenLocking = "RegistryIgnoredWhenLocking";

    // The first Nix whose locking ignores the user and system registries.
    private static readonly Version LockingUsesGlobalOnly = new(2, 26);

    /// <summary>
    /// Checks the registry declarations of the flake at <paramref name="flakeDirectory"/>, whose
    /// configurations were read already. With <paramref name="environment"/>, the user, system and
    /// global registry files are read too (shadowing, links into /nix/store).
    /// Ids: <c>RegistryInputNotDeclared</c> (error), <c>RegistryConflict</c> (error), <c>RegistryNotExact</c> (warning),
    /// <c>RegistryShadowed</c> (warning), <c>RegistryNixPathUnpinned</c> (warning), <c>RegistryReadOnly</c>,
    /// <c>RegistryGlobalDisabled</c>, <c>RegistryUnresolved</c> (information).
    /// </summary>
    public static IEnumerable<Finding> Check(string flakeDirectory, IReadOnlyList<FlakeConfiguration> configurations, RegistryEnvironment? environment = null) =>
        Check(FlakeSource.Open(flakeDirectory), configurations, environment);

    /// <summary>The same checks for a flake opened already (Test-Flake reads it once for every area).</summary>
    public static IEnumerable<Finding> Check(FlakeSource source, IReadOnlyList<FlakeConfiguration> configurations, RegistryEnvironment? environment = null)
    {
        var registry = ConfigurationRegistry.Read(source, configurations);
        FlakeRegistries? files = null;
        if (environment is not null)
        {
            try
            {
                files = FlakeRegistries.Load(environment);
            }
            catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                files = null;
            }
        }
        return Check(registry, files);
    }

    /// <summary>The same checks over a registry read already (and the registry files, or null).</summary>
    public static IEnumerable<Finding> Check(ConfigurationRegistry registry, FlakeRegistries? files)
    {
        var findings = new List<Finding>();
        var inputs = registry.Source.Flake.Inputs.Select(i => i.Name).Append("self").ToHashSet(StringComparer.Ordinal);
        foreach (var declaration in registry.Declarations)
        {
            if (declaration.Input is { } input && !inputs.Contains(input))
            {
                findings.Add(Make("RegistryInputNotDeclared", FindingSeverity.Error, declaration,
                    $"nix.registry.{declaration.Name}.flake is the input '{input}', which {registry.Source.FlakePath} does not declare: Nix fails evaluating the configuration",
                    $"declare the input (Add-FlakeInput {input} <reference>) or register one of the inputs the flake has"));
            }
            if (!declaration.Exact && (declaration.Input is not null || declaration.To is { Type: "path" }))
            {
                findings.Add(Make("RegistryNotExact", FindingSeverity.Warning, declaration,
                    $"nix.registry.{declaration.Name} has exact = false and a path target (the input's store path): a reference with a branch or commit such as {declaration.Name}/<branch> matches it, and Nix then fails, since a path has no branch to set",
                    $"leave exact at its default (true): then {declaration.Name}/<branch> falls through to the next registry instead"));
            }
            if (declaration.Problem is not null && !(declaration.Input is { } i && !inputs.Contains(i)))
            {
                findings.Add(Make("RegistryUnresolved", FindingSeverity.Information, declaration,
                    $"nix.registry.{declaration.Name}: {declaration.Problem}", "nix eval .#nixosConfigurations.<name>.config.nix.registry shows what Nix makes of it"));
            }
        }

        // Two modules of one configuration giving one name different flakes: the module system refuses.
        foreach (var group in registry.Declarations.Where(d => !d.IsCovering).SelectMany(d => d.Configurations.Select(c => (Configuration: c, Declaration: d)))
                     .GroupBy(p => (p.Configuration, p.Declaration.Generates, p.Declaration.Module.User, p.Declaration.Name)))
        {
            var flakes = group.SelectMany(p => p.Declaration.Definitions.Where(d => d.OptionPath.Count == 4 && d.OptionPath[3] == "flake")).ToList();
            var distinct = flakes.GroupBy(d => d.Priority).Where(g => g.Key == flakes.Min(f => f.Priority)).SelectMany(g => g).Select(d => d.ValueNode?.ToString()).Distinct().Count();
            if (distinct > 1)
            {
                var first = group.First().Declaration;
                findings.Add(Make("RegistryConflict", FindingSeverity.Error, first,
                    $"nix.registry.{first.Name}.flake is defined {flakes.Count} times with different values in {group.Key.Configuration} ({string.Join(", ", flakes.Select(f => f.Location))}): Nix fails with conflicting definition values",
                    "keep one of them, or give the one that should win lib.mkForce"));
            }
        }

        // A home-manager declaration (user registry) hides a NixOS one (system registry) of the same name.
        foreach (var user in registry.Declarations.Where(d => d.Generates == RegistryScope.User))
        {
            foreach (var system in registry.Declarations.Where(d => d.Generates == RegistryScope.System && d.From.Equals(user.From) && d.Configurations.Intersect(user.Configurations).Any()))
            {
                findings.Add(Make("RegistryShadowed", FindingSeverity.Warning, system,
                    $"nix.registry.{system.Name} declared at {system.Location} (system registry) is hidden for {user.Module.User ?? "the user"} by the home-manager declaration at {user.Location} (user registry), which Nix consults first",
                    "keep one of the two declarations"));
            }
        }

        foreach (var setting in registry.Settings)
        {
            var definition = setting.Definition;
            switch (setting.Kind)
            {
                case RegistrySettingKind.GlobalRegistryDisabled:
                    findings.Add(new Finding
                    {
                        Id = "RegistryGlobalDisabled", Severity = FindingSeverity.Information, Area = Area, Target = definition.Option, Path = definition.File, Line = definition.Line,
                        Message = $"{definition.Option} disables the global registry: only nix.registry entries and the user registry resolve names such as nixpkgs",
                        Fix = "declare every name you use (nix.registry.<name>.flake = inputs.<name>;)",
                    });
                    break;
                case RegistrySettingKind.NixPathThroughRegistry when setting.Entry is { } entry && registry.DeclarationsOf(entry, RegistryScope.System).Concat(registry.DeclarationsOf(entry, RegistryScope.User)).All(d => d.Condition is not null):
                    findings.Add(new Finding
                    {
                        Id = "RegistryNixPathUnpinned", Severity = FindingSeverity.Warning, Area = Area, Target = setting.Value ?? entry, Path = definition.File, Line = definition.Line,
                        Message = $"nix.nixPath entry {setting.Value} resolves through the registry name '{entry}', which the configuration does not declare: <{entry}> follows whatever the global registry says, not the flake's lock",
                        Fix = $"declare it: nix.registry.{entry}.flake = inputs.{entry};",
                    });
                    break;
            }
        }
        foreach (var place in registry.Unresolved)
        {
            findings.Add(new Finding { Id = "RegistryUnresolved", Severity = FindingSeverity.Information, Area = Area, Target = "nix.registry", Path = registry.FlakeDirectory, Message = place, Fix = "nix eval shows what Nix makes of it" });
        }

        if (files is not null) findings.AddRange(CheckFiles(registry, files));
        return findings;
    }

    private static IEnumerable<Finding> CheckFiles(ConfigurationRegistry registry, FlakeRegistries files)
    {
        var entries = registry.Annotate(files.Entries);
        foreach (var entry in entries)
        {
            if (entry.Origin is GeneratedRegistryOrigin generated)
            {
                yield return new Finding
                {
                    Id = "RegistryReadOnly", Severity = FindingSeverity.Information, Area = Area, Target = entry.Name, Path = generated.Declaration?.File ?? entry.Source, Line = generated.Declaration?.Line,
                    Message = $"the {entry.Scope.ToString().ToLowerInvariant()} registry entry '{entry.Name}' is in {entry.Source}, a read-only link into /nix/store" + (generated.DeclaredAt is { } at ? $" generated from {at}" : ""),
                    Fix = generated.DeclaredAt is { } line ? $"change it at {line} and rebuild" : "change it in the configuration that generates the file, or in the user registry",
                };
            }
        }
        foreach (var finding in IndirectInputs(registry, files)) yield return finding;
        // An entry hidden by one Nix consults first with the same `from` (the global registry being
        // overridden is the point of the others, so only system entries and declarations are reported).
        var userFile = entries.Where(e => e.Scope == RegistryScope.User && e.Origin is RegistryFileOrigin).ToList();
        foreach (var system in entries.Where(e => e.Scope == RegistryScope.System))
        {
            var winner = entries.FirstOrDefault(e => e.Scope == RegistryScope.User && e.FromInput.Equals(system.FromInput));
            if (winner is null) continue;
            yield return new Finding
            {
                Id = "RegistryShadowed", Severity = FindingSeverity.Warning, Area = Area, Target = system.Name, Path = system.Source, Line = system.Line,
                Message = $"the system registry entry '{system.Name}' ({system.Source}) is hidden by the user registry entry of the same name ({winner.Source}, entry {winner.Index}), which Nix consults first",
                Fix = $"remove the user entry (Remove-FlakeRegistryEntry {system.Name} -Scope User) if the system one should answer",
            };
        }
        foreach (var declaration in registry.Declarations.Where(d => d.Generates == RegistryScope.System))
        {
            var winner = userFile.FirstOrDefault(e => e.FromInput.Equals(declaration.From));
            if (winner is null) continue;
            yield return Make("RegistryShadowed", FindingSeverity.Warning, declaration,
                $"nix.registry.{declaration.Name} declared at {declaration.Location} is hidden by the user registry entry of the same name ({winner.Source}, entry {winner.Index}), which Nix consults first",
                $"remove the user entry (Remove-FlakeRegistryEntry {declaration.Name} -Scope User) if the declared one should answer");
        }
    }

    private static Finding Make(string id, FindingSeverity severity, RegistryDeclaration declaration, string message, string fix) => new()
    {
        Id = id,
        Severity = severity,
        Area = Area,
        Target = declaration.Name,
        Path = declaration.File,
        Line = declaration.Line,
        Message = message,
        Fix = fix,
    };

    private static IEnumerable<Finding> IndirectInputs(ConfigurationRegistry registry, FlakeRegistries files)
    {
        var source = registry.Source;
        foreach (var input in source.Flake.Inputs.Where(i => i.Reference is { Type: "indirect" } && i.Follows is null))
        {
            RegistryResolution resolution;
            try
            {
                resolution = files.Resolve(input.Reference!, source.Directory);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
            {
                continue;
            }
            if (resolution.Entry is not { Scope: RegistryScope.User or RegistryScope.System } entry) continue;
            var version = files.Environment.NixVersion;
            var ignored = version is not null && version >= LockingUsesGlobalOnly;
            yield return new Finding
            {
                Id = RegistryIgnoredWhenLocking,
                Severity = ignored ? FindingSeverity.Warning : FindingSeverity.Information,
                Area = Area, Target = input.Name, Path = source.FlakePath, Line = input.Line,
                Message = $"input '{input.Name}' is the registry name '{input.Reference!.ToUrl()}', which the {entry.Scope.ToString().ToLowerInvariant()} registry entry in {entry.Source} answers with {entry.To.ToUrl()}; "
                    + (ignored ? $"Nix {version} locks flakes through the global registry only, so the lock does not follow that entry"
                               : $"Nix 2.26 and later lock flakes through the global registry only and will ignore that entry{(version is null ? "" : $" (this is Nix {version})")}"),
                Fix = $"give the input the reference you mean (Set-FlakeInput {input.Name} -Url {entry.To.ToUrl()}), so every Nix locks the same flake",
            };
        }
    }
}
