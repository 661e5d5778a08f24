namespace FlakeTools.Core.Registries;

/// <summary>
/// Where an entry is written down, and whether FlakeTools can change it there. A registry file
/// gives <see cref="RegistryFileOrigin"/>; a declaration in a NixOS or home-manager configuration
/// (a .nix file and line) is another kind of origin.
/// </summary>
public abstract class RegistryOrigin
{
    /// <summary>The file that holds the entry.</summary>
    public abstract string Path { get; }

    /// <summary>The entry's position in a registry file (0-based), or null.</summary>
    public virtual int? Index => null;

    /// <summary>The line of a declaration in a .nix file (1-based), or null.</summary>
    public virtual int? Line => null;

    /// <summary>Why the entry cannot be changed where it is, with what to do instead; null when it can.</summary>
    public abstract string? WhyReadOnly(string entryName);

    /// <summary>For people: the file and position.</summary>
    public abstract override string ToString();
}

/// <summary>An entry in a registry.json file.</summary>
public sealed class RegistryFileOrigin : RegistryOrigin
{
    private readonly RegistryLocation _location;
    private readonly int _index;

    internal RegistryFileOrigin(RegistryLocation location, int index)
    {
        _location = location;
        _index = index;
    }

    /// <inheritdoc />
    public override string Path => _location.Path!;

    /// <inheritdoc />
    public override int? Index => _index;

    /// <summary>The registry file's location (scope, path, how Nix found it).</summary>
    public RegistryLocation Location => _location;

    /// <inheritdoc />
    public override string? WhyReadOnly(string entryName) => _location.WhyReadOnly(entryName);

    /// <inheritdoc />
    public override string ToString() => $"{Path} (entry {_index})";
}
