using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Fuzz;

/// <summary>
/// The bare target (<c>--serve-bare NAME</c>): a Wayland.Server display with wl_shm and the core and xdg-shell globals,
/// whose handlers do only what any server must: surfaces copy their committed shm buffer (the safe pread path) and
/// release it, frame callbacks complete, xdg surfaces get configured. It fuzzes the server library (dispatch,
/// validation, resource lifetimes, shm) without the compositor's logic on top.
/// </summary>
internal sealed class BareServer :
    WlCompositor.IHandler, WlSurface.IHandler, WlSubcompositor.IHandler, XdgWmBase.IHandler, XdgSurface.IHandler
{
    /// <summary>Largest buffer the bare server copies: 2048×2048 ARGB, the largest the fuzzer draws (a client may
    /// declare a 2 GiB pool over a small file; the copy buffer is kept, so this bounds the server's memory).</summary>
    private const int MaxCopy = 2048 * 2048 * 4;

    private readonly Display _display;
    private byte[] _scratch = [];

    private BareServer(Display display) => _display = display;

    internal static int Serve(string socketName)
    {
        using Display display = new();
        BareServer server = new(display);
        display.CreateGlobal<WlCompositor>(WlCompositorInterface.Version, compositor => compositor.Handler = server);
        display.CreateGlobal<WlSubcompositor>(WlSubcompositorInterface.Version, subcompositor => subcompositor.Handler = server);
        _ = new Shm(display);
        display.CreateGlobal<WlOutput>(WlOutputInterface.Version, output =>
        {
            output.SendGeometry(0, 0, 340, 190, WlOutputSubpixel.Unknown, "Wayland.NET", "bare", WlOutputTransform.Normal);
            output.SendMode(WlOutputMode.Current | WlOutputMode.Preferred, 1280, 720, 60000);
            if (output.Version >= WlOutputInterface.Events.DoneSince)
            {
                output.SendDone();
            }
        });
        display.CreateGlobal<WlSeat>(WlSeatInterface.Version, seat => seat.SendCapabilities(0));
        display.CreateGlobal<XdgWmBase>(XdgWmBaseInterface.Version, wmBase =>
        {
            wmBase.Handler = server;
            wmBase.SendPing(display.NextSerial());
        });
        display.AddSocket(socketName);
        Console.Error.WriteLine($"bare: listening on {socketName}");
        display.Run();
        return 0;
    }

    void WlCompositor.IHandler.CreateSurface(WlCompositor resource, WlSurface id)
    {
        id.Handler = this;
        id.UserData = new SurfaceState();
    }

    void WlSurface.IHandler.Attach(WlSurface resource, WlBuffer? buffer, int x, int y) => ((SurfaceState)resource.UserData!).Pending = buffer;

    void WlSurface.IHandler.Frame(WlSurface resource, WlCallback callback) => ((SurfaceState)resource.UserData!).Frames.Add(callback);

    void WlSurface.IHandler.Commit(WlSurface resource)
    {
        SurfaceState state = (SurfaceState)resource.UserData!;
        if (state.Pending is { IsDestroyed: false } buffer)
        {
            if (ShmBuffer.FromResource(buffer) is { } shm && shm.Size <= MaxCopy)
            {
                if (_scratch.Length < shm.Size)
                {
                    _scratch = new byte[shm.Size];
                }

                shm.TryCopyTo(_scratch);
            }

            if (!buffer.IsDestroyed)
            {
                buffer.SendRelease();
            }
        }

        state.Pending = null;
        foreach (WlCallback callback in state.Frames)
        {
            if (!callback.IsDestroyed)
            {
                callback.SendDone((uint)Environment.TickCount64);
                callback.Destroy();
            }
        }

        state.Frames.Clear();
    }

    void XdgWmBase.IHandler.GetXdgSurface(XdgWmBase resource, XdgSurface id, WlSurface surface) => id.Handler = this;

    void XdgSurface.IHandler.GetToplevel(XdgSurface resource, XdgToplevel id)
    {
        id.SendConfigure(0, 0, []);
        resource.SendConfigure(_display.NextSerial());
    }

    void XdgSurface.IHandler.GetPopup(XdgSurface resource, XdgPopup id, XdgSurface? parent, XdgPositioner positioner)
    {
        id.SendConfigure(0, 0, 1, 1);
        resource.SendConfigure(_display.NextSerial());
    }

    private sealed class SurfaceState
    {
        public WlBuffer? Pending { get; set; }

        public List<WlCallback> Frames { get; } = [];
    }
}
