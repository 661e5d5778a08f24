namespace FlakeTools.Core.Project;

/// <summary>How serious a finding is.</summary>
public enum FindingSeverity
{
    /// <summary>Something worth knowing; nothing is wrong.</summary>
    Information,
    /// <summary>Works, but should be changed (a duplicated input, a stale one).</summary>
    Warning,
    /// <summary>Wrong: Nix fails, or the files disagree.</summary>
    Error,
}

/// <summary>
/// One finding of a check, of any kind (lock, inputs, and later configurations, registries,
/// unfree): what, how serious, where, and what to do.
/// </summary>
public sealed class Finding
{
    /// <summary>What kind of finding, stable for scripts: <c>Duplicate</c>, <c>Stale</c>, <c>FollowsCycle</c>, ...</summary>
    public string Id { get; init; } = "";

    /// <summary>How serious it is.</summary>
    public FindingSeverity Severity { get; init; }

    /// <summary>Which part of the setup it concerns: <c>Lock</c>, <c>Inputs</c>, ...</summary>
    public string Area { get; init; } = "";

    /// <summary>What is wrong.</summary>
    public string Message { get; init; } = "";

    /// <summary>What to do about it.</summary>
    public string Fix { get; init; } = "";

    /// <summary>The flake directory (or file) it concerns.</summary>
    public string? Path { get; init; }

    /// <summary>The one-based line in the file, where known.</summary>
    public int? Line { get; init; }

    /// <summary>What it is about: an input path (<c>waybar/nixpkgs</c>), a lock node, an attribute.</summary>
    public string Target { get; init; } = "";

    /// <inheritdoc />
    public override string ToString() => $"{Severity}: {Target}: {Message}";
}
