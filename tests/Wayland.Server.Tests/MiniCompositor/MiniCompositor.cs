using Wayland.Events;
using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Server.Tests;

/// <summary>
/// The smallest compositor that keeps weston's demo clients (weston-simple-shm, weston-flower) happy, built only on
/// the public Wayland.Server API: wl_compositor (surfaces, regions), wl_subcompositor, wl_shm, wl_output, wl_seat
/// (no capabilities) and xdg_wm_base with toplevels. It shows nothing: a commit copies the buffer's pixels as a
/// compositor uploads a texture and "presents" at once (buffers are released straight away), and frame callbacks are completed by a ~60 Hz timer on the display's event loop.
/// Create it before <see cref="Display.Run"/>; every handler runs on the loop's thread.
/// </summary>
internal sealed class MiniCompositor :
    WlCompositor.IHandler, WlSurface.IHandler, WlRegion.IHandler, WlSubcompositor.IHandler, WlOutput.IHandler,
    WlSeat.IHandler, XdgWmBase.IHandler, XdgSurface.IHandler, XdgToplevel.IHandler
{
    private const int FrameIntervalMs = 16;

    private readonly Display _display;
    private readonly TimerEventSource _frameTimer;
    private readonly List<WlCallback> _pendingFrames = [];
    private readonly List<string> _errors = [];
    private long _framesPresented;
    private long _commits;
    private long _pongs;
    private long _buffersRead;
    private byte[] _texture = [];

    public MiniCompositor(Display display)
    {
        ArgumentNullException.ThrowIfNull(display);
        _display = display;
        display.CreateGlobal<WlCompositor>(4, compositor => compositor.Handler = this);
        display.CreateGlobal<WlSubcompositor>(1, subcompositor => subcompositor.Handler = this);
        Shm = new Shm(display);
        display.CreateGlobal<WlOutput>(2, DescribeOutput);
        display.CreateGlobal<XdgWmBase>(2, wmBase =>
        {
            wmBase.Handler = this;
            wmBase.SendPing(display.NextSerial());
        });
        display.CreateGlobal<WlSeat>(5, seat =>
        {
            seat.Handler = this;
            seat.SendCapabilities(0);
            if (seat.Version >= WlSeatInterface.Events.NameSince)
            {
                seat.SendName("seat0");
            }
        });

        display.ClientCreated += client => client.Destroying += OnClientDestroying;
        _frameTimer = display.Loop.AddTimer(OnFrameTimer);
        _frameTimer.Update(FrameIntervalMs);
    }

    public Shm Shm { get; }

    /// <summary>Frame callbacks completed (done sent) so far.</summary>
    public long FramesPresented => Interlocked.Read(ref _framesPresented);

    /// <summary>wl_surface.commit requests seen so far.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Shared-memory buffers whose pixels were read at commit so far.</summary>
    public long BuffersRead => Interlocked.Read(ref _buffersRead);

    /// <summary>xdg_wm_base.pong requests seen so far.</summary>
    public long Pongs => Interlocked.Read(ref _pongs);

    /// <summary>Clients that were disconnected after a protocol error (or a failed connection).</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    private void OnClientDestroying(Client client)
    {
        if (client.HasFailed)
        {
            lock (_errors)
            {
                _errors.Add($"{client} was disconnected after an error");
            }
        }
    }

    private void OnFrameTimer()
    {
        if (_pendingFrames.Count > 0)
        {
            uint now = (uint)Environment.TickCount64;
            foreach (WlCallback callback in _pendingFrames)
            {
                if (!callback.IsDestroyed)
                {
                    callback.SendDone(now);
                    callback.Destroy();
                    Interlocked.Increment(ref _framesPresented);
                }
            }

            _pendingFrames.Clear();
        }

        _frameTimer.Update(FrameIntervalMs);
    }

    private static void DescribeOutput(WlOutput output)
    {
        output.SendGeometry(0, 0, 340, 190, WlOutputSubpixel.Unknown, "Wayland.NET", "MiniCompositor", WlOutputTransform.Normal);
        output.SendMode(WlOutputMode.Current | WlOutputMode.Preferred, 1280, 720, 60000);
        if (output.Version >= WlOutputInterface.Events.ScaleSince)
        {
            output.SendScale(1);
        }

        if (output.Version >= WlOutputInterface.Events.DoneSince)
        {
            output.SendDone();
        }
    }

    // wl_compositor

    void WlCompositor.IHandler.CreateSurface(WlCompositor resource, WlSurface id)
    {
        id.Handler = this;
        id.UserData = new SurfaceState();
    }

    void WlCompositor.IHandler.CreateRegion(WlCompositor resource, WlRegion id) => id.Handler = this;

    // wl_surface: double-buffered buffer and frame callbacks; everything else is accepted and ignored.

    void WlSurface.IHandler.Attach(WlSurface resource, WlBuffer? buffer, int x, int y)
    {
        SurfaceState state = (SurfaceState)resource.UserData!;
        state.PendingBuffer = buffer;
        state.HasPendingBuffer = true;
    }

    void WlSurface.IHandler.Frame(WlSurface resource, WlCallback callback) => ((SurfaceState)resource.UserData!).PendingFrames.Add(callback);

    void WlSurface.IHandler.Commit(WlSurface resource)
    {
        Interlocked.Increment(ref _commits);
        SurfaceState state = (SurfaceState)resource.UserData!;
        if (state.HasPendingBuffer)
        {
            // The contents are copied at once and the buffer goes back to the client; a buffer that cannot be read
            // (its file was truncated) has earned the client an error instead.
            if (state.PendingBuffer is { IsDestroyed: false } buffer && Upload(buffer))
            {
                buffer.SendRelease();
            }

            state.PendingBuffer = null;
            state.HasPendingBuffer = false;
        }

        _pendingFrames.AddRange(state.PendingFrames);
        state.PendingFrames.Clear();
    }

    private bool Upload(WlBuffer buffer)
    {
        if (ShmBuffer.FromResource(buffer) is not { } shm)
        {
            return true;
        }

        if (_texture.Length < shm.Size)
        {
            _texture = new byte[shm.Size];
        }

        if (!shm.TryRead(_texture, static (pixels, texture) => pixels.CopyTo(texture)))
        {
            return false;
        }

        Interlocked.Increment(ref _buffersRead);
        return true;
    }

    // wl_subcompositor: sub-surfaces are created (by the runtime) and otherwise ignored.

    // wl_output, wl_seat, wl_region: defaults (no-ops) suffice.

    // xdg_wm_base

    void XdgWmBase.IHandler.GetXdgSurface(XdgWmBase resource, XdgSurface id, WlSurface surface) => id.Handler = this;

    void XdgWmBase.IHandler.Pong(XdgWmBase resource, uint serial) => Interlocked.Increment(ref _pongs);

    // xdg_surface

    void XdgSurface.IHandler.GetToplevel(XdgSurface resource, XdgToplevel id)
    {
        id.Handler = this;
        id.SendConfigure(0, 0, []);
        resource.SendConfigure(_display.NextSerial());
    }

    private sealed class SurfaceState
    {
        public WlBuffer? PendingBuffer { get; set; }

        public bool HasPendingBuffer { get; set; }

        public List<WlCallback> PendingFrames { get; } = [];
    }
}
