using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace FlakeTools.Syntax.Tests;

/// <summary>Random and mutated inputs: the parser never throws and always gives the input back.</summary>
public class PropertyTests
{
    // Characters that matter to Nix's lexer, weighted towards structure.
    private const string Alphabet = "{}[]();:,.=@?+-*/<>!&|\"'$\\#~ \n\r\tabcxyz019_ifthenelsletinrecinheritor./${}''";

    private static readonly string[] Seeds = TestData.Cases("success").Concat(TestData.Cases("error")).Select(TestData.Read).ToArray();

    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(2000);

    private static bool RoundTrips(string text)
    {
        var tree = SyntaxTree.Parse(text);
        if (tree.Root.ToFullString() != text) return false;
        if (tree.Diagnostics.Any(d => d.Span.Start < 0 || d.Span.End > text.Length || d.Line < 1 || d.Column < 1)) return false;
        var position = 0;
        foreach (var token in tree.Root.DescendantTokens())
        {
            if (token.Position != position) return false;
            position += token.FullSpan.Length;
        }
        return position == text.Length;
    }

    [Fact]
    public void RandomTextFromNixsAlphabetRoundTrips()
    {
        var generator = Gen.Elements(Alphabet.ToCharArray()).ArrayOf().Select(chars => new string(chars));
        Prop.ForAll(generator.ToArbitrary(), RoundTrips).Check(Config);
    }

    [Fact]
    public void ArbitraryUnicodeStringsRoundTrip()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<string>().Filter(s => s is not null), RoundTrips).Check(Config);
    }

    [Fact]
    public void MutatedRealCasesRoundTrip()
    {
        // A mutation: pick a seed file, then delete, insert or duplicate a span at a random place.
        var generator =
            from seed in Gen.Elements(Seeds)
            from position in Gen.Choose(0, Math.Max(0, seed.Length - 1))
            from length in Gen.Choose(0, 12)
            from kind in Gen.Choose(0, 2)
            from insert in Gen.Elements(Alphabet.ToCharArray()).ArrayOf()
            select Mutate(seed, position, length, kind, new string(insert));
        Prop.ForAll(generator.ToArbitrary(), RoundTrips).Check(Config);
    }

    private static string Mutate(string seed, int position, int length, int kind, string insert)
    {
        position = Math.Min(position, seed.Length);
        length = Math.Min(length, seed.Length - position);
        return kind switch
        {
            0 => seed.Remove(position, length),
            1 => seed.Insert(position, insert),
            _ => seed.Insert(position, seed.Substring(position, length)),
        };
    }
}
