using System.Diagnostics;
using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;

namespace Wayland.Demo;

/// <summary>
/// The demo's Wayland client, written with the managed client library only: an xdg_toplevel whose wl_shm buffers show
/// an animation (a square bouncing over a moving gradient), paced by frame callbacks. It answers input: a click leaves
/// a marker of <see cref="MarkerColor"/> where it landed, a key press paints a bar of <see cref="KeyBarColor"/> across
/// the top. Run it on one thread; the counters can be read from any thread.
/// </summary>
public sealed class DemoClient : IDisposable
{
    /// <summary>Window width in pixels.</summary>
    public const int Width = 320;

    /// <summary>Window height in pixels.</summary>
    public const int Height = 240;

    /// <summary>Colour of the click marker (opaque ARGB).</summary>
    public const uint MarkerColor = 0xFF20C060;

    /// <summary>Colour of the bar drawn once a key was pressed (opaque ARGB).</summary>
    public const uint KeyBarColor = 0xFFE0A020;

    /// <summary>Half the side of the click marker.</summary>
    public const int MarkerRadius = 8;

    /// <summary>Height of the key bar.</summary>
    public const int KeyBarHeight = 12;

    private readonly WaylandDisplay _display;
    private readonly WaylandGlobals _globals;
    private readonly WlCompositor _compositor;
    private readonly WlShm _shm;
    private readonly XdgWmBase _wmBase;
    private readonly WlSeat? _seat;
    private readonly WlSurface _surface;
    private readonly XdgSurface _xdgSurface;
    private readonly XdgToplevel _toplevel;
    private readonly ShmPool _pool;
    private readonly ShmBuffer[] _buffers;
    private readonly List<double> _frameTimes = [];
    private readonly Lock _lock = new();
    private WlPointer? _pointer;
    private WlKeyboard? _keyboard;
    private volatile bool _stop;
    private bool _closed;
    private bool _configured;
    private (double X, double Y) _pointerAt;
    private (int X, int Y)? _lastClick;
    private int _frames;
    private int _clicks;
    private int _keys;

    private DemoClient(WaylandDisplay display)
    {
        _display = display;
        _globals = WaylandGlobals.Create(display);
        _compositor = _globals.Bind<WlCompositor>(maxVersion: 4);
        _shm = _globals.Bind<WlShm>();
        _wmBase = _globals.Bind<XdgWmBase>(maxVersion: 2);
        _wmBase.Ping += (sender, serial) => sender.Pong(serial);
        if (_globals.Find("wl_seat") is not null)
        {
            _seat = _globals.Bind<WlSeat>(maxVersion: 5);
            _seat.Capabilities += OnSeatCapabilities;
        }

        _surface = _compositor.CreateSurface();
        _xdgSurface = _wmBase.GetXdgSurface(_surface);
        _toplevel = _xdgSurface.GetToplevel();
        _toplevel.SetTitle("Wayland for .NET demo");
        _toplevel.SetAppId("net.wayland.demo");
        _xdgSurface.Configure += (sender, serial) =>
        {
            sender.AckConfigure(serial);
            _configured = true;
        };
        _toplevel.Close += _ => _closed = true;
        _pool = ShmPool.Create(_shm, 2 * Width * Height * 4);
        _buffers = [_pool.CreateBuffer(0, Width, Height, Width * 4), _pool.CreateBuffer(Width * Height * 4, Width, Height, Width * 4)];
    }

    /// <summary>Globals the compositor announced, as "interface vN".</summary>
    public IReadOnlyList<string> Globals { get; private set; } = [];

    /// <summary>Frames drawn and committed so far.</summary>
    public int FramesDrawn => Volatile.Read(ref _frames);

    /// <summary>Pointer button presses received.</summary>
    public int Clicks => Volatile.Read(ref _clicks);

    /// <summary>Key presses received.</summary>
    public int KeysPressed => Volatile.Read(ref _keys);

    /// <summary>Surface-local position of the last click, if any.</summary>
    public (int X, int Y)? LastClick
    {
        get
        {
            lock (_lock)
            {
                return _lastClick;
            }
        }
    }

