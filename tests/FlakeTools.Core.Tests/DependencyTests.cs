using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;
using FlakeTools.Core.Locks;
using FlakeTools.Syntax;
using FlakeTools.Tests;
using Xunit;

namespace FlakeTools.Core.Tests;

/// <summary>
/// The directions of dependency (architecture.md): Syntax knows no Core; Core knows no PowerShell;
/// inside Core, Flakes (flake.nix) and Locks (flake.lock) are siblings that know nothing of each
/// other, and Project, above both, joins them. Read from the compiled code: every type a type's
/// signatures and method bodies (IL) mention, lambdas and iterators included.
/// </summary>
public class DependencyTests
{
    private static readonly Assembly Core = typeof(FlakeLock).Assembly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Which Core namespaces each Core namespace may use (besides itself and everything outside Core).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["FlakeTools.Core.Inputs"] = Array.Empty<string>(),
        ["FlakeTools.Core.IO"] = Array.Empty<string>(),
        // JSON in the form Nix writes it (flake.lock, registry.json): shared by the siblings, knows none of them.
        ["FlakeTools.Core.Json"] = Array.Empty<string>(),
        ["FlakeTools.Core.Processes"] = Array.Empty<string>(),
        ["FlakeTools.Core.References"] = new[] { "FlakeTools.Core.Inputs" },
        ["FlakeTools.Core.Nix"] = new[] { "FlakeTools.Core.Processes", "FlakeTools.Core.IO" },
        ["FlakeTools.Core.Flakes"] = new[] { "FlakeTools.Core.Inputs", "FlakeTools.Core.References", "FlakeTools.Core.IO" },
        ["FlakeTools.Core.Locks"] = new[] { "FlakeTools.Core.Inputs", "FlakeTools.Core.References", "FlakeTools.Core.IO", "FlakeTools.Core.Json" },
        // The registries read and write registry.json and ask nix to pin; they know no flake.nix or lock.
        ["FlakeTools.Core.Registries"] = new[] { "FlakeTools.Core.References", "FlakeTools.Core.IO", "FlakeTools.Core.Json", "FlakeTools.Core.Nix", "FlakeTools.Core.Processes" },
        // The static reader knows Nix, not flakes: it reads files, nothing else of Core.
        ["FlakeTools.Core.Evaluation"] = new[] { "FlakeTools.Core.IO" },
        // Configurations stand on the reader and on the flake (inputs, with their lock data).
        ["FlakeTools.Core.Configurations"] = new[] { "FlakeTools.Core.Evaluation", "FlakeTools.Core.Flakes", "FlakeTools.Core.Project", "FlakeTools.Core.References", "FlakeTools.Core.Inputs", "FlakeTools.Core.Locks", "FlakeTools.Core.IO" },
        // Option definitions across the module graph: generic, nothing of registries or unfree.
        ["FlakeTools.Core.Settings"] = new[] { "FlakeTools.Core.Configurations", "FlakeTools.Core.Evaluation" },
        // nix.registry in configurations: above both the registry files and the option definitions (Registries stays file-only).
        ["FlakeTools.Core.RegistrySettings"] = new[] { "FlakeTools.Core.Registries", "FlakeTools.Core.Settings", "FlakeTools.Core.Configurations", "FlakeTools.Core.Evaluation", "FlakeTools.Core.Project", "FlakeTools.Core.Flakes", "FlakeTools.Core.References" },
        // Test-Flake's checks are the top of Core: they read everything below and nothing reads them.
        ["FlakeTools.Core.Checks"] = new[] { "FlakeTools.Core.Configurations", "FlakeTools.Core.Evaluation", "FlakeTools.Core.Flakes", "FlakeTools.Core.Project", "FlakeTools.Core.Locks", "FlakeTools.Core.References", "FlakeTools.Core.Inputs", "FlakeTools.Core.IO", "FlakeTools.Core.Registries", "FlakeTools.Core.Settings", "FlakeTools.Core.RegistrySettings", "FlakeTools.Core.Unfree" },
        // Unfree settings stand on the module graph, the option definitions (Settings) and the reader.
        ["FlakeTools.Core.Unfree"] = new[] { "FlakeTools.Core.Settings", "FlakeTools.Core.Configurations", "FlakeTools.Core.Evaluation", "FlakeTools.Core.Flakes", "FlakeTools.Core.Locks", "FlakeTools.Core.Project", "FlakeTools.Core.References", "FlakeTools.Core.Inputs", "FlakeTools.Core.IO" },
    };

    [Fact]
    public void FlakesAndLocksKnowNothingOfEachOtherAndNothingBelowProjectKnowsProject()
    {
        var violations = new List<string>();
        foreach (var type in Core.GetTypes().Where(t => t.Namespace is not null && Allowed.ContainsKey(t.Namespace)))
        {
            var allowed = Allowed[type.Namespace!].Append(type.Namespace!).ToHashSet();
            foreach (var used in References(type).Where(u => u.Namespace?.StartsWith("FlakeTools.Core", StringComparison.Ordinal) == true && !allowed.Contains(u.Namespace!)).Distinct())
            {
                violations.Add($"{type.FullName} uses {used.FullName}");
            }
        }
        Assert.True(violations.Count == 0, "dependencies against the layering:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void TheScannerSeesWhatProjectJoins()
    {
        // The test above can fail: Project's types do reach into both siblings, and the scan finds it
        // in signatures and in method bodies alike.
        var project = Core.GetTypes().Where(t => t.Namespace == "FlakeTools.Core.Project").SelectMany(References).Select(t => t.Namespace).ToHashSet();
        Assert.Contains("FlakeTools.Core.Flakes", project);
        Assert.Contains("FlakeTools.Core.Locks", project);
        var check = References(typeof(Project.LockCheck)).Select(t => t.FullName).ToHashSet();
        Assert.Contains(typeof(FollowsOptimizer).FullName, check); // called inside Check only
        Assert.All(Core.GetTypes().Select(t => t.Namespace).Where(n => n is not null && n.StartsWith("FlakeTools.Core.", StringComparison.Ordinal)).Distinct(),
            n => Assert.True(Allowed.ContainsKey(n!) || n == "FlakeTools.Core.Project", $"namespace {n} has no place in the layering; add it to Allowed"));
    }

    [Fact]
    public void SyntaxKnowsNoCoreAndCoreKnowsNoPowerShell()
    {
        Assert.DoesNotContain(typeof(SyntaxTree).Assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("FlakeTools.Core", StringComparison.Ordinal));
        Assert.DoesNotContain(Core.GetReferencedAssemblies(), a => a.Name == "System.Management.Automation");
        Assert.Contains(Core.GetReferencedAssemblies(), a => a.Name == "FlakeTools.Syntax");
    }

    [Fact]
    public void TheFolderLayoutIsTheNamespaceLayout()
    {
        var core = Path.Combine(TestPaths.RepositoryRoot, "src", "FlakeTools.Core");
        var declared = new Regex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline);
        foreach (var file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")))
        {
            var folder = Path.GetRelativePath(core, Path.GetDirectoryName(file)!).Replace(Path.DirectorySeparatorChar, '.');
            var expected = folder == "." ? "FlakeTools.Core" : "FlakeTools.Core." + folder;
            Assert.Equal(expected, declared.Match(File.ReadAllText(file)).Groups[1].Value);
        }
    }

    /// <summary>Every type a type mentions: base, interfaces, members' signatures, and the IL of its methods.</summary>
    private static IEnumerable<Type> References(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new List<Type>();
        void Add(Type? t)
        {
            if (t is null) return;
            if (t.HasElementType) { Add(t.GetElementType()); return; }
            if (t.IsGenericParameter) return;
            found.Add(t.IsGenericType ? t.GetGenericTypeDefinition() : t);
            if (t.IsGenericType) foreach (var argument in t.GetGenericArguments()) Add(argument);
        }
        Add(type.BaseType);
        foreach (var i in type.GetInterfaces()) Add(i);
        foreach (var field in type.GetFields(all)) Add(field.FieldType);
        foreach (var property in type.GetProperties(all)) Add(property.PropertyType);
        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo info) Add(info.ReturnType);
            foreach (var parameter in method.GetParameters()) Add(parameter.ParameterType);
            foreach (var local in method.GetMethodBody()?.LocalVariables ?? (IList<LocalVariableInfo>)Array.Empty<LocalVariableInfo>()) Add(local.LocalType);
            foreach (var member in MembersUsedBy(method))
            {
                Add(member as Type ?? member.DeclaringType);
                if (member is MethodInfo called) { Add(called.ReturnType); foreach (var p in called.GetParameters()) Add(p.ParameterType); }
                if (member is FieldInfo field) Add(field.FieldType);
            }
        }
        return found;
    }

    private static IEnumerable<MemberInfo> MembersUsedBy(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var at = 0;
        while (at < il.Length)
        {
            short value = il[at++];
            if (value == 0xFE) value = (short)(0xFE00 | il[at++]);
            var opCode = OpCodesByValue[value];
            var size = opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
                _ => 4,
            };
            if (opCode.OperandType is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType)
            {
                MemberInfo? member;
                try
                {
                    member = method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments);
                }
                catch (ArgumentException)
                {
                    member = null; // a member of a generic instantiation reflection cannot name here
                }
                if (member is not null) yield return member;
            }
            at += size;
        }
    }
}

