using Wayland.Client.Protocol;
using Wayland.Client.Tests.WireTest;
using Wayland.Client.Tests.WireTest.Client;
using Wayland.Protocols;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Client.Tests;

/// <summary>
/// What libwayland-client does with events about objects that are gone or never existed (wayland-client.c:
/// queue_event, wl_closure_lookup_objects, validate_closure_objects, display_handle_error), with fds
/// queued for a proxy destroyed before dispatch, and proxy user data.
/// </summary>
public class EventEdgeCaseTests
{
    private const int EINVAL = 22;

    [Fact]
    public void An_error_about_an_object_the_client_destroyed_has_no_interface_and_id_0()
    {
        using NativePeerSession session = NativePeerSession.Start();
        WaylandDisplay display = session.Display;
        WltPeer peer = session.Peer;

        // The libwayland server posts the error on wlt_peer#N; by the time it arrives we destroyed N.
        peer.PostError(23, "Dummy error");
        peer.Dispose();
        WaylandProtocolException error = Assert.Throws<WaylandProtocolException>(() => display.Roundtrip());
        Assert.Equal(23u, error.Code);
        Assert.Null(error.InterfaceName);
        Assert.Equal(0u, error.ObjectId);
        Assert.Equal("Dummy error", error.ErrorMessage);
    }

    [Fact]
    public void An_error_about_an_object_destroyed_after_the_error_was_read_has_no_interface_and_id_0()
    {
        using RawCompositor compositor = RawCompositor.Create();
        WaylandDisplay display = compositor.Display;
        WlCallback callback = display.CreateProxy<WlCallback>(1);
        compositor.SendError(callback.Id, 4, "late");
        Assert.True(display.PrepareRead());
        Assert.True(UnixSocket.Wait(display.Socket, writable: false, TimeSpan.FromSeconds(60)));
        display.ReadEvents();               // queued, not yet dispatched: the object is still alive here
        Assert.Null(display.Error);

        callback.Dispose();
        WaylandProtocolException error = Assert.Throws<WaylandProtocolException>(() => display.DispatchPending());
        Assert.Equal(4u, error.Code);
        Assert.Null(error.InterfaceName);
        Assert.Equal(0u, error.ObjectId);
    }

    [Fact]
    public void An_error_about_a_live_object_names_it()
    {
        using RawCompositor compositor = RawCompositor.Create();
        WaylandDisplay display = compositor.Display;
        using WlCallback callback = display.CreateProxy<WlCallback>(1);
        compositor.SendError(callback.Id, 4, "on time");
        WaylandProtocolException error = Assert.Throws<WaylandProtocolException>(() => display.Dispatch());
        Assert.Equal("wl_callback", error.InterfaceName);
        Assert.Equal(callback.Id, error.ObjectId);
    }

    [Fact]
    public void An_error_about_an_id_the_client_never_had_breaks_the_connection_with_EINVAL()
    {
        using RawCompositor compositor = RawCompositor.Create();
        WaylandDisplay display = compositor.Display;
        // libwayland fails the object lookup (wl_closure_lookup_objects) before the error is dispatched.
        compositor.SendError(77, 1, "who?");
        WaylandIOException error = Assert.Throws<WaylandIOException>(() => display.Dispatch());
        Assert.Equal(EINVAL, error.Errno);
        Assert.Contains("unknown object (77)", error.Message);
        Assert.Same(error, display.Error);
    }

    [Fact]
    public void An_object_argument_naming_a_destroyed_object_arrives_as_null()
    {
        using RawCompositor compositor = RawCompositor.Create();
        WaylandDisplay display = compositor.Display;
        using WlSurface surface = display.CreateProxy<WlSurface>(1);
        WlOutput output = display.CreateProxy<WlOutput>(1);
        output.Dispose(); // a zombie until delete_id
        List<WlOutput?> entered = [];
        surface.Enter += (_, o) => entered.Add(o);

        compositor.SendEvent(surface.Id, WlSurfaceInterface.Events.Enter, [output.Id]);
        Assert.Equal(1, display.Dispatch());
        Assert.Null(Assert.Single(entered));
        Assert.Null(display.Error);
    }

    [Fact]
    public void An_object_argument_of_the_wrong_interface_breaks_the_connection_with_EINVAL()
    {
        using RawCompositor compositor = RawCompositor.Create();
        WaylandDisplay display = compositor.Display;
        using WlSurface surface = display.CreateProxy<WlSurface>(1);
        using WlCallback notAnOutput = display.CreateProxy<WlCallback>(1);
        surface.Enter += (_, _) => Assert.Fail("the event must not be delivered");

        compositor.SendEvent(surface.Id, WlSurfaceInterface.Events.Enter, [notAnOutput.Id]);
        WaylandIOException error = Assert.Throws<WaylandIOException>(() => display.Dispatch());
        Assert.Equal(EINVAL, error.Errno);
        Assert.Contains("invalid object", error.Message);
    }