    /// <summary>Mean and 95th percentile time between frames (frame callback to frame callback), in milliseconds.</summary>
    public (double Mean, double P95) FrameTimes
    {
        get
        {
            lock (_lock)
            {
                if (_frameTimes.Count == 0)
                {
                    return (0, 0);
                }

                double[] sorted = [.. _frameTimes.Order()];
                return (sorted.Average(), sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(sorted.Length * 0.95) - 1)]);
            }
        }
    }

    /// <summary>Connects to the compositor listening at <paramref name="socketPath"/> (absolute path or name).</summary>
    public static DemoClient Connect(string socketPath)
    {
        WaylandDisplay display = WaylandDisplay.Connect(socketPath);
        try
        {
            DemoClient client = new(display);
            display.Roundtrip();
            client.Globals = [.. client._globals.All.Select(g => $"{g.Interface} v{g.Version}")];
            return client;
        }
        catch
        {
            display.Dispose();
            throw;
        }
    }

    /// <summary>Asks <see cref="Run"/> to return after the current frame (any thread).</summary>
    public void Stop() => _stop = true;

    /// <summary>Maps the window and animates until <see cref="Stop"/>, the window is closed, or <paramref name="maxFrames"/>.</summary>
    /// <returns>Frames drawn.</returns>
    public int Run(int maxFrames = int.MaxValue)
    {
        _surface.Commit();
        while (!_configured && !_closed)
        {
            _display.Dispatch(TimeSpan.FromSeconds(10));
        }

        Stopwatch clock = Stopwatch.StartNew();
        double last = 0;
        while (_frames < maxFrames && !_closed && !_stop)
        {
            ShmBuffer target = Array.Find(_buffers, b => !b.IsBusy) ?? _buffers[0];
            Draw(target.Pixels, _frames);
            bool done = false;
            using WlCallback frame = _surface.Frame();
            frame.Done += (_, _) => done = true;
            _surface.Attach(target.Buffer, 0, 0);
            _surface.DamageBuffer(0, 0, Width, Height);
            _surface.Commit();
            target.MarkBusy();
            while (!done && !_closed && !_stop)
            {
                _display.Dispatch(TimeSpan.FromMilliseconds(100));
            }

            double now = clock.Elapsed.TotalMilliseconds;
            lock (_lock)
            {
                if (_frames > 0)
                {
                    _frameTimes.Add(now - last);
                }
            }

            last = now;
            Interlocked.Increment(ref _frames);
        }

        return _frames;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (ShmBuffer buffer in _buffers)
        {
            buffer.Dispose();
        }

        _pool.Dispose();
        _pointer?.Dispose();
        _keyboard?.Dispose();
        _toplevel.Dispose();
        _xdgSurface.Dispose();
        _surface.Dispose();
        _seat?.Dispose();
        _wmBase.Dispose();
        _shm.Dispose();
        _compositor.Dispose();
        _globals.Dispose();
        _display.Dispose();
    }

    private void OnSeatCapabilities(WlSeat seat, WlSeatCapability capabilities)
    {
        if (capabilities.HasFlag(WlSeatCapability.Pointer) && _pointer is null)
        {
            _pointer = seat.GetPointer();
            _pointer.Enter += (_, _, _, x, y) => _pointerAt = (x, y);
            _pointer.Motion += (_, _, x, y) => _pointerAt = (x, y);
            _pointer.Button += (_, _, _, _, state) =>
            {
                if (state == WlPointerButtonState.Pressed)
                {
                    lock (_lock)
                    {
                        _lastClick = ((int)_pointerAt.X, (int)_pointerAt.Y);
                    }

                    Interlocked.Increment(ref _clicks);
                }
            };
        }

        if (capabilities.HasFlag(WlSeatCapability.Keyboard) && _keyboard is null)
        {
            _keyboard = seat.GetKeyboard();
            _keyboard.Keymap += (_, _, fd, _) => fd.Dispose();
            _keyboard.Key += (_, _, _, _, state) =>
            {
                if (state == WlKeyboardKeyState.Pressed)
                {
                    Interlocked.Increment(ref _keys);
                }
            };
        }
    }

    /// <summary>One frame: gradient, bouncing square, then the input feedback on top.</summary>
    private void Draw(Span<uint> pixels, int frame)
    {
        const int size = 40;
        int x = Bounce(frame * 5, Width - size);
        int y = Bounce(frame * 3, Height - size);
        for (int row = 0; row < Height; row++)
        {
            Span<uint> line = pixels.Slice(row * Width, Width);
            for (int col = 0; col < Width; col++)
            {
                bool square = col >= x && col < x + size && row >= y && row < y + size;
                line[col] = square ? 0xFFFFFFFFu : 0xFF000000u | ((uint)((col + frame) & 0xFF) << 16) | ((uint)(row & 0xFF) << 8) | 0x80u;
            }
        }

        if (KeysPressed > 0)
        {
            pixels[..(KeyBarHeight * Width)].Fill(KeyBarColor);
        }

        if (LastClick is { } click)
        {
            for (int row = Math.Max(0, click.Y - MarkerRadius); row < Math.Min(Height, click.Y + MarkerRadius); row++)
            {
                int from = Math.Max(0, click.X - MarkerRadius);
                int to = Math.Min(Width, click.X + MarkerRadius);
                pixels.Slice((row * Width) + from, Math.Max(0, to - from)).Fill(MarkerColor);
            }
        }

        static int Bounce(int t, int range) => (t / range) % 2 == 0 ? t % range : range - (t % range);
    }
}
