using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using FlakeTools.Core.Evaluation;

namespace FlakeTools.Core.Configurations;

/// <summary>What kind of system a configuration builds.</summary>
public enum ConfigurationKind
{
    /// <summary>The reader could not tell (the value is not a call of a known builder).</summary>
    Unknown,
    /// <summary><c>nixosConfigurations</c> made with <c>nixpkgs.lib.nixosSystem</c>.</summary>
    NixOS,
    /// <summary><c>homeConfigurations</c> made with <c>home-manager.lib.homeManagerConfiguration</c>.</summary>
    HomeManager,
    /// <summary><c>darwinConfigurations</c> made with <c>nix-darwin.lib.darwinSystem</c>.</summary>
    Darwin,
}

/// <summary>Which module evaluation a module belongs to.</summary>
public enum ModuleContext
{
    /// <summary>A NixOS module.</summary>
    NixOS,
    /// <summary>A home-manager module of a user inside a NixOS configuration (<c>home-manager.users.&lt;u&gt;</c>, <c>sharedModules</c>).</summary>
    HomeManagerInNixOS,
    /// <summary>A module of a standalone home-manager configuration.</summary>
    HomeManager,
    /// <summary>A nix-darwin module.</summary>
    Darwin,
    /// <summary>A home-manager module of a user inside a nix-darwin configuration.</summary>
    HomeManagerInDarwin,
}

/// <summary>How a module argument reaches the module.</summary>
public enum ArgumentSource
{
    /// <summary>Nobody provides it: Nix fails with "attribute '&lt;name&gt;' missing" when the module uses it (a default in the pattern does not help: the module system passes every named argument).</summary>
    None,
    /// <summary>The module system itself (<c>config</c>, <c>lib</c>, <c>pkgs</c>, <c>modulesPath</c>, <c>osConfig</c>, ...).</summary>
    ModuleSystem,
    /// <summary><c>specialArgs</c> of <c>nixosSystem</c> / <c>darwinSystem</c>.</summary>
    SpecialArgs,
    /// <summary><c>extraSpecialArgs</c> of <c>homeManagerConfiguration</c>, or <c>home-manager.extraSpecialArgs</c> inside NixOS.</summary>
    ExtraSpecialArgs,
    /// <summary><c>_module.args</c> set by a module of the configuration.</summary>
    ModuleArgs,
    /// <summary>The reader could not tell (the set of special arguments is not fully known).</summary>
    Unknown,
}

/// <summary>How a module is given.</summary>
public enum ModuleKind
{
    /// <summary>A file (a path, or <c>import ./file.nix</c>).</summary>
    File,
    /// <summary>A function or set written in place (<c>({ lib, ... }: { ... })</c>).</summary>
    Inline,
    /// <summary>A module from an input (<c>home-manager.nixosModules.home-manager</c>), shown by name.</summary>
    Input,
    /// <summary>A module made by a <c>lib</c> function (<c>lib.mkRenamedOptionModule</c>), shown by name.</summary>
    Generated,
    /// <summary>A module the reader could not resolve (see <see cref="FlakeModule.Unresolved"/>) or could not read (see <see cref="FlakeModule.Problem"/>).</summary>
    Unresolved,
}

/// <summary>Where a package set (<c>pkgs</c>) comes from.</summary>
public enum PackageSetKind
{
    /// <summary>Not known.</summary>
    Unresolved,
    /// <summary>The builder makes it from the nixpkgs it belongs to, with the configuration's <c>nixpkgs.*</c> options.</summary>
    BuilderDefault,
    /// <summary><c>&lt;input&gt;.legacyPackages.${system}</c>: default config, no overlays.</summary>
    LegacyPackages,
    /// <summary><c>import &lt;input&gt; { system; config; overlays; }</c>.</summary>
    Import,
    /// <summary>Set by a module through <c>nixpkgs.pkgs</c>.</summary>
    ModuleOption,
    /// <summary>home-manager inside NixOS with <c>useGlobalPkgs = true</c>: the system's pkgs.</summary>
    GlobalPkgs,
    /// <summary>home-manager inside NixOS without <c>useGlobalPkgs</c>: its own instance of the system's nixpkgs, with home-manager's <c>nixpkgs.*</c> options.</summary>
    HomeManagerOwn,
}

