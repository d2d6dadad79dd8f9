using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using Wayland.Testing;

namespace Wayland.Compositor.Tests;

/// <summary>
/// The layer rules of docs/design/architecture.md, checked on the built assemblies: which of our assemblies
/// each may reference, that P/Invoke exists only in Wayland.Interop, that the OS layer stays internal and
/// opened by name, and that shipped projects never reference test projects.
/// </summary>
public class ArchitectureTests
{
    /// <summary>Each product assembly and the Wayland assemblies it may reference (the layer picture).</summary>
    private static readonly Dictionary<string, string[]> MayReference = new()
    {
        ["Wayland.Interop"] = [],
        ["Wayland.Wire"] = ["Wayland.Interop"],
        ["Wayland.Events"] = ["Wayland.Interop", "Wayland.Wire"],
        ["Wayland.Protocols"] = ["Wayland.Wire"],
        ["Wayland.Client"] = ["Wayland.Interop", "Wayland.Wire", "Wayland.Protocols"],
        ["Wayland.Server"] = ["Wayland.Interop", "Wayland.Wire", "Wayland.Events", "Wayland.Protocols"],
        ["Wayland.Compositor"] = ["Wayland.Wire", "Wayland.Events", "Wayland.Protocols", "Wayland.Server"],
    };

    /// <summary>The assemblies the OS layer is opened to: the layers that make system calls, and their tests.</summary>
    private static readonly string[] InteropFriends =
        ["Wayland.Wire", "Wayland.Events", "Wayland.Client", "Wayland.Server", "Wayland.Wire.Tests", "Wayland.Server.Tests", "Wayland.Events.Tests"];

    public static TheoryData<string> ProductAssemblies() => [.. MayReference.Keys];

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void Each_layer_references_only_the_layers_below_it(string name)
    {
        string[] wayland = [.. Assembly.Load(name).GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("Wayland.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
        string[] forbidden = [.. wayland.Except(MayReference[name])];
        Assert.True(forbidden.Length == 0, $"{name} references {string.Join(", ", forbidden)}; it may reference only {string.Join(", ", MayReference[name])}");
    }

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void P_Invoke_lives_only_in_Wayland_Interop(string name)
    {
        string[] imports = [.. PInvokeMethods(Assembly.Load(name))];
        if (name == "Wayland.Interop")
        {
            // The check sees what it looks for: the OS layer's own imports (socket, epoll_wait, ...).
            Assert.Contains("LibC: socket", imports);
            Assert.Contains("LibC: epoll_wait", imports);
        }
        else
        {
            Assert.True(imports.Length == 0, $"{name} declares P/Invoke methods: {string.Join(", ", imports)}");
        }
    }

    [Fact]
    public void The_OS_layer_has_no_public_API_and_is_opened_by_name_only()
    {
        Assembly interop = Assembly.Load("Wayland.Interop");
        Assert.Empty(interop.GetExportedTypes());
        string[] friends = [.. interop.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).Order(StringComparer.Ordinal)];
        Assert.Equal(InteropFriends.Order(StringComparer.Ordinal), friends);
    }

    [Fact]
    public void Shipped_projects_and_samples_never_reference_test_projects()
    {
        string root = NativePeers.RepositoryRoot;
        List<string> offenders = [];
        foreach (string folder in (string[])["src", "tools", "samples"])
        {
            foreach (string project in Directory.EnumerateFiles(Path.Combine(root, folder), "*.csproj", SearchOption.AllDirectories))
            {
                string directory = Path.GetDirectoryName(project)!;
                foreach (XElement reference in XDocument.Load(project).Descendants("ProjectReference"))
                {
                    string target = Path.GetFullPath(Path.Combine(directory, (string)reference.Attribute("Include")!));
                    if (target.StartsWith(Path.Combine(root, "tests") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    {
                        offenders.Add($"{Path.GetRelativePath(root, project)} -> {Path.GetRelativePath(root, target)}");
                    }
                }
            }
        }

        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
    }

    private static IEnumerable<string> PInvokeMethods(Assembly assembly) =>
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        where (method.Attributes & MethodAttributes.PinvokeImpl) != 0
        select $"{OuterName(type)}: {method.GetCustomAttribute<DllImportAttribute>()?.EntryPoint ?? method.Name}";

    /// <summary>The declaring type as written in source (LibraryImport may nest the real import).</summary>
    private static string OuterName(Type type) => type.DeclaringType is { } outer ? OuterName(outer) : type.Name;
}
