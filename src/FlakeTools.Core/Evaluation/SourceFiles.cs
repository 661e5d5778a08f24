using System;
using System.Collections.Generic;
using System.IO;
using FlakeTools.Core.IO;
using FlakeTools.Syntax;

namespace FlakeTools.Core.Evaluation;

/// <summary>
/// The .nix files the reader has opened: each file read and parsed once, and the file each
/// syntax tree belongs to.
/// </summary>
public sealed class SourceFiles
{
    private readonly Dictionary<string, SourceFile> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<SyntaxTree, SourceFile> _byTree = new();

    /// <summary>How many files were parsed.</summary>
    public int ParsedCount { get; private set; }

    /// <summary>
    /// The file at <paramref name="path"/> (a directory means its default.nix), parsed; or a
    /// <see cref="SourceFile"/> with <see cref="SourceFile.Error"/> set when it cannot be read.
    /// </summary>
    public SourceFile Open(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) full = Path.Combine(full, "default.nix");
        if (_byPath.TryGetValue(full, out var known)) return known;
        SourceFile file;
        if (!File.Exists(full))
        {
            file = new SourceFile(full, null, $"{full} does not exist");
        }
        else
        {
            try
            {
                var tree = SyntaxTree.Parse(TextFile.Read(full), full);
                ParsedCount++;
                file = new SourceFile(full, tree, null);
                _byTree[tree] = file;
            }
            catch (FileAccessException e)
            {
                file = new SourceFile(full, null, e.Message);
            }
        }
        _byPath[full] = file;
        return file;
    }

    /// <summary>Registers a tree parsed elsewhere (flake.nix) under its path.</summary>
    public SourceFile Add(string path, SyntaxTree tree)
    {
        var full = Path.GetFullPath(path);
        var file = new SourceFile(full, tree, null);
        _byPath[full] = file;
        _byTree[tree] = file;
        return file;
    }

    /// <summary>The file a syntax tree was parsed from, or null.</summary>
    public SourceFile? FileOf(SyntaxTree tree) => _byTree.TryGetValue(tree, out var file) ? file : null;

    /// <summary>The path and line of a node, or null when its tree is not a file.</summary>
    public SourceLocation? Locate(SyntaxNode? node)
    {
        if (node is null || FileOf(node.Tree) is not { } file) return null;
        return new SourceLocation(file.Path, node.StartPosition.Line);
    }
}

/// <summary>A .nix file: its path, its tree (null when it could not be read) and the reason it could not.</summary>
/// <param name="Path">The absolute path.</param>
/// <param name="Tree">The parsed tree, or null.</param>
/// <param name="Error">Why the file could not be read, or null.</param>
public sealed record SourceFile(string Path, SyntaxTree? Tree, string? Error)
{
    /// <summary>The directory relative paths in the file are resolved against.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;
}

/// <summary>A file and a one-based line.</summary>
/// <param name="Path">The absolute path.</param>
/// <param name="Line">One-based line.</param>
public readonly record struct SourceLocation(string Path, int Line)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}:{Line}";
}
