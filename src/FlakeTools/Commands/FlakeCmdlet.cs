using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.IO;
using FlakeTools.Core.Locks;
using FlakeTools.Core.References;
using FlakeTools.Core.Project;

namespace FlakeTools.Commands;

/// <summary>
/// What the FlakeTools cmdlets share: <c>-Path</c> (wildcards) and <c>-LiteralPath</c> resolved
/// through the FileSystem provider, and failures turned into error records with stable ids.
/// </summary>
public abstract class FlakeCmdlet : PSCmdlet
{
    /// <summary>Parameter set name for <c>-Path</c>.</summary>
    protected const string PathSet = "Path";

    /// <summary>Parameter set name for <c>-LiteralPath</c>.</summary>
    protected const string LiteralPathSet = "LiteralPath";

    /// <summary>
    /// The flake's directory or flake.nix; wildcards allowed. Defaults to the current directory.
    /// A path that comes from a pipeline object's <c>Path</c> property is taken literally.
    /// </summary>
    [Parameter(ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = { "." };

    /// <summary>The flake's directory or flake.nix, taken literally (no wildcards).</summary>
    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    // -Path as the command line gave it (or its default). A pipeline object's Path property binds
    // to -Path by name too; such a value is a path some cmdlet printed, not a pattern the user
    // typed, so it is taken literally: `/x/br[1]` must never turn into `/x/br1`.
    private string[]? _commandLinePath;

    /// <summary>Records which -Path came from the command line, then calls <see cref="Begin"/>.</summary>
    protected sealed override void BeginProcessing()
    {
        _commandLinePath = Path;
        Begin();
    }

    /// <summary>What a cmdlet checks once, after the command line is bound (BeginProcessing).</summary>
    protected virtual void Begin()
    {
    }

    /// <summary>Whether the paths of this record are literal: -LiteralPath, or a -Path bound from a pipeline object.</summary>
    private bool PathsAreLiteral => ParameterSetName == LiteralPathSet || (_commandLinePath is not null && !ReferenceEquals(Path, _commandLinePath));

    /// <summary>The file-system paths the user named, resolved; errors for the ones that do not resolve.</summary>
    protected IEnumerable<string> ResolvedPaths()
    {
        var literal = PathsAreLiteral;
        foreach (var item in ParameterSetName == LiteralPathSet ? LiteralPath : Path)
        {
            if (Resolve(item, literal) is { } resolved)
            {
                foreach (var path in resolved) yield return path;
            }
            else
            {
                UnresolvedPaths++;
            }
        }
    }

    /// <summary>How many of the paths given so far named nothing (each has had its error record).</summary>
    protected int UnresolvedPaths { get; private set; }

    /// <summary>
    /// Resolves one path through the provider (literally or as a wildcard pattern); null after
    /// writing the error when it names nothing in the file system.
    /// </summary>
    protected List<string>? Resolve(string item, bool literal)
    {
        List<string> resolved;
        ProviderInfo provider;
        try
        {
            if (literal)
            {
                resolved = new List<string> { SessionState.Path.GetUnresolvedProviderPathFromPSPath(item, out provider, out _) };
            }
            else
            {
                resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(item, out provider).ToList();
            }
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
        {
            WriteError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, item));
            return null;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            WriteError(new ErrorRecord(e, "InvalidPath", ErrorCategory.InvalidArgument, item));
            return null;
        }
        if (provider.Name != "FileSystem")
        {
            WriteError(new ErrorRecord(new ArgumentException($"'{item}' is not a file-system path; flakes live in the file system"), "NotFileSystemPath", ErrorCategory.InvalidArgument, item));
            return null;
        }
        if (resolved.Count == 0)
        {
            // A wildcard pattern that matches nothing: say so rather than doing nothing.
            var error = new ItemNotFoundException($"nothing matches the path '{item}'; [ ] * ? are wildcards in -Path: give a path with those characters as -LiteralPath");
            WriteError(new ErrorRecord(error, "PathNotFound", ErrorCategory.ObjectNotFound, item));
            return null;
        }
        return resolved;
    }

    /// <summary>Opens the flake at a resolved path, or writes an error and returns null.</summary>
    protected FlakeSource? OpenFlake(string path)
    {
        try
        {
            var source = FlakeSource.Open(path);
            if (source.LockError is not null) WriteWarning(source.LockError + " (inputs are shown without lock data)");
            foreach (var problem in source.Lock?.Problems ?? Array.Empty<LockProblem>()) WriteWarning(problem.Message);
            return source;
        }
        catch (FileAccessException e)
        {
            WriteReadError(e, "Flake", path);
            return null;
        }
    }

    /// <summary>
    /// Writes the error for a file that could not be read, with the id that names why:
    /// <c>{noun}NotFound</c>, <c>{noun}NotUtf8</c> (not UTF-8 text) or <c>{noun}AccessDenied</c>.
    /// </summary>
    protected void WriteReadError(FileAccessException e, string noun, object target)
    {
        var (id, category) = e.InnerException switch
        {
            System.Text.DecoderFallbackException => (noun + "NotUtf8", ErrorCategory.InvalidData),
            UnauthorizedAccessException => (noun + "AccessDenied", ErrorCategory.PermissionDenied),
            _ => (noun + "NotFound", ErrorCategory.ObjectNotFound),
        };
        WriteError(new ErrorRecord(e, id, category, target));
    }

    /// <summary>
    /// Opens the lock for a resolved path (a flake directory, its flake.nix, or a lock file), or
    /// writes an error (id by what is wrong, target the lock's path) and returns null. Damage that
    /// leaves the lock readable (<see cref="FlakeLock.Problems"/>) is written as non-terminating
    /// errors unless <paramref name="reportProblems"/> is false, and the lock is returned.
    /// </summary>
    protected FlakeLock? OpenLock(string path, bool reportProblems = true)
    {
        var lockPath = FlakeLock.PathFor(path);
        FlakeLock lockFile;
        try
        {
            lockFile = FlakeLock.Load(lockPath);
        }
        catch (FlakeLockException e)
        {
            WriteLockError(e, lockPath);
            return null;
        }
        if (reportProblems) WriteLockProblems(lockFile);
        return lockFile;
    }

    /// <summary>Writes the error record for a lock that cannot be read.</summary>
    protected void WriteLockError(FlakeLockException e, string lockPath)
    {
        var (id, category) = e.Error switch
        {
            FlakeLockError.NotFound => ("LockNotFound", ErrorCategory.ObjectNotFound),
            FlakeLockError.Unreadable when e.InnerException is UnauthorizedAccessException => ("LockAccessDenied", ErrorCategory.PermissionDenied),
            FlakeLockError.Unreadable => ("LockUnreadable", ErrorCategory.ReadError),
            FlakeLockError.Encrypted => ("LockEncrypted", ErrorCategory.InvalidData),
            FlakeLockError.NotUtf8 => ("LockNotUtf8", ErrorCategory.InvalidData),
            FlakeLockError.UnsupportedVersion => ("LockVersionUnsupported", ErrorCategory.InvalidData),
            _ => ("LockParseError", ErrorCategory.InvalidData),
        };
        WriteError(new ErrorRecord(e, id, category, lockPath));
    }

    /// <summary>Writes a non-terminating error for each damage a readable lock has (a key written twice, ...).</summary>
    protected void WriteLockProblems(FlakeLock lockFile)
    {
        foreach (var problem in lockFile.Problems)
        {
            var id = problem.Kind switch
            {
                LockProblemKind.DuplicateKey => "LockDuplicateKey",
                LockProblemKind.FollowsCycle => "LockFollowsCycle",
                _ => "LockInvalidField",
            };
            WriteError(new ErrorRecord(new InvalidDataException(problem.Message), id, ErrorCategory.InvalidData, lockFile.Path));
        }
    }

    /// <summary>The flake directory a lock belongs to.</summary>
    protected static string LockDirectory(FlakeLock lockFile) => lockFile.Directory!;

    /// <summary>Writes an error when flake.nix has errors; returns whether it is usable.</summary>
    protected bool CheckParsed(FlakeSource source)
    {
        if (!source.Flake.HasStructuralErrors)
        {
            // Well-formed, but Nix refuses it: say where; reading and editing it still work.
            foreach (var undefined in source.Flake.Diagnostics.Where(d => d.IsUndefinedVariable)) WriteWarning($"{undefined.FilePath ?? source.FlakePath}:{undefined.Line}:{undefined.Column}: {undefined.Message}");
            return true;
        }
        var first = source.Flake.Diagnostics.First(d => d.Severity == Syntax.DiagnosticSeverity.Error && !d.IsUndefinedVariable);
        var message = $"{first.FilePath ?? source.FlakePath}:{first.Line}:{first.Column}: {first.Message}. Fix flake.nix and try again.";
        WriteError(new ErrorRecord(new InvalidDataException(message), "FlakeParseError", ErrorCategory.ParserError, source.FlakePath));
        return false;
    }

    /// <summary>Writes the error for an input name that the flake does not declare.</summary>
    protected void WriteInputNotFound(FlakeSource source, string name)
    {
        var names = string.Join(", ", source.Flake.Inputs.Select(i => i.Name));
        var error = new ItemNotFoundException($"{source.FlakePath} has no input '{name}'" + (names.Length > 0 ? $"; its inputs are: {names}" : " (it declares no inputs)"));
        WriteError(new ErrorRecord(error, "InputNotFound", ErrorCategory.ObjectNotFound, name));
    }

    /// <summary>Parses a reference given on the command line, or writes an error and returns null.</summary>
    protected FlakeReference? ParseReference(string url)
    {
        try
        {
            return FlakeReference.Parse(url);
        }
        catch (FlakeReferenceException e)
        {
            WriteError(new ErrorRecord(e, "InvalidReference", ErrorCategory.InvalidArgument, url));
            return null;
        }
    }

    /// <summary>
    /// The input's reference with a new ref and/or rev (Set-FlakeInput and Update-FlakeInput -Ref/-Rev),
    /// or null after writing the error.
    /// </summary>
    protected FlakeReference? WithRefAndRev(InputDeclaration input, string flakePath, string? newRef, string? newRev)
    {
        if (input.Reference is null)
        {
            var why = input.Follows is not null ? $" (it follows '{input.Follows}')" : input.ReferenceError is not null ? $" ({input.ReferenceError})" : "";
            var error = new InvalidOperationException($"input '{input.Name}' in {flakePath} has no reference whose ref or rev could change{why}; give a whole reference with Set-FlakeInput -Url");
            WriteError(new ErrorRecord(error, "NoReference", ErrorCategory.InvalidOperation, input.Name));
            return null;
        }
        try
        {
            return input.Reference.WithRefAndRev(newRef, newRev);
        }
        catch (FlakeReferenceException e)
        {
            WriteError(new ErrorRecord(e, "InvalidReference", ErrorCategory.InvalidArgument, input.Name));
            return null;
        }
    }

    /// <summary>Turns an edit failure into an error record with a stable id.</summary>
    protected void WriteEditError(FlakeEditException e, object target)
    {
        var (id, category) = e.Error switch
        {
            FlakeEditError.InputNotFound => ("InputNotFound", ErrorCategory.ObjectNotFound),
            FlakeEditError.InputExists => ("InputExists", ErrorCategory.ResourceExists),
            FlakeEditError.FlakeInvalid => ("FlakeParseError", ErrorCategory.ParserError),
            FlakeEditError.InvalidName => ("InvalidInputName", ErrorCategory.InvalidArgument),
            FlakeEditError.InvalidFollows => ("InvalidFollows", ErrorCategory.InvalidArgument),
            FlakeEditError.InvalidRef => ("InvalidRef", ErrorCategory.InvalidArgument),
            FlakeEditError.InvalidRev => ("InvalidRev", ErrorCategory.InvalidArgument),
            _ => ("EditFailed", ErrorCategory.InvalidOperation),
        };
        WriteError(new ErrorRecord(e, id, category, target));
    }

    /// <summary>
    /// Writes an edited flake.nix after ShouldProcess, reporting the changed lines in the
    /// -WhatIf/-Confirm text. Returns whether it was written.
    /// </summary>
    protected bool SaveEdit(FlakeSource source, FlakeEditResult result, string action)
    {
        foreach (var warning in result.Warnings) WriteWarning(warning);
        if (!result.Changed)
        {
            WriteVerbose($"{source.FlakePath}: nothing to change ({action})");
            return false;
        }
        var description = action + Environment.NewLine + LineDiff.Describe(source.Flake.Text, result.Flake.Text);
        if (!ShouldProcess(source.FlakePath, description)) return false;
        try
        {
            source.Save(result.Flake);
            return true;
        }
        catch (FileAccessException e)
        {
            WriteFileError(e, source.FlakePath);
            return false;
        }
    }

    /// <summary>Writes the error for a file that could not be written, with the id of its problem (FileReadOnly, FileChangedSinceRead...).</summary>
    protected void WriteFileError(FileAccessException e, string path)
    {
        var category = e.IsReadOnly ? ErrorCategory.PermissionDenied : e.Problem == FileProblem.ChangedSinceRead ? ErrorCategory.ResourceUnavailable : ErrorCategory.WriteError;
        var record = new ErrorRecord(e, e.ErrorId, category, path);
        if (e.Problem == FileProblem.ChangedSinceRead)
        {
            record.ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = "Look at the file's new content, then run the command again: it reads the file afresh." };
        }
        WriteError(record);
    }

