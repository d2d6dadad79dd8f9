using System.Diagnostics;
using System.Text.RegularExpressions;
using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Client.Tests;

/// <summary>Our client against a real compositor: Debian's weston, headless, in a private runtime directory.</summary>
public partial class WestonInteropTests
{
    private static List<(uint Name, string Interface, uint Version)> ListGlobals(WaylandDisplay display)
    {
        List<(uint, string, uint)> globals = [];
        using WlRegistry registry = display.GetRegistry();
        registry.Global += (_, name, iface, version) => globals.Add((name, iface, version));
        display.Roundtrip();
        return globals;
    }

    [Fact]
    public void Registry_lists_the_same_globals_and_versions_as_wayland_info()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (HeadlessWeston weston = HeadlessWeston.Start())
        {
            List<(uint Name, string Interface, uint Version)> ours;
            using (WaylandDisplay display = WaylandDisplay.Connect(weston.SocketPath))
            {
                ours = ListGlobals(display);
            }

            ProcessStartInfo info = new("wayland-info");
            weston.ApplyClientEnvironment(info);
            (int exit, string stdout, string stderr) = ProcessRunner.Run(info, TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, stderr);
            List<(uint, string, uint)> theirs = GlobalLine().Matches(stdout)
                .Select(m => (uint.Parse(m.Groups[3].Value), m.Groups[1].Value, uint.Parse(m.Groups[2].Value))).ToList();

            Assert.NotEmpty(theirs);
            Assert.Equal(theirs.OrderBy(g => g.Item1), ours.OrderBy(g => g.Name));
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Fact]
    public void Binding_above_the_advertised_version_surfaces_the_compositors_protocol_error()
    {
        using HeadlessWeston weston = HeadlessWeston.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(weston.SocketPath);
        List<(uint Name, string Interface, uint Version)> globals = ListGlobals(display);
        (uint name, _, uint version) = globals.Single(g => g.Interface == "wl_compositor");
        Assert.True(version < Wayland.Protocols.WlCompositorInterface.Version, "this test needs weston to advertise less than we support");

        using WlRegistry registry = display.GetRegistry();
        registry.Bind<WlCompositor>(name, version + 1);
        WaylandProtocolException error = Assert.Throws<WaylandProtocolException>(() => display.Roundtrip());
        Assert.Equal(0u, error.Code); // WL_DISPLAY_ERROR_INVALID_OBJECT, posted on the registry
        Assert.Equal("wl_registry", error.InterfaceName);
        Assert.Equal(registry.Id, error.ObjectId);
        Assert.Contains("invalid version for global wl_compositor", error.ErrorMessage);

        // The error is sticky.
        Assert.Same(error, Assert.Throws<WaylandProtocolException>(() => display.Roundtrip()));
        Assert.Same(error, display.Error);
    }

    [Fact]
    public void Requests_newer_than_the_bound_version_fail_before_anything_is_sent()
    {
        using HeadlessWeston weston = HeadlessWeston.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(weston.SocketPath);
        List<(uint Name, string Interface, uint Version)> globals = ListGlobals(display);
        using WlRegistry registry = display.GetRegistry();
        (uint name, _, _) = globals.Single(g => g.Interface == "wl_compositor");
        WlCompositor compositor = registry.Bind<WlCompositor>(name, 1);
        display.Roundtrip();
        Assert.Equal(1u, compositor.Version);
        Assert.Null(display.Error);
    }

    [Fact]
    public void Many_roundtrips_on_several_queues_reuse_ids()
    {
        using HeadlessWeston weston = HeadlessWeston.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(weston.SocketPath);
        using EventQueue queue = display.CreateQueue("Side Queue");
        for (int i = 0; i < 200; i++)
        {
            display.Roundtrip();
            queue.Roundtrip();
        }

        // Callback ids are released by delete_id and reused: the highest id stays small.
        using WlCallback probe = display.Proxy.Sync();
        Assert.True(probe.Id < 10, $"ids are not being reused: got {probe.Id}");
        display.Roundtrip();
    }

    [GeneratedRegex(@"interface: '([^']+)',\s+version:\s+(\d+),\s+name:\s+(\d+)")]
    private static partial Regex GlobalLine();
}
