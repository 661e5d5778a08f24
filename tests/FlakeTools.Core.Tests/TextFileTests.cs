using System;
using System.IO;
using System.Linq;
using System.Text;
using FlakeTools.Core.IO;
using Xunit;

namespace FlakeTools.Core.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TextFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("flaketools-io-").FullName;

    public void Dispose()
    {
        foreach (var file in Directory.EnumerateFiles(_directory).Where(f => new FileInfo(f).LinkTarget is null)) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.Delete(_directory, recursive: true);
    }

    private string Create(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void ReadKeepsTheByteOrderMarkAndWriteGivesTheSameBytesBack()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("{ a = \"é\"; }\r\n")).ToArray();
        var path = Create("bom.nix", bytes);
        var text = TextFile.Read(path);
        Assert.StartsWith("\uFEFF", text);
        Assert.False(TextFile.WriteAtomic(path, text)); // unchanged: nothing written
        Assert.True(TextFile.WriteAtomic(path, text.Replace("é", "è")));
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("{ a = \"è\"; }\r\n")), File.ReadAllBytes(path));
    }

    [Fact]
    public void UnchangedContentDoesNotTouchTheFile()
    {
        var path = Create("same.nix", Encoding.UTF8.GetBytes("{ }\n"));
        var before = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, before);
        Assert.False(TextFile.WriteAtomic(path, "{ }\n"));
        Assert.Equal(before, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void WritesKeepThePermissionsAndLeaveNoTemporaryFile()
    {
        var path = Create("mode.nix", Encoding.UTF8.GetBytes("{ }\n"));
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        File.SetUnixFileMode(path, mode);
        Assert.True(TextFile.WriteAtomic(path, "{ a = 1; }\n"));
        Assert.Equal(mode, File.GetUnixFileMode(path));
        Assert.Equal(new[] { "mode.nix" }, Directory.EnumerateFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void ReadOnlyFilesAreRefusedAndLeftAlone()
    {
        var path = Create("ro.nix", Encoding.UTF8.GetBytes("{ }\n"));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        var error = Assert.Throws<FileAccessException>(() => TextFile.WriteAtomic(path, "{ a = 1; }\n"));
        Assert.True(error.IsReadOnly);
        Assert.Contains("read-only", error.Message);
        Assert.Equal("{ }\n", File.ReadAllText(path));
    }

    [Fact]
    public void LinksIntoTheNixStoreAreRefusedWithWhatToDoInstead()
    {
        var link = Path.Combine(_directory, "registry.json");
        File.CreateSymbolicLink(link, "/nix/store/00000000000000000000000000000000-registry.json");
        var error = Assert.Throws<FileAccessException>(() => TextFile.WriteAtomic(link, "{}"));
        Assert.True(error.IsReadOnly);
        Assert.Contains("change the Nix configuration", error.Message);
    }

    [Fact]
    public void LinksElsewhereAreFollowedAndKept()
    {
        var target = Create("target.nix", Encoding.UTF8.GetBytes("{ }\n"));
        var link = Path.Combine(_directory, "link.nix");
        File.CreateSymbolicLink(link, target);
        Assert.True(TextFile.WriteAtomic(link, "{ a = 1; }\n"));
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("{ a = 1; }\n", File.ReadAllText(target));
    }

    [Fact]
    public void MissingAndNonUtf8FilesGiveClearErrors()
    {
        Assert.Contains("does not exist", Assert.Throws<FileAccessException>(() => TextFile.Read(Path.Combine(_directory, "none.nix"))).Message);
        var latin1 = Create("latin1.nix", new byte[] { 0x7B, 0xE9, 0x7D });
        Assert.Contains("not UTF-8", Assert.Throws<FileAccessException>(() => TextFile.Read(latin1)).Message);
    }
}
