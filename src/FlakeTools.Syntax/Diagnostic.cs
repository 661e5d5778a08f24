namespace FlakeTools.Syntax;

/// <summary>How serious a diagnostic is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Something worth knowing; the input is fine.</summary>
    Information,
    /// <summary>Likely a mistake, but Nix accepts it.</summary>
    Warning,
    /// <summary>Nix would reject the input.</summary>
    Error,
}

/// <summary>A problem found in Nix source, with where it is.</summary>
/// <param name="Message">What is wrong, for people.</param>
/// <param name="Span">Where in the text.</param>
/// <param name="Line">One-based line of the span start.</param>
/// <param name="Column">One-based column of the span start.</param>
/// <param name="Severity">How serious it is.</param>
public sealed record Diagnostic(string Message, TextSpan Span, int Line, int Column, DiagnosticSeverity Severity)
{
    /// <inheritdoc />
    public override string ToString() => $"{Line}:{Column}: {Severity.ToString().ToLowerInvariant()}: {Message}";
}
