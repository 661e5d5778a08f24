using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace FlakeTools.Core.Registries;

/// <summary>A setting's value and where it was set.</summary>
/// <param name="Name">The setting.</param>
/// <param name="Value">Its value, as Nix joins it (words separated by one space).</param>
/// <param name="Origin">The file and line, or <c>NIX_CONFIG</c>.</param>
public sealed record NixSetting(string Name, string Value, string Origin);

/// <summary>
/// Nix's settings as its configuration files give them: the system <c>nix.conf</c>, the user's
/// files (lowest priority first), then <c>NIX_CONFIG</c>; <c>include</c> and <c>!include</c>
/// followed relative to the including file; a later value wins.
/// </summary>
public sealed class NixSettings
{
    private readonly Dictionary<string, NixSetting> _values = new(StringComparer.Ordinal);
    private readonly List<string> _problems = new();

    private NixSettings() { }

    /// <summary>What could not be read (a missing include, a line that is not <c>name = value</c>); Nix refuses to start on these.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>The setting, or null when no file sets it.</summary>
    public NixSetting? Get(string name) => _values.TryGetValue(name, out var value) ? value : null;

    /// <summary>Reads the settings in <paramref name="environment"/>.</summary>
    public static NixSettings Read(RegistryEnvironment environment)
    {
        var settings = new NixSettings();
        settings.ApplyFile(Path.Combine(environment.SystemConfigDirectory, "nix.conf"), mustExist: false, depth: 0);
        foreach (var file in environment.UserConfigFiles.Reverse()) settings.ApplyFile(file, mustExist: false, depth: 0);
        if (environment.NixConfig is { } text) settings.Apply(text, "NIX_CONFIG", environment.WorkingDirectory, 0);
        return settings;
    }

    /// <summary>Reads settings from one text (as <c>NIX_CONFIG</c> would give it).</summary>
    public static NixSettings FromText(string text, string origin, string baseDirectory)
    {
        var settings = new NixSettings();
        settings.Apply(text, origin, baseDirectory, 0);
        return settings;
    }

    private void ApplyFile(string path, bool mustExist, int depth)
    {
        string text;
        try
        {
            if (!File.Exists(path))
            {
                if (mustExist) _problems.Add($"{path} does not exist");
                return;
            }
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // Nix skips files it cannot read
        }
        Apply(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/", depth);
    }

    private void Apply(string text, string origin, string baseDirectory, int depth)
    {
        if (depth > 32)
        {
            _problems.Add($"{origin}: includes nest too deeply (a loop?)");
            return;
        }
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            var tokens = line.Split(new[] { ' ', '\t', '\r' }, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0) continue;
            var where = origin == "NIX_CONFIG" ? $"NIX_CONFIG line {i + 1}" : $"{origin}:{i + 1}";
            if (tokens.Length < 2)
            {
                _problems.Add($"{where}: '{line.Trim()}' is not 'name = value'");
                continue;
            }
            if (tokens[0] is "include" or "!include")
            {
                if (tokens.Length != 2)
                {
                    _problems.Add($"{where}: '{line.Trim()}' should be '{tokens[0]} <file>'");
                    continue;
                }
                var included = Path.GetFullPath(tokens[1], baseDirectory);
                if (!File.Exists(included))
                {
                    if (tokens[0] == "include") _problems.Add($"{where}: the included file {included} does not exist");
                    continue;
                }
                ApplyFile(included, mustExist: true, depth + 1);
                continue;
            }
            if (tokens[1] != "=")
            {
                _problems.Add($"{where}: '{line.Trim()}' is not 'name = value'");
                continue;
            }
            _values[tokens[0]] = new NixSetting(tokens[0], string.Join(" ", tokens.Skip(2)), where);
        }
    }
}
