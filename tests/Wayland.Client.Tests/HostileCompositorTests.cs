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
}
