using System;
using System.Text;

namespace FlakeTools.Commands;

/// <summary>A short description of which lines an edit changes, for -WhatIf and -Confirm.</summary>
internal static class LineDiff
{
    public static string Describe(string before, string after)
    {
        var oldLines = before.Replace("\r\n", "\n").Split('\n');
        var newLines = after.Replace("\r\n", "\n").Split('\n');
        var prefix = 0;
        while (prefix < oldLines.Length && prefix < newLines.Length && oldLines[prefix] == newLines[prefix]) prefix++;
        var suffix = 0;
        while (suffix < oldLines.Length - prefix && suffix < newLines.Length - prefix &&
               oldLines[oldLines.Length - 1 - suffix] == newLines[newLines.Length - 1 - suffix]) suffix++;
        var builder = new StringBuilder();
        for (var i = prefix; i < oldLines.Length - suffix; i++) builder.Append($"  {i + 1,4} - {oldLines[i]}").Append(Environment.NewLine);
        for (var i = prefix; i < newLines.Length - suffix; i++) builder.Append($"  {i + 1,4} + {newLines[i]}").Append(Environment.NewLine);
        return builder.ToString().TrimEnd();
    }
}