    [Fact]
    public void Events_for_unknown_ids_and_zombies_are_dropped_their_fds_closed_and_later_events_arrive()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        StringWriter log = new();
        using (RawCompositor compositor = RawCompositor.Create(new ProtocolLogger(log)))
        {
            WaylandDisplay display = compositor.Display;
            using WlCallback callback = display.CreateProxy<WlCallback>(1);
            WltEmitter zombie = display.CreateProxy<WltEmitter>(1);
            using WltEmitter live = display.CreateProxy<WltEmitter>(1);
            zombie.Dispose();
            List<string> received = [];
            live.Fd += (_, fd, seq) =>
            {
                using (fd)
                {
                    received.Add($"{NativeServerInteropTests.ReadFd(fd)}|{seq}");
                }
            };
            uint done = 0;
            callback.Done += (_, data) => done = data;

            using (SafeFdHandle toZombie = SealedMemoryFile.Create("to-zombie", "zombie"u8))
            using (SafeFdHandle toLive = SealedMemoryFile.Create("to-live", "live"u8))
            {
                compositor.SendEvent(55, 0, [1]);               // an id the client never had
                compositor.SendEvent(zombie.Id, WltEmitterInterface.Events.Fd, [7], [toZombie.Fd]);
                compositor.SendEvent(live.Id, WltEmitterInterface.Events.Fd, [8], [toLive.Fd]);
                compositor.SendDeleteId(99);                     // libwayland only logs this
                compositor.SendDone(callback.Id, 42);
            }

            while (done == 0)
            {
                display.Dispatch();
            }

            Assert.Equal(42u, done);
            Assert.Equal(["live|8"], received);
            Assert.Null(display.Error);
        }

        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.IndexOf(']') + 2)..]).ToArray();
        Assert.Contains("discarded [unknown]#55.[event 0](0 fd, 12 byte)", lines);
        Assert.Contains("discarded [zombie]#3.[event 0](1 fd, 12 byte)", lines); // the emitter created second
        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Fact]
    public void Fds_queued_for_a_proxy_destroyed_before_dispatch_are_closed_and_later_fds_stay_in_order()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (NativePeerSession session = NativePeerSession.Start())
        using (EventQueue side = session.Display.CreateQueue("side"))
        {
            WaylandDisplay display = session.Display;
            WltPeer peer = session.Peer;
            for (int round = 0; round < 20; round++)
            {
                // Three fd events are read onto the side queue; the first handler destroys the proxy, so
                // the other two are dispatched to a destroyed proxy (libwayland's zombie_fd case).
                WltEmitter doomed = peer.CreateEmitter();
                doomed.Queue = side;
                int delivered = 0;
                doomed.Fd += (sender, fd, _) =>
                {
                    fd.Dispose();
                    delivered++;
                    sender.Dispose();
                };
                peer.Emit(doomed, 3);
                display.Roundtrip();
                Assert.Equal(3, side.Count);
                side.DispatchPending();
                Assert.Equal(1, delivered);

                WltEmitter next = peer.CreateEmitter();
                List<string> received = [];
                next.Fd += (_, fd, seq) =>
                {
                    using (fd)
                    {
                        received.Add($"{NativeServerInteropTests.ReadFd(fd)}|{seq}");
                    }
                };
                peer.Emit(next, 2);
                display.Roundtrip();
                Assert.Equal([$"emitter {next.Id} seq 0|0", $"emitter {next.Id} seq 1|1"], received);
                next.Dispose();
            }

            peer.Dispose();
            display.Roundtrip();
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Fact]
    public void UserData_belongs_to_one_proxy_and_outlives_its_destruction()
    {
        using RawCompositor compositor = RawCompositor.Create();
        WaylandDisplay display = compositor.Display;
        WlCallback first = display.CreateProxy<WlCallback>(1);
        using WlCallback second = display.CreateProxy<WlCallback>(1);
        Assert.Null(first.UserData);
        object state = new();
        first.UserData = state;
        second.UserData = "second";

        object? seen = null;
        first.Done += (sender, _) => seen = sender.UserData;
        compositor.SendDone(first.Id);
        display.Dispatch();
        Assert.Same(state, seen);
        Assert.Equal("second", second.UserData);

        WlDisplay wrapper = display.CreateWrapper(display.Proxy, display.DefaultQueue);
        Assert.Null(wrapper.UserData);
        wrapper.UserData = 5;
        Assert.Null(display.Proxy.UserData);
        wrapper.Dispose();

        first.Dispose();
        Assert.Same(state, first.UserData);
    }
}
