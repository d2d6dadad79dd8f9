using System.Diagnostics;
using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Testing;

// Wayland for .NET — demo.
// Starts weston headless in a private XDG_RUNTIME_DIR (or uses --socket PATH), then, with the managed client
// library only: lists the globals, opens an xdg_toplevel, draws an animation into wl_shm buffers paced by
// frame callbacks, and prints a summary. WAYLAND_DEBUG=1 prints every message in libwayland's format.
// (The reference compositor will replace weston here; then the demo also takes a screenshot.)
string? socketPath = null;
int frameCount = 120;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--socket" && i + 1 < args.Length)
    {
        socketPath = args[++i];
    }
    else if (args[i] == "--frames" && i + 1 < args.Length && int.TryParse(args[i + 1], out frameCount) && frameCount > 0)
    {
        i++;
    }
    else
    {
        Console.Error.WriteLine("usage: Wayland.Demo [--socket PATH] [--frames N]");
        return 2;
    }
}

using HeadlessWeston? weston = socketPath is null ? HeadlessWeston.Start() : null;
socketPath ??= weston!.SocketPath;
Console.WriteLine($"compositor: {socketPath}{(weston is null ? "" : " (weston --backend=headless-backend.so)")}");

using WaylandDisplay display = WaylandDisplay.Connect(socketPath);
using WaylandGlobals globals = WaylandGlobals.Create(display);
Console.WriteLine($"{globals.All.Count} globals: {string.Join(", ", globals.All.Select(g => $"{g.Interface} v{g.Version}"))}");

using WlCompositor compositor = globals.Bind<WlCompositor>(maxVersion: 4);
using WlShm shm = globals.Bind<WlShm>();
List<WlShmFormat> formats = [];
shm.Format += (_, format) => formats.Add(format);
using XdgWmBase wmBase = globals.Bind<XdgWmBase>(maxVersion: 2);
wmBase.Ping += (sender, serial) => sender.Pong(serial);

using WlSurface surface = compositor.CreateSurface();
using XdgSurface xdgSurface = wmBase.GetXdgSurface(surface);
using XdgToplevel toplevel = xdgSurface.GetToplevel();
toplevel.SetTitle("Wayland for .NET demo");
toplevel.SetAppId("net.wayland.demo");
bool configured = false, closed = false;
xdgSurface.Configure += (sender, serial) =>
{
    sender.AckConfigure(serial);
    configured = true;
};
toplevel.Close += _ => closed = true;
surface.Commit();
while (!configured)
{
    display.Dispatch();
}

const int width = 320, height = 240;
using ShmPool pool = ShmPool.Create(shm, 2 * width * height * 4);
ShmBuffer[] buffers = [pool.CreateBuffer(0, width, height, width * 4), pool.CreateBuffer(width * height * 4, width, height, width * 4)];
Stopwatch clock = Stopwatch.StartNew();
int frames = 0;
while (frames < frameCount && !closed)
{
    ShmBuffer target = Array.Find(buffers, b => !b.IsBusy) ?? throw new InvalidOperationException("no free buffer");
    Draw(target.Pixels, width, height, frames);
    bool done = false;
    using WlCallback frame = surface.Frame();
    frame.Done += (_, _) => done = true;
    surface.Attach(target.Buffer, 0, 0);
    surface.DamageBuffer(0, 0, width, height);
    surface.Commit();
    target.MarkBusy();
    while (!done && !closed)
    {
        display.Dispatch();
    }

    frames++;
}

TimeSpan elapsed = clock.Elapsed;
foreach (ShmBuffer buffer in buffers)
{
    buffer.Dispose();
}

display.Roundtrip();
Console.WriteLine($"wl_shm formats: {string.Join(", ", formats)}");
Console.WriteLine($"rendered {frames} frames of {width}x{height} in {elapsed.TotalSeconds:F2} s: {elapsed.TotalMilliseconds / Math.Max(1, frames):F2} ms per frame (paced by the compositor's frame callbacks)");
return 0;

// A square bouncing over a moving gradient.
static void Draw(Span<uint> pixels, int width, int height, int frame)
{
    int size = 40;
    int x = Bounce(frame * 5, width - size), y = Bounce(frame * 3, height - size);
    for (int row = 0; row < height; row++)
    {
        Span<uint> line = pixels.Slice(row * width, width);
        for (int col = 0; col < width; col++)
        {
            bool square = col >= x && col < x + size && row >= y && row < y + size;
            line[col] = square ? 0xffffffffu : 0xff000000u | (uint)((col + frame) & 0xff) << 16 | (uint)(row & 0xff) << 8 | 0x80u;
        }
    }

    static int Bounce(int t, int range) => (t / range) % 2 == 0 ? t % range : range - t % range;
}
