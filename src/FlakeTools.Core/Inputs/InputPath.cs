using System;
using System.Collections.Generic;
using System.Linq;

namespace FlakeTools.Core.Inputs;

/// <summary>
/// The path of an input from the root flake, as flake.lock and <c>follows</c> write it:
/// <c>home-manager/nixpkgs</c> is the input <c>nixpkgs</c> of the root input <c>home-manager</c>.
/// Immutable, compared by its names; a longer path shares its parent, so walking a deep lock costs
/// one object per step, not a copy of the whole prefix. The empty path is the root flake itself
/// (and, as a follows target, the empty follows).
/// </summary>
/// <remarks>Deliberately not enumerable, so PowerShell shows it as its text (<see cref="ToString"/>).</remarks>
public sealed class InputPath : IEquatable<InputPath>, IComparable<InputPath>
{
    private readonly InputPath? _parent;
    private readonly string _name;
    private readonly int _hash;
    private string? _text;
    private string[]? _segments;

    private InputPath(InputPath? parent, string name)
    {
        _parent = parent;
        _name = name;
        Count = parent is null ? 0 : parent.Count + 1;
        _hash = parent is null ? 17 : HashCode.Combine(parent._hash, StringComparer.Ordinal.GetHashCode(name));
    }

    /// <summary>The empty path: the root flake, or the empty follows (<c>""</c>).</summary>
    public static InputPath Empty { get; } = new(null, "");

    /// <summary>A path of one root input.</summary>
    public static InputPath Of(string name) => Empty.Append(name);

    /// <summary>A path of the given names, root input first.</summary>
    public static InputPath Of(IEnumerable<string> names)
    {
        var path = Empty;
        foreach (var name in names) path = path.Append(name);
        return path;
    }

    /// <summary>
    /// Reads <c>a/b/c</c> (the form <c>follows</c> and FlakeTools print). Empty segments are dropped,
    /// as Nix drops them (<c>"a//b"</c> and <c>"/a/"</c> are <c>a/b</c> and <c>a</c>); <c>""</c> is the empty path.
    /// </summary>
    public static InputPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Of(text.Split('/', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// Reads a path as a user types it, where any of <paramref name="separators"/> separates two
    /// steps (<c>hyprland.nixpkgs</c> and <c>hyprland/nixpkgs</c> for <c>./</c>). Unlike
    /// <see cref="Parse"/>, nothing is dropped: false for an empty text or an empty step
    /// (<c>a//b</c>, <c>a/</c>), so that the caller can refuse it.
    /// </summary>
    public static bool TryParseExact(string text, ReadOnlySpan<char> separators, out InputPath path)
    {
        ArgumentNullException.ThrowIfNull(text);
        path = Empty;
        if (text.Length == 0) return false;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && separators.IndexOf(text[i]) < 0) continue;
            if (i == start)
            {
                path = Empty;
                return false;
            }
            path = path.Append(text[start..i]);
            start = i + 1;
        }
        return true;
    }

    /// <summary>The number of names (0 for the empty path).</summary>
    public int Count { get; }

    /// <summary>Whether this is the empty path.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>The last name: the input's own name (<c>""</c> for the empty path).</summary>
    public string Name => _name;

    /// <summary>The path without its last name, or null for the empty path.</summary>
    public InputPath? Parent => _parent;

    /// <summary>The root input this path starts at (<c>home-manager</c> for <c>home-manager/nixpkgs</c>).</summary>
    public string RootInput => Count == 0 ? "" : this[0];

    /// <summary>0 for a root input, 1 for an input of an input, ...; -1 for the empty path.</summary>
    public int Depth => Count - 1;

    /// <summary>The names, root input first.</summary>
    public IReadOnlyList<string> Segments
    {
        get
        {
            if (_segments is null)
            {
                var names = new string[Count];
                for (var p = this; p.Count > 0; p = p._parent!) names[p.Count - 1] = p._name;
                _segments = names;
            }
            return _segments;
        }
    }

    /// <summary>The name at a position (0 is the root input).</summary>
    public string this[int index] => (uint)index < (uint)Count ? Segments[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>This path with one more name at the end.</summary>
    public InputPath Append(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new InputPath(this, name);
    }

    /// <summary>This path followed by another (<c>waybar</c> + <c>hyprlang/nixpkgs</c>).</summary>
    public InputPath Concat(InputPath tail)
    {
        var path = this;
        foreach (var name in tail.Segments) path = path.Append(name);
        return path;
    }

    /// <summary>The path without its first <paramref name="count"/> names (<c>hyprlang/nixpkgs</c> of <c>waybar/hyprlang/nixpkgs</c> for 1).</summary>
    public InputPath Skip(int count) => count <= 0 ? this : Of(Segments.Skip(count));

    /// <summary>The first <paramref name="count"/> names.</summary>
    public InputPath Take(int count)
    {
        var path = this;
        while (path.Count > Math.Max(count, 0)) path = path._parent!;
        return path;
    }

    /// <summary>Whether <paramref name="prefix"/> is this path or one of its ancestors.</summary>
    public bool StartsWith(InputPath prefix) => prefix.Count <= Count && Take(prefix.Count).Equals(prefix);

    /// <summary>
    /// The attribute path, below the input that declares it, of a follows for the input at this
    /// path: <c>inputs.a.inputs.b.follows</c> for <c>a/b</c> (as in <c>waybar.inputs.a.inputs.b.follows = "x";</c>).
    /// </summary>
    public IReadOnlyList<string> FollowsAttributePath() => Segments.SelectMany(name => new[] { "inputs", name }).Append("follows").ToArray();

    /// <inheritdoc />
    public bool Equals(InputPath? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other.Count != Count || other._hash != _hash) return false;
        for (InputPath a = this, b = other; a.Count > 0; a = a._parent!, b = b._parent!)
        {
            if (ReferenceEquals(a, b)) return true;
            if (!string.Equals(a._name, b._name, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is InputPath other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>Orders by names, root first, ordinally (a parent before its children).</summary>
    public int CompareTo(InputPath? other)
    {
        if (other is null) return 1;
        var left = Segments;
        var right = other.Segments;
        for (var i = 0; i < Math.Min(left.Count, right.Count); i++)
        {
            var order = string.CompareOrdinal(left[i], right[i]);
            if (order != 0) return order;
        }
        return left.Count.CompareTo(right.Count);
    }

    /// <summary>The path as written in <c>follows</c>: <c>home-manager/nixpkgs</c>.</summary>
    public override string ToString() => _text ??= string.Join("/", Segments);

    /// <summary>Equal paths.</summary>
    public static bool operator ==(InputPath? left, InputPath? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Different paths.</summary>
    public static bool operator !=(InputPath? left, InputPath? right) => !(left == right);
}
