using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace FlakeTools.Core.Processes;

/// <summary>Reads files at a revision of the git repository they are in.</summary>
public static class GitCli
{
    /// <summary>The content of <paramref name="file"/> at <paramref name="revision"/>; throws with git's message when that fails.</summary>
    public static async Task<string> ShowAsync(string file, string revision, CancellationToken cancellation)
    {
        var git = ProcessRunner.FindOnPath("git") ?? throw new FileNotFoundException("git is not installed; it is needed to read a file at a revision");
        var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var top = await ProcessRunner.RunAsync(git, new[] { "rev-parse", "--show-toplevel" }, directory, null, cancellation).ConfigureAwait(false);
        if (top.ExitCode != 0) throw new IOException($"{directory} is not in a git repository: {top.Stderr.Trim()}");
        var relative = Path.GetRelativePath(top.Stdout.Trim(), Path.GetFullPath(file)).Replace('\\', '/');
        var show = await ProcessRunner.RunAsync(git, new[] { "show", $"{revision}:{relative}" }, directory, null, cancellation).ConfigureAwait(false);
        if (show.ExitCode != 0) throw new IOException($"git cannot show {relative} at {revision}: {show.Stderr.Trim()}");
        return show.Stdout;
    }
}
