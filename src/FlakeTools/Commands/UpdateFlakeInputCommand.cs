using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FlakeTools.Completion;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.IO;
using FlakeTools.Core.Locks;
using FlakeTools.Core.Nix;
using FlakeTools.Core.References;
using FlakeTools.Core.Project;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Updates flake inputs through Nix (one nix call per flake) and writes what changed in flake.lock.</para>
/// </summary>
[Cmdlet(VerbsData.Update, "FlakeInput", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(LockChange))]
public sealed class UpdateFlakeInputCommand : FlakeCmdlet, IDisposable
{
    private readonly Dictionary<string, (FlakeSource Source, List<string> Names)> _queue = new(StringComparer.Ordinal);

    // Inputs of one flake arrive one pipeline object each: open (and report a broken) flake once.
    private readonly Dictionary<string, FlakeSource?> _opened = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>The inputs to update; all inputs of the flake when omitted. Binds from Get-FlakeInput.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(InputNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>First sets the input's branch or tag in flake.nix (one input only), then locks it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Ref { get; set; }

    /// <summary>First pins the input to this commit in flake.nix (one input only), then locks it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Rev { get; set; }

    private bool _invalid;

    /// <inheritdoc />
    protected override void Begin() => _invalid = !CheckRefAndRev(Ref, Rev);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (_invalid) return;
        foreach (var path in ResolvedPaths())
        {
            if (!_opened.TryGetValue(path, out var source))
            {
                source = OpenFlake(path);
                if (source is not null && !CheckParsed(source)) source = null;
                _opened[path] = source;
            }
            if (source is null) continue;
            if (!_queue.TryGetValue(source.FlakePath, out var entry))
            {
                entry = (source, new List<string>());
                _queue[source.FlakePath] = entry;
            }
            foreach (var name in Name ?? Array.Empty<string>())
            {
                if (source.Flake.FindInput(name) is null) { WriteInputNotFound(source, name); continue; }
                if (!entry.Names.Contains(name)) entry.Names.Add(name);
            }
            if (Name is { Length: > 0 } && entry.Names.Count == 0) _queue.Remove(source.FlakePath);
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_queue.Count == 0) return;
        NixCli? nix;
        try
        {
            nix = NixCli.Find();
        }
        catch (NixCommandException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "NixFailed", ErrorCategory.NotInstalled, "nix"));
            return;
        }
        if (nix is null)
        {
            ThrowTerminatingError(new ErrorRecord(new FileNotFoundException("nix is not installed (or not on PATH); Update-FlakeInput runs nix to update the lock"), "NixNotFound", ErrorCategory.ObjectNotFound, "nix"));
            return;
        }
        var index = 0;
        foreach (var (flakePath, (source, names)) in _queue)
        {
            index++;
            if ((Ref is not null || Rev is not null) && names.Count != 1)
            {
                WriteError(new ErrorRecord(new ArgumentException("-Ref and -Rev change one input: name exactly one"), "OneInputOnly", ErrorCategory.InvalidArgument, flakePath));
                continue;
            }
            Update(nix, source, names, index);
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _cancellation.Cancel();

    private void Update(NixCli nix, FlakeSource source, List<string> names, int index)
    {
        var arguments = nix.UpdateArguments(source.Directory, names);
        var command = NixCli.Format(arguments);

        // -Ref/-Rev: the flake.nix edit comes first.
        FlakeEditResult? edit = null;
        if (Ref is not null || Rev is not null)
        {
            var input = source.Flake.FindInput(names[0])!;
            var reference = WithRefAndRev(input, source.FlakePath, Ref, Rev);
            if (reference is null) return;
            try
            {
                edit = FlakeEditor.SetReference(source.Flake, InputPath.Of(input.Name), reference);
            }
            catch (FlakeEditException e)
            {
                WriteEditError(e, input.Name);
                return;
            }
        }
        var action = edit is { Changed: true }
            ? $"Set url of '{names[0]}' to {edit.Flake.FindInput(names[0])!.Url}, then run '{command}' in {source.Directory}"
            : $"Run '{command}' in {source.Directory}";
        if (!ShouldProcess(source.Directory, action)) return;

        // Both files go back to what was read unless nix succeeds, on every way out: a nix
        // failure, an error of ours, and a stop (Ctrl+C, Stop-Job, PowerShell.Stop()), which
        // arrives as OperationCanceledException from the run or as PipelineStoppedException from
        // WriteProgress. Only FlakeTools' own bytes (or what nix wrote while it ran) are undone.
        string? editedFlake = null;
        FileSnapshot? lockBeforeNix = null;
        var succeeded = false;
        var stopped = false;
        try
        {
            // No lost update: both files must still hold what was read when the flake was opened.
            TextFile.EnsureUnchanged(source.LockPath, source.LockText);
            if (edit is { Changed: true })
            {
                source.Save(edit.Flake);
                editedFlake = edit.Flake.Text;
            }
            else
            {
                TextFile.EnsureUnchanged(source.FlakePath, source.Flake.Text);
            }
            lockBeforeNix = TextFile.Snapshot(source.LockPath);
            RunWithProgress(nix, arguments, source.Directory, command, index);
            var after = FlakeLock.Parse(TextFile.Read(source.LockPath), source.LockPath);
            var changes = LockChange.Compare(source.Lock, after, source.Directory);
            succeeded = true;
            if (changes.Count == 0) WriteVerbose($"{source.LockPath}: already up to date");
            foreach (var change in changes) WriteObject(change);
        }
        catch (NixCommandException e)
        {
            var restored = Restore(source, editedFlake, lockBeforeNix, stopped: false);
            succeeded = true; // nothing left to undo
            WriteError(new ErrorRecord(e, "NixFailed", ErrorCategory.InvalidResult, source.Directory)
            {
                ErrorDetails = new ErrorDetails($"{e.Message}{Environment.NewLine}{(restored ? "flake.nix and flake.lock were left as they were." : "See the errors that follow about flake.nix and flake.lock.")}")
                {
                    RecommendedAction = "Read Nix's message above; check the input's url (Get-FlakeInput) and that its source is reachable.",
                },
            });
        }
        catch (FileAccessException e)
        {
            Restore(source, editedFlake, lockBeforeNix, stopped: false);
            succeeded = true;
            WriteFileError(e, e.Path);
        }
        catch (FlakeLockException e)
        {
            Restore(source, editedFlake, lockBeforeNix, stopped: false);
            succeeded = true;
            WriteError(new ErrorRecord(e, "LockParseError", ErrorCategory.InvalidData, source.LockPath));
        }
        catch (OperationCanceledException)
        {
            stopped = true;
            throw new PipelineStoppedException();
        }
        catch (PipelineStoppedException)
        {
            stopped = true;
            throw;
        }
        finally
        {
            if (!succeeded) Restore(source, editedFlake, lockBeforeNix, stopped);
        }
    }

    private void RunWithProgress(NixCli nix, IReadOnlyList<string> arguments, string directory, string command, int index)
    {
        var progress = new ProgressRecord(1, "Updating flake inputs", command) { PercentComplete = Math.Min(99, (index - 1) * 100 / _queue.Count) };
        var clock = Stopwatch.StartNew();
        var run = nix.RunAsync(arguments, directory, _cancellation.Token);
        try
        {
            // WhenAny never throws, so a failure surfaces unwrapped from GetResult below.
            while (!run.IsCompleted && Task.WhenAny(run, Task.Delay(250)).GetAwaiter().GetResult() != run)
            {
                progress.StatusDescription = $"{command} ({clock.Elapsed.TotalSeconds:F0} s)";
                WriteProgress(progress);
            }
        }
        finally
        {
            // Left early (WriteProgress threw because the pipeline stops): nix must be gone
            // before anything restores the files it may be writing.
            if (!run.IsCompleted)
            {
                _cancellation.Cancel();
                ((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(15));
            }
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        run.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Puts flake.nix back when it still holds FlakeTools' edit, and flake.lock back when nix
    /// changed it (removing it when there was none); a file someone else changed is left alone
    /// and reported. Returns whether both files are as they were.
    /// </summary>
    private bool Restore(FlakeSource source, string? editedFlake, FileSnapshot? lockBeforeNix, bool stopped)
    {
        var intact = true;
        if (lockBeforeNix is not null)
        {
            // Whatever the lock holds now that differs was written while nix ran: nix's (maybe half-written).
            try
            {
                var now = TextFile.Snapshot(source.LockPath);
                if (!now.SameAs(lockBeforeNix))
                {
                    TextFile.Restore(source.LockPath, source.LockText, now);
                    WriteVerboseSafely($"{source.LockPath}: {(source.LockText is null ? "removed the lock nix wrote (there was none before)" : "put back as it was before nix ran")}");
                }
            }
            catch (FileAccessException e)
            {
                intact = false;
                Report(e, source.LockPath, stopped, $"{source.LockPath} could not be put back as it was before nix ran: {e.Message}");
            }
        }
        if (editedFlake is not null)
        {
            try
            {
                TextFile.WriteAtomic(source.FlakePath, source.Flake.Text, editedFlake);
                WriteVerboseSafely($"{source.FlakePath}: edit undone");
            }
            catch (FileAccessException e)
            {
                intact = false;
                var message = e.Problem == FileProblem.ChangedSinceRead
                    ? $"{source.FlakePath} was changed by someone else while nix ran, so FlakeTools' edit was not undone and the file was left as it is; check it (the edit set the url of the input)"
                    : $"{source.FlakePath} could not be put back as it was: {e.Message}";
                Report(e, source.FlakePath, stopped, message);
            }
        }
        return intact;
    }

    private void WriteVerboseSafely(string message)
    {
        try
        {
            WriteVerbose(message);
        }
        catch (PipelineStoppedException)
        {
            // Stopping: there is no pipeline to tell.
        }
    }

    // While the pipeline stops, nothing can go down it: the host still shows a warning.
    private void Report(FileAccessException e, string path, bool stopped, string message)
    {
        if (!stopped)
        {
            try
            {
                WriteError(new ErrorRecord(new FileAccessException(path, message, e.Problem, e), e.Problem == FileProblem.ChangedSinceRead ? "RestoreSkipped" : "RestoreFailed", ErrorCategory.WriteError, path));
                return;
            }
            catch (PipelineStoppedException)
            {
                // Fall through to the host.
            }
        }
        try
        {
            Host?.UI?.WriteWarningLine(message);
        }
        catch (Exception hostError) when (hostError is NotImplementedException or System.Management.Automation.Host.HostException or InvalidOperationException)
        {
            // A host without a UI: the files are as the message says; nothing more can be done.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _cancellation.Dispose();
}
