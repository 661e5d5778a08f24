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
///   compare-nix [--runs N] [--bin folder] &lt;folder | @list.txt&gt;...  whole-process time of `parse --once` (default runtime
///                                         settings, and with tiered compilation off) against nix-instantiate --parse;
///                                         --bin also runs it with the FlakeTools assemblies of that folder (the
///                                         ReadyToRun ones of out/FlakeTools/&lt;version&gt;/bin from build.ps1 Package)
///   tree [bindings...]                    parse a set of that many bindings and walk it (default 10000 40000 100000)
///   phases &lt;folder&gt;...                    allocations of each parsing phase over the files
///   lock &lt;nodes&gt;                          read and resolve a generated flake.lock of that many nodes
///   lock-shapes [folder]                  diamonds of shared nodes and long chains: listing, checks, optimiser (and write them to folder)
///   configs [--show] &lt;flake&gt;...           read every configuration and module graph; counts and times
///   synthetic-configs [modules]            the same over a generated flake of that many modules (300 by default)
///   check &lt;flake&gt;...                      Test-Flake's checks: cold and warm times, per area, findings by id
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
            "check" => CheckBench.Run(rest),
            "synthetic-configs" => ConfigurationBench.Synthetic(rest),
            "tree" => TreeBench.Run(rest),
            "phases" => PhaseBench.Run(Files(rest)),
            "lock" => LockBench.Run(rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 2000),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: FlakeTools.Bench parse [--once] <folder | @list.txt>... | compare-nix [--runs N] [--bin folder] <folder | @list.txt>... | tree [bindings...] | phases <folder>... | lock [nodes] | lock-shapes [folder] | configs [--show] <flake>... | synthetic-configs [modules] | check <flake>...");
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
        var (cold, failures, withErrors, coldAllocated) = Pass(texts);
        // Later passes show the steady state of a long-lived process such as a pwsh session.
        // (Three passes, the last one reported: with tiered compilation the hot code is rejitted meanwhile.)
        var (warmTime, _, _, allocated) = (TimeSpan.Zero, 0, 0, 0L);
        for (var pass = 0; warm && pass < 3; pass++) (warmTime, _, _, allocated) = Pass(texts);
        using var process = Process.GetCurrentProcess();
        process.Refresh();

        Console.WriteLine($"files:               {files.Count}");
        Console.WriteLine($"bytes:               {bytes:N0}");
        Console.WriteLine($"first pass (cold):   {cold.TotalMilliseconds:F0} ms, {bytes / 1e6 / cold.TotalSeconds:F1} MB/s, {coldAllocated / 1e6:F1} MB allocated ({(double)coldAllocated / bytes:F1} bytes per input byte)");
        Console.WriteLine($"tiered compilation:  {(AppContext.TryGetSwitch("System.Runtime.TieredCompilation", out var tiered) ? tiered.ToString() : Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") == "0" ? "False (environment)" : "default (on)")}");
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
    /// Whole processes, startup included, over the same files: ours (`parse --once`: one cold pass,
    /// parse + round-trip + diagnostics) with the runtime's default settings (tiered JIT, nothing
    /// precompiled: how the module runs inside pwsh), ours with tiered compilation off, and
    /// nix-instantiate --parse (as few processes as the argument-length limit allows). Each is run
    /// <c>--runs</c> times (default 5), alternating; the median is reported, with min and max.
    /// </summary>
    private static int CompareNix(string[] arguments)
    {
        var runs = 5;
        string? packaged = null;
        var inputs = new List<string>();
        for (var i = 0; i < arguments.Length; i++)
        {
            if (arguments[i] == "--runs") runs = int.Parse(arguments[++i], System.Globalization.CultureInfo.InvariantCulture);
            else if (arguments[i] == "--bin") packaged = Path.GetFullPath(arguments[++i]);
            else inputs.Add(arguments[i]);
        }
        var files = Files(inputs);
        var list = Path.Combine(Path.GetTempPath(), $"flaketools-bench-{Environment.ProcessId}.txt");
        File.WriteAllLines(list, files);
        // With --bin: a copy of this benchmark beside the FlakeTools assemblies of that folder.
        var copy = packaged is null ? null : Path.Combine(Path.GetTempPath(), $"flaketools-bench-bin-{Environment.ProcessId}");
        if (copy is not null)
        {
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.GetFiles(AppContext.BaseDirectory)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)), overwrite: true);
            foreach (var file in Directory.GetFiles(packaged!, "FlakeTools*.dll")) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)), overwrite: true);
        }
        try
        {
            var self = typeof(Program).Assembly.Location;
            var selfPackaged = copy is null ? null : Path.Combine(copy, Path.GetFileName(self));
            var packagedTimes = new List<double>();
            var packagedCpu = new List<double>();
            var defaults = new List<double>();
            var untiered = new List<double>();
            var nix = new List<double>();
            var defaultsCpu = new List<double>();
            var untieredCpu = new List<double>();
            var nixCpu = new List<double>();
            var nixFailures = 0;
            string? firstOutput = null;
            for (var run = 0; run < runs; run++)
            {
                defaults.Add(Time("dotnet", new[] { self, "parse", "--once", "@" + list }, out var output, out _, null, out var cpu).TotalSeconds);
                defaultsCpu.Add(cpu);
                firstOutput ??= output;
                untiered.Add(Time("dotnet", new[] { self, "parse", "--once", "@" + list }, out _, out _, new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" }, out cpu).TotalSeconds);
                untieredCpu.Add(cpu);
                if (selfPackaged is not null)
                {
                    packagedTimes.Add(Time("dotnet", new[] { selfPackaged, "parse", "--once", "@" + list }, out _, out _, null, out cpu).TotalSeconds);
                    packagedCpu.Add(cpu);
                }
                var nixTime = TimeSpan.Zero;
                var nixCpuTime = 0.0;
                foreach (var chunk in files.Chunk(400))
                {
                    var args = new List<string> { "--parse" };
                    args.AddRange(chunk);
                    nixTime += Time("nix-instantiate", args, out _, out var code, null, out cpu);
                    nixCpuTime += cpu;
                    if (code != 0 && run == 0) nixFailures++;
                }
                nix.Add(nixTime.TotalSeconds);
                nixCpu.Add(nixCpuTime);
            }
            Console.Write(firstOutput);
            Console.WriteLine();
            Console.WriteLine($"{files.Count} files, {runs} runs each, whole processes (startup included): median [min-max]");
            Console.WriteLine($"{"",-62} {"wall",-22} {"CPU (user+sys)",-22}");
            Console.WriteLine($"{"FlakeTools, default runtime settings (tiered JIT, no warm-up)",-62} {Summary(defaults),-22} {Summary(defaultsCpu),-22}");
            Console.WriteLine($"{"FlakeTools, tiered compilation off",-62} {Summary(untiered),-22} {Summary(untieredCpu),-22}");
            if (selfPackaged is not null) Console.WriteLine($"{"FlakeTools, --bin assemblies (ReadyToRun), default settings",-62} {Summary(packagedTimes),-22} {Summary(packagedCpu),-22}");
            Console.WriteLine($"{$"nix-instantiate --parse ({Math.Ceiling(files.Count / 400.0)} processes)",-62} {Summary(nix),-22} {Summary(nixCpu),-22}{(nixFailures > 0 ? $" ({nixFailures} chunk(s) stopped at a file nix rejects)" : "")}");
            Console.WriteLine($"ratio nix / FlakeTools (default settings): wall {Median(nix) / Median(defaults):F2}x, CPU {Median(nixCpu) / Median(defaultsCpu):F2}x");
            if (selfPackaged is not null) Console.WriteLine($"ratio nix / FlakeTools (--bin assemblies): wall {Median(nix) / Median(packagedTimes):F2}x, CPU {Median(nixCpu) / Median(packagedCpu):F2}x");
            Console.WriteLine($"load average: {(File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown")}");
            return 0;
        }
        finally
        {
            File.Delete(list);
            if (copy is not null) Directory.Delete(copy, recursive: true);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Summary(List<double> values) => $"{Median(values):F2} s [{values.Min():F2}-{values.Max():F2}]";

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, out RUsage usage);

    /// <summary>CPU time (user + system) of all waited-for child processes so far (Linux; zero elsewhere).</summary>
    private static double ChildrenCpuSeconds()
    {
        try
        {
            if (GetRUsage(-1, out var usage) != 0) return 0; // RUSAGE_CHILDREN
            return usage.UserSeconds + usage.SystemSeconds + (usage.UserMicroseconds + usage.SystemMicroseconds) / 1e6;
        }
        catch (Exception)
        {
            return 0;
        }
    }

    private static TimeSpan Time(string program, IEnumerable<string> args, out string stdout, out int code, Dictionary<string, string>? environment) =>
        Time(program, args, out stdout, out code, environment, out _);

    private static TimeSpan Time(string program, IEnumerable<string> args, out string stdout, out int code, Dictionary<string, string>? environment, out double cpuSeconds)
    {
        var cpuBefore = ChildrenCpuSeconds();
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The child runs with the runtime's defaults unless told otherwise.
        info.Environment.Remove("DOTNET_TieredCompilation");
        info.Environment.Remove("DOTNET_TieredPGO");
        info.Environment.Remove("DOTNET_ReadyToRun");
        if (environment is not null) foreach (var (key, value) in environment) info.Environment[key] = value;
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
        cpuSeconds = ChildrenCpuSeconds() - cpuBefore;
        return stopwatch.Elapsed;
    }
}
