using System;
using System.Collections.Generic;
using System.Text;

namespace FlakeTools.Commands;

/// <summary>
/// The lines an edit changes, for -WhatIf and -Confirm: a minimal line diff (Myers' algorithm, the
/// one git and diff use), shown as hunks with one line of context and the line numbers of the file.
/// </summary>
internal static class LineDiff
{
    private const int Context = 1;

    private enum Op { Same, Removed, Added }

    public static string Describe(string before, string after)
    {
        var oldLines = before.Replace("\r\n", "\n").Split('\n');
        var newLines = after.Replace("\r\n", "\n").Split('\n');
        var script = Diff(oldLines, newLines);

        // Which entries to show: every change, and Context unchanged lines either side of one.
        var show = new bool[script.Count];
        for (var i = 0; i < script.Count; i++)
        {
            if (script[i].Op == Op.Same) continue;
            for (var j = Math.Max(0, i - Context); j <= Math.Min(script.Count - 1, i + Context); j++) show[j] = true;
        }
        var builder = new StringBuilder();
        var gap = false;
        for (var i = 0; i < script.Count; i++)
        {
            if (!show[i])
            {
                gap = builder.Length > 0;
                continue;
            }
            if (gap) builder.Append("   ...").Append(Environment.NewLine);
            gap = false;
            var (op, oldIndex, newIndex) = script[i];
            var line = op switch
            {
                Op.Removed => $"  {oldIndex + 1,4} - {oldLines[oldIndex]}",
                Op.Added => $"  {newIndex + 1,4} + {newLines[newIndex]}",
                _ => $"  {newIndex + 1,4}   {newLines[newIndex]}",
            };
            builder.Append(line).Append(Environment.NewLine);
        }
        return builder.ToString().TrimEnd();
    }

    /// <summary>
    /// The edit script from <paramref name="a"/> to <paramref name="b"/> with the fewest removed
    /// and added lines (Myers, "An O(ND) difference algorithm", 1986); removals before additions.
    /// </summary>
    private static List<(Op Op, int OldIndex, int NewIndex)> Diff(string[] a, string[] b)
    {
        // Common prefix and suffix first: an edit of flake.nix touches a few lines of many.
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix]) prefix++;
        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[a.Length - 1 - suffix] == b[b.Length - 1 - suffix]) suffix++;
        var n = a.Length - prefix - suffix;
        var m = b.Length - prefix - suffix;

        var max = n + m;
        var offset = max + 1;
        var v = new int[2 * max + 3];
        var trace = new List<int[]>();
        var found = max == 0;
        for (var d = 0; d <= max && !found; d++)
        {
            trace.Add((int[])v.Clone());
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && a[prefix + x] == b[prefix + y]) { x++; y++; }
                v[offset + k] = x;
                if (x >= n && y >= m) { found = true; break; }
            }
        }

        // Walk the trace back from (n, m) to (0, 0).
        var middle = new List<(Op, int, int)>();
        int cx = n, cy = m;
        for (var d = trace.Count - 1; d >= 0 && (cx > 0 || cy > 0); d--)
        {
            var vd = trace[d];
            var k = cx - cy;
            var previousK = k == -d || (k != d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
            var previousX = d == 0 ? 0 : vd[offset + previousK];
            var previousY = previousX - previousK;
            while (cx > previousX && cy > previousY) { cx--; cy--; middle.Add((Op.Same, prefix + cx, prefix + cy)); }
            if (d == 0) break;
            if (cx == previousX) { cy--; middle.Add((Op.Added, prefix + cx, prefix + cy)); }
            else { cx--; middle.Add((Op.Removed, prefix + cx, prefix + cy)); }
        }
        while (cx > 0 && cy > 0) { cx--; cy--; middle.Add((Op.Same, prefix + cx, prefix + cy)); }
        middle.Reverse();

        var script = new List<(Op, int, int)>(a.Length + m);
        for (var i = 0; i < prefix; i++) script.Add((Op.Same, i, i));
        // Within a run of changes, show the removed lines before the added ones.
        for (var i = 0; i < middle.Count;)
        {
            if (middle[i].Item1 == Op.Same) { script.Add(middle[i++]); continue; }
            var run = new List<(Op, int, int)>();
            while (i < middle.Count && middle[i].Item1 != Op.Same) run.Add(middle[i++]);
            run.Sort((p, q) => p.Item1 == q.Item1 ? 0 : p.Item1 == Op.Removed ? -1 : 1);
            script.AddRange(run);
        }
        for (var i = 0; i < suffix; i++) script.Add((Op.Same, a.Length - suffix + i, b.Length - suffix + i));
        return script;
    }
}
