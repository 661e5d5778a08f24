using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace FlakeTools.Core.Project;

/// <summary>The files of a flake's own tree, for readers that look past the module graph.</summary>
public static class FlakeTree
{
    /// <summary>
    /// Every .nix file below <paramref name="directory"/> that belongs to this flake, at most
    /// <paramref name="max"/>: hidden folders, <c>result</c> and <c>node_modules</c>, linked folders and
    /// folders of other flakes (a template, a sub-flake: they have inputs of their own) are left out;
    /// an unreadable folder holds nothing to read. Folder by folder, each folder's files in ordinal order.
    /// </summary>
    public static IReadOnlyList<string> NixFiles(string directory, int max)
    {
        var files = new List<string>();
        var pending = new Stack<string>();
        pending.Push(directory);
        while (pending.Count > 0 && files.Count < max)
        {
            var folder = pending.Pop();
            try
            {
                foreach (var file in Directory.EnumerateFiles(folder, "*.nix").OrderBy(f => f, StringComparer.Ordinal))
                {
                    if (files.Count == max) break;
                    files.Add(Path.GetFullPath(file));
                }
                foreach (var sub in Directory.EnumerateDirectories(folder))
                {
                    var info = new DirectoryInfo(sub);
                    var name = info.Name;
                    if (name.StartsWith('.') || name is "result" or "node_modules" || info.LinkTarget is not null) continue;
                    if (File.Exists(Path.Combine(sub, "flake.nix"))) continue;
                    pending.Push(sub);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable folder holds nothing to read.
            }
        }
        return files;
    }
}
