using System;
using System.IO;
using System.Text;

namespace FlakeTools.Core.IO;

/// <summary>A file could not be read or written; the message says which and what to do.</summary>
public sealed class FileAccessException : IOException
{
    /// <summary>Creates the exception.</summary>
    public FileAccessException(string path, string message, bool isReadOnly = false, Exception? inner = null) : base(message, inner)
    {
        Path = path;
        IsReadOnly = isReadOnly;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Whether the problem is that the file cannot be written.</summary>
    public bool IsReadOnly { get; }
}

/// <summary>
/// Reading and writing the text files FlakeTools edits. Text is read as exact UTF-8 characters
/// (a BOM stays in the text, so writing it back keeps it); writes go to a temporary file in the
/// same folder that then replaces the original, keeping its permissions.
/// </summary>
public static class TextFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a UTF-8 file exactly.</summary>
    public static string Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new FileAccessException(path, $"{path} does not exist", inner: e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new FileAccessException(path, $"{path} does not exist", inner: e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new FileAccessException(path, $"{path} cannot be read: permission denied", inner: e);
        }
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new FileAccessException(path, $"{path} is not UTF-8 text; Nix reads files as UTF-8", inner: e);
        }
    }

    /// <summary>Why <paramref name="path"/> cannot be written, or null when it can.</summary>
    public static string? WhyNotWritable(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.LinkTarget;
            if (target.StartsWith("/nix/store/", StringComparison.Ordinal))
            {
                return $"{path} is a link into /nix/store ({target}): NixOS or home-manager generates it; change the Nix configuration that produces it instead";
            }
        }
        if (!info.Exists) return null;
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(info.LinkTarget is null ? path : info.ResolveLinkTarget(true)!.FullName);
            if ((mode & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0)
            {
                return $"{path} is read-only (mode {Convert.ToString((int)mode, 8)}); make it writable (chmod u+w) if you mean to change it";
            }
        }
        if (info.IsReadOnly) return $"{path} is read-only; make it writable if you mean to change it";
        return null;
    }

    /// <summary>
    /// Replaces the file's content atomically: a temporary file beside it is written and flushed,
    /// then renamed over the original. A link is followed and its target replaced.
    /// Nothing is written when the content is already <paramref name="text"/>.
    /// </summary>
    /// <returns>Whether the file changed.</returns>
    public static bool WriteAtomic(string path, string text)
    {
        var bytes = StrictUtf8.GetBytes(text);
        var target = new FileInfo(path).LinkTarget is not null ? new FileInfo(path).ResolveLinkTarget(true)!.FullName : Path.GetFullPath(path);
        if (File.Exists(target) && ContentEquals(target, bytes)) return false;
        if (WhyNotWritable(path) is { } reason) throw new FileAccessException(path, reason, isReadOnly: true);

        var directory = Path.GetDirectoryName(target)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.flaketools-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            if (File.Exists(target) && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));
            File.Move(temporary, target, overwrite: true);
            return true;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new FileAccessException(path, $"{path} cannot be written: permission denied in {directory}", isReadOnly: true, inner: e);
        }
        catch (IOException e) when (e is not FileAccessException)
        {
            throw new FileAccessException(path, $"{path} could not be written: {e.Message}", inner: e);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static bool ContentEquals(string path, byte[] bytes)
    {
        var info = new FileInfo(path);
        if (info.Length != bytes.Length) return false;
        return File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes);
    }
}
