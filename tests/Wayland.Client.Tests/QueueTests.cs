using Wayland.Client.Protocol;
using Wayland.Client.Tests.WireTest.Client;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Client.Tests;

/// <summary>Event queues, wrappers, moving proxies, timeouts and version checks.</summary>
public class QueueTests
{
    [Fact]
    public void A_wrapper_puts_new_objects_on_its_queue_from_the_start()
    {
        using NativeTestServer server = NativeTestServer.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath);
        using EventQueue queue = display.CreateQueue("Side");
        WlDisplay wrapper = display.CreateWrapper(display.Proxy, queue);
        Assert.True(wrapper.IsWrapper);
        Assert.Equal(1u, wrapper.Id);

        bool done = false;
        using WlCallback callback = wrapper.Sync();
        callback.Done += (_, _) => done = true;
        Assert.Same(queue, callback.Queue);

        display.Roundtrip();             // reads the answer, but it belongs to the side queue
        Assert.False(done);
        Assert.True(queue.Count > 0);
        Assert.Equal(1, queue.DispatchPending());
        Assert.True(done);
        wrapper.Dispose();               // a wrapper's Dispose sends nothing
        display.Roundtrip();
        Assert.Null(display.Error);
    }

    [Fact]
    public void Moving_a_proxy_moves_its_future_events()
    {
        using NativeTestServer server = NativeTestServer.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath);
        using WaylandGlobals globals = WaylandGlobals.Create(display);
        using WltPeer peer = globals.Bind<WltPeer>();
        using EventQueue queue = display.CreateQueue();
        int pongs = 0;
        peer.Pong += (_, _) => pongs++;
        peer.Queue = queue;
        peer.Ping(1);
        display.Roundtrip();
        Assert.Equal(0, pongs);
        queue.DispatchPending();
        Assert.Equal(1, pongs);
    }

    [Fact]
    public void Dispatch_with_a_timeout_returns_0_when_nothing_comes()
    {
        using NativeTestServer server = NativeTestServer.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath);
        display.Roundtrip();
        Assert.Equal(0, display.Dispatch(TimeSpan.FromMilliseconds(50)));
        Assert.Null(display.Error);
    }

    [Fact]
    public void A_request_newer_than_the_object_is_refused_before_anything_is_sent()
    {
        using HeadlessWeston weston = HeadlessWeston.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(weston.SocketPath);
        using WaylandGlobals globals = WaylandGlobals.Create(display);
        using WlCompositor compositor = globals.Bind<WlCompositor>(maxVersion: 3);
        Assert.Equal(3u, compositor.Version);
        using WlSurface surface = compositor.CreateSurface();
        Assert.Equal(3u, surface.Version);
        WaylandException error = Assert.Throws<WaylandException>(() => surface.DamageBuffer(0, 0, 1, 1));
        Assert.Contains("needs version 4", error.Message);
        display.Roundtrip();
        Assert.Null(display.Error);
    }

    [Fact]
    public void Globals_are_listed_and_bound_with_a_version_cap()
    {
        using HeadlessWeston weston = HeadlessWeston.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(weston.SocketPath);
        using WaylandGlobals globals = WaylandGlobals.Create(display);
        Assert.Contains(globals.All, g => g.Interface == "wl_compositor");
        Assert.True(globals.Has<WlShm>());
        Assert.False(globals.Has<WltPeer>());
        using WlOutput output = globals.Bind<WlOutput>(maxVersion: 2);
        Assert.Equal(2u, output.Version);
        Assert.Throws<InvalidOperationException>(() => globals.Bind<WltPeer>());
        display.Roundtrip();
        Assert.Null(display.Error);
    }
}
