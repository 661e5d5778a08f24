using System;
using System.IO;
using System.Management.Automation;
using System.Threading;
using FlakeTools.Core.IO;
using FlakeTools.Core.Locks;
using FlakeTools.Core.Processes;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Compares two flake.lock files, or a flake.lock with a git revision of itself: inputs added, removed, updated, or following something else.</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "FlakeLock", DefaultParameterSetName = FilesSet)]
[OutputType(typeof(LockChange))]
public sealed class CompareFlakeLockCommand : PSCmdlet
{
    private const string FilesSet = "Files";
    private const string RevisionSet = "Revision";

    /// <summary>The older lock (a flake.lock or a flake directory).</summary>
    [Parameter(ParameterSetName = FilesSet, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string ReferencePath { get; set; } = "";

    /// <summary>The newer lock (a flake.lock or a flake directory).</summary>
    [Parameter(ParameterSetName = FilesSet, Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string DifferencePath { get; set; } = "";

    /// <summary>The lock to compare with its own git history (a flake.lock or a flake directory); default the current directory.</summary>
    [Parameter(ParameterSetName = RevisionSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = ".";

    /// <summary>The git revision to compare against (HEAD, a branch, a commit, HEAD~3...).</summary>
    [Parameter(ParameterSetName = RevisionSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Revision { get; set; } = "HEAD";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        // The file being read, as the target of an error about it.
        string target = ParameterSetName == RevisionSet ? Path : ReferencePath;
        try
        {
            FlakeLock before, after;
            if (ParameterSetName == RevisionSet)
            {
                var file = target = LockFile(Path);
                after = FlakeLock.Parse(TextFile.Read(file), file);
                var old = GitCli.ShowAsync(file, Revision, CancellationToken.None).GetAwaiter().GetResult();
                before = FlakeLock.Parse(old, $"{file} at {Revision}");
            }
            else
            {
                var reference = target = LockFile(ReferencePath);
                before = FlakeLock.Parse(TextFile.Read(reference), reference);
                var difference = target = LockFile(DifferencePath);
                after = FlakeLock.Parse(TextFile.Read(difference), difference);
            }
            foreach (var change in LockChange.Compare(before, after)) WriteObject(change);
        }
        catch (FlakeLockException e)
        {
            WriteError(new ErrorRecord(e, "LockParseError", ErrorCategory.InvalidData, target));
        }
        catch (FileAccessException e)
        {
            WriteError(new ErrorRecord(e, e.Problem == FileProblem.NotFound ? "LockNotFound" : e.ErrorId, ErrorCategory.ReadError, e.Path));
        }
        catch (IOException e)
        {
            WriteError(new ErrorRecord(e, "LockNotFound", ErrorCategory.ObjectNotFound, target));
        }
    }

    private string LockFile(string path) => FlakeLock.PathFor(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
}
