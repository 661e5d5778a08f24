using System;
using System.Linq;
using System.Management.Automation;
using FlakeTools.Completion;
using FlakeTools.Core.Flakes;

namespace FlakeTools.Commands;

/// <summary>
/// <para type="synopsis">Removes inputs from a flake.nix, with their follows lines, comments and outputs arguments.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "FlakeInput", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PathSet)]
[OutputType(typeof(void))]
public sealed class RemoveFlakeInputCommand : FlakeCmdlet
{
    /// <summary>Names of the inputs to remove; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InputNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var path in ResolvedPaths())
        {
            var source = OpenFlake(path);
            if (source is null || !CheckParsed(source)) continue;
            foreach (var pattern in Name)
            {
                var wildcard = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase);
                var names = source.Flake.Inputs.Select(i => i.Name).Where(n => wildcard.IsMatch(n)).ToList();
                if (names.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    WriteInputNotFound(source, pattern);
                    continue;
                }
                foreach (var name in names)
                {
                    // Each removal starts from the file as it is now on disk.
                    if (OpenFlake(source.FlakePath) is not { } current) break;
                    source = current;
                    FlakeEditResult result;
                    try
                    {
                        result = FlakeEditor.RemoveInput(source.Flake, name);
                    }
                    catch (FlakeEditException e)
                    {
                        WriteEditError(e, name);
                        continue;
                    }
                    SaveEdit(source, result, $"Remove input '{name}'");
                }
            }
        }
    }
}
