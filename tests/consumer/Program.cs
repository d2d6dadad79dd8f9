using System.Diagnostics;
using Wayland.Client;
using Wayland.Client.Protocol;
// Proxies generated at build time from protocols/single-pixel-buffer-v1.xml by the Wayland.Scanner package.
using OwnSinglePixelBufferManager = Consumer.Protocols.Client.WpSinglePixelBufferManagerV1;

// Shows a 320x240 orange window: a single-pixel buffer (through the proxies generated from our own copy of the
// protocol XML) scaled by wp_viewporter, on the compositor in WAYLAND_DISPLAY; exits once it has been presented.
const int Width = 320, Height = 240;

using WaylandDisplay display = WaylandDisplay.Connect();
using WaylandGlobals globals = WaylandGlobals.Create(display);
using WlCompositor compositor = globals.Bind<WlCompositor>(maxVersion: 4);
using XdgWmBase wmBase = globals.Bind<XdgWmBase>(maxVersion: 2);
wmBase.Ping += (sender, serial) => sender.Pong(serial);
using WpViewporter viewporter = globals.Bind<WpViewporter>(maxVersion: 1);
using OwnSinglePixelBufferManager singlePixel = globals.Bind<OwnSinglePixelBufferManager>(maxVersion: 1);

using WlSurface surface = compositor.CreateSurface();
using WpViewport viewport = viewporter.GetViewport(surface);
using XdgSurface xdgSurface = wmBase.GetXdgSurface(surface);
using XdgToplevel toplevel = xdgSurface.GetToplevel();
toplevel.SetTitle("consumer");
bool configured = false;
xdgSurface.Configure += (sender, serial) =>
{
    sender.AckConfigure(serial);
    configured = true;
};
surface.Commit();
WaitFor(() => configured, "the first configure");

// Orange: the channels are 32-bit, so 0x80808080 is 50 % green.
using WlBuffer buffer = singlePixel.CreateU32RgbaBuffer(uint.MaxValue, 0x80808080, 0, uint.MaxValue);
viewport.SetDestination(Width, Height);
surface.Attach(buffer, 0, 0);
surface.Damage(0, 0, Width, Height);
bool presented = false;
using WlCallback frame = surface.Frame();
frame.Done += (_, _) => presented = true;
surface.Commit();
WaitFor(() => presented, "the frame callback");
Console.WriteLine($"consumer: {Width}x{Height} window shown; {globals.All.Count} globals; {Consumer.EventLoopCheck.Describe()}");
return 0;

void WaitFor(Func<bool> condition, string what)
{
    Stopwatch clock = Stopwatch.StartNew();
    while (!condition())
    {
        if (clock.Elapsed > TimeSpan.FromSeconds(30))
        {
            throw new TimeoutException($"consumer: no {what} within 30 s");
        }

        display.Dispatch(TimeSpan.FromMilliseconds(100));
    }
}
