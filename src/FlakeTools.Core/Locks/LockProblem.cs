namespace FlakeTools.Core.Locks;

/// <summary>What is wrong in a lock that can still be read.</summary>
public enum LockProblemKind
{
    /// <summary>A key written twice in one object; Nix uses the last one, and so does FlakeTools.</summary>
    DuplicateKey,
    /// <summary>A field with a value out of its range (<c>lastModified</c> past the year 9999, a negative count); shown as unknown.</summary>
    InvalidField,
    /// <summary>Follows that lead back to themselves; the inputs concerned resolve to nothing.</summary>
    FollowsCycle,
}

/// <summary>
/// Damage in a lock that does not stop it from being read (Nix 2.8 reads such a lock too): the
/// cmdlets report it and go on with the rest.
/// </summary>
/// <param name="Kind">What kind of damage.</param>
/// <param name="NodeKey">The node concerned, if one is.</param>
/// <param name="InputName">The input of that node concerned, if one is.</param>
/// <param name="Message">What is wrong, where, and what to do.</param>
/// <param name="Line">The one-based line in the file, where known.</param>
public sealed record LockProblem(LockProblemKind Kind, string? NodeKey, string? InputName, string Message, int? Line = null)
{
    /// <inheritdoc />
    public override string ToString() => Message;
}
