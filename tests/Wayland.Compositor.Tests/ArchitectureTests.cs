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
        ["Wayland.Compositor.Web"] = ["Wayland.Compositor"],
        ["Wayland.GuiTesting"] = ["Wayland.Wire", "Wayland.Server", "Wayland.Compositor", "Wayland.Compositor.Web"],
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

    /// <summary>What sits on the compositor uses the public API of the layers below, never the OS layer.</summary>
    [Theory]
    [InlineData("Wayland.Compositor.Web")]
    [InlineData("Wayland.GuiTesting")]
    public void Above_the_compositor_nothing_references_Wayland_Interop(string name)
    {
        string[] referenced = [.. Assembly.Load(name).GetReferencedAssemblies().Select(a => a.Name!)];
        Assert.Contains("Wayland.Compositor", referenced);
        Assert.DoesNotContain("Wayland.Interop", referenced);
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

    /// <summary>
    /// Inside the compositor dependencies run one way (see "The compositor's layers" in docs/design/architecture.md):
    /// no type but the facade itself (and what the C# compiler nests in it) takes or keeps a HeadlessCompositor.
    /// </summary>
    [Fact]
    public void Inside_the_compositor_only_the_facade_holds_the_facade()
    {
        Type facade = typeof(HeadlessCompositor);
        string[] holders = [.. from type in facade.Assembly.GetTypes()
                               where !IsOrIsNestedIn(type, facade)
                               from member in MemberTypes(type)
                               where member.Type == facade
                               select $"{type.FullName}.{member.Name}"];
        Assert.True(holders.Length == 0, "these hold the facade: " + string.Join(", ", holders));
    }

    /// <summary>The scene and its frame clock know nothing of the seat: the seat subscribes to the scene's events.</summary>
    [Fact]
    public void The_scene_and_the_frame_clock_never_hold_the_seat_or_the_facade()
    {
        Assembly compositor = typeof(HeadlessCompositor).Assembly;
        string[] forbidden = [.. from name in (string[])["Wayland.Compositor.Scene", "Wayland.Compositor.FrameClock"]
                                 let type = compositor.GetType(name, throwOnError: true)!
                                 from member in MemberTypes(type)
                                 where member.Type.Namespace == "Wayland.Compositor.Seat" || member.Type == typeof(HeadlessCompositor)
                                 select $"{type.Name}.{member.Name}: {member.Type.Name}"];
        Assert.True(forbidden.Length == 0, string.Join(", ", forbidden));
    }

    /// <summary>Each domain object is the typed handler of its resource; no resource's UserData carries it instead.</summary>
    [Fact]
    public void The_compositor_uses_no_resource_user_data()
    {
        string source = Path.Combine(NativePeers.RepositoryRoot, "src", "Wayland.Compositor");
        string[] uses = [.. from file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
                            where !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                            from line in File.ReadLines(file).Select((text, index) => (text, index))
                            where line.text.Contains("UserData", StringComparison.Ordinal)
                            select $"{Path.GetRelativePath(source, file)}:{line.index + 1}"];
        Assert.True(Directory.Exists(source), source);
        Assert.True(uses.Length == 0, "UserData in " + string.Join(", ", uses));
    }

    private static bool IsOrIsNestedIn(Type type, Type outer) =>
        type == outer || (type.DeclaringType is { } declaring && IsOrIsNestedIn(declaring, outer));

    /// <summary>The types a type's fields, constructor and method parameters have (what it can hold or be given).</summary>
    private static IEnumerable<(string Name, Type Type)> MemberTypes(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (FieldInfo field in type.GetFields(All))
        {
            yield return (field.Name, field.FieldType);
        }

        foreach (MethodBase method in type.GetConstructors(All).Cast<MethodBase>().Concat(type.GetMethods(All)))
        {
            foreach (ParameterInfo parameter in method.GetParameters())
            {
                yield return ($"{method.Name}({parameter.Name})", parameter.ParameterType);
            }
        }
    }

    private static IEnumerable<string> PInvokeMethods(Assembly assembly) =>
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        where (method.Attributes & MethodAttributes.PinvokeImpl) != 0
        select $"{OuterName(type)}: {method.GetCustomAttribute<DllImportAttribute>()?.EntryPoint ?? method.Name}";

    /// <summary>The declaring type as written in source (LibraryImport may nest the real import).</summary>
    private static string OuterName(Type type) => type.DeclaringType is { } outer ? OuterName(outer) : type.Name;
}
