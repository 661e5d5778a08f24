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
public sealed class CompareFlakeLockCommand : FlakeCmdlet, IDisposable
{
    private const string FilesSet = "Files";
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>The older lock (a flake.lock or a flake directory), taken literally.</summary>
    [Parameter(ParameterSetName = FilesSet, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string ReferencePath { get; set; } = "";

    /// <summary>The newer lock (a flake.lock or a flake directory), taken literally.</summary>
    [Parameter(ParameterSetName = FilesSet, Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string DifferencePath { get; set; } = "";

    /// <summary>The git revision to compare against (HEAD, a branch, a commit, HEAD~3...).</summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true)]
    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Revision { get; set; } = "HEAD";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == FilesSet)
        {
            if (LockFile(ReferencePath) is not { } reference || LockFile(DifferencePath) is not { } difference) return;
            if (Read(reference) is not { } before || Read(difference) is not { } after) return;
            foreach (var change in LockChange.Compare(before, after)) WriteObject(change);
            return;
        }
        foreach (var path in ResolvedPaths())
        {
            var file = FlakeLock.PathFor(path);
            if (!File.Exists(file))
            {
                WriteLockNotFound(file);
                continue;
            }
            if (Read(file) is not { } after) continue;
            string old;
            try
            {
                old = GitCli.ShowAsync(file, Revision, _cancellation.Token).GetAwaiter().GetResult();
            }
            catch (GitException e)
            {
                var (id, category, target) = e.Error switch
                {
                    GitError.GitNotFound => ("GitNotFound", ErrorCategory.NotInstalled, (object)"git"),
                    GitError.NotInRepository => ("NotInGitRepository", ErrorCategory.ObjectNotFound, file),
                    GitError.RevisionNotFound => ("RevisionNotFound", ErrorCategory.ObjectNotFound, Revision),
                    _ => ("LockNotInRevision", ErrorCategory.ObjectNotFound, file),
                };
                WriteError(new ErrorRecord(e, id, category, target));
                continue;
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            FlakeLock before;
            try
            {
                before = FlakeLock.Parse(old, $"{file} at {Revision}");
            }
            catch (FlakeLockException e)
            {
                WriteError(new ErrorRecord(e, "LockParseError", ErrorCategory.InvalidData, $"{file} at {Revision}"));
                continue;
            }
            foreach (var change in LockChange.Compare(before, after)) WriteObject(change);
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _cancellation.Cancel();

    /// <inheritdoc />
    public void Dispose() => _cancellation.Dispose();

    /// <summary>The lock file a -ReferencePath/-DifferencePath names (resolved literally), or null after the error.</summary>
    private string? LockFile(string path)
    {
        if (Resolve(path, literal: true) is not [var resolved]) return null;
        var file = FlakeLock.PathFor(resolved);
        if (File.Exists(file)) return file;
        WriteLockNotFound(file);
        return null;
    }

    private void WriteLockNotFound(string file)
    {
        var error = new ItemNotFoundException($"{file} does not exist; give a flake.lock or a flake directory that has one");
        WriteError(new ErrorRecord(error, "LockNotFound", ErrorCategory.ObjectNotFound, file));
    }

    private FlakeLock? Read(string file)
    {
        try
        {
            return FlakeLock.Parse(TextFile.Read(file), file);
        }
        catch (FlakeLockException e)
        {
            WriteError(new ErrorRecord(e, "LockParseError", ErrorCategory.InvalidData, file));
        }
        catch (FileAccessException e)
        {
            WriteReadError(e, "Lock", file);
        }
        return null;
    }
}
