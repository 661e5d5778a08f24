using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using FlakeTools.Core.Checks;

namespace FlakeTools.Bench;

/// <summary>
/// check &lt;flake folder&gt;...: Test-Flake's checks over each flake, cold (first run in the process)
/// then warm (best of 3); per area, and the findings by id.
/// </summary>
internal static class CheckBench
{
    public static int Run(string[] args)
    {
        foreach (var flake in args)
        {
            var cold = Stopwatch.StartNew();
            var findings = FlakeChecks.Run(CheckContext.Open(flake, DateTimeOffset.UtcNow));
            cold.Stop();
            var warm = TimeSpan.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                FlakeChecks.Run(CheckContext.Open(flake, DateTimeOffset.UtcNow));
                if (watch.Elapsed < warm) warm = watch.Elapsed;
            }
            var context = CheckContext.Open(flake, DateTimeOffset.UtcNow);
            var areas = FlakeChecks.Areas.Select(area =>
            {
                var watch = Stopwatch.StartNew();
                FlakeChecks.Run(context, new[] { area });
                return $"{area.Name} {watch.ElapsedMilliseconds} ms";
            }).ToList();
            Console.WriteLine($"{Path.GetFileName(Path.GetFullPath(flake))}: cold {cold.ElapsedMilliseconds} ms, warm {warm.TotalMilliseconds:F0} ms, .nix files {context.NixFiles.Count}; {string.Join(", ", areas)}");
            Console.WriteLine("  " + string.Join(" ", findings.GroupBy(f => f.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}")));
        }
        return 0;
    }
}
