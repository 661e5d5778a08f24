using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace FlakeTools.Core.Processes;

/// <summary>What went wrong reading a file from git.</summary>
public enum GitError
{
    /// <summary>git is not installed.</summary>
    GitNotFound,
    /// <summary>The file's folder is not inside a git repository.</summary>
    NotInRepository,
    /// <summary>The revision names no commit in the repository.</summary>
    RevisionNotFound,
    /// <summary>The commit exists but holds no such file.</summary>
    FileNotInRevision,
}

/// <summary>A git command could not give what was asked; <see cref="Error"/> says which kind of problem.</summary>
public sealed class GitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GitException(GitError error, string message) : base(message)
    {
        Error = error;
    }

    /// <summary>Which kind of problem.</summary>
    public GitError Error { get; }
}

/// <summary>Reads files at a revision of the git repository they are in.</summary>
public static class GitCli
{
    private static readonly Regex CommitPattern = new(@"\A[0-9a-f]{40}(?:[0-9a-f]{24})?\z", RegexOptions.Compiled);

    /// <summary>
    /// The content of <paramref name="file"/> at <paramref name="revision"/>. The revision is
    /// first resolved to a commit with <c>git rev-parse --verify --end-of-options</c>, so no
    /// revision text is ever read by git as an option; throws <see cref="GitException"/> with git's message.
    /// </summary>
    public static async Task<string> ShowAsync(string file, string revision, CancellationToken cancellation)
    {
        var git = ProcessRunner.FindOnPath("git") ?? throw new GitException(GitError.GitNotFound, "git is not installed (or not on PATH); it is needed to read a file at a revision");
        var fullPath = Path.GetFullPath(file);
        var directory = Path.GetDirectoryName(fullPath)!;
        var top = await ProcessRunner.RunAsync(git, new[] { "rev-parse", "--show-toplevel" }, directory, null, cancellation).ConfigureAwait(false);
        if (top.ExitCode != 0) throw new GitException(GitError.NotInRepository, $"{directory} is not in a git repository: {top.Stderr.Trim()}");
        var commit = await ResolveCommitAsync(git, directory, revision, cancellation).ConfigureAwait(false);
        var relative = Path.GetRelativePath(top.Stdout.TrimEnd('\n'), fullPath).Replace('\\', '/');
        // The object name starts with the commit's hex digits: git cannot take it for an option.
        var show = await ProcessRunner.RunAsync(git, new[] { "cat-file", "blob", $"{commit}:{relative}" }, directory, null, cancellation).ConfigureAwait(false);
        if (show.ExitCode != 0) throw new GitException(GitError.FileNotInRevision, $"{relative} does not exist at {revision} ({commit[..12]}): {show.Stderr.Trim()}");
        return show.Stdout;
    }

    /// <summary>
    /// The full hash of the commit <paramref name="revision"/> names in the repository at
    /// <paramref name="directory"/> (<c>git rev-parse --verify --end-of-options REV^{commit}</c>).
    /// </summary>
    public static async Task<string> ResolveCommitAsync(string git, string directory, string revision, CancellationToken cancellation)
    {
        if (revision.Length == 0 || revision.Contains('\0', StringComparison.Ordinal))
        {
            throw new GitException(GitError.RevisionNotFound, "a git revision cannot be empty or hold a NUL character");
        }
        var verify = await ProcessRunner.RunAsync(git, new[] { "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}" }, directory, null, cancellation).ConfigureAwait(false);
        var commit = verify.Stdout.Trim();
        if (verify.ExitCode != 0 || !CommitPattern.IsMatch(commit))
        {
            throw new GitException(GitError.RevisionNotFound, $"'{revision}' names no commit in the git repository at {directory}; give a branch, tag, commit or HEAD~N (git log shows them)");
        }
        return commit;
    }
}
