using System.Collections.Generic;

namespace FlakeTools.Core.Evaluation;

/// <summary>
/// A lexical scope: names bound by <c>let</c>, <c>rec</c>, function arguments or the file's base
/// scope, and the <c>with</c> expressions around them (used only when no lexical binding exists,
/// as in Nix).
/// </summary>
public sealed class Scope
{
    private readonly IReadOnlyDictionary<string, Thunk>? _names;

    private Scope(Scope? parent, IReadOnlyDictionary<string, Thunk>? names, Thunk? with)
    {
        Parent = parent;
        _names = names;
        With = with;
    }

    /// <summary>The enclosing scope.</summary>
    public Scope? Parent { get; }

    /// <summary>The set of a <c>with</c> scope, or null.</summary>
    public Thunk? With { get; }

    /// <summary>The outermost scope of every file (it holds nothing; builtins are looked up last).</summary>
    public static Scope Root { get; } = new(null, null, null);

    /// <summary>A child scope binding names.</summary>
    public Scope Bind(IReadOnlyDictionary<string, Thunk> names) => new(this, names, null);

    /// <summary>A child scope for <c>with e;</c>.</summary>
    public Scope AddWith(Thunk set) => new(this, null, set);

    /// <summary>The lexical binding of a name, or null.</summary>
    public Thunk? LookupLexical(string name)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._names is not null && scope._names.TryGetValue(name, out var thunk)) return thunk;
        }
        return null;
    }

    /// <summary>The <c>with</c> sets around this scope, innermost first.</summary>
    public IEnumerable<Thunk> WithSets()
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope.With is not null) yield return scope.With;
        }
    }
}
