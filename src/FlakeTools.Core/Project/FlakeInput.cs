using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Locks;
using FlakeTools.Core.References;

namespace FlakeTools.Core.Project;

/// <summary>
/// An input of a flake as it goes down the pipeline: what flake.nix declares, what flake.lock pins,
/// and the <see cref="Path"/> and <see cref="Name"/> the next cmdlet binds by property name.
/// </summary>
public sealed class FlakeInput
{
    internal FlakeInput(InputDeclaration declaration, string path, string flakePath, LockedInfo? locked)
    {
        Declaration = declaration;
        Path = path;
        FlakePath = flakePath;
        Locked = locked;
        var follows = new OrderedDictionary();
        foreach (var child in declaration.Descendants().Where(d => d.Follows is not null))
        {
            follows[child.InputPath.Skip(1).ToString()] = child.Follows;
        }
        InputFollows = follows;
    }

    /// <summary>The input's name.</summary>
    public string Name => Declaration.Name;

    /// <summary>The flake's directory.</summary>
    public string Path { get; }

    /// <summary>The flake.nix file.</summary>
    public string FlakePath { get; }

    /// <summary>The reference as a URL string (from <c>url</c> or the attribute-set form), or null.</summary>
    public string? Url => Declaration.Url ?? Reference?.ToUrl();

    /// <summary>The parsed reference, or null (a follows-only input, or an unreadable url).</summary>
    public FlakeReference? Reference => Declaration.Reference;

    /// <summary>github, gitlab, sourcehut, git, hg, path, tarball, file or indirect.</summary>
    public string? Type => Reference?.Type;

    /// <summary>Owner (github-like).</summary>
    public string? Owner => Reference?.Owner;

    /// <summary>Repository (github-like).</summary>
    public string? Repo => Reference?.Repo;

    /// <summary>The branch or tag in flake.nix.</summary>
    public string? Ref => Reference?.Ref;

    /// <summary>The commit pinned in flake.nix.</summary>
    public string? Rev => Reference?.Rev;

    /// <summary>Host (github-like).</summary>
    public string? Host => Reference?.Host;

    /// <summary>Subdirectory holding the flake.</summary>
    public string? Dir => Reference?.Dir;

    /// <summary>Registry name (indirect).</summary>
    public string? Id => Reference?.Id;

    /// <summary>False for <c>flake = false</c> inputs.</summary>
    public bool IsFlake => Declaration.IsFlake;

    /// <summary>What this input itself follows, or null.</summary>
    public string? Follows => Declaration.Follows;

    /// <summary>The follows of this input's own inputs: <c>nixpkgs</c> → <c>nixpkgs</c>, <c>a/nixpkgs</c> → <c>nixpkgs</c>.</summary>
    public OrderedDictionary InputFollows { get; }

    /// <summary>One-based line of the declaration in flake.nix.</summary>
    public int Line => Declaration.Line;

    /// <summary>What flake.lock pins, or null without a lock (or before the input is locked).</summary>
    public LockedInfo? Locked { get; }

    /// <summary>The declaration in flake.nix, with its overrides.</summary>
    /// <remarks>Internal: the pipeline shows what a user can read (the properties above), not the syntax behind them.</remarks>
    internal InputDeclaration Declaration { get; }

    /// <summary>Why the reference could not be read, if it could not.</summary>
    public string? ReferenceError => Declaration.ReferenceError;

    /// <inheritdoc />
    public override string ToString() => Name;
}
