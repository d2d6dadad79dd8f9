using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Testing;

namespace Wayland.Client.Tests;

/// <summary>A real window on weston headless: xdg_toplevel, wl_shm buffers, frame callbacks, resize, close.</summary>
public class XdgToplevelWestonTests
{
    [Fact]
    public void A_toplevel_draws_60_frames_resizes_and_closes_cleanly()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (HeadlessWeston weston = HeadlessWeston.Start())
        using (WaylandDisplay display = WaylandDisplay.Connect(weston.SocketPath))
        using (WaylandGlobals globals = WaylandGlobals.Create(display))
        {
            using WlCompositor compositor = globals.Bind<WlCompositor>(4);
            using WlShm shm = globals.Bind<WlShm>(1);
            using XdgWmBase wmBase = globals.Bind<XdgWmBase>(2);
            wmBase.Ping += (sender, serial) => sender.Pong(serial);

            using WlSurface surface = compositor.CreateSurface();
            using XdgSurface xdgSurface = wmBase.GetXdgSurface(surface);
            using XdgToplevel toplevel = xdgSurface.GetToplevel();
            toplevel.SetTitle("Wayland for .NET test");
            toplevel.SetAppId("net.wayland.tests");
            int configures = 0;
            (int Width, int Height) suggested = (0, 0);
            toplevel.Configure += (_, width, height, states) => suggested = (width, height);
            xdgSurface.Configure += (sender, serial) =>
            {
                sender.AckConfigure(serial);
                configures++;
            };
            surface.Commit();
            while (configures == 0)
            {
                display.Dispatch();
            }

            int width = suggested.Width > 0 ? suggested.Width : 160;
            int height = suggested.Height > 0 ? suggested.Height : 120;
            using ShmPool pool = ShmPool.Create(shm, 2 * width * height * 4);
            Assert.True(pool.IsSealed);
            ShmBuffer[] buffers = [pool.CreateBuffer(0, width, height, width * 4), pool.CreateBuffer(width * height * 4, width, height, width * 4)];

            int frames = 0;
            int framesAtResize = -1;
            bool frameDone = true;
            while (frames < 60)
            {
                if (frames == 30 && framesAtResize < 0)
                {
                    // Resize: grow the pool and switch to bigger buffers; the window follows the buffer size.
                    framesAtResize = frames;
                    foreach (ShmBuffer old in buffers)
                    {
                        old.Dispose();
                    }

                    width *= 2;
                    height *= 2;
                    pool.Resize(2 * width * height * 4);
                    buffers = [pool.CreateBuffer(0, width, height, width * 4), pool.CreateBuffer(width * height * 4, width, height, width * 4)];
                }

                while (!frameDone)
                {
                    display.Dispatch();
                }

                ShmBuffer target = buffers.FirstOrDefault(b => !b.IsBusy) ?? throw new InvalidOperationException("no free buffer");
                target.Pixels.Fill(0xff000000u | (uint)(frames * 4) << 16 | 0x40u);
                frameDone = false;
                using (WlCallback frame = surface.Frame())
                {
                    frame.Done += (_, _) => frameDone = true;
                    surface.Attach(target.Buffer, 0, 0);
                    surface.DamageBuffer(0, 0, width, height);
                    surface.Commit();
                    target.MarkBusy();
                    while (!frameDone)
                    {
                        Assert.True(display.Dispatch(TimeSpan.FromSeconds(5)) > 0 || frameDone, $"no frame callback after frame {frames}");
                    }
                }

                frames++;
            }

            Assert.Equal(60, frames);
            Assert.Equal(30, framesAtResize);
            foreach (ShmBuffer buffer in buffers)
            {
                buffer.Dispose();
            }

            toplevel.Dispose();
            xdgSurface.Dispose();
            surface.Dispose();
            display.Roundtrip();
            Assert.Null(display.Error);
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }
}
