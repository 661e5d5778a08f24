using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using FlakeTools.Syntax;
using FlakeTools.Syntax.Parsing;

namespace FlakeTools.Bench;

/// <summary>Where the parser's time and allocations go, phase by phase (warm, over a folder of files).</summary>
internal static class PhaseBench
{
    public static int Run(List<string> files)
    {
        var texts = files.Select(f => Encoding.UTF8.GetString(File.ReadAllBytes(f))).ToList();
        long bytes = texts.Sum(t => (long)t.Length);
        long tokens = 0, trivia = 0, multiTrivia = 0, nodes = 0, children = 0;
        foreach (var t in texts)
        {
            var tree = SyntaxTree.Parse(t);
            foreach (var token in tree.Root.DescendantTokens())
            {
                tokens++;
                trivia += token.LeadingTrivia.Count + token.TrailingTrivia.Count;
                if (token.LeadingTrivia.Count > 1) multiTrivia++;
                if (token.TrailingTrivia.Count > 1) multiTrivia++;
            }
            foreach (var node in tree.Root.DescendantNodes()) { nodes++; children += node.ChildCount; }
        }
        Console.WriteLine($"{bytes:N0} chars, {tokens:N0} tokens, {trivia:N0} trivia ({multiTrivia:N0} arrays of several), {nodes:N0} nodes with {children:N0} children");
        for (var pass = 0; pass < 4; pass++)
        {
            var phases = new (string Name, Func<string, object> Run)[]
            {
                ("lex", t => Lexer.Lex(t)),
                ("lex+tokens", t => Parser.Build(t)),
                ("lex+parse (green)", t => Parser.ParseRoot(t)),
                ("SyntaxTree.Parse", t => SyntaxTree.Parse(t)),
                ("+ diagnostics", t => SyntaxTree.Parse(t).Diagnostics),
                ("+ round-trip", t => { var tree = SyntaxTree.Parse(t); _ = tree.Diagnostics; return tree.Root.ToFullString(); }),
            };
            if (pass < 3) { foreach (var (_, run) in phases) foreach (var t in texts) run(t); continue; }
            foreach (var (name, run) in phases)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var stopwatch = Stopwatch.StartNew();
                foreach (var t in texts) run(t);
                stopwatch.Stop();
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Console.WriteLine($"{name,-20} {stopwatch.ElapsedMilliseconds,6} ms {allocated / 1e6,8:F1} MB {(double)allocated / bytes,6:F1} B/char");
            }
        }
        return 0;
    }
}
