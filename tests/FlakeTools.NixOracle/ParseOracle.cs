using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FlakeTools.Syntax;

namespace FlakeTools.NixOracle;

/// <summary>How our parse of one file compares with Nix's.</summary>
public enum Verdict
{
    /// <summary>Both parsed it and the desugared expressions match.</summary>
    Agree,
    /// <summary>Both rejected it.</summary>
    BothReject,
    /// <summary>Both parsed it, but the expressions differ.</summary>
    Disagree,
    /// <summary>Nix rejected it; we accepted it.</summary>
    OnlyNixRejects,
    /// <summary>We rejected it; Nix accepted it.</summary>
    OnlyWeReject,
    /// <summary>Our tree did not print back the input.</summary>
    RoundTripFailure,
    /// <summary>Our code threw.</summary>
    Crash,
    /// <summary>
    /// Nix 2.8 rejected it, we accepted it, and it uses syntax newer than Nix 2.8 (the pipe
    /// operators <c>|&gt;</c> and <c>&lt;|</c> of Nix 2.24+): the oracle cannot decide it. The pipe
    /// cases are checked instead by comparing our lowering with 2.8's parse of the same call
    /// written without pipes (NixOracleTests.PipesMeanTheCallsNixBuilds).
    /// </summary>
    NewerThanOracle,
}

/// <summary>The comparison for one file.</summary>
public sealed record OracleResult(string File, Verdict Verdict, string Detail);

/// <summary>
/// Compares our parser with <c>nix-instantiate --parse</c>: both outputs are lowered to the
/// desugared form and printed canonically (attribute order and redundant parentheses ignored).
/// </summary>
public sealed class ParseOracle
{
    // Nix 2.8's printer writes some expressions its own parser cannot read back; these undo that.
    private static readonly Regex ExponentFloat = new(@"(?<=[\s(\[])(\d+)e([+-]\d+)(?=[\s)\];])", RegexOptions.Compiled);
    private static readonly Regex KeywordAttrName = new(@"(?<=[{;] )(if|then|else|assert|with|let|in|rec|inherit|or) = ", RegexOptions.Compiled);
    private static readonly Regex RootPathConcat = new(@"(?<=\()/ \+ ", RegexOptions.Compiled);

    private readonly string _nix;

    public ParseOracle(string nixInstantiate = "nix-instantiate")
    {
        _nix = nixInstantiate;
    }

    /// <summary>Whether nix-instantiate can be run here.</summary>
    public static bool IsAvailable(string nixInstantiate = "nix-instantiate")
    {
        try
        {
            var (code, _, _) = Run(nixInstantiate, new[] { "--version" }, TimeSpan.FromSeconds(20));
            return code == 0;
        }
        catch (Exception)
        {
            return false;
        }
    }

    public OracleResult Compare(string file)
    {
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(file)); // keeps a BOM, unlike ReadAllText
            var ours = SyntaxTree.Parse(text);
            if (ours.Root.ToFullString() != text) return new OracleResult(file, Verdict.RoundTripFailure, "the tree does not print back the input");

            var (code, stdout, stderr) = Run(_nix, new[] { "--parse", file }, TimeSpan.FromSeconds(30));
            string? ourCanonical = null;
            string? ourError = FirstRejection(ours)?.ToString();
            if (ourError is null)
            {
                try
                {
                    var home = Environment.GetEnvironmentVariable("HOME") ?? "/";
                    ourCanonical = new Lowering(Path.GetDirectoryName(Path.GetFullPath(file))!, home).Lower(ours).Print();
                }
                catch (NixSemanticException e)
                {
                    ourError = e.Message;
                }
            }

            if (code != 0)
            {
                var nixError = stderr.Trim().Split('\n').FirstOrDefault() ?? "";
                if (ourError is not null) return new OracleResult(file, Verdict.BothReject, $"nix: {nixError} | ours: {ourError}");
                return UsesPipes(ours)
                    ? new OracleResult(file, Verdict.NewerThanOracle, "uses the pipe operators of Nix 2.24+: " + nixError)
                    : new OracleResult(file, Verdict.OnlyNixRejects, nixError);
            }
            if (ourError is not null) return new OracleResult(file, Verdict.OnlyWeReject, ourError);

            var nixCanonical = CanonicalOfNixOutput(stdout);
            return nixCanonical == ourCanonical
                ? new OracleResult(file, Verdict.Agree, "")
                : new OracleResult(file, Verdict.Disagree, FirstDifference(ourCanonical!, nixCanonical));
        }
        catch (Exception e)
        {
            return new OracleResult(file, Verdict.Crash, e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>
    /// What makes Nix 2.8 refuse a file, by our diagnostics: the first error, or the first warning
    /// that says Nix 2.8 refuses what current Nix accepts (the recursive merge of sets).
    /// </summary>
    public static Diagnostic? FirstRejection(SyntaxTree tree) =>
        tree.Diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error)
        ?? tree.Diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("older Nix (2.8) refuses", StringComparison.Ordinal));

    /// <summary>Whether the tree uses <c>|&gt;</c> or <c>&lt;|</c>, which Nix 2.8 does not know.</summary>
    public static bool UsesPipes(SyntaxTree tree) =>
        tree.Root.DescendantTokens().Any(t => t.Kind is SyntaxKind.PipeIntoToken or SyntaxKind.PipeFromToken);

    /// <summary>Reads Nix's printed expression back with our parser and prints it canonically.</summary>
    public static string CanonicalOfNixOutput(string printed)
    {
        // Nix prints floats such as 1e-06 that its own lexer would not read back as one token.
        printed = ExponentFloat.Replace(printed, "$1.0e$2");          // 1e-06 is not one token
        printed = KeywordAttrName.Replace(printed, "\"$1\" = ");          // { inherit = true; } needs quotes
        printed = RootPathConcat.Replace(printed, "/. + ");              // the path `/${x}` prints as `/ + x`
        var tree = SyntaxTree.Parse(printed);
        var errors = tree.Diagnostics.Where(d => !d.Message.StartsWith("path has a trailing slash", StringComparison.Ordinal)).ToList();
        if (errors.Count > 0) return "<unreadable nix output: " + errors[0] + ">";
        try
        {
            return new Lowering("/", "/").Lower(tree).Print();
        }
        catch (NixSemanticException e)
        {
            return "<unreadable nix output: " + e.Message + ">";
        }
    }

    private static string FirstDifference(string ours, string nix)
    {
        var i = 0;
        while (i < ours.Length && i < nix.Length && ours[i] == nix[i]) i++;
        var start = Math.Max(0, i - 60);
        string Slice(string s) => s.Substring(Math.Min(start, s.Length), Math.Min(160, Math.Max(0, s.Length - start)));
        return $"at {i}: ours …{Slice(ours)}… | nix …{Slice(nix)}…";
    }

    public static (int Code, string Stdout, string Stderr) Run(string program, string[] arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "", "timed out");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
