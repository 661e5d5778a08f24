using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.Inputs;
using FlakeTools.Core.Nix;
using FlakeTools.Core.Processes;
using FlakeTools.Core.References;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests;

/// <summary>Strings from users checked by the rules Nix applies to them (issue 15, items 3, 4, 7, 9; issue 12, section 3).</summary>
public class UserStringTests
{
    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);

    private static FlakeFile Hostname() =>
        FlakeFile.Parse(File.ReadAllText(Path.Combine(TestPaths.SharedFixtures!, "hostname", "flake.nix")), "flake.nix");

    [Theory]
    [InlineData("a\n")]
    [InlineData("a\r\n")]
    [InlineData("v1\n")]
    [InlineData("-x")]
    [InlineData("")]
    public void RefsAreCheckedToTheirLastCharacter(string reference)
    {
        Assert.Equal(FlakeEditError.InvalidRef, Assert.Throws<FlakeEditException>(() => FlakeEditor.CheckRef(reference)).Error);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef01234567\n")]
    [InlineData("0123456789abcdef0123456789abcdef0123456")]
    [InlineData("0123456789abcdef0123456789abcdef0123456g")]
    public void RevsAreFortyHexDigitsAndNothingMore(string rev)
    {
        Assert.Equal(FlakeEditError.InvalidRev, Assert.Throws<FlakeEditException>(() => FlakeEditor.CheckRev(rev)).Error);
        FlakeEditor.CheckRev("0123456789abcdef0123456789abcdef01234567");
        FlakeEditor.CheckRev("0123456789ABCDEF0123456789abcdef01234567"); // Nix reads base 16 in either case
        FlakeEditor.CheckRef("release-24.05");
        FlakeEditor.CheckRef("refs/tags/v1.2+x@y");
    }

    [Fact]
    public void FollowsKeysThatNameTheSameInputAreRefused()
    {
        var error = Assert.Throws<FlakeEditException>(() => FlakeEditor.NormalizeFollows(new[] { Pair("a.b", "x"), Pair("a/b", "y") }));
        Assert.Equal(FlakeEditError.InvalidFollows, error.Error);
        Assert.Contains("same input", error.Message);
    }

    [Theory]
    [InlineData("/x", "nixpkgs")]
    [InlineData("z/", "nixpkgs")]
    [InlineData("a//b", "nixpkgs")]
    [InlineData("", "nixpkgs")]
    [InlineData("nix\npkgs", "nixpkgs")]
    [InlineData("nixpkgs", "nixpkgs\n")]
    [InlineData("nixpkgs", "my.input")]
    [InlineData("nixpkgs", "a b")]
    [InlineData("nixpkgs", "_x")]
    [InlineData("nixpkgs", "a//b")]
    [InlineData("nixpkgs", "/a")]
    public void FollowsThatNixCannotTakeAreRefusedNotTrimmed(string key, string value)
    {
        Assert.Equal(FlakeEditError.InvalidFollows, Assert.Throws<FlakeEditException>(() => FlakeEditor.NormalizeFollows(new[] { Pair(key, value) })).Error);
    }

    [Theory]
    [InlineData("a", "./", "a")]
    [InlineData("a.b/c", "./", "a/b/c")]
    [InlineData("a.b", "/", "a.b")]
    [InlineData("", "/", null)]
    [InlineData("a//b", "/", null)]
    [InlineData("/a", "/", null)]
    [InlineData("a.", "./", null)]
    public void InputPathsAsUsersTypeThemKeepEveryStep(string text, string separators, string? expected)
    {
        var ok = InputPath.TryParseExact(text, separators, out var path);
        Assert.Equal(expected is not null, ok);
        if (ok) Assert.Equal(expected, path.ToString());
        else Assert.True(path.IsEmpty);
    }

    [Fact]
    public void AFollowsIsReadAsTheInputPathNixReadsFromIt()
    {
        // Nix drops empty steps of a follows ("a//b" is a/b); an edit that asks for a/b sees it done.
        var flake = FlakeFile.Parse("{ inputs.x.url = \"github:o/r\"; inputs.x.inputs.n.follows = \"a//b\"; outputs = _: { }; }", "flake.nix");
        var n = flake.FindInputPath(InputPath.Parse("x/n"))!;
        Assert.Equal("a//b", n.Follows);
        Assert.Equal(InputPath.Of(new[] { "a", "b" }), n.FollowsPath);
        Assert.False(FlakeEditor.SetFollows(flake, InputPath.Parse("x/n"), InputPath.Parse("a/b")).Changed);
        Assert.Equal(FlakeEditError.InvalidFollows, Assert.Throws<FlakeEditException>(() => FlakeEditor.SetFollows(flake, InputPath.Parse("x/n"), InputPath.Of("my.input"))).Error);
    }

    [Fact]
    public void FollowsAreNormalisedToSlashPathsAndSorted()
    {
        var pairs = FlakeEditor.NormalizeFollows(new[] { Pair("b.c", "x/y"), Pair("a", ""), Pair("if", "nixpkgs") });
        Assert.Equal(new[] { "a=", "b/c=x/y", "if=nixpkgs" }, pairs.Select(p => $"{p.Key}={p.Value}"));
    }

    [Theory]
    [InlineData("self")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("foo\n")]
    [InlineData("a\tb")]
    public void InputNamesThatCannotBeNamedAreRefused(string name)
    {
        var error = Assert.Throws<FlakeEditException>(() => FlakeEditor.AddInput(Hostname(), name, FlakeReference.Parse("github:o/r")));
        Assert.Equal(FlakeEditError.InvalidName, error.Error);
    }

    [Theory]
    [InlineData("my.input")]
    [InlineData("a\"b")]
    [InlineData("${x}")]
    [InlineData("ünï")]
    [InlineData("1x")]
    [InlineData("if")]
    public void InputNamesThatNeedQuotingAreWrittenQuotedAndNotListedInOutputs(string name)
    {
        var result = FlakeEditor.AddInput(Hostname(), name, FlakeReference.Parse("github:o/r"));
        Assert.Equal(name, result.Flake.FindInput(name)!.Name);
        Assert.DoesNotContain(result.Flake.OutputsPattern!.Formals, f => f.Name == name);
        Assert.False(result.Flake.HasErrors);
    }

    [Fact]
    public void AReservedWordAsAFollowsKeyIsQuoted()
    {
        var result = FlakeEditor.AddInput(Hostname(), "foo", FlakeReference.Parse("github:o/r"), follows: FlakeEditor.NormalizeFollows(new[] { Pair("if", "nixpkgs"), Pair("rec", "") }));
        Assert.Contains("foo.inputs.\"if\".follows = \"nixpkgs\";", result.Flake.Text);
        Assert.Equal("nixpkgs", result.Flake.FindInputPath(InputPath.Of(new[] { "foo", "if" }))!.Follows);
        Assert.Equal("", result.Flake.FindInputPath(InputPath.Of(new[] { "foo", "rec" }))!.Follows);
    }

    [Fact]
    public void FollowsOnANonFlakeAndOnItselfAreWarnedAbout()
    {
        var flake = FlakeEditor.SetIsFlake(Hostname(), InputPath.Parse("waybar"), false).Flake;
        Assert.Contains(FlakeEditor.SetFollows(flake, InputPath.Parse("waybar/nixpkgs"), InputPath.Parse("")).Warnings, w => w.Contains("flake = false"));
        Assert.Contains(FlakeEditor.SetFollows(Hostname(), InputPath.Parse("hyprland/nixpkgs"), InputPath.Parse("hyprland")).Warnings, w => w.Contains("itself"));
    }

    [Theory]
    [InlineData("/etc/nixos", ".")]
    [InlineData("/home/me/my-flake_1.2", ".")]
    [InlineData("/x/a b", "path:.")]
    [InlineData("/x/c[1]", "path:.")]
    [InlineData("/x/d#e", "path:.")]
    [InlineData("/x/f?g", "path:.")]
    [InlineData("/x/h%20i", "path:.")]
    public void NixIsGivenTheFlakeRelativeToItsFolder(string directory, string expected)
    {
        Assert.Equal(expected, NixCli.FlakeArgument(directory));
        Assert.DoesNotContain(directory, new NixCli("nix", new System.Version(2, 8)).UpdateArguments(directory, new[] { "a" }));
    }

    [Fact]
    public void InputNamesGoAfterDoubleDashOrAsAnOptionValue()
    {
        var newer = new NixCli("nix", new System.Version(2, 24)).UpdateArguments("/f", new[] { "-x" }).ToList();
        Assert.True(newer.IndexOf("--") < newer.IndexOf("-x"));
        var older = new NixCli("nix", new System.Version(2, 8)).UpdateArguments("/f", new[] { "-x" }).ToList();
        Assert.Equal("--update-input", older[older.IndexOf("-x") - 1]);
    }

    [Theory]
    [InlineData("--output=/tmp/flaketools-pwned")]
    [InlineData("-h")]
    [InlineData("--all")]
    [InlineData("HEAD --output=x")]
    [InlineData("nosuchrev")]
    public async Task GitRevisionsAreVerifiedBeforeUse(string revision)
    {
        var git = ProcessRunner.FindOnPath("git");
        Assert.True(git is not null, "git is not on PATH; the tests of Compare-FlakeLock -Revision need it (as do the real-nix scenarios)");
        var repo = Directory.CreateTempSubdirectory("flaketools-git-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(repo, "flake.lock"), "{}");
            foreach (var arguments in new[] { new[] { "init", "-q" }, new[] { "add", "-A" }, new[] { "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-q", "-m", "x" } })
            {
                Assert.Equal(0, (await ProcessRunner.RunAsync(git!, arguments, repo, null, CancellationToken.None)).ExitCode);
            }
            var error = await Assert.ThrowsAsync<GitException>(() => GitCli.ShowAsync(Path.Combine(repo, "flake.lock"), revision, CancellationToken.None));
            Assert.Equal(GitError.RevisionNotFound, error.Error);
            Assert.False(File.Exists("/tmp/flaketools-pwned:flake.lock"));
            Assert.Equal("{}", await GitCli.ShowAsync(Path.Combine(repo, "flake.lock"), "HEAD", CancellationToken.None));
        }
        finally
        {
            Directory.Delete(repo, recursive: true);
        }
    }
}
