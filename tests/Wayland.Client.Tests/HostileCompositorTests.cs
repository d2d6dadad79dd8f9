using Wayland.Client.Protocol;
using Wayland.Client.Tests.WireTest;
using Wayland.Client.Tests.WireTest.Client;
using Wayland.Protocols;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Client.Tests;

/// <summary>
/// A compositor that means harm, scripted byte by byte with <see cref="RawCompositor"/>: what it sends may break the
/// connection, but it cannot make the client hold descriptors or memory without bound.
/// </summary>
public class HostileCompositorTests
{
    private const int EOVERFLOW = 75;

    [Fact]
    public void Descriptors_sent_with_events_that_carry_none_are_bounded_and_closed_as_soon_as_the_connection_fails()
    {
        using RawCompositor compositor = RawCompositor.Create();
        WaylandDisplay display = compositor.Display;
        using WlCallback callback = display.CreateProxy<WlCallback>(1);
        int done = 0;
        callback.Done += (_, _) => done++;
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        SafeFdHandle file = SealedMemoryFile.Create("stray", "x"u8);
        int[] fds = Enumerable.Repeat(file.Fd, 16).ToArray();

        // wl_callback.done carries no descriptor: the 16 sent with each stay queued for a later event that would.
        WaylandIOException? error = null;
        int sent = 0;
        while (error is null && sent < 100)
        {
            compositor.SendEvent(callback.Id, WlCallbackInterface.Events.Done, [(uint)sent], fds);
            sent++;
            try
            {
                Assert.Equal(1, display.Dispatch());
            }
            catch (WaylandIOException e)
            {
                error = e;
            }
        }

        file.Dispose();
        Assert.NotNull(error);
        Assert.Equal(EOVERFLOW, error.Errno);
        int fitting = Connection.UnboundedMaxIncomingFds / fds.Length;
        Assert.Equal((fitting + 1, fitting), (sent, done));
        Assert.Same(error, display.Error);

        // Closed when the connection failed, not when the display is disposed.
        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Fact]
    public void A_failed_connection_closes_the_descriptors_of_events_never_dispatched_at_once()
    {
        using RawCompositor compositor = RawCompositor.Create();
        WaylandDisplay display = compositor.Display;
        using EventQueue side = display.CreateQueue("side");
        using WltEmitter emitter = display.CreateProxy<WltEmitter>(1, side);
        using WlCallback callback = display.CreateProxy<WlCallback>(1);
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (SafeFdHandle file = SealedMemoryFile.Create("queued", "x"u8))
        {
            for (uint i = 0; i < 3; i++)
            {
                compositor.SendEvent(emitter.Id, WltEmitterInterface.Events.Fd, [i], [file.Fd]);
            }

            compositor.SendDone(callback.Id);
            Assert.Equal(1, display.Dispatch());
            Assert.Equal(3, side.Count);

            // An event wl_callback does not have, with a descriptor nobody will take.
            compositor.SendEvent(callback.Id, 9, [], [file.Fd]);
        }

        WaylandIOException error = Assert.Throws<WaylandIOException>(() => display.Dispatch());
        Assert.Contains("has no event 9", error.Message);
        Assert.Equal(0, side.Count);
        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Fact]
    public void A_queue_nobody_dispatches_fails_the_connection_at_64_MiB_naming_the_queue()
    {
        using RawCompositor compositor = RawCompositor.Create();
        WaylandDisplay display = compositor.Display;
        Assert.Equal(64 << 20, display.MaxQueuedEventBytes);
        WaylandException error = FloodUndispatchedQueue(compositor, 64 << 20);
        Assert.IsType<WaylandException>(error);
        Assert.Matches(
            "^the event queue 'Default Queue' holds 16[0-9]{3} events \\(6[45][0-9]{3} KiB\\) that were never dispatched, the most a queue "
            + "may hold \\(MaxQueuedEventBytes, 65536 KiB\\); dispatch every queue that has proxies on it$",
            error.Message);
        Assert.Same(error, display.Error);
        Assert.Equal(0, display.DefaultQueue.Count);
    }

    [Fact]
    public void MaxQueuedEventBytes_sets_where_an_undispatched_queue_fails_the_connection()
    {
        using RawCompositor compositor = RawCompositor.Create();
        WaylandDisplay display = compositor.Display;
        Assert.Throws<ArgumentOutOfRangeException>(() => display.MaxQueuedEventBytes = (64 << 10) - 1);
        display.MaxQueuedEventBytes = 1 << 20;
        WaylandException error = FloodUndispatchedQueue(compositor, 1 << 20);
        Assert.Matches("^the event queue 'Default Queue' holds 2[0-9]{2} events \\(10[0-9]{2} KiB\\) that were never dispatched, the most a queue "
            + "may hold \\(MaxQueuedEventBytes, 1024 KiB\\); ", error.Message);
        Assert.Same(error, display.Error);
    }

