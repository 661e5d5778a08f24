using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.IO;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Locks;

namespace FlakeTools.Core.Project;

/// <summary>A flake directory: its flake.nix and, if present, its flake.lock.</summary>
public sealed class FlakeSource
{
    private FlakeSource(string directory, string flakePath, FlakeFile flake, FlakeLock? lockFile, string? lockError)
    {
        Directory = directory;
        FlakePath = flakePath;
        Flake = flake;
        Lock = lockFile;
        LockError = lockError;
    }

    /// <summary>The flake's directory.</summary>
    public string Directory { get; }

    /// <summary>The flake.nix file.</summary>
    public string FlakePath { get; }

    /// <summary>The parsed flake.nix.</summary>
    public FlakeFile Flake { get; }

    /// <summary>The flake.lock beside it, or null.</summary>
    public FlakeLock? Lock { get; }

    /// <summary>The text of flake.lock as it was read (null when there was none): a later write checks the file still holds it.</summary>
    public string? LockText { get; private init; }

    /// <summary>Why flake.lock could not be read, when it exists but is broken.</summary>
    public string? LockError { get; }

    /// <summary>The lock file's path (whether or not it exists).</summary>
    public string LockPath => FlakeLock.PathFor(FlakePath);

    /// <summary>
    /// Opens a flake from a directory or its flake.nix. Throws <see cref="FileAccessException"/>
    /// when there is no flake.nix to read.
    /// </summary>
    public static FlakeSource Open(string path)
    {
        var full = Path.GetFullPath(path);
        string directory, flakePath;
        if (System.IO.Directory.Exists(full))
        {
            directory = full;
            flakePath = Path.Combine(full, "flake.nix");
            if (!File.Exists(flakePath)) throw new FileAccessException(flakePath, $"{full} has no flake.nix; give the flake's directory or its flake.nix");
        }
        else if (File.Exists(full) && Path.GetFileName(full) == "flake.lock")
        {
            // The lock names its flake: the flake.nix beside it (not the lock read as Nix).
            directory = Path.GetDirectoryName(full)!;
            flakePath = Path.Combine(directory, "flake.nix");
            if (!File.Exists(flakePath)) throw new FileAccessException(flakePath, $"{directory} has no flake.nix beside {full}; give the flake's directory or its flake.nix");
        }
        else if (File.Exists(full))
        {
            flakePath = full;
            directory = Path.GetDirectoryName(full)!;
        }
        else
        {
            throw new FileAccessException(full, $"{full} does not exist");
        }
        var flake = FlakeFile.Parse(TextFile.Read(flakePath), flakePath);
        FlakeLock? lockFile = null;
        string? lockError = null, lockText = null;
        var lockPath = FlakeLock.PathFor(flakePath);
        if (File.Exists(lockPath))
        {
            try
            {
                // The text is kept for the lost-update check of a later write. A lock that is not
                // UTF-8 text (encrypted with git-crypt, say) is classified by FlakeLock.FromBytes.
                try
                {
                    lockText = TextFile.Read(lockPath);
                }
                catch (FileAccessException e) when (e.Problem == FileProblem.NotUtf8)
                {
                    lockFile = FlakeLock.Load(lockPath);
                }
                if (lockText is not null) lockFile = FlakeLock.Parse(lockText, lockPath);
            }
            catch (FlakeLockException e)
            {
                lockError = e.Message;
            }
            catch (FileAccessException e)
            {
                // Not a regular file, or unreadable: the inputs are still listed, without lock data.
                lockError = e.Message;
            }
        }
        return new FlakeSource(directory, flakePath, flake, lockFile, lockError) { LockText = lockText };
    }

    /// <summary>The root inputs with what the lock pins for each.</summary>
    public IReadOnlyList<FlakeInput> GetInputs(DateTimeOffset now)
    {
        var result = new List<FlakeInput>();
        foreach (var declaration in Flake.Inputs)
        {
            LockedInfo? locked = null;
            if (Lock is not null)
            {
                var node = Lock.Resolve(new[] { declaration.Name });
                if (node is not null) locked = LockedInfo.From(node, now);
            }
            result.Add(new FlakeInput(declaration, Directory, FlakePath, locked));
        }
        return result;
    }

    /// <summary>
    /// Writes a new flake.nix text atomically, if the file still holds what was read (else a
    /// <see cref="FileAccessException"/> with <see cref="FileProblem.ChangedSinceRead"/>); returns whether it changed.
    /// </summary>
    public bool Save(FlakeFile edited) => TextFile.WriteAtomic(FlakePath, edited.Text, Flake.Text);
}