    /// <summary>The input of that name as a pipeline object, read back from disk.</summary>
    protected FlakeInput? ReadBack(string flakePath, string name)
    {
        try
        {
            var source = FlakeSource.Open(flakePath);
            return source.GetInputs(DateTimeOffset.UtcNow).FirstOrDefault(i => i.Name == name);
        }
        catch (FileAccessException e)
        {
            WriteReadError(e, "Flake", flakePath);
            return null;
        }
    }

    /// <summary>
    /// Reads <c>-Follows @{ nixpkgs = 'nixpkgs' }</c> into (input path, target) pairs, checked by
    /// <see cref="FlakeEditor.NormalizeFollows"/>. A value must be one string ($null or '' is the
    /// empty follows). Throws <see cref="FlakeEditException"/> for anything else.
    /// </summary>
    protected static List<KeyValuePair<InputPath, InputPath>> FollowsPairs(Hashtable? follows)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (follows is null) return new List<KeyValuePair<InputPath, InputPath>>();
        foreach (DictionaryEntry entry in follows)
        {
            var key = entry.Key is PSObject { BaseObject: var k } ? k : entry.Key;
            var value = entry.Value is PSObject { BaseObject: var v } ? v : entry.Value;
            if (key is not string keyText)
            {
                throw new FlakeEditException(FlakeEditError.InvalidFollows, $"a -Follows key is the name of an input of the input, such as nixpkgs or hyprland/nixpkgs, not {key?.GetType().Name ?? "$null"}");
            }
            if (value is not (null or string))
            {
                throw new FlakeEditException(FlakeEditError.InvalidFollows, $"the -Follows value for '{keyText}' must be one input path such as 'nixpkgs' (or '' for the empty follows), not {(value is IEnumerable ? "a list" : "a " + value.GetType().Name)}");
            }
            pairs.Add(new KeyValuePair<string, string>(keyText, (string?)value ?? ""));
        }
        return FlakeEditor.NormalizeFollows(pairs);
    }

    /// <summary>Checks -Ref and -Rev as Nix would; null when they are fine, else after writing the error.</summary>
    protected bool CheckRefAndRev(string? newRef, string? newRev)
    {
        try
        {
            if (newRef is not null) FlakeEditor.CheckRef(newRef);
            if (newRev is not null) FlakeEditor.CheckRev(newRev);
            return true;
        }
        catch (FlakeEditException e)
        {
            WriteEditError(e, (object?)newRef ?? newRev!);
            return false;
        }
    }
}
