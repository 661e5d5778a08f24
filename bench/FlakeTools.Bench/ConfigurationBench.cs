using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using FlakeTools.Core.Configurations;

namespace FlakeTools.Bench;

/// <summary>
/// configs [--show] &lt;flake folder&gt;...: reads every configuration and module graph of each flake
/// (cold, then warm), and prints configurations, modules, files parsed, evaluation steps and times.
/// synthetic &lt;modules&gt;: the same over a generated flake of that many modules in a temporary folder.
/// </summary>
internal static class ConfigurationBench
{
    public static int Run(string[] args)
    {
        var show = args.Contains("--show");
        foreach (var flake in args.Where(a => !a.StartsWith("--", StringComparison.Ordinal))) Measure(flake, show);
        return 0;
    }

    public static int Synthetic(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300;
        var dir = Path.Combine(Path.GetTempPath(), "flaketools-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Generate(dir, count);
        if (args.Contains("--keep"))
        {
            Console.WriteLine(dir);
            return 0;
        }
        try
        {
            Measure(dir, show: false);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
        return 0;
    }

    private static void Measure(string flake, bool show)
    {
        // The machine may be shared: report the process's CPU time as well as the wall-clock time.
        using var process = Process.GetCurrentProcess();
        var coldCpuBefore = process.TotalProcessorTime;
        var cold = Stopwatch.StartNew();
        var reader = ConfigurationReader.Open(flake);
        var configurations = reader.ReadConfigurations();
        cold.Stop();
        process.Refresh();
        var coldCpu = process.TotalProcessorTime - coldCpuBefore;
        var cpuBefore = process.TotalProcessorTime;
        var warm = Stopwatch.StartNew();
        var again = ConfigurationReader.Open(flake).ReadConfigurations();
        warm.Stop();
        process.Refresh();
        var warmCpu = process.TotalProcessorTime - cpuBefore;
        var modules = configurations.Sum(c => c.Modules.Length);
        var unique = configurations.SelectMany(c => c.Modules).Select(m => m.Path ?? m.Name).Distinct().Count();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{flake}: {configurations.Count} configurations, {modules} modules ({unique} distinct), {reader.Evaluator.Files.ParsedCount} files parsed, {reader.Evaluator.TotalSteps} steps, cold {cold.Elapsed.TotalMilliseconds:F0} ms (CPU {coldCpu.TotalMilliseconds:F0} ms), warm {warm.Elapsed.TotalMilliseconds:F0} ms (CPU {warmCpu.TotalMilliseconds:F0} ms)"));
        foreach (var configuration in configurations)
        {
            Console.WriteLine($"  {configuration.Output}.{configuration.Name} [{configuration.Kind}] system={configuration.System ?? "?"} specialArgs=[{string.Join(",", configuration.SpecialArgs)}] pkgs={configuration.Pkgs} modules={configuration.Modules.Length}{(configuration.HomeManager is { } h ? $" hm=[{h.Users.Length} users, extra={string.Join(",", h.ExtraSpecialArgs)}, global={h.UseGlobalPkgs}]" : "")}");
            foreach (var reason in configuration.Unresolved) Console.WriteLine("    UNRESOLVED " + reason);
            if (!show) continue;
            foreach (var module in configuration.Modules)
            {
                var via = string.Join(" ", module.ReceivedVia.Keys.Cast<string>().Select(k => $"{k}:{module.ReceivedVia[k]}"));
                Console.WriteLine($"    {module.Context,-18} {module.Kind,-10} {module.Name}:{module.Line} {(module.User is null ? "" : "user=" + module.User)} {via}{(module.Condition is null ? "" : " IF " + module.Condition)}{(module.Problem is null ? "" : " PROBLEM " + module.Problem)}");
            }
        }
    }

    /// <summary>A flake of <paramref name="count"/> modules: hosts importing shared trees, home-manager users, helper functions.</summary>
    internal static void Generate(string dir, int count)
    {
        Directory.CreateDirectory(dir);
        var hosts = Math.Max(1, count / 50);
        var perHost = count / hosts;
        var flake = new StringBuilder();
        flake.AppendLine("{");
        flake.AppendLine("  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-unstable\";");
        flake.AppendLine("  inputs.home-manager.url = \"github:nix-community/home-manager\";");
        flake.AppendLine("  outputs = { self, nixpkgs, home-manager, ... }@inputs:");
        flake.AppendLine("    let");
        flake.AppendLine("      mkHost = name: nixpkgs.lib.nixosSystem {");
        flake.AppendLine("        system = \"x86_64-linux\";");
        flake.AppendLine("        specialArgs = { inherit inputs; };");
        flake.AppendLine("        modules = [ ./hosts/${name} home-manager.nixosModules.home-manager { home-manager.users.alice = import ./home; home-manager.extraSpecialArgs = { inherit inputs; }; } ];");
        flake.AppendLine("      };");
        flake.AppendLine("    in {");
        flake.Append("      nixosConfigurations = nixpkgs.lib.genAttrs [");
        for (var h = 0; h < hosts; h++) flake.Append(CultureInfo.InvariantCulture, $" \"host{h}\"");
        flake.AppendLine(" ] mkHost;");
        flake.AppendLine("    };");
        flake.AppendLine("}");
        File.WriteAllText(Path.Combine(dir, "flake.nix"), flake.ToString());
        var homeDir = Path.Combine(dir, "home");
        Directory.CreateDirectory(homeDir);
        File.WriteAllText(Path.Combine(homeDir, "default.nix"), "{ pkgs, inputs, ... }: { imports = [ ./shell.nix ]; home.stateVersion = \"24.05\"; }\n");
        File.WriteAllText(Path.Combine(homeDir, "shell.nix"), "{ pkgs, lib, ... }: { programs.bash.enable = true; }\n");
        for (var h = 0; h < hosts; h++)
        {
            var hostDir = Path.Combine(dir, "hosts", "host" + h.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(hostDir);
            var imports = string.Join(" ", Enumerable.Range(0, perHost - 1).Select(i => $"./m{i}.nix"));
            File.WriteAllText(Path.Combine(hostDir, "default.nix"), $"{{ config, lib, pkgs, inputs, ... }}:\n{{\n  imports = [ {imports} ];\n  networking.hostName = \"host{h}\";\n}}\n");
            for (var i = 0; i < perHost - 1; i++)
            {
                var next = i + 1 < perHost - 1 && i % 5 != 4 ? $"./m{i + 1}.nix" : "";
                File.WriteAllText(Path.Combine(hostDir, $"m{i}.nix"), $"{{ config, lib, pkgs, ... }}:\nlet cfg = config.services.s{i}; in\n{{\n  imports = [ {next} ];\n  options.services.s{i}.enable = lib.mkEnableOption \"s{i}\";\n  config = lib.mkIf cfg.enable {{\n    environment.systemPackages = with pkgs; [ hello ];\n    systemd.services.s{i}.script = \"echo ${{toString {i}}}\";\n  }};\n}}\n");
            }
        }
    }
}
