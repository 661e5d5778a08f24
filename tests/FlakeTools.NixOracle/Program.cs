using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using FlakeTools.NixOracle;

// Usage: FlakeTools.NixOracle [--jobs N] [--show N] <file.nix | directory | @list.txt>...
var jobs = 2;
var show = 50;
var inputs = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--jobs": jobs = int.Parse(args[++i]); break;
        case "--show": show = int.Parse(args[++i]); break;
        default: inputs.Add(args[i]); break;
    }
}
if (inputs.Count == 0)
{
    Console.Error.WriteLine("usage: FlakeTools.NixOracle [--jobs N] [--show N] <file.nix | directory | @list.txt>...");
    return 2;
}
var files = new List<string>();
foreach (var input in inputs)
{
    if (input.StartsWith('@')) files.AddRange(File.ReadAllLines(input[1..]).Where(l => l.Length > 0));
    else if (Directory.Exists(input)) files.AddRange(Directory.EnumerateFiles(input, "*.nix", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal));
    else files.Add(input);
}
if (!ParseOracle.IsAvailable())
{
    Console.Error.WriteLine("nix-instantiate is not on PATH (apt-get install nix-bin)");
    return 2;
}
var oracle = new ParseOracle();
var results = new ConcurrentBag<OracleResult>();
Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = jobs }, file => results.Add(oracle.Compare(file)));
var byVerdict = results.GroupBy(r => r.Verdict).ToDictionary(g => g.Key, g => g.Count());
int Count(Verdict v) => byVerdict.TryGetValue(v, out var n) ? n : 0;
var total = results.Count - Count(Verdict.NewerThanOracle);
var agreeing = Count(Verdict.Agree) + Count(Verdict.BothReject);
Console.WriteLine($"files: {total}");
foreach (var verdict in Enum.GetValues<Verdict>()) Console.WriteLine($"  {verdict,-17} {Count(verdict)}");
Console.WriteLine($"agreement: {agreeing}/{total} = {(total == 0 ? 100 : 100.0 * agreeing / total):F2}%");
if (Count(Verdict.NewerThanOracle) > 0) Console.WriteLine($"  ({Count(Verdict.NewerThanOracle)} file(s) use syntax newer than this Nix, the pipe operators of Nix 2.24+: not decided, left out of the agreement)");
foreach (var result in results.Where(r => r.Verdict is not (Verdict.Agree or Verdict.BothReject or Verdict.NewerThanOracle)).OrderBy(r => r.File, StringComparer.Ordinal).Take(show))
{
    Console.WriteLine($"{result.Verdict}: {result.File}\n    {result.Detail}");
}
foreach (var result in results.Where(r => r.Verdict == Verdict.BothReject).OrderBy(r => r.File, StringComparer.Ordinal).Take(show))
{
    Console.WriteLine($"BothReject: {result.File}\n    {result.Detail}");
}
return Count(Verdict.Crash) + Count(Verdict.RoundTripFailure) > 0 ? 1 : 0;
