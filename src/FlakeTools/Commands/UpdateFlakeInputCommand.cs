using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using FlakeTools.Completion;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.IO;
using FlakeTools.Core.Locks;
using FlakeTools.Core.Nix;

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
        var nix = NixCli.Find();
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
        IReadOnlyList<string> arguments;
        try
        {
            arguments = nix.UpdateArguments(source.Directory, names);
        }
        catch (NixCommandException e)
        {
            WriteError(new ErrorRecord(e, "NixFailed", ErrorCategory.NotInstalled, "nix"));
            return;
        }
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
                edit = FlakeEditor.SetReference(source.Flake, input.Name, reference);
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

        // Keep both files so that a failure leaves them as they were.
        var originalFlake = source.Flake.Text;
        var originalLock = File.Exists(source.LockPath) ? TextFile.Read(source.LockPath) : null;
        try
        {
            if (edit is { Changed: true }) source.Save(edit.Flake);
            RunWithProgress(nix, arguments, source.Directory, command, index);
            var after = FlakeLock.Parse(TextFile.Read(source.LockPath), source.LockPath);
            var changes = LockChange.Compare(source.Lock, after, source.Directory);
            if (changes.Count == 0) WriteVerbose($"{source.LockPath}: already up to date");
            foreach (var change in changes) WriteObject(change);
        }
        catch (NixCommandException e)
        {
            Restore(source, originalFlake, originalLock);
            WriteError(new ErrorRecord(e, "NixFailed", ErrorCategory.InvalidResult, source.Directory)
            {
                ErrorDetails = new ErrorDetails($"{e.Message}{Environment.NewLine}flake.nix and flake.lock were left as they were.")
                {
                    RecommendedAction = "Read Nix's message above; check the input's url (Get-FlakeInput) and that its source is reachable.",
                },
            });
        }
        catch (FileAccessException e)
        {
            Restore(source, originalFlake, originalLock);
            WriteError(new ErrorRecord(e, e.IsReadOnly ? "FileReadOnly" : "WriteFailed", ErrorCategory.WriteError, e.Path));
        }
        catch (OperationCanceledException)
        {
            Restore(source, originalFlake, originalLock);
            throw new PipelineStoppedException();
        }
        catch (FlakeLockException e)
        {
            Restore(source, originalFlake, originalLock);
            WriteError(new ErrorRecord(e, "LockParseError", ErrorCategory.InvalidData, source.LockPath));
        }
    }

    private void RunWithProgress(NixCli nix, IReadOnlyList<string> arguments, string directory, string command, int index)
    {
        var progress = new ProgressRecord(1, "Updating flake inputs", command) { PercentComplete = Math.Min(99, (index - 1) * 100 / _queue.Count) };
        var clock = Stopwatch.StartNew();
        var run = nix.RunAsync(arguments, directory, _cancellation.Token);
        // WhenAny never throws, so a failure surfaces unwrapped from GetResult below.
        while (!run.IsCompleted && System.Threading.Tasks.Task.WhenAny(run, System.Threading.Tasks.Task.Delay(250)).GetAwaiter().GetResult() != run)
        {
            progress.StatusDescription = $"{command} ({clock.Elapsed.TotalSeconds:F0} s)";
            WriteProgress(progress);
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        run.GetAwaiter().GetResult();
    }

    private void Restore(FlakeSource source, string flakeText, string? lockText)
    {
        try
        {
            TextFile.WriteAtomic(source.FlakePath, flakeText);
            if (lockText is null) File.Delete(source.LockPath);
            else TextFile.WriteAtomic(source.LockPath, lockText);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteWarning($"could not restore {source.Directory}: {e.Message}");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _cancellation.Dispose();
}
