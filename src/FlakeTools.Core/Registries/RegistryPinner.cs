using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FlakeTools.Core.Nix;
using FlakeTools.Core.References;

namespace FlakeTools.Core.Registries;

/// <summary>The locked form of a flake, as <c>nix registry pin</c> writes it into a registry.</summary>
/// <param name="To">The locked input (with rev, narHash, lastModified, ...).</param>
/// <param name="Dir">The subdirectory, when the registered name carries one.</param>
/// <param name="Command">The nix command that produced it, for people.</param>
public sealed record PinnedInput(RegistryInput To, string? Dir, string Command);

/// <summary>
/// Pins through Nix itself: <c>nix registry pin --registry &lt;scratch file&gt; &lt;name&gt; [&lt;reference&gt;]</c>
/// writes the locked input into a scratch registry, and the entry it wrote is read back. Nix
/// resolves the reference through the user's registries and fetches it, as <c>nix registry pin</c>
/// does; the user's registry files are not touched by Nix.
/// </summary>
public static class RegistryPinner
{
    /// <summary>The arguments of the pin command (flakes enabled when the configuration does not enable them).</summary>
    public static IReadOnlyList<string> PinArguments(string scratchRegistry, string from, string? reference, bool enableFlakes)
    {
        var arguments = new List<string>();
        if (enableFlakes) arguments.AddRange(new[] { "--extra-experimental-features", "nix-command flakes" });
        arguments.AddRange(new[] { "registry", "pin", "--registry", scratchRegistry, from });
        if (reference is not null) arguments.Add(reference);
        return arguments;
    }

    /// <summary>Pins <paramref name="from"/> to the locked form of <paramref name="reference"/> (or of what <paramref name="from"/> resolves to).</summary>
    public static async Task<PinnedInput> PinAsync(NixCli nix, string from, string? reference, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(nix);
        var scratchDirectory = Path.Combine(Path.GetTempPath(), "flaketools-pin-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratchDirectory);
        var scratch = Path.Combine(scratchDirectory, "registry.json");
        try
        {
            var arguments = PinArguments(scratch, from, reference, !NixConfiguration.EnablesFlakes());
            await nix.RunAsync(arguments, null, cancellation).ConfigureAwait(false);
            var file = RegistryFile.Load(RegistryLocation.ForFile(RegistryScope.Custom, scratch));
            var entry = file.Entries.LastOrDefault()
                ?? throw new RegistryResolutionException(reference ?? from, $"'{NixCli.Format(arguments)}' wrote no entry; pin by hand with Add-FlakeRegistryEntry {from} <locked reference>");
            return new PinnedInput(entry.ToInput, entry.Dir, NixCli.Format(arguments));
        }
        finally
        {
            Directory.Delete(scratchDirectory, recursive: true);
        }
    }
}