    /// <summary>Sends wl_registry.global events of 4020 bytes (a 3999-character interface name) to a registry on the
    /// default queue, which is never dispatched, while the client reads for another queue, until the connection
    /// fails; at most twice <paramref name="limit"/> is sent.</summary>
    private static WaylandException FloodUndispatchedQueue(RawCompositor compositor, int limit)
    {
        WaylandDisplay display = compositor.Display;
        using EventQueue side = display.CreateQueue("side");
        using WlRegistry registry = display.CreateProxy<WlRegistry>(1); // on the default queue, never dispatched
        uint[] words = new uint[1003];
        words[1] = 4000;
        words.AsSpan(2, 1000).Fill(0x78787878);
        words[1001] = 0x00787878;
        words[1002] = 1;
        const int MessageSize = 4020;
        int rounds = 2 * limit / MessageSize / 32 + 2;
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < 32; i++)
            {
                words[0] = (uint)(round * 32 + i);
                compositor.SendEvent(registry.Id, WlRegistryInterface.Events.Global, words);
            }

            // Another thread's loop reads for its own queue, and the default queue fills up.
            try
            {
                while (display.PrepareRead(side))
                {
                    if (!UnixSocket.Wait(display.Socket, writable: false, TimeSpan.Zero))
                    {
                        display.CancelRead();
                        break;
                    }

                    display.ReadEvents();
                }
            }
            catch (WaylandException e)
            {
                return e;
            }
        }

        throw new Xunit.Sdk.XunitException($"{rounds * 32} events of {MessageSize} bytes were queued without the connection failing");
    }

    [Fact]
    public void A_global_name_announced_again_replaces_its_entry_and_global_remove_removes_it()
    {
        using RawCompositor compositor = RawCompositor.Create();
        SendInitialGlobals(compositor, (5, "wl_compositor", 4), (5, "wl_compositor", 5), (5, "wl_compositor", 6), (6, "wl_shm", 1));
        using WaylandGlobals globals = WaylandGlobals.Create(compositor.Display);
        Assert.Equal([new GlobalInfo(5, "wl_compositor", 6), new GlobalInfo(6, "wl_shm", 1)], globals.All);

        List<GlobalInfo> removed = [];
        globals.Removed += removed.Add;
        compositor.SendEvent(globals.Registry.Id, WlRegistryInterface.Events.GlobalRemove, [5]);
        compositor.Display.Dispatch();
        Assert.Equal([new GlobalInfo(5, "wl_compositor", 6)], removed);
        Assert.Equal([new GlobalInfo(6, "wl_shm", 1)], globals.All);
        Assert.False(globals.Has<WlCompositor>());
    }

    [Fact]
    public void A_global_announced_with_version_0_is_not_bound()
    {
        using RawCompositor compositor = RawCompositor.Create();
        SendInitialGlobals(compositor, (5, "wl_compositor", 0));
        using WaylandGlobals globals = WaylandGlobals.Create(compositor.Display);
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => globals.Bind<WlCompositor>());
        Assert.Contains("version 0", error.Message);
        Assert.Throws<InvalidOperationException>(() => globals.Bind<WlCompositor>(globals.All[0], maxVersion: 3));
        Assert.Null(compositor.Display.Error);
    }

    /// <summary>Sends, before <see cref="WaylandGlobals.Create"/> runs, what it will read: the globals on the
    /// registry (id 2) and the end of its roundtrip (the callback, id 3).</summary>
    private static void SendInitialGlobals(RawCompositor compositor, params (uint Name, string Interface, uint Version)[] globals)
    {
        foreach ((uint name, string iface, uint version) in globals)
        {
            byte[] text = System.Text.Encoding.UTF8.GetBytes(iface + "\0");
            uint[] words = new uint[3 + ((text.Length + 3) / 4)];
            words[0] = name;
            words[1] = (uint)text.Length;
            Buffer.BlockCopy(text, 0, words, 8, text.Length);
            words[^1] = version;
            compositor.SendEvent(2, WlRegistryInterface.Events.Global, words);
        }

        compositor.SendDone(3);
    }
}