/// <summary>Where a package set comes from: kind, input, and the expression that makes it.</summary>
public sealed class PackageSet
{
    internal PackageSet(PackageSetKind kind, string? input, string text, NixValue? value, SourceLocation? location, NixValue? config = null)
    {
        Kind = kind;
        Input = input;
        Text = text;
        Value = value;
        Location = location;
        Config = config;
    }

    /// <summary>How it is made.</summary>
    public PackageSetKind Kind { get; }

    /// <summary>The nixpkgs input it comes from, when known.</summary>
    public string? Input { get; }

    /// <summary>A short description for people: <c>nixpkgs (default)</c>, <c>nixpkgs.legacyPackages</c>, <c>import nixpkgs-unstable { config overlays system }</c>.</summary>
    public string Text { get; }

    /// <summary>The value that makes it, when written in the files.</summary>
    public NixValue? Value { get; }

    /// <summary>The <c>config</c> given to <c>import &lt;input&gt; { config = ...; }</c>, when there is one.</summary>
    public NixValue? Config { get; }

    /// <summary>Where it is made.</summary>
    public SourceLocation? Location { get; }

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>home-manager used as a NixOS (or nix-darwin) module.</summary>
public sealed class HomeManagerSetup
{
    /// <summary>The users (<c>home-manager.users.&lt;u&gt;</c>).</summary>
    public string[] Users { get; internal set; } = Array.Empty<string>();

    /// <summary><c>home-manager.useGlobalPkgs</c>, or null when not set (false) or not known.</summary>
    public bool? UseGlobalPkgs { get; internal set; }

    /// <summary><c>home-manager.useUserPackages</c>, or null when not set or not known.</summary>
    public bool? UseUserPackages { get; internal set; }

    /// <summary>The names in <c>home-manager.extraSpecialArgs</c>: the only flake values home-manager modules get (the NixOS side's specialArgs do not reach them).</summary>
    public string[] ExtraSpecialArgs { get; internal set; } = Array.Empty<string>();

    /// <summary>How many <c>home-manager.sharedModules</c> are given.</summary>
    public int SharedModules { get; internal set; }

    /// <summary>The package set the users' modules get as <c>pkgs</c>.</summary>
    public PackageSet Pkgs { get; internal set; } = null!;

    /// <summary>The home-manager module from the input (<c>home-manager.nixosModules.home-manager</c>), or null when only its options are set.</summary>
    public string? Module { get; internal set; }

    /// <summary>Settings the reader could not read, with the reason.</summary>
    public string[] Unresolved { get; internal set; } = Array.Empty<string>();

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", Users) + (UseGlobalPkgs == true ? " (useGlobalPkgs)" : "");
}

/// <summary>One configuration a flake defines (<c>nixosConfigurations.&lt;name&gt;</c>, ...), as far as it can be read without Nix.</summary>
public sealed class FlakeConfiguration
{
    /// <summary>The configuration's name (<c>*</c> stands for names the reader could not learn).</summary>
    public string Name { get; internal set; } = "";

    /// <summary>NixOS, HomeManager, Darwin, or Unknown.</summary>
    public ConfigurationKind Kind { get; internal set; }

    /// <summary>The output attribute it is under (<c>nixosConfigurations</c>).</summary>
    public string Output { get; internal set; } = "";

    /// <summary>The system (<c>x86_64-linux</c>), from <c>system</c>, the package set, or <c>nixpkgs.hostPlatform</c>; null when unknown.</summary>
    public string? System { get; internal set; }

    /// <summary>The builder as written (<c>nixpkgs.lib.nixosSystem</c>).</summary>
    public string? Builder { get; internal set; }

    /// <summary>The names given through <c>specialArgs</c> (NixOS, nix-darwin) or <c>extraSpecialArgs</c> (home-manager).</summary>
    public string[] SpecialArgs { get; internal set; } = Array.Empty<string>();

    /// <summary>Where <c>pkgs</c> comes from.</summary>
    public PackageSet? Pkgs { get; internal set; }

    /// <summary>Every module of the configuration, home-manager users' modules included.</summary>
    public FlakeModule[] Modules { get; internal set; } = Array.Empty<FlakeModule>();

