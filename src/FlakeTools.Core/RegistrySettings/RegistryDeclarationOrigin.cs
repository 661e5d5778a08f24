using FlakeTools.Core.Registries;

namespace FlakeTools.Core.RegistrySettings;

/// <summary>An entry declared in a NixOS or home-manager configuration: the .nix file and line of its declaration.</summary>
public sealed class RegistryDeclarationOrigin : RegistryOrigin
{
    internal RegistryDeclarationOrigin(RegistryDeclaration declaration)
    {
        Declaration = declaration;
    }

    /// <summary>The declaration.</summary>
    public RegistryDeclaration Declaration { get; }

    /// <inheritdoc />
    public override string Path => Declaration.File ?? "";

    /// <inheritdoc />
    public override int? Line => Declaration.Line;

    /// <summary>The flake input it registers, or null.</summary>
    public string? Input => Declaration.Input;

    /// <summary>The declaration's text.</summary>
    public string Text => Declaration.Text;

    /// <inheritdoc />
    public override string? WhyReadOnly(string entryName) => Declaration.WhyNotEditable;

    /// <inheritdoc />
    public override string ToString() => Declaration.Location;
}

/// <summary>
/// An entry of a registry file that a configuration generates (a link into /nix/store), with the
/// .nix declaration that produces it when the configuration read declares it.
/// </summary>
public sealed class GeneratedRegistryOrigin : RegistryOrigin
{
    private readonly string _flake;

    internal GeneratedRegistryOrigin(RegistryFileOrigin file, RegistryDeclaration? declaration, string flake)
    {
        File = file;
        Declaration = declaration;
        _flake = flake;
    }

    /// <summary>The entry in the generated file.</summary>
    public RegistryFileOrigin File { get; }

    /// <summary>The declaration that produces it, or null when the configuration read does not declare it.</summary>
    public RegistryDeclaration? Declaration { get; }

    /// <summary>Where it is declared (<c>file:line</c>), or null.</summary>
    public string? DeclaredAt => Declaration?.Location;

    /// <inheritdoc />
    public override string Path => File.Path;

    /// <inheritdoc />
    public override int? Index => File.Index;

    /// <inheritdoc />
    public override string? WhyReadOnly(string entryName)
    {
        var reason = File.WhyReadOnly(entryName);
        if (reason is null) return null;
        if (Declaration is null)
        {
            return reason + $" The configuration at {_flake} declares no nix.registry.{entryName}: the system may have been built from another configuration.";
        }
        var rebuild = Declaration.Generates == RegistryScope.System ? "nixos-rebuild switch" : "home-manager switch (or nixos-rebuild switch)";
        var remove = Declaration.IsCovering
            ? $"It is declared at {Declaration.Location} by `{Declaration.Text}`, which registers every name it maps over: edit that line"
            : $"It is declared at {Declaration.Location}: `{Declaration.Text}`; remove or change that line (Remove-FlakeRegistryEntry {entryName} -Path {_flake})";
        return reason + " " + remove + ", then run " + rebuild + ".";
    }

    /// <inheritdoc />
    public override string ToString() => File + (Declaration is null ? "" : " <- " + Declaration.Location);
}
