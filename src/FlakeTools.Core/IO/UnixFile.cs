using System;
using System.Runtime.InteropServices;

namespace FlakeTools.Core.IO;

/// <summary>What the kernel says about a file: its type, owner, group, mode and link count (Linux <c>statx</c>).</summary>
/// <param name="IsRegularFile">Whether it is a regular file (not a FIFO, device, socket or directory).</param>
/// <param name="IsDirectory">Whether it is a directory.</param>
/// <param name="UserId">The owner's uid.</param>
/// <param name="GroupId">The group's gid.</param>
/// <param name="Mode">The permission bits (including set-uid, set-gid and sticky).</param>
/// <param name="HardLinks">How many names (hard links) the file has.</param>
public sealed record UnixFileStatus(bool IsRegularFile, bool IsDirectory, uint UserId, uint GroupId, int Mode, uint HardLinks);

/// <summary>
/// The few POSIX calls .NET does not expose and that safe writes need: <c>access(2)</c> (may this
/// process write the file, as the kernel decides, root included), <c>statx(2)</c> (owner, group,
/// link count, file type), <c>chown(2)</c> and <c>fsync(2)</c> of a directory. On systems
/// without them (Windows, macOS, an old libc) the queries answer null and the calls do nothing.
/// </summary>
internal static class UnixFile
{
    private const int AtCurrentDirectory = -100;
    private const uint StatxBasicStats = 0x7ff;
    private const int WriteOk = 2;
    private const int ExecuteOk = 1;

    [DllImport("libc", EntryPoint = "access", SetLastError = true)]
    private static extern int NativeAccess(string path, int mode);

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int NativeStatx(int directory, string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int NativeChown(string path, uint owner, uint group);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int NativeOpen(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int NativeFsync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int NativeClose(int descriptor);

    [DllImport("libc", EntryPoint = "strerror")]
    private static extern IntPtr NativeStrerror(int error);

    /// <summary>errno for "read-only file system".</summary>
    public const int ReadOnlyFileSystem = 30;

    private static bool Supported => OperatingSystem.IsLinux();

    /// <summary>The file's status (links followed), or null when unknown (not Linux, or it does not exist).</summary>
    public static UnixFileStatus? Status(string path)
    {
        if (!Supported) return null;
        var buffer = new byte[256];
        try
        {
            if (NativeStatx(AtCurrentDirectory, path, 0, StatxBasicStats, buffer) != 0) return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        // struct statx is the same on every Linux architecture: nlink at 16, uid 20, gid 24, mode 28 (u16).
        var nlink = BitConverter.ToUInt32(buffer, 16);
        var uid = BitConverter.ToUInt32(buffer, 20);
        var gid = BitConverter.ToUInt32(buffer, 24);
        var mode = BitConverter.ToUInt16(buffer, 28);
        var type = mode & 0xF000;
        return new UnixFileStatus(type == 0x8000, type == 0x4000, uid, gid, mode & 0xFFF, nlink);
    }

    /// <summary>0 when the kernel lets this process write <paramref name="path"/> (access W_OK), else the errno; null when unknown.</summary>
    public static int? CheckWrite(string path) => Access(path, WriteOk);

    /// <summary>0 when this process may create and rename files in the directory (W_OK|X_OK), else the errno; null when unknown.</summary>
    public static int? CheckDirectoryWrite(string directory) => Access(directory, WriteOk | ExecuteOk);

    private static int? Access(string path, int mode)
    {
        if (!Supported) return null;
        try
        {
            return NativeAccess(path, mode) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Sets owner and group; returns 0 or the errno (EPERM when the process may not).</summary>
    public static int Chown(string path, uint owner, uint group)
    {
        if (!Supported) return 0;
        return NativeChown(path, owner, group) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// Flushes a directory's entries to disk, so that a rename in it survives a power cut.
    /// Returns 0 or the errno.
    /// </summary>
    public static int SyncDirectory(string directory)
    {
        if (!Supported) return 0;
        var descriptor = NativeOpen(directory, 0 /* O_RDONLY */);
        if (descriptor < 0) return Marshal.GetLastPInvokeError();
        try
        {
            return NativeFsync(descriptor) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            NativeClose(descriptor);
        }
    }

    /// <summary>The system's text for an errno.</summary>
    public static string Describe(int error)
    {
        try
        {
            return Marshal.PtrToStringUTF8(NativeStrerror(error)) ?? $"errno {error}";
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return $"errno {error}";
        }
    }
}
