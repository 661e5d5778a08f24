using System;
using System.IO;

namespace FlakeTools.Tests;

/// <summary>
/// A set of local flakes that the real nix can lock offline: a `path:` "nixpkgs", a git flake
/// "dep" with its own nixpkgs input, a git flake "mid" whose dep follows mid's nixpkgs, and a root
/// flake with direct inputs, a duplicate, a follows, and mid's nixpkgs following the root's (so
/// mid/dep/nixpkgs resolves through two follows). Nix 2.8 cannot lock an override two levels down
/// (mid.inputs.dep.inputs.nixpkgs.follows turns mid.inputs.dep into a registry lookup), so the
/// nesting comes from mid's own flake.
/// </summary>
public sealed class NixScenario : IDisposable
{
    public NixScenario()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("flaketools-nix-").FullName;
        Write("pkgs/flake.nix", "{\n  outputs = { self }: { value = 1; };\n}\n");
        Write("dep/flake.nix", $"{{\n  inputs.nixpkgs.url = \"path:{PathOf("pkgs")}\";\n  outputs = {{ self, nixpkgs }}: {{ }};\n}}\n");
        Git("dep", "init", "-q");
        Commit("dep", "first");
        Write("mid/flake.nix", $"{{\n  inputs.nixpkgs.url = \"path:{PathOf("pkgs")}\";\n  inputs.dep.url = \"git+file://{PathOf("dep")}\";\n  inputs.dep.inputs.nixpkgs.follows = \"nixpkgs\";\n  outputs = {{ self, nixpkgs, dep }}: {{ }};\n}}\n");
        Git("mid", "init", "-q");
        Commit("mid", "first");
        Write("root/flake.nix", $$"""
            {
              description = "root of the scenario";
              inputs = {
                nixpkgs.url = "path:{{PathOf("pkgs")}}";
                # dep brings its own nixpkgs: a duplicate
                dep.url = "git+file://{{PathOf("dep")}}";
                dep2.url = "git+file://{{PathOf("dep")}}";
                dep2.inputs.nixpkgs.follows = "nixpkgs";
                mid.url = "git+file://{{PathOf("mid")}}";
                mid.inputs.nixpkgs.follows = "nixpkgs";
              };
              outputs = { self, nixpkgs, dep, dep2, mid }: { };
            }

            """);
    }

    public string Directory { get; }

    public string Root => PathOf("root");

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    public void Write(string relative, string text)
    {
        var path = PathOf(relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Commits everything in a git flake and returns the new revision.</summary>
    public string Commit(string flake, string message)
    {
        Git(flake, "add", "-A");
        Git(flake, "-c", "user.email=test@example.invalid", "-c", "user.name=test", "commit", "-q", "--allow-empty", "-m", message);
        return Git(flake, "rev-parse", "HEAD").Trim();
    }

    public string Git(string flake, params string[] arguments)
    {
        var (code, stdout, stderr) = NixRunner.RunIn(PathOf(flake), "git", arguments);
        if (code != 0) throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {stderr}");
        return stdout;
    }

    /// <summary>Runs nix in the root flake; throws with its message on failure.</summary>
    public string Nix(params string[] arguments)
    {
        var (code, stdout, stderr) = NixRunner.RunIn(Root, "nix", arguments);
        if (code != 0) throw new InvalidOperationException($"nix {string.Join(' ', arguments)} failed: {stderr}");
        return stdout;
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
