using FlakeTools.Syntax;

namespace FlakeTools.Core.Evaluation;

/// <summary>
/// A value not computed yet: an expression with its scope, forced at most once. A thunk that is
/// forced while it is being forced (infinite recursion in Nix) gives an <see cref="UnknownValue"/>.
/// </summary>
public sealed class Thunk
{
    private SyntaxNode? _expression;
    private Scope? _scope;
    private System.Func<NixValue>? _compute;
    private NixValue? _value;
    private bool _forcing;

    internal Thunk(SyntaxNode expression, Scope scope)
    {
        _expression = expression;
        _scope = scope;
        Expression = expression;
    }

    private Thunk(NixValue value)
    {
        _value = value;
        Expression = value.Source;
    }

    private Thunk(System.Func<NixValue> compute, SyntaxNode? source)
    {
        _compute = compute;
        Expression = source;
    }

    /// <summary>A thunk computed by the reader itself (the result of <c>map f x</c> for one element).</summary>
    internal static Thunk Deferred(System.Func<NixValue> compute, SyntaxNode? source) => new(compute, source);

    /// <summary>A thunk that already holds a value.</summary>
    public static Thunk Of(NixValue value) => new(value);

    /// <summary>The expression this thunk stands for (the value's source when made from a value).</summary>
    public SyntaxNode? Expression { get; }

    /// <summary>Whether the value was computed already.</summary>
    public bool IsForced => _value is not null;

    /// <summary>The value when it was computed already, else null.</summary>
    public NixValue? ValueIfForced => _value;

    internal NixValue Force(Evaluator evaluator)
    {
        if (_value is not null) return _value;
        if (_forcing) return new UnknownValue("the value depends on itself (infinite recursion in Nix)", _expression);
        _forcing = true;
        try
        {
            var value = _compute is not null ? evaluator.Guard(_compute) : evaluator.Evaluate(_expression!, _scope!);
            // An unknown caused by a spent budget may become known with a fresh budget: do not keep it.
            if (evaluator.BudgetSpent && value is UnknownValue) return value;
            _value = value;
            _expression = null;
            _scope = null;
            _compute = null;
            return value;
        }
        finally
        {
            _forcing = false;
        }
    }
}
