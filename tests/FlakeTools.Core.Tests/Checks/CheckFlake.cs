using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FlakeTools.Core.Checks;
using FlakeTools.Core.Project;
using FlakeTools.Core.Tests.Configurations;

namespace FlakeTools.Core.Tests.Checks;

/// <summary>A small, clean flake (no finding at all) and the edits that make each finding appear.</summary>
internal static class CheckFlake
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public const string Rev1 = "1111111111111111111111111111111111111111";
    public const string Rev2 = "2222222222222222222222222222222222222222";

    public const string Flake = """
        {
          description = "a clean flake";

          inputs = {
            nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
            home-manager.url = "github:nix-community/home-manager/release-24.05";
            home-manager.inputs.nixpkgs.follows = "nixpkgs";
          };

          outputs = { self, nixpkgs, home-manager, ... }@inputs: {
            nixosConfigurations.box = nixpkgs.lib.nixosSystem {
              system = "x86_64-linux";
              specialArgs = { inherit inputs; };
              modules = [
                ./configuration.nix
                home-manager.nixosModules.home-manager
              ];
            };
          };
        }

        """;

    public const string Configuration = """
        { pkgs, inputs, ... }:
        {
          environment.systemPackages = [ inputs.home-manager.packages.${pkgs.stdenv.hostPlatform.system}.default ];
          system.stateVersion = "24.05";
        }

        """;

    public static string Node(string owner, string repo, string rev, long lastModified, string? reference = null, string inputs = "") => $$"""
            {
              {{inputs}}"locked": {
                "lastModified": {{lastModified}},
                "narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                "owner": "{{owner}}",
                "repo": "{{repo}}",
                "rev": "{{rev}}",
                "type": "github"
              },
              "original": {
                "owner": "{{owner}}",
                {{(reference is null ? "" : $"\"ref\": \"{reference}\",")}}
                "repo": "{{repo}}",
                "type": "github"
              }
            }
        """;

    public static string Lock(string homeManagerNixpkgs = "[ \"nixpkgs\" ]", string extraNodes = "", string extraRootInputs = "", long lastModified = 1796000000) => $$"""
        {
          "nodes": {
            "home-manager": {{Node("nix-community", "home-manager", Rev1, lastModified, "release-24.05", $"\"inputs\": {{ \"nixpkgs\": {homeManagerNixpkgs} }},")}},
            "nixpkgs": {{Node("NixOS", "nixpkgs", Rev2, lastModified, "nixos-24.05")}},
            {{extraNodes}}
            "root": {
              "inputs": {
                {{extraRootInputs}}
                "home-manager": "home-manager",
                "nixpkgs": "nixpkgs"
              }
            }
          },
          "root": "root",
          "version": 7
        }

        """;

    /// <summary>The clean flake with some files replaced (null removes a file).</summary>
    public static TempTree Write(IReadOnlyDictionary<string, string?>? changes = null)
    {
        var files = new Dictionary<string, string?>
        {
            ["flake.nix"] = Flake,
            ["configuration.nix"] = Configuration,
            ["flake.lock"] = Lock(),
        };
        foreach (var (path, text) in changes ?? new Dictionary<string, string?>()) files[path] = text;
        var tree = new TempTree();
        foreach (var (path, text) in files)
        {
            if (text is not null) tree.Write(path, text);
        }
        return tree;
    }

    public static (IReadOnlyList<Finding> Findings, CheckContext Context) Run(string path, TimeSpan? maxAge = null)
    {
        var context = CheckContext.Open(path, Now, maxAge);
        return (FlakeChecks.Run(context), context);
    }

    public static string Show(IEnumerable<Finding> findings) =>
        string.Join("\n", findings.Select(f => $"{f.Severity} {f.Id} {f.Target} {Path.GetFileName(f.Path)}:{f.Line}: {f.Message}"));
}
