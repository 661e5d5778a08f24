using FlakeTools.Core.References;

namespace FlakeTools.Core.Registries;

/// <summary>
/// One registry entry: the name it registers (<see cref="From"/>), the flake it stands for
/// (<see cref="To"/>), whether it matches only exactly, and where it is written down.
/// </summary>
public sealed class FlakeRegistryEntry
{
    internal FlakeRegistryEntry(RegistryScope scope, RegistryInput from, RegistryInput to, string? dir, bool exact, RegistryOrigin origin)
    {
        Scope = scope;
        FromInput = from;
        ToInput = to;
        Dir = dir;
        Exact = exact;
        Origin = origin;
    }

    /// <summary>The registered name: the id of an indirect <c>from</c> (<c>nixpkgs</c>), else the whole <c>from</c>.</summary>
    public string Name => FromInput.Id ?? FromInput.ToNixUrl();

    /// <summary>The scope.</summary>
    public RegistryScope Scope { get; }

    /// <summary>What the entry matches, as a reference (<c>flake:nixpkgs</c>).</summary>
    public FlakeReference From => FromInput.ToReference();

    /// <summary>What it resolves to, as a reference (with the entry's <c>dir</c>).</summary>
    public FlakeReference To => ToInput.ToReference(Dir);

    /// <summary><c>from</c> as Nix's attributes.</summary>
    public RegistryInput FromInput { get; }

    /// <summary><c>to</c> as Nix's attributes (without <c>dir</c>).</summary>
    public RegistryInput ToInput { get; }

    /// <summary>The subdirectory the entry gives (<c>"dir"</c> in <c>to</c>), or null.</summary>
    public string? Dir { get; }

    /// <summary>Whether the entry matches only a reference equal to <c>from</c> (no ref/rev of the reference laid over <c>to</c>).</summary>
    public bool Exact { get; }

    /// <summary>Where the entry is written down.</summary>
    public RegistryOrigin Origin { get; }

    /// <summary>The file that holds the entry.</summary>
    public string Source => Origin.Path;

    /// <summary>The entry's position in its registry file (0-based, as in the <c>flakes</c> array), or null for a declaration.</summary>
    public int? Index => Origin.Index;

    /// <summary>The line of a .nix declaration, or null for a registry file.</summary>
    public int? Line => Origin.Line;

    /// <summary>Why the entry cannot be changed where it is (and what to do instead), or null.</summary>
    public string? ReadOnlyReason => Origin.WhyReadOnly(Name);

    /// <summary>Whether the entry cannot be changed where it is.</summary>
    public bool IsReadOnly => ReadOnlyReason is not null;

    /// <summary>The line <c>nix registry list</c> prints for the entry.</summary>
    public string ToNixListLine()
    {
        var scope = Scope switch
        {
            RegistryScope.User => "user  ",
            RegistryScope.System => "system",
            _ => "global",
        };
        return $"{scope} {FromInput.ToNixUrl()} {ToInput.ToNixUrl(Dir)}";
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} -> {ToInput.ToNixUrl(Dir)}";
}
