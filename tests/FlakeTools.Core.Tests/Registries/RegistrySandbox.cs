using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using FlakeTools.Core.Registries;

namespace FlakeTools.Tests.Registries;

/// <summary>
/// A temporary HOME with its own XDG_CONFIG_HOME, NIX_CONF_DIR, XDG_CACHE_HOME and a local
/// global registry file; the same variables go to the model and to every nix it starts
/// (nix-formats.md section 6: never the network).
/// </summary>
public sealed class RegistrySandbox : IDisposable
{
    public RegistrySandbox(string? globalJson = "{\"version\":2,\"flakes\":[]}", string? flakeRegistrySetting = null)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("flaketools-registry-").FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "home"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "etc-nix"));
        GlobalPath = Path.Combine(Directory, "global-registry.json");
        if (globalJson is not null) File.WriteAllText(GlobalPath, globalJson);
        Variables = new Dictionary<string, string>
        {
            ["HOME"] = Path.Combine(Directory, "home"),
            ["XDG_CONFIG_HOME"] = Path.Combine(Directory, "config"),
            ["XDG_CACHE_HOME"] = Path.Combine(Directory, "cache"),
            ["XDG_CONFIG_DIRS"] = Path.Combine(Directory, "xdg"),
            ["NIX_CONF_DIR"] = Path.Combine(Directory, "etc-nix"),
            ["NIX_CONFIG"] = string.Join('\n',
                "experimental-features = nix-command flakes",
                "build-users-group =",
                "sandbox = false",
                "flake-registry = " + (flakeRegistrySetting ?? GlobalPath)),
        };
    }

    public string Directory { get; }
    public Dictionary<string, string> Variables { get; }
    public string GlobalPath { get; }
    public string UserPath => Path.Combine(Variables["XDG_CONFIG_HOME"], "nix", "registry.json");
    public string SystemPath => Path.Combine(Variables["NIX_CONF_DIR"], "registry.json");

    public RegistryEnvironment Environment(Version? nixVersion = null) => RegistryEnvironment.FromVariables(Variables, nixVersion);

    public FlakeRegistries Load() => FlakeRegistries.Load(Environment());

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    public void Write(string relative, string text)
    {
        var path = PathOf(relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>A flake Nix can fetch offline: a directory with a flake.nix.</summary>
    public string Flake(string name)
    {
        Write(name + "/flake.nix", "{ outputs = { self }: { }; }\n");
        return PathOf(name);
    }

    /// <summary>A git flake with a commit on 'main' and one on 'other'.</summary>
    public string GitFlake(string name)
    {
        var dir = Flake(name);
        Git(dir, "init", "-q", "-b", "main");
        Git(dir, "add", "-A");
        Git(dir, "commit", "-q", "-m", "first");
        Git(dir, "checkout", "-q", "-b", "other");
        File.AppendAllText(Path.Combine(dir, "flake.nix"), "# other\n");
        Git(dir, "commit", "-q", "-am", "second");
        Git(dir, "checkout", "-q", "main");
        return dir;
    }

    public static string Git(string directory, params string[] arguments)
    {
        var all = new List<string> { "-C", directory, "-c", "user.email=test@example.invalid", "-c", "user.name=test" };
        all.AddRange(arguments);
        var (code, stdout, stderr) = Run("git", all, null);
        if (code != 0) throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {stderr}");
        return stdout.Trim();
    }

    /// <summary>Runs nix in this sandbox's environment.</summary>
    public (int Code, string Stdout, string Stderr) Nix(params string[] arguments) => Run("nix", arguments, Variables);

    /// <summary>Runs nix and fails the test with its message when it fails.</summary>
    public string NixOk(params string[] arguments)
    {
        var (code, stdout, stderr) = Nix(arguments);
        if (code != 0) throw new InvalidOperationException($"nix {string.Join(' ', arguments)} failed ({code}): {stderr}");
        return stdout;
    }

    /// <summary>The lines of <c>nix registry list</c>.</summary>
    public IReadOnlyList<string> NixRegistryList() =>
        NixOk("registry", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static (int Code, string Stdout, string Stderr) Run(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        _ = NixEnvironment.IsAvailable;
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        if (environment is not null) foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} timed out");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose()
    {
        try
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories)) File.SetAttributes(file, FileAttributes.Normal);
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
