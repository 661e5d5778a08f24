using FlakeTools.Syntax;

namespace FlakeTools.Core.Evaluation;

/// <summary>
/// The <c>self</c> argument of a flake's <c>outputs</c>: the outputs themselves plus
/// <c>outPath</c> (the flake's directory). Selecting from it forces the outputs only when the
/// name is not <c>outPath</c>, so <c>"${self}/hosts"</c> and <c>./.</c>-like uses stay cheap.
/// </summary>
public sealed class FlakeSelfValue : NixValue
{
    internal FlakeSelfValue(string directory, Thunk outputs, Thunk inputs) : base(null)
    {
        Directory = directory;
        Outputs = outputs;
        Inputs = inputs;
    }

    /// <summary>The flake's directory (<c>self.outPath</c>).</summary>
    public string Directory { get; }

    /// <summary>The flake's outputs.</summary>
    public Thunk Outputs { get; }

    /// <summary>The flake's inputs (<c>self.inputs</c>).</summary>
    public Thunk Inputs { get; }

    /// <inheritdoc />
    public override string TypeName => "set";

    /// <inheritdoc />
    public override string ToString() => "self";
}
