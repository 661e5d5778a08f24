using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.NixOracle;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Syntax.Tests;

/// <summary>
/// Every rule by which our parser refuses something, with what Nix 2.8 (the nix-instantiate here)
/// and current Nix (2.36, read from its parser.y, parser-state.hh and lexer.l) say. Our verdict is
/// always checked; Nix 2.8's is checked against the real nix-instantiate --parse when it is installed.
/// The column for current Nix is what its source says; no newer Nix runs here to check it.
/// </summary>
public class ParseRuleTests
{
    /// <summary>What happens to one source text.</summary>
    public enum Verdict
    {
        /// <summary>Parsed without error.</summary>
        Accepts,
        /// <summary>Refused (an error).</summary>
        Rejects,
        /// <summary>Parsed, with a warning that some Nix versions refuse it.</summary>
        Warns,
        /// <summary>Nix 2.8 cannot read it (newer syntax): nothing to check against.</summary>
        Unknown,
    }

    // rule | source | ours | Nix 2.8 | current Nix (documented)
    public static readonly (string Rule, string Source, Verdict Ours, Verdict Nix28, Verdict Current)[] Rules =
    {
        ("comparisons do not chain (==)", "x: x == x == x", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("comparisons do not chain (== then !=)", "x: x == x != x", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("comparisons do not chain (<)", "x: x < x > x", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("? chains: (x ? a) ? b", "x: x ? a ? b", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("if is not an operand", "x: 1 + if x then 1 else 2", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a list element cannot start with -", "x: [ -1 ]", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a negative number in parentheses is fine in a list", "x: [ (-1) ]", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("rec needs {", "x: rec x", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("let needs in", "x: let a = 1;", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("if needs else", "x: if x then 1", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("... ends the pattern", "{ ..., a }: 1", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a trailing comma in a pattern is fine", "{ a, }: a", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("@ needs a name", "{ a }@: a", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("an empty pattern with @ is fine", "a@{ }: a", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("one @ only", "x@{ }@y: 1", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("x.1 is x applied to the float .1", "x: x.1", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("a keyword is not an attribute name", "{ if = 1; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("or is an attribute name", "{ or = 1; }", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("an extra semicolon", "x: { a = 1;; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("nothing after the expression", "x: { } x }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("an empty file", "", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a path ends without /", "./a/", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("no byte order mark", "\uFEFF1", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("unterminated string", "\"a", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("unterminated comment", "1 /* a", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a character Nix does not know", "x: x % 2", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("integers are 64-bit", "9223372036854775808", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("the largest integer is fine", "9223372036854775807", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("floats stay in range", "1.0e309", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("floats do not underflow", "1.0e-999", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a large float is fine", "1.0e308", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        // attributes defined twice
        ("an attribute defined twice", "x: { a = x; a = x; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("an identifier and a string name are one name", "{ a = 1; \"a\" = 2; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("${\"a\"} is a static name", "{ a = 1; ${\"a\"} = 2; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a value, then a path through it", "x: { a = x; a.b = 1; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a path, then a value at its prefix", "x: { a.b = 1; a = x; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a path through a value set by a path", "{ a.b = 1; a.b.c = 2; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a path, then a literal set, merge", "{ a.b = 1; a = { c = 2; }; }", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("a literal set, then a path, merge", "{ a = { c = 2; }; a.b = 1; }", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("a rec set merges", "{ a = rec { c = 2; }; a.b = 1; }", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("a set in parentheses merges", "{ a = ({ c = 2; }); a.b = 1; }", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("let { } is not a set to merge", "{ a = let { body = 1; }; a.b = 1; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("an inherited name is not a set to merge", "a: { inherit a; a.b = 1; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("two empty sets merge", "{ a = { }; a = { }; }", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("a name in both merged sets", "{ a.b = 1; a = { b = 2; }; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("paths into a set merge at every depth", "x: { a.b = { c = 1; }; a.b = { d = 1; }; }", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("two literal sets with a set at one name: 2.8 refuses, current Nix merges", "{ a = { b = { c = 1; }; }; a = { b = { d = 1; }; }; }", Verdict.Warns, Verdict.Rejects, Verdict.Accepts),
        ("two literal sets with a value at one name inside", "{ a = { b = { c = 1; }; }; a = { b = { c = 2; }; }; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("dynamic names never clash at parse time", "x: { ${x}.a = 1; ${x}.a = 2; }", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("an inherited name defined again", "x: let inherit (x) a; a = 2; in a", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a name inherited twice", "x: { inherit x; inherit x; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("rec set: a name and an inherit", "a: rec { a = 1; inherit a; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("legacy let { }: a name twice", "x: let { body = x; body = x; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("let: a name twice", "let a = 1; a = 2; in a", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("let: paths merge", "let a.b = 1; a.c = 2; in a", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        // dynamic names
        ("let: a dynamic first name", "x: let ${x} = 1; in 2", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("let: an interpolated string as first name", "let \"${\"a\"}\" = 1; in 2", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("let: a dynamic name after a static one", "n: let set.\"${n}-unwrapped\" = 1; in set", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("let: ${\"a\"} is static", "let ${\"a\"}.b = 1; in a", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("let: ${''a''} is static", "let ${''a''} = 1; in a", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("let: ${(\"a\")} is static", "let ${(\"a\")} = 1; in a", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("set: dynamic names are fine", "x: { ${x} = 1; \"${x}-b\" = 2; }", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("inherit: a dynamic name", "x: { inherit \"${x}\"; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        // formals
        ("a formal named twice", "{ a, b, a }: a", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a formal named twice, with defaults", "{ a ? 1, a ? 2 }: a", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("the @ name is a formal (before)", "a@{ a }: a", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("the @ name is a formal (after)", "{ a, ... }@a: a", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("defaults may refer to each other", "{ a ? b, b ? a }: a", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        // undefined variables (Nix's bindVars, run by nix-instantiate --parse)
        ("a variable nothing binds", "x", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a lambda binds its argument", "x: x", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("with: any name may come from it", "s: with s; y", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("with: its own expression is checked", "with y; 1", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("with: what follows it is not", "s: (with s; y) + z", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("let: its names are seen by its values and body", "let a = b; b = 1; in a", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("let: names end with its body", "(let a = 1; in a) + a", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("let: inherit x reads the scope around it", "let inherit a; in 1", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("let: inherit x from an outer let", "let a = 1; in let inherit a; in a", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("let: inherit (s) sees the let's own names", "let s = { a = 1; }; inherit (s) a; in a", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("let: a dynamic part of a path sees the let", "let a.${b} = 1; b = \"x\"; in a", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("legacy let { } is recursive", "let { body = a; a = 1; }", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("rec: its names are seen by its values", "rec { a = 1; b = { inherit a; }; }", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("rec: inherit x reads the scope around it", "rec { inherit a; a2 = 1; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("rec: inherit (s) sees the set's names", "rec { s = { a = 1; }; inherit (s) a; }", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("rec: dynamic names see the set", "rec { ${b} = 1; b = \"x\"; }", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("rec: names end with the set", "rec { a = 1; }.a + a", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a plain set binds nothing", "{ x = 1; y = { inherit x; }; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a plain set: inherit (s) reads the scope around it", "{ s = { a = 1; }; inherit (s) a; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a plain set: dynamic names read the scope around it", "{ ${b} = 1; b = \"x\"; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("formals: a default sees the @ name", "{ a ? c }@c: a", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("formals: a default sees nothing else", "{ a ? c }: a", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("string interpolations are checked", "\"${x}\"", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("path interpolations are checked", "./a/${x}", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("attribute names of a selection are not variables", "{ a = 1; }.a", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("a selection's interpolated name is checked", "a: a.${b}", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a has-attribute's interpolated name is checked", "a: a ? ${b}", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("an or default is checked", "a: a.b or c", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("assert conditions are checked", "assert x; 1", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("a path into a merged rec set sees its names", "{ a = rec { x = 1; }; a.y = x; }", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("paths into one name are still checked", "{ a.b = 1; a.c = x; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("paths into a set merged with a plain literal are still checked", "{ a = { b = 1; }; a.c = x; }", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("the global names of Nix 2.8", "[ builtins true false null import map toString throw abort baseNameOf dirOf derivation derivationStrict isNull removeAttrs fetchTarball fetchGit fetchMercurial fetchTree fromTOML placeholder scopedImport __curPos __currentSystem __currentTime __nixPath __storeDir __nixVersion __langVersion __add __foldl' __unsafeGetAttrPos ]", Verdict.Accepts, Verdict.Accepts, Verdict.Accepts),
        ("builtins' names without __ are not global", "[ attrNames ]", Verdict.Rejects, Verdict.Rejects, Verdict.Rejects),
        ("global names of newer Nix (and of settings 2.8 does not enable here)", "[ break __warn __traceVerbose __getFlake __parseFlakeRef __flakeRefToString __convertHash __readFileType __outputOf __addDrvOutputDependencies __exec __importNative __fetchClosure ]", Verdict.Accepts, Verdict.Rejects, Verdict.Accepts),
        // pipes (Nix 2.24+, experimental feature pipe-operators): Nix 2.8 has no such tokens
        ("|> pipes", "x: f: x |> f", Verdict.Accepts, Verdict.Unknown, Verdict.Accepts),
        ("<| pipes", "x: f: f <| x", Verdict.Accepts, Verdict.Unknown, Verdict.Accepts),
        ("|> and <| do not mix", "x: f: x |> f <| x", Verdict.Rejects, Verdict.Unknown, Verdict.Rejects),
        ("<| and |> do not mix", "x: f: f <| x |> f", Verdict.Rejects, Verdict.Unknown, Verdict.Rejects),
        ("an if is not a pipe operand", "x: f: x |> if x then f else f", Verdict.Rejects, Verdict.Unknown, Verdict.Rejects),
        ("a lambda is not a pipe operand", "x: x |> y: y", Verdict.Rejects, Verdict.Unknown, Verdict.Rejects),
        ("a pipe is not an operand", "x: f: 1 + (x |> f) + 1", Verdict.Accepts, Verdict.Unknown, Verdict.Accepts),
    };

    public static IEnumerable<object[]> RuleNames() => Rules.Select(r => new object[] { r.Rule });

    private static (string Rule, string Source, Verdict Ours, Verdict Nix28, Verdict Current) Find(string rule) => Rules.Single(r => r.Rule == rule);

    [Theory]
    [MemberData(nameof(RuleNames))]
    public void OurVerdict(string rule)
    {
        var (_, source, expected, _, _) = Find(rule);
        var tree = SyntaxTree.Parse(source);
        Assert.Equal(source, tree.Root.ToFullString());
        var actual = tree.HasErrors ? Verdict.Rejects
            : tree.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Warning) ? Verdict.Warns
            : Verdict.Accepts;
        Assert.True(expected == actual, $"{rule}: expected {expected}, got {actual}: {string.Join("; ", tree.Diagnostics)}");
    }

    [NixTheory]
    [MemberData(nameof(RuleNames))]
    public void Nix28Verdict(string rule)
    {
        var (_, source, _, expected, _) = Find(rule);
        if (expected == Verdict.Unknown)
        {
            // Nix 2.8 has no pipe operators: it refuses every such text, so it can check none of them.
            Assert.False(RunNix(source), "Nix 2.8 was expected to refuse the pipe operators");
            return;
        }
        Assert.True((expected == Verdict.Accepts) == RunNix(source), $"{rule}: nix-instantiate --parse was expected to {(expected == Verdict.Accepts ? "accept" : "refuse")} {source}");
    }

    /// <summary>
    /// Where our verdict differs from Nix 2.8's, it is a documented version difference (the
    /// recursive merge of literal sets, a warning here; names newer Nix binds, accepted), never a
    /// silent one.
    /// </summary>
    [Fact]
    public void DifferencesFromNix28AreOnlyTheDocumentedOnes()
    {
        foreach (var (rule, _, ours, nix28, current) in Rules)
        {
            if (nix28 == Verdict.Unknown) continue;
            // What newer Nix accepts is accepted (the global names it added): the union, documented.
            if (ours == Verdict.Accepts && nix28 == Verdict.Rejects && current == Verdict.Accepts) continue;
            var oursRefusesFor28 = ours is Verdict.Rejects or Verdict.Warns;
            Assert.True(oursRefusesFor28 == (nix28 == Verdict.Rejects), rule);
            if (ours == Verdict.Warns) Assert.Equal(Verdict.Rejects, nix28);
            if (ours == Verdict.Rejects) Assert.Equal(Verdict.Rejects, current);
        }
    }

    private static bool RunNix(string source)
    {
        var file = Path.Combine(Path.GetTempPath(), $"flaketools-rule-{Guid.NewGuid():N}.nix");
        File.WriteAllText(file, source);
        try
        {
            var (code, _, _) = ParseOracle.Run("nix-instantiate", new[] { "--parse", file }, TimeSpan.FromSeconds(30));
            return code == 0;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
