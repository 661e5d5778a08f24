using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using FlakeTools.Syntax;

namespace FlakeTools.Bench;

/// <summary>
/// Benchmarks (not tests). Usage:
///   parse [--once] &lt;folder | @list.txt&gt;...  parse and round-trip every .nix; files, bytes, MB/s, peak memory
///   compare-nix &lt;folder | @list.txt&gt;...    whole-process time of `parse` against nix-instantiate --parse over the same files
///   lock &lt;nodes&gt;                          read and resolve a generated flake.lock of that many nodes
///   lock-shapes [folder]                  diamonds of shared nodes and long chains: listing, checks, optimiser (and write them to folder)
///   configs [--show] &lt;flake&gt;...           read every configuration and module graph; counts and times
///   synthetic-configs [modules]            the same over a generated flake of that many modules (300 by default)
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0) return Usage();
        var rest = args.Skip(1).ToArray();
        return args[0] switch
        {
            "parse" => Parse(Files(rest.Where(a => a != "--once")), warm: !rest.Contains("--once")),
            "compare-nix" => CompareNix(rest),
            "lock-shapes" => LockShapesBench.Run(rest.Length > 0 ? rest[0] : null),
            "configs" => ConfigurationBench.Run(rest),
            "synthetic-configs" => ConfigurationBench.Synthetic(rest),
            "lock" => LockBench.Run(rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 2000),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: FlakeTools.Bench parse [--once] <folder | @list.txt>... | compare-nix <folder | @list.txt>... | lock [nodes] | configs [--show] <flake>... | synthetic-configs [modules] | lock-shapes [folder]");
        return 2;
    }

    internal static List<string> Files(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (input.StartsWith('@')) files.AddRange(File.ReadAllLines(input[1..]).Where(l => l.Length > 0));
            else if (Directory.Exists(input)) files.AddRange(Directory.EnumerateFiles(input, "*.nix", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal));
            else files.Add(input);
        }
        return files;
    }

    private static int Parse(List<string> files, bool warm)
    {
        var texts = files.Select(f => Encoding.UTF8.GetString(File.ReadAllBytes(f))).ToList();
        var bytes = files.Sum(f => new FileInfo(f).Length);

        // The first pass is cold (the JIT compiles as it goes), as in one run of a command.
        var (cold, failures, withErrors, _) = Pass(texts);
        // Later passes show the steady state of a long-lived process such as a pwsh session.
        var (warmTime, _, _, allocated) = warm ? Pass(texts) : (TimeSpan.Zero, 0, 0, 0L);
        using var process = Process.GetCurrentProcess();
        process.Refresh();

        Console.WriteLine($"files:               {files.Count}");
        Console.WriteLine($"bytes:               {bytes:N0}");
        Console.WriteLine($"first pass (cold):   {cold.TotalMilliseconds:F0} ms, {bytes / 1e6 / cold.TotalSeconds:F1} MB/s");
        if (warm)
        {
            Console.WriteLine($"second pass (warm):  {warmTime.TotalMilliseconds:F0} ms, {bytes / 1e6 / warmTime.TotalSeconds:F1} MB/s");
            Console.WriteLine($"allocated per pass:  {allocated / 1e6:F1} MB ({(double)allocated / bytes:F1} bytes per input byte)");
        }
        Console.WriteLine($"peak working set:    {process.PeakWorkingSet64 / 1e6:F1} MB");
        Console.WriteLine($"with diagnostics:    {withErrors}");
        Console.WriteLine($"round-trip failures: {failures}");
        return failures == 0 ? 0 : 1;
    }

    private static (TimeSpan Time, int Failures, int WithErrors, long Allocated) Pass(List<string> texts)
    {
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        var failures = 0;
        var withErrors = 0;
        foreach (var text in texts)
        {
            var tree = SyntaxTree.Parse(text);
            if (tree.Root.ToFullString() != text) failures++;
            if (tree.HasErrors) withErrors++;
        }
        stopwatch.Stop();
        return (stopwatch.Elapsed, failures, withErrors, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
    }

    /// <summary>
    /// One whole process of ours (startup included) against nix-instantiate --parse over the same
    /// files (as few processes as the argument-length limit allows).
    /// </summary>
    private static int CompareNix(string[] inputs)
    {
        var files = Files(inputs);
        var list = Path.Combine(Path.GetTempPath(), $"flaketools-bench-{Environment.ProcessId}.txt");
        File.WriteAllLines(list, files);
        try
        {
            var self = typeof(Program).Assembly.Location;
            var ours = Time("dotnet", new[] { self, "parse", "--once", "@" + list }, out var ourOutput);
            Console.Write(ourOutput);

            var nixTime = TimeSpan.Zero;
            var nixFailures = 0;
            foreach (var chunk in files.Chunk(400))
            {
                var args = new List<string> { "--parse" };
                args.AddRange(chunk);
                nixTime += Time("nix-instantiate", args, out _, out var code);
                if (code != 0) nixFailures++;
            }
            Console.WriteLine();
            Console.WriteLine($"FlakeTools (one process, startup included): {ours.TotalSeconds:F2} s");
            Console.WriteLine($"nix-instantiate --parse ({Math.Ceiling(files.Count / 400.0)} processes):     {nixTime.TotalSeconds:F2} s{(nixFailures > 0 ? $" ({nixFailures} chunk(s) stopped at a file nix rejects)" : "")}");
            Console.WriteLine($"ratio nix / FlakeTools: {nixTime.TotalSeconds / ours.TotalSeconds:F2}x");
            return 0;
        }
        finally
        {
            File.Delete(list);
        }
    }

    private static TimeSpan Time(string program, IEnumerable<string> args, out string stdout) => Time(program, args, out stdout, out _);

    private static TimeSpan Time(string program, IEnumerable<string> args, out string stdout, out int code)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        stopwatch.Stop();
        stdout = output.Result;
        _ = error.Result;
        code = process.ExitCode;
        return stopwatch.Elapsed;
    }
}
