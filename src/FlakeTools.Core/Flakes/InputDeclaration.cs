using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.References;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Flakes;

/// <summary>
/// An input as flake.nix declares it, or an override of a transitive input
/// (<c>home-manager.inputs.nixpkgs.follows</c>): the same keys nest to any depth.
/// </summary>
public sealed class InputDeclaration
{
    private readonly Dictionary<string, InputDeclaration> _inputs = new();
    private readonly List<KeyValuePair<string, object>> _attributes = new();
    internal readonly List<(BindingSyntax Binding, int Depth)> Bindings = new();
    internal readonly List<AttrSetSyntax> Blocks = new();
    internal readonly Dictionary<string, BindingSyntax> ValueBindings = new();

    internal InputDeclaration(string name, InputDeclaration? parent)
    {
        Name = name;
        Parent = parent;
    }

    /// <summary>The input's name.</summary>
    public string Name { get; }

    /// <summary>The declaration this one overrides a transitive input of, or null for a root input.</summary>
    public InputDeclaration? Parent { get; }

    /// <summary>The path from the root input: <c>home-manager/nixpkgs</c>; just the name for a root input.</summary>
    public InputPath InputPath => _inputPath ??= Parent is null ? InputPath.Of(Name) : Parent.InputPath.Append(Name);

    private InputPath? _inputPath;

    /// <summary>The <c>url</c> as written (a constant string or a path literal), or null.</summary>
    public string? Url { get; internal set; }

    /// <summary>Whether <c>url</c> is a path literal (<c>url = ./sub;</c>) rather than a string; Nix evaluates it to a copy in the store.</summary>
    public bool UrlIsPathLiteral { get; internal set; }

    /// <summary>Whether <c>url</c> is a URI literal, a string written without quotes (<c>url = github:NixOS/nixpkgs;</c>); edits keep it so.</summary>
    public bool UrlIsUriLiteral { get; internal set; }

    /// <summary>The reference from <c>url</c> or from the attribute-set form, or null.</summary>
    public FlakeReference? Reference { get; internal set; }

    /// <summary>Why the reference could not be read, when it could not.</summary>
    public string? ReferenceError { get; internal set; }

    // Why FlakeTools cannot read the reference at all (a url or attribute it cannot evaluate).
    internal string? Unreadable { get; set; }

    // Whether `inputs = { ... }` is written, even empty.
    internal bool DeclaresInputs { get; set; }

    /// <summary>False when declared <c>flake = false</c>.</summary>
    public bool IsFlake { get; internal set; } = true;

    /// <summary>Whether <c>flake</c> is written at all.</summary>
    public bool HasFlakeAttribute { get; internal set; }

    /// <summary>The <c>follows</c> of this input itself as written (<c>""</c> is the empty follows), or null.</summary>
    public string? Follows
    {
        get => _follows;
        internal set
        {
            _follows = value;
            FollowsPath = value is null ? null : InputPath.Parse(value);
        }
    }

    private string? _follows;

    /// <summary>
    /// The <c>follows</c> as the input path Nix reads from it (<c>"a//b"</c> is <c>a/b</c>; the empty
    /// path is the empty follows), or null when the input has none.
    /// </summary>
    public InputPath? FollowsPath { get; private set; }

    /// <summary>Attributes of the attribute-set form (<c>type</c>, <c>owner</c>, <c>ref</c>, ...) in source order.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Attributes => _attributes;

    /// <summary>Overrides of this input's own inputs, by name.</summary>
    public IReadOnlyDictionary<string, InputDeclaration> Inputs => _inputs;

    /// <summary>One-based line of the first binding that declares this input.</summary>
    public int Line { get; internal set; }

    /// <summary>One-based column of that binding.</summary>
    public int Column { get; internal set; }

    /// <summary>Whether the declaration uses the attribute-set form of a reference.</summary>
    public bool UsesAttributeForm => _attributes.Any(a => a.Key == "type");

    /// <summary>Every override below this input, depth first: (<c>nixpkgs</c>, follows), (<c>a/nixpkgs</c>, follows)...</summary>
    public IEnumerable<InputDeclaration> Descendants()
    {
        foreach (var child in _inputs.Values)
        {
            yield return child;
            foreach (var below in child.Descendants()) yield return below;
        }
    }

    internal InputDeclaration GetOrAddInput(string name)
    {
        if (!_inputs.TryGetValue(name, out var child))
        {
            child = new InputDeclaration(name, this);
            _inputs.Add(name, child);
        }
        return child;
    }

    internal void AddAttribute(string key, object value) => _attributes.Add(new KeyValuePair<string, object>(key, value));

    /// <summary>The declaration as Nix evaluates it, as JSON (what <c>(import ./flake.nix).inputs.&lt;name&gt;</c> gives).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var (key, value) in _attributes)
        {
            json[key] = value switch
            {
                bool b => JsonValue.Create(b),
                long l => JsonValue.Create(l),
                _ => JsonValue.Create(value.ToString()),
            };
        }
        if (Url is not null) json["url"] = Url;
        if (HasFlakeAttribute) json["flake"] = IsFlake;
        if (Follows is not null) json["follows"] = Follows;
        if (_inputs.Count > 0 || DeclaresInputs)
        {
            var inputs = new JsonObject();
            foreach (var (name, child) in _inputs) inputs[name] = child.ToJson();
            json["inputs"] = inputs;
        }
        return json;
    }
}
