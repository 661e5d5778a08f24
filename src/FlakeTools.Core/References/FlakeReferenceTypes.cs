using System;
using System.Text.RegularExpressions;

namespace FlakeTools.Core.References;

/// <summary>
/// The reference types Nix's fetchers know, and the patterns their parts must match (taken from
/// Nix's libfetchers: <c>github.cc</c>, <c>git.cc</c>, <c>mercurial.cc</c>, <c>tarball.cc</c>,
/// <c>path.cc</c>, <c>indirect.cc</c>). One place for each rule.
/// </summary>
public static class FlakeReferenceTypes
{
    /// <summary><c>github</c></summary>
    public const string GitHub = "github";

    /// <summary><c>gitlab</c></summary>
    public const string GitLab = "gitlab";

    /// <summary><c>sourcehut</c></summary>
    public const string SourceHut = "sourcehut";

    /// <summary><c>git</c></summary>
    public const string Git = "git";

    /// <summary><c>hg</c> (Mercurial)</summary>
    public const string Mercurial = "hg";

    /// <summary><c>path</c></summary>
    public const string Path = "path";

    /// <summary><c>tarball</c></summary>
    public const string Tarball = "tarball";

    /// <summary><c>file</c></summary>
    public const string File = "file";

    /// <summary><c>indirect</c> (a flake registry name)</summary>
    public const string Indirect = "indirect";

    /// <summary>
    /// A commit hash as Nix takes it in a reference: 40 hexadecimal digits, either case. The one
    /// spelling of this rule (cmdlet parameters validate with it too). Anchored with \A and \z:
    /// .NET's <c>$</c> also matches before a final line break. So are the patterns below.
    /// </summary>
    public const string RevPattern = @"\A[0-9a-fA-F]{40}\z";

    private static readonly Regex RevRegex = new(RevPattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);

    // Nix's flake id, and its older branch/tag pattern (which also matches a commit hash).
    internal const string FlakeIdPattern = "[a-zA-Z][a-zA-Z0-9_-]*";
    internal const string SimpleRefPattern = @"[a-zA-Z0-9@][a-zA-Z0-9_.\/@+-]*";

    /// <summary>A flake registry name: <c>[a-zA-Z][a-zA-Z0-9_-]*</c>.</summary>
    internal static readonly Regex FlakeIdRegex = new(@"\A" + FlakeIdPattern + @"\z", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <summary>The host of a github/gitlab/sourcehut instance: <c>[a-zA-Z0-9.-]*</c>.</summary>
    internal static readonly Regex HostRegex = new(@"\A[a-zA-Z0-9.-]*\z", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <summary>Nix's older, simpler branch/tag pattern, still what Mercurial references are checked with.</summary>
    internal static readonly Regex SimpleRefRegex = new(@"\A" + SimpleRefPattern + @"\z", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <summary>
    /// Whether the type is one of the git forges that Nix fetches as archives (github, gitlab,
    /// sourcehut): <c>type:owner/repo[/ref-or-rev]</c>, with owner, repo, ref, rev and host.
    /// </summary>
    public static bool IsGitForge(string? type) => type is GitHub or GitLab or SourceHut;

    /// <summary>Whether the text is a commit hash as a reference takes it (<see cref="RevPattern"/>).</summary>
    public static bool IsRev(string? text) => text is not null && RevRegex.IsMatch(text);

    /// <summary>
    /// Whether git accepts the name as a branch, tag or reference name (git check-ref-format, as
    /// libgit2 checks it for Nix's <c>isLegalRefName</c>): no <c>..</c>, no <c>@{</c>, no control
    /// characters, space, <c>~ ^ : ? * [ \</c>, no component starting with <c>.</c> or ending in
    /// <c>.lock</c>, no empty component, not <c>@</c>, not ending in <c>.</c>, not starting with <c>-</c>.
    /// </summary>
    public static bool IsLegalRefName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name == "@" || name.StartsWith('-')) return false;
        if (name.Contains("..", StringComparison.Ordinal) || name.Contains("@{", StringComparison.Ordinal)) return false;
        if (name.EndsWith('.') || name.EndsWith('/')) return false;
        foreach (var c in name)
        {
            if (c < 0x20 || c == 0x7f || c is ' ' or '~' or '^' or ':' or '?' or '*' or '[' or '\\') return false;
        }
        foreach (var component in name.Split('/'))
        {
            if (component.Length == 0 || component.StartsWith('.') || component.EndsWith(".lock", StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
