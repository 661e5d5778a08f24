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

/// <summary>
/// A problem found in Nix source, with where it is. <see cref="FilePath"/> says which file when
/// findings from many files are put together; it is null for text that came from no file.
/// </summary>
/// <param name="Message">What is wrong, for people.</param>
/// <param name="Span">Where in the text.</param>
/// <param name="Line">One-based line of the span start.</param>
/// <param name="Column">One-based column of the span start.</param>
/// <param name="Severity">How serious it is.</param>
public sealed record Diagnostic(string Message, TextSpan Span, int Line, int Column, DiagnosticSeverity Severity)
{
    /// <summary>The file the text came from, or null when it came from no file (or it is not known).</summary>
    public string? FilePath { get; init; }

    /// <summary>
    /// What kind of problem, for code that treats one kind apart: <see cref="UndefinedVariableId"/>, or
    /// null for the others (syntax errors and the other parse-time checks).
    /// </summary>
    public string? Id { get; init; }

    /// <summary>
    /// The <see cref="Id"/> of a variable that nothing binds (<c>undefined variable 'x'</c>): Nix refuses
    /// the file before evaluating it, but the text is well-formed.
    /// </summary>
    public const string UndefinedVariableId = Parsing.ScopeCheck.UndefinedVariableId;

    /// <summary>Whether this is an undefined variable (<see cref="UndefinedVariableId"/>).</summary>
    public bool IsUndefinedVariable => Id == UndefinedVariableId;

    /// <summary>A copy that names <paramref name="filePath"/> as the file.</summary>
    public Diagnostic WithFilePath(string? filePath) => this with { FilePath = filePath };

    /// <summary><c>line:column: severity: message</c>, preceded by <c>path:</c> when the file is known.</summary>
    public override string ToString() =>
        $"{(FilePath is null ? "" : FilePath + ":")}{Line}:{Column}: {Severity.ToString().ToLowerInvariant()}: {Message}";
}
