using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using FlakeTools.Syntax;

namespace FlakeTools.Bench;

/// <summary>
/// The tree on one wide node: a set of N bindings (all-packages.nix has ~20,000), parsed, then
/// walked the way a reader does it (every binding's name, position and line), then walked again.
/// Linear time means the per-binding figures stay flat as N grows.
/// </summary>
internal static class TreeBench
{
    public static int Run(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : new[] { 10_000, 40_000, 100_000 };
        // A small set first, so that the JIT's work is not counted in the first size.
        Measure(1000, print: false);
        Console.WriteLine($"{"bindings",9} {"bytes",11} {"parse",9} {"diagnostics",12} {"first walk",11} {"second walk",12} {"walk ns/binding",16}");
        foreach (var size in sizes) Measure(size, print: true);
        return 0;
    }

    private static void Measure(int size, bool print)
    {
        var builder = new StringBuilder(size * 40);
        builder.Append("{ pkgs, lib }:\n{\n");
        for (var i = 0; i < size; i++)
        {
            builder.Append("  package").Append(i).Append(" = pkgs.callPackage ./pkgs/package").Append(i).Append(" { };\n");
        }
        builder.Append("}\n");
        var text = builder.ToString();

        var stopwatch = Stopwatch.StartNew();
        var tree = SyntaxTree.Parse(text);
        var parse = stopwatch.Elapsed;
        stopwatch.Restart();
        var errors = tree.HasErrors;
        var diagnostics = stopwatch.Elapsed;
        if (errors) throw new InvalidOperationException("the generated set does not parse: " + tree.Diagnostics[0]);

        stopwatch.Restart();
        var first = Walk(tree);
        var firstWalk = stopwatch.Elapsed;
        stopwatch.Restart();
        var second = Walk(tree);
        var secondWalk = stopwatch.Elapsed;
        if (first != size || second != size) throw new InvalidOperationException($"walked {first}/{second} of {size} bindings");
        if (print)
        {
            Console.WriteLine($"{size,9:N0} {text.Length,11:N0} {Ms(parse),9} {Ms(diagnostics),12} {Ms(firstWalk),11} {Ms(secondWalk),12} {firstWalk.TotalMilliseconds * 1e6 / size,16:F0}");
        }
    }

    private static int Walk(SyntaxTree tree)
    {
        var set = (AttrSetSyntax)((LambdaSyntax)tree.Root.Expression!).Body!;
        var count = 0;
        long checksum = 0;
        foreach (var binding in set.Bindings)
        {
            var names = binding.AttrPath.StaticNames!;
            checksum += names[0].Length + binding.StartPosition.Line + binding.Span.Start;
            count++;
        }
        return checksum > 0 ? count : -1;
    }

    private static string Ms(TimeSpan time) => $"{time.TotalMilliseconds:F0} ms";
}
