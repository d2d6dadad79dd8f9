using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;
using Wayland.Wire;

namespace Wayland.Client.Tests;

/// <summary>
/// A managed server for the WAYLAND_DEBUG comparison: wl_compositor v4, wl_shm v1 and wl_seat v5 whose
/// keyboard sends a keymap fd, repeat info, an enter with an array of keys and modifiers, and whose pointer
/// sends an enter with fixed coordinates and a frame. Start one per client, so that both clients see the
/// same serials.
/// </summary>
internal sealed class DebugSequenceServer : IDisposable, WlCompositor.IHandler, WlSurface.IHandler, WlSeat.IHandler,
    WlKeyboard.IHandler, WlPointer.IHandler
{
    private readonly Display _display = new();
    private readonly SafeFdHandle _keymap = SealedMemoryFile.Create("debug-sequence-keymap", "xkb_keymap {};\0"u8);
    private readonly Task _loop;
    private WlSurface? _surface;

    public DebugSequenceServer(string socketPath)
    {
        _display.CreateGlobal<WlCompositor>(4, compositor => compositor.Handler = this);
        _ = new Shm(_display);
        _display.CreateGlobal<WlSeat>(5, seat =>
        {
            seat.Handler = this;
            seat.SendCapabilities(WlSeatCapability.Pointer | WlSeatCapability.Keyboard);
            seat.SendName("seat0");
        });
        // The two clients' logs are compared line by line, and where a client logs wl_display's own events among
        // the others depends on how the events were split over the server's writes: so both must get the same
        // writes. Handling the first requests costs the JIT more than a dispatch slice, which would split the
        // answers at random; with no slice every answer to one read goes out in one write, as from libwayland.
        _display.DispatchSlice = TimeSpan.Zero;
        _display.AddSocket(socketPath);
        _loop = _display.RunAsync();
    }

    public void CreateSurface(WlCompositor resource, WlSurface id)
    {
        id.Handler = this;
        _surface = id;
    }

    public void GetKeyboard(WlSeat resource, WlKeyboard id)
    {
        id.Handler = this;
        id.SendKeymap(WlKeyboardKeymapFormat.XkbV1, _keymap, 15);
        id.SendRepeatInfo(25, 600);
        id.SendEnter(7, _surface!, [30, 0, 0, 0, 48, 0, 0, 0]);
        id.SendModifiers(8, 1, 0, 2, 0);
    }

    public void GetPointer(WlSeat resource, WlPointer id)
    {
        id.Handler = this;
        id.SendEnter(9, _surface!, 10.5, -3.25);
        id.SendFrame();
    }

    public void Dispose()
    {
        _display.Terminate();
        Assert.True(_loop.Wait(TimeSpan.FromSeconds(60)), "the server loop did not stop");
        _display.Dispose();
        _keymap.Dispose();
    }
}
