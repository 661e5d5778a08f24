namespace FlakeTools.Core.Registries;

/// <summary>Where a registry entry comes from, in Nix's order of precedence (highest first).</summary>
public enum RegistryScope
{
    /// <summary>The user registry: <c>$XDG_CONFIG_HOME/nix/registry.json</c> (normally <c>~/.config/nix/registry.json</c>).</summary>
    User,
    /// <summary>The system registry: <c>$NIX_CONF_DIR/registry.json</c> (normally <c>/etc/nix/registry.json</c>).</summary>
    System,
    /// <summary>The global registry named by the <c>flake-registry</c> setting.</summary>
    Global,
    /// <summary>A registry file named explicitly (<c>nix registry ... --registry FILE</c>); Nix does not consult it when resolving.</summary>
    Custom,
    /// <summary>
    /// Declared in a NixOS or home-manager configuration (<c>nix.registry.&lt;name&gt;</c>), which
    /// generates the system or user file. Reserved for the configuration reader; no entry has it yet.
    /// </summary>
    Configuration,
}
