using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.Configurations;
using FlakeTools.Core.Flakes;
using FlakeTools.Core.IO;
using FlakeTools.Core.Locks;
using FlakeTools.Core.Project;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Checks;

/// <summary>
/// Everything the checks of one flake share, read once: the flake.nix, its lock, its
/// configurations with their module graphs, the parsed .nix files, the time and the environment.
/// Checks add findings; a check that knows a mechanical edit for a finding offers it here
/// (<see cref="OfferFix"/>), so that <c>Test-Flake -Fix</c> can apply it.
/// </summary>
public sealed class CheckContext
{
    private readonly Dictionary<string, SyntaxTree?> _trees = new(StringComparer.Ordinal);
    private readonly Dictionary<Finding, Func<FlakeFix?>> _fixes = new(ReferenceEqualityComparer.Instance);
    private readonly Lazy<(ConfigurationReader? Reader, IReadOnlyList<FlakeConfiguration> Configurations, string? Error)> _configurations;
    private readonly Lazy<IReadOnlyList<string>> _nixFiles;

    private CheckContext(FlakeSource source, DateTimeOffset now, TimeSpan? maxAge, Func<string, string?> environment)
    {
        Source = source;
        Now = now;
        MaxAge = maxAge;
        Environment = environment;
        _trees[Path.GetFullPath(source.FlakePath)] = source.Flake.Tree;
        _configurations = new Lazy<(ConfigurationReader?, IReadOnlyList<FlakeConfiguration>, string?)>(ReadConfigurations);
        _nixFiles = new Lazy<IReadOnlyList<string>>(FindNixFiles);
    }

    /// <summary>
    /// Opens the flake at a directory or its flake.nix. Throws <see cref="FileAccessException"/>
    /// when there is no flake.nix to read; a broken lock is reported by the checks, not thrown.
    /// </summary>
    public static CheckContext Open(string path, DateTimeOffset now, TimeSpan? maxAge = null, Func<string, string?>? environment = null) =>
        new(FlakeSource.Open(path), now, maxAge, environment ?? System.Environment.GetEnvironmentVariable);

    /// <summary>Prepares the checks of a flake already opened.</summary>
    public static CheckContext Create(FlakeSource source, DateTimeOffset now, TimeSpan? maxAge = null, Func<string, string?>? environment = null) =>
        new(source, now, maxAge, environment ?? System.Environment.GetEnvironmentVariable);

    /// <summary>The flake: flake.nix and flake.lock.</summary>
    public FlakeSource Source { get; }

    /// <summary>The flake's directory.</summary>
    public string Directory => Source.Directory;

    /// <summary>The flake.nix file's path.</summary>
    public string FlakePath => Source.FlakePath;

    /// <summary>The parsed flake.nix.</summary>
    public FlakeFile Flake => Source.Flake;

    /// <summary>The flake.lock, or null when there is none or it cannot be read (see <see cref="FlakeSource.LockError"/>).</summary>
    public FlakeLock? Lock => Source.Lock;

    /// <summary>The time that decides what is stale.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Inputs locked longer ago than this are stale; null: no age check.</summary>
    public TimeSpan? MaxAge { get; }

    /// <summary>Reads an environment variable (tests give their own).</summary>
    public Func<string, string?> Environment { get; }

    /// <summary>The configurations and their modules, read once (empty when they could not be read: see <see cref="ConfigurationError"/>).</summary>
    public IReadOnlyList<FlakeConfiguration> Configurations => _configurations.Value.Configurations;

    /// <summary>Why the configurations could not be read, or null.</summary>
    public string? ConfigurationError => _configurations.Value.Error;

    /// <summary>The reader the configurations were read with (its files locate syntax nodes), or null.</summary>
    public ConfigurationReader? Reader => _configurations.Value.Reader;

    /// <summary>Every .nix file of the flake's tree (hidden folders, <c>result</c> links and folders of other flakes left out).</summary>
    public IReadOnlyList<string> NixFiles => _nixFiles.Value;

    /// <summary>The parsed file (read once), or null when it cannot be read.</summary>
    public SyntaxTree? ParseFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (_trees.TryGetValue(full, out var known)) return known;
        SyntaxTree? tree = null;
        try
        {
            if (File.Exists(full)) tree = SyntaxTree.Parse(TextFile.Read(full));
        }
        catch (FileAccessException)
        {
            tree = null;
        }
        _trees[full] = tree;
        return tree;
    }

    /// <summary>The file a syntax node is in (flake.nix, or a file the reader or <see cref="ParseFile"/> opened), or null.</summary>
    public string? FileOf(SyntaxNode node)
    {
        foreach (var (path, tree) in _trees)
        {
            if (ReferenceEquals(tree, node.Tree)) return path;
        }
        return Reader?.Evaluator.Files.FileOf(node.Tree)?.Path;
    }

    /// <summary>Offers the mechanical edit that resolves a finding; it is made only when asked for (<see cref="FixFor"/>).</summary>
    public void OfferFix(Finding finding, Func<FlakeFix?> make) => _fixes[finding] = make;

    /// <summary>
    /// The edit that resolves a finding, or null when there is none, or when it cannot be made
    /// without changing more than intended (the file is then left for a person).
    /// </summary>
    public FlakeFix? FixFor(Finding finding)
    {
        if (!_fixes.TryGetValue(finding, out var make)) return null;
        try
        {
            return make();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Whether a mechanical edit is offered for the finding.</summary>
    public bool HasFix(Finding finding) => _fixes.ContainsKey(finding);

    private (ConfigurationReader?, IReadOnlyList<FlakeConfiguration>, string?) ReadConfigurations()
    {
        if (Flake.Tree.HasErrors) return (null, Array.Empty<FlakeConfiguration>(), "flake.nix does not parse");
        var reader = ConfigurationReader.Create(Source);
        try
        {
            return (reader, reader.ReadConfigurations(), null);
        }
        catch (InvalidOperationException e)
        {
            return (reader, Array.Empty<FlakeConfiguration>(), e.Message);
        }
    }

    private IReadOnlyList<string> FindNixFiles() => FlakeTree.NixFiles(Directory, MaxFiles);

    // A bound, so that a flake at the root of a huge tree is still checked in reasonable time.
    private const int MaxFiles = 20_000;
}