/// <summary>What Core hands to PowerShell users is read-only: no mutable JSON behind a lock's back.</summary>
public class PublicSurfaceTests
{
    [Fact]
    public void NoPublicPropertyOrMethodHandsOutMutableJson()
    {
        var leaks = typeof(FlakeLock).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Select(p => (t, Name: p.Name, Type: p.PropertyType))
                .Concat(t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).Select(m => (t, Name: m.Name + "()", Type: m.ReturnType))))
            .Where(m => typeof(System.Text.Json.Nodes.JsonNode).IsAssignableFrom(m.Type) && m.t.Namespace != "FlakeTools.Core.Flakes" /* InputDeclaration.ToJson builds a fresh copy */)
            .Select(m => $"{m.t.FullName}.{m.Name}")
            .ToList();
        Assert.True(leaks.Count == 0, "mutable JSON on the public surface: " + string.Join(", ", leaks));
        var lockFile = FlakeLock.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "examples", "desktop", "flake.lock")));
        var locked = lockFile.Nodes["hyprland"].Locked!;
        Assert.Throws<NotSupportedException>(() => ((IDictionary<string, object?>)locked)["rev"] = "x");
        Assert.Equal(lockFile.ToText(), FlakeLock.Parse(lockFile.ToText()).ToText());
    }
}
