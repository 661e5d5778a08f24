using System;
using System.IO;
using System.Threading;
using FlakeTools.Core.Nix;
using Xunit;

namespace FlakeTools.Core.Tests;

/// <summary>How NixCli asks nix its version: once, at a visible call, failures as NixCommandException.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NixCliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("flaketools-nixcli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string FakeNix(string body)
    {
        var path = Path.Combine(_directory, "nix");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public void TheVersionIsAskedOncePerExecutable()
    {
        var calls = Path.Combine(_directory, "calls");
        var nix = FakeNix($"echo called >> '{calls}'; echo 'nix (Nix) 2.18.5'");
        Assert.Equal(new Version(2, 18, 5), NixCli.QueryVersion(nix));
        Assert.Equal(new Version(2, 18, 5), NixCli.QueryVersion(nix));
        Assert.Single(File.ReadAllLines(calls));

        var cli = new NixCli(nix, NixCli.QueryVersion(nix), flakesEnabled: true);
        Assert.False(cli.HasFlakeUpdateInputs);
        Assert.Equal(new[] { "flake", "lock", ".", "--update-input", "a" }, cli.UpdateArguments("/f", new[] { "a" }));
        Assert.Equal(new[] { "--extra-experimental-features", "nix-command flakes", "flake", "lock", "." }, new NixCli(nix, new Version(2, 8), flakesEnabled: false).LockArguments("/f"));
        Assert.Single(File.ReadAllLines(calls));
    }

    [Fact]
    public void ANixThatFailsOrCannotStartIsANixCommandException()
    {
        var silent = FakeNix("echo 'no version here'; exit 3");
        var error = Assert.Throws<NixCommandException>(() => NixCli.QueryVersion(silent));
        Assert.Equal(3, error.ExitCode);
        Assert.Contains("--version", error.Command);

        var notExecutable = Path.Combine(_directory, "not-executable");
        File.WriteAllText(notExecutable, "not a program");
        File.SetUnixFileMode(notExecutable, UnixFileMode.UserRead);
        Assert.Equal(-1, Assert.Throws<NixCommandException>(() => NixCli.QueryVersion(notExecutable)).ExitCode);
        var cli = new NixCli(notExecutable, new Version(2, 8), flakesEnabled: true);
        Assert.Contains("could not start", Assert.Throws<NixCommandException>(() => cli.RunAsync(new[] { "flake", "lock" }, null, CancellationToken.None).GetAwaiter().GetResult()).Message);
    }
}