    /// <summary>home-manager as a module of this configuration, or null.</summary>
    public HomeManagerSetup? HomeManager { get; internal set; }

    /// <summary>The flake's directory.</summary>
    public string Path { get; internal set; } = "";

    /// <summary>The file the configuration is defined in.</summary>
    public string? File { get; internal set; }

    /// <summary>The line it is defined on.</summary>
    public int Line { get; internal set; }

    /// <summary>What the reader could not read statically, each with the reason (empty when everything was read).</summary>
    public string[] Unresolved { get; internal set; } = Array.Empty<string>();

    /// <summary>Whether everything was read.</summary>
    public bool IsResolved => Unresolved.Length == 0;

    /// <summary>The builder's argument set, for readers that look further (registry, unfree).</summary>
    public NixValue? Arguments { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>One module of one configuration: where it is, what it asks for and how each argument arrives.</summary>
public sealed class FlakeModule
{
    /// <summary>The configuration's name.</summary>
    public string Configuration { get; internal set; } = "";

    /// <summary>The configuration's kind.</summary>
    public ConfigurationKind ConfigurationKind { get; internal set; }

    /// <summary>NixOS, HomeManagerInNixOS, HomeManager, Darwin or HomeManagerInDarwin.</summary>
    public ModuleContext Context { get; internal set; }

    /// <summary>The home-manager user, for modules of <c>home-manager.users.&lt;u&gt;</c> (and shared modules).</summary>
    public string? User { get; internal set; }

    /// <summary>A name for people: the file relative to the flake, the input module's name, or <c>inline</c>.</summary>
    public string Name { get; internal set; } = "";

    /// <summary>File, Inline, Input or Unresolved.</summary>
    public ModuleKind Kind { get; internal set; }

    /// <summary>The module's file (for inline modules, the file they are written in); null for modules from inputs.</summary>
    public string? Path { get; internal set; }

    /// <summary>The line the module starts on.</summary>
    public int Line { get; internal set; }

    /// <summary>The arguments the module's function pattern asks for, in order.</summary>
    public string[] Arguments { get; internal set; } = Array.Empty<string>();

    /// <summary>Whether the pattern takes more than it names (<c>...</c>, or <c>args:</c>).</summary>
    public bool TakesMore { get; internal set; }

    /// <summary>For each argument: how it arrives (<see cref="ArgumentSource"/>).</summary>
    public OrderedDictionary ReceivedVia { get; } = new(StringComparer.Ordinal);

    /// <summary>The arguments nobody passes.</summary>
    public string[] MissingArguments { get; internal set; } = Array.Empty<string>();

    /// <summary>Where the module is imported from (<c>file:line</c>), or the configuration's <c>modules</c> list.</summary>
    public string? ImportedFrom { get; internal set; }

    /// <summary>The condition the module is imported under (<c>lib.optionals isLinux [ ... ]</c>), or null.</summary>
    public string? Condition { get; internal set; }

    /// <summary>A problem Nix would report too: the file does not exist, does not parse, or its imports loop; null when none.</summary>
    public string? Problem { get; internal set; }

    /// <summary>The syntax error <see cref="Problem"/> reports, when it is one (for checks that need its line and column).</summary>
    internal FlakeTools.Syntax.Diagnostic? SyntaxError { get; set; }

    /// <summary>What the reader could not read statically here (the module's value, its imports), with the reason; null when all was read.</summary>
    public string? Unresolved { get; internal set; }

    /// <summary>The names this module sets in <c>_module.args</c>.</summary>
    public string[] SetsModuleArgs { get; internal set; } = Array.Empty<string>();

    /// <summary>The flake's directory.</summary>
    public string Flake { get; internal set; } = "";

    /// <summary>The module's evaluated body (its definitions), for readers of settings (registry, unfree); null when unknown.</summary>
    public NixValue? Value { get; internal set; }

    /// <summary>The static reader that read the module (to force the rest of <see cref="Value"/> on demand).</summary>
    internal Evaluator? Evaluator { get; set; }

    /// <summary>The argument set the module function was applied to (null for modules that are not functions).</summary>
    internal IReadOnlyDictionary<string, ArgumentSource> Sources => ReceivedVia.Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (ArgumentSource)e.Value!);

    /// <inheritdoc />
    public override string ToString() => Name;
}
