using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FlakeTools.Completion;
using FlakeTools.Core.IO;
using FlakeTools.Core.Project;
using FlakeTools.Core.Unfree;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Gets every place unfree packages (and insecure, broken, unsupported ones) are allowed in a flake, with the configuration and package set each reaches, and why it takes effect or not.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "NixUnfreeConfig", DefaultParameterSetName = PathSet)]
[OutputType(typeof(UnfreeSetting))]
public sealed class GetNixUnfreeConfigCommand : FlakeCmdlet
{
    /// <summary>Configuration names (a home-manager user inside one: <c>host/user</c>); wildcards allowed. Every configuration when omitted.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ConfigurationNameCompleter))]
    public string[]? Configuration { get; set; }

    /// <summary>Setting names (<c>allowUnfree</c>, <c>allowUnfreePredicate</c>, <c>permittedInsecurePackages</c>, <c>(none)</c>, ...); wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(UnfreeSettingNameCompleter))]
    public string[]? Setting { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var path in ResolvedPaths())
        {
            IReadOnlyList<UnfreeSetting>? settings = UnfreeReading.Read(this, path);
            if (settings is null) continue;
            var configurations = new NameSelection(Configuration);
            var names = new NameSelection(Setting);
            foreach (var setting in settings)
            {
                if (!names.Matches(setting.Setting)) continue;
                if (Configuration is { Length: > 0 })
                {
                    if (setting.Configuration is null) continue;
                    var host = UnfreeSetting.ConfigurationOf(setting.Configuration);
                    if (!configurations.Matches(setting.Configuration) && !configurations.Matches(host)) continue;
                }
                WriteObject(setting);
            }
        }
    }
}

/// <summary>Reading unfree settings for the cmdlets: a flake, a module file or a config.nix; failures become error records.</summary>
internal static class UnfreeReading
{
    /// <summary>The flake directory a path belongs to: the path itself, or the nearest folder above a file that holds flake.nix.</summary>
    public static string? FlakeDirectoryOf(string path)
    {
        if (Directory.Exists(path)) return File.Exists(Path.Combine(path, "flake.nix")) ? path : null;
        var name = Path.GetFileName(path);
        if (name is "flake.nix" or "flake.lock") return Path.GetDirectoryName(path);
        for (var directory = Path.GetDirectoryName(path); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "flake.nix"))) return directory;
        }
        return null;
    }

    public static IReadOnlyList<UnfreeSetting>? Read(FlakeCmdlet cmdlet, string path)
    {
        try
        {
            if (Directory.Exists(path) || Path.GetFileName(path) is "flake.nix" or "flake.lock")
            {
                var source = FlakeSource.Open(path);
                if (source.Flake.HasErrors)
                {
                    var first = source.Flake.Diagnostics.First(d => d.Severity == Syntax.DiagnosticSeverity.Error);
                    cmdlet.WriteError(new ErrorRecord(new InvalidDataException($"{source.FlakePath}:{first.Line}:{first.Column}: {first.Message}. Fix flake.nix and try again."), "FlakeParseError", ErrorCategory.ParserError, source.FlakePath));
                    return null;
                }
                return UnfreeReader.Analyze(source, UnfreeEnvironment.Current()).Settings;
            }
            if (!File.Exists(path)) throw new FileAccessException(path, $"{path} does not exist");
            // A single file: config.nix has the settings at its top; anything else is read as a module.
            var isConfigNix = Path.GetFileName(path) == "config.nix" || string.Equals(Environment.GetEnvironmentVariable("NIXPKGS_CONFIG"), path, StringComparison.Ordinal);
            return isConfigNix ? UnfreeReader.ReadConfigNix(path) : UnfreeReader.ReadModule(path);
        }
        catch (FileAccessException e)
        {
            cmdlet.WriteError(new ErrorRecord(e, "UnfreeFileNotReadable", ErrorCategory.ReadError, path));
            return null;
        }
        catch (InvalidOperationException e)
        {
            cmdlet.WriteError(new ErrorRecord(e, "UnfreeReadFailed", ErrorCategory.InvalidData, path));
            return null;
        }
    }
}
