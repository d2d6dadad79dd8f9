using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Scanner.Tests;

/// <summary>
/// The descriptors of Wayland.Protocols equal the tables libwayland's own scanner generates: interface
/// versions, message names and order, signature strings ("usun", "?oii", ...), and the interface of every
/// wire argument. The reference is Fixtures/libwayland-signatures.txt, extracted from
/// <c>wayland-scanner public-code</c> 1.21.0 over Debian's wayland.xml and wayland-protocols 1.31.
/// </summary>
public class LibwaylandSignatureTests
{
    [Theory]
    [InlineData("wl_registry", "request", "bind", "usun")]
    [InlineData("wl_surface", "request", "attach", "?oii")]
    [InlineData("wl_shm", "request", "create_pool", "nhi")]
    [InlineData("wl_display", "event", "error", "ous")]
    [InlineData("wl_surface", "request", "offset", "5ii")]
    [InlineData("wl_data_offer", "request", "accept", "u?s")]
    [InlineData("wl_keyboard", "event", "keymap", "uhu")]
    [InlineData("wl_pointer", "event", "axis", "uuf")]
    [InlineData("wl_keyboard", "event", "enter", "uoa")]
    public void CoreSignatures_MatchLibwayland(string iface, string kind, string message, string signature)
    {
        InterfaceDescriptor descriptor = FindDescriptor("wayland.xml", iface);
        IReadOnlyList<MessageDescriptor> messages = kind == "request" ? descriptor.Requests : descriptor.Events;
        Assert.Equal(signature, messages.Single(m => m.Name == message).Signature);
    }

    [Fact]
    public void EveryInterfaceOfEveryProtocol_MatchesLibwaylandTables()
    {
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "libwayland-signatures.txt"))
            .Where(l => l.Length > 0 && l[0] != '#')
            .ToArray();
        Assert.True(lines.Length > 700, "fixture looks truncated");
        var seen = new HashSet<string>();
        foreach (string line in lines)
        {
            string[] f = line.Split('|');
            string file = f[0], iface = f[1], kind = f[3];
            InterfaceDescriptor descriptor = FindDescriptor(file, iface);
            string where = $"{file}: {iface}";
            Assert.Equal(uint.Parse(f[2]), descriptor.Version);
            if (kind == "interface")
            {
                seen.Add($"{file}|{iface}");
                int requests = lines.Count(l => l.StartsWith($"{file}|{iface}|", StringComparison.Ordinal) && l.Split('|')[3] == "request");
                int events = lines.Count(l => l.StartsWith($"{file}|{iface}|", StringComparison.Ordinal) && l.Split('|')[3] == "event");
                Assert.True(requests == descriptor.Requests.Count, $"{where}: request count");
                Assert.True(events == descriptor.Events.Count, $"{where}: event count");
                continue;
            }

            MessageDescriptor message = (kind == "request" ? descriptor.Requests : descriptor.Events)[int.Parse(f[4])];
            Assert.True(f[5] == message.Name, $"{where}: {kind} {f[4]} is {message.Name}, libwayland has {f[5]}");
            Assert.True(f[6] == message.Signature, $"{where}.{message.Name}: signature {message.Signature}, libwayland has {f[6]}");
            string types = string.Join(",", message.Arguments.SelectMany(a => a.IsUntypedNewId
                ? new[] { "-", "-", "-" }
                : new[] { a.InterfaceName ?? "-" }));
            Assert.True(f[7] == types, $"{where}.{message.Name}: argument interfaces {types}, libwayland has {f[7]}");
        }

        Assert.True(seen.Count >= 120, $"only {seen.Count} interfaces in the fixture");
    }

    /// <summary>The descriptor generated for <paramref name="iface"/> of the given protocol file.</summary>
    internal static InterfaceDescriptor FindDescriptor(string file, string iface)
    {
        string ns = TestPaths.NamespaceFor(file) ?? "Wayland.Protocols";
        Type? type = typeof(WlSurfaceInterface).Assembly.GetType($"{ns}.{Naming.DescriptorClassName(iface)}");
        Assert.True(type is not null, $"no generated class for {iface} of {file}");
        var descriptor = (InterfaceDescriptor)type.GetField("Descriptor")!.GetValue(null)!;
        Assert.Equal(iface, descriptor.Name);
        return descriptor;
    }
}
