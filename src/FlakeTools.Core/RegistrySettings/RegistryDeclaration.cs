using System;
using System.Collections.Generic;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Registries;
using FlakeTools.Core.Settings;

namespace FlakeTools.Core.RegistrySettings;

/// <summary>
/// One registry entry declared in a NixOS or home-manager configuration (<c>nix.registry.&lt;name&gt;</c>):
/// its definitions (<c>.flake</c>, <c>.to</c>, <c>.from</c>, <c>.exact</c>, in one or more modules),
/// or one definition of all of <c>nix.registry</c> (<c>lib.mapAttrs (_: flake: { inherit flake; }) inputs</c>)
/// that covers this name among others.
/// </summary>
public sealed class RegistryDeclaration
{
    internal RegistryDeclaration(string name, FlakeModule module, IReadOnlyList<OptionDefinition> definitions, bool isCovering)
    {
        Name = name;
        Module = module;
        Definitions = definitions;
        IsCovering = isCovering;
    }

    /// <summary>The registered name (<c>nix.registry.&lt;name&gt;</c>).</summary>
    public string Name { get; }

    /// <summary>The module of the main definition.</summary>
    public FlakeModule Module { get; }

    /// <summary>The configurations that declare it (one file may be a module of several).</summary>
    public IReadOnlyList<string> Configurations { get; internal set; } = Array.Empty<string>();

    /// <summary>NixOS (it goes into <c>/etc/nix/registry.json</c>) or a home-manager context (<c>~/.config/nix/registry.json</c>).</summary>
    public ModuleContext Context => Module.Context;

    /// <summary>The registry file the configuration generates from it: System for NixOS and nix-darwin, User for home-manager.</summary>
    public RegistryScope Generates => Context is ModuleContext.NixOS or ModuleContext.Darwin ? RegistryScope.System : RegistryScope.User;

    /// <summary>The definitions, in the order of the text.</summary>
    public IReadOnlyList<OptionDefinition> Definitions { get; }

    /// <summary>The main definition: the one of all of <c>nix.registry</c>, of the entry, of <c>.flake</c>, or of <c>.to</c>.</summary>
    public OptionDefinition Main => Definitions.OrderBy(d => d.OptionPath.Count == 2 ? 0 : d.OptionPath.Count == 3 ? 1 : d.OptionPath[3] == "flake" ? 2 : d.OptionPath[3] == "to" ? 3 : 4).First();

    /// <summary>Whether one definition of all of <c>nix.registry</c> declares it together with other names (the <c>mapAttrs</c> idiom).</summary>
    public bool IsCovering { get; }

    /// <summary>The .nix file of the main definition.</summary>
    public string? File => Main.File;

    /// <summary>The line of the main definition.</summary>
    public int Line => Main.Line;

    /// <summary>The main definition's text.</summary>
    public string Text => Main.Text;

    /// <summary>The flake input given as <c>.flake</c> (<c>self</c> for the flake itself), or null.</summary>
    public string? Input { get; internal set; }

    /// <summary><c>from</c> (by default <c>{ type = "indirect"; id = name; }</c>).</summary>
    public RegistryInput From { get; internal set; } = null!;

    /// <summary><c>to</c>: the attributes written, or for <c>.flake = input</c> the input's reference from flake.nix (NixOS writes the input's store path); null when unknown.</summary>
    public RegistryInput? To { get; internal set; }

    /// <summary>The subdirectory in <c>to</c>, or null.</summary>
    public string? Dir { get; internal set; }

    /// <summary><c>exact</c> (by default true).</summary>
    public bool Exact { get; internal set; } = true;

    /// <summary>Whether <c>exact</c> is written.</summary>
    public bool ExactWritten { get; internal set; }

    /// <summary>The conditions (<c>mkIf</c>) the declaration holds under, or null.</summary>
    public string? Condition => Main.Condition;

    /// <summary>What the reader could not know about it (an unknown value), or null.</summary>
    public string? Problem { get; internal set; }

    /// <summary>Why FlakeTools does not change it in place, with the line to edit; null when it can.</summary>
    public string? WhyNotEditable
    {
        get
        {
            if (IsCovering)
            {
                return $"'{Name}' is registered by `{Main.Text}` at {Main.Location}, which declares every entry it names at once; " +
                       $"edit that line (to leave '{Name}' out, filter the set it maps over, e.g. with lib.filterAttrs (n: _: n != \"{Name}\"))";
            }
            if (File is not null && File.StartsWith("/nix/store/", StringComparison.Ordinal)) return $"'{Name}' is declared at {Main.Location}, inside /nix/store (a module from an input); override it in a module of your own with lib.mkForce";
            return null;
        }
    }

    /// <summary>For people: <c>file:line</c>.</summary>
    public string Location => Main.Location;

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Location})";
}

/// <summary>What a setting next to <c>nix.registry</c> does.</summary>
public enum RegistrySettingKind
{
    /// <summary><c>nix.settings.flake-registry = ""</c> (or in <c>nix.extraOptions</c>): the global registry is disabled.</summary>
    GlobalRegistryDisabled,
    /// <summary><c>nix.settings.flake-registry = &lt;file or URL&gt;</c>: the global registry is read from elsewhere.</summary>
    GlobalRegistryMoved,
    /// <summary>A <c>nix.nixPath</c> entry that resolves through the registry (<c>nixpkgs=flake:nixpkgs</c>).</summary>
    NixPathThroughRegistry,
    /// <summary>A setting whose value the reader cannot know.</summary>
    Unknown,
}

/// <summary>A setting that changes what the registries do: the global registry disabled or moved, or a <c>nix.nixPath</c> entry that resolves through the registry.</summary>
public sealed class RegistrySetting
{
    internal RegistrySetting(RegistrySettingKind kind, OptionDefinition definition, string? value, string? entry)
    {
        Kind = kind;
        Definition = definition;
        Value = value;
        Entry = entry;
    }

    /// <summary>What it does.</summary>
    public RegistrySettingKind Kind { get; }

    /// <summary>The definition.</summary>
    public OptionDefinition Definition { get; }

    /// <summary>The <c>flake-registry</c> value, or the nixPath entry.</summary>
    public string? Value { get; }

    /// <summary>For a nixPath entry, the registry name it resolves through.</summary>
    public string? Entry { get; }

    /// <summary>The option (<c>nix.settings.flake-registry</c>).</summary>
    public string Option => Definition.Option;

    /// <summary>For people: what it does and where.</summary>
    public override string ToString() => Kind switch
    {
        RegistrySettingKind.GlobalRegistryDisabled => $"{Definition.Location}: {Option} disables the global registry",
        RegistrySettingKind.GlobalRegistryMoved => $"{Definition.Location}: {Option} reads the global registry from {Value}",
        RegistrySettingKind.NixPathThroughRegistry => $"{Definition.Location}: nix.nixPath entry {Value} resolves through the registry entry '{Entry}'",
        _ => $"{Definition.Location}: {Option}: {Value}",
    };
}
