using System;

namespace FlakeTools.Core.Checks;

/// <summary>
/// A mechanical, lossless edit that resolves a finding: one file's text before and after.
/// The new text parses (the edit was checked when it was made).
/// </summary>
public sealed class FlakeFix
{
    /// <summary>Creates an edit.</summary>
    public FlakeFix(string findingId, string target, string file, string description, string oldText, string newText)
    {
        FindingId = findingId;
        Target = target;
        File = file;
        Description = description;
        OldText = oldText;
        NewText = newText;
    }

    /// <summary>The id of the finding it resolves.</summary>
    public string FindingId { get; }

    /// <summary>The finding's target.</summary>
    public string Target { get; }

    /// <summary>The file it edits.</summary>
    public string File { get; }

    /// <summary>What it does, for people (the -WhatIf text).</summary>
    public string Description { get; }

    /// <summary>The file's text the edit was made from (a write checks the file still holds it).</summary>
    public string OldText { get; }

    /// <summary>The file's text after the edit.</summary>
    public string NewText { get; }

    /// <summary>Whether the edit changes anything.</summary>
    public bool Changes => !string.Equals(OldText, NewText, StringComparison.Ordinal);

    /// <summary>Identifies the edit: the same file made into the same text.</summary>
    public string Key => File + "\0" + NewText;

    /// <inheritdoc />
    public override string ToString() => $"{File}: {Description}";
}
