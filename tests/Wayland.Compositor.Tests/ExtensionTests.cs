using System.Diagnostics;
using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Compositor.Tests;

/// <summary>
/// The small extensions a toolkit looks for — viewporter, single-pixel-buffer, fractional-scale, xdg-decoration,
/// presentation-time — driven by a Wayland.Client program against the in-process compositor, checked on the wire
/// and in the screenshot.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ExtensionTests
{
    [Fact]
    public void A_single_pixel_buffer_stretched_by_a_viewport_fills_the_destination_size()
    {
        CompositorSession.Run("single-pixel", session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            using WpSinglePixelBufferManagerV1 singlePixel = client.Globals.Bind<WpSinglePixelBufferManagerV1>();
            using WpViewporter viewporter = client.Globals.Bind<WpViewporter>();
            TestWindow window = client.CreateWindow("one pixel");
            using WpViewport viewport = viewporter.GetViewport(window.Surface);
            window.Surface.Commit();
            client.DispatchUntil(() => window.Configures > 0, "the initial configure");

            // Premultiplied 32-bit channels: opaque green.
            using WlBuffer green = singlePixel.CreateU32RgbaBuffer(0, uint.MaxValue, 0, uint.MaxValue);
            viewport.SetDestination(120, 90);
            window.Surface.Attach(green, 0, 0);
            window.Surface.Damage(0, 0, 120, 90);
            window.Surface.Commit();
            client.Roundtrip();

            WindowInfo info = session.WaitForWindow("one pixel");
            Assert.Equal((120, 90), (info.Bounds.Width, info.Bounds.Height));
            Image screen = session.Compositor.CaptureOutput();
            Assert.Equal(0, Pixels.CountOtherThan(screen, info.Bounds, Argb.Green));

            Assert.Equal(session.Options.Background, screen.GetPixel(info.Bounds.Right, info.Bounds.Y));
            session.AssertNoProtocolErrors();
        });
    }

    [Theory]
    [InlineData(WlOutputTransform.Normal)]
    [InlineData(WlOutputTransform.Transform90)]
    [InlineData(WlOutputTransform.Transform180)]
    [InlineData(WlOutputTransform.Transform270)]
    [InlineData(WlOutputTransform.Flipped)]
    [InlineData(WlOutputTransform.Flipped90)]
    [InlineData(WlOutputTransform.Flipped180)]
    [InlineData(WlOutputTransform.Flipped270)]
    public void Each_pixel_of_a_transformed_cropped_and_stretched_buffer_is_the_one_under_its_centre(WlOutputTransform transform)
    {
        HeadlessCompositorOptions options = new()
        {
            Outputs =
            {
                new HeadlessOutputOptions { Width = 200, Height = 100 },
                new HeadlessOutputOptions { Width = 200, Height = 100, Scale = 2, X = 200, Y = 0 },
            },
        };
        CompositorSession.Run("transformed-viewport", options, session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            using WpViewporter viewporter = client.Globals.Bind<WpViewporter>();
            TestWindow window = client.CreateWindow("transformed");
            using WpViewport viewport = viewporter.GetViewport(window.Surface);
            window.Surface.Commit();
            client.DispatchUntil(() => window.Configures > 0, "the initial configure");

            // A 12 × 8 buffer of scale 2, every pixel its own opaque colour; a crop of 4.5 × 3.25 of it (in surface
            // units, after the transform) stretched to 23 × 17, so that columns and rows repeat unevenly.
            const int BufferWidth = 12, BufferHeight = 8, BufferScale = 2, Width = 23, Height = 17;
            (double X, double Y, double W, double H) source = (0.5, 0.75, 3.25, 3.25);
            ShmBuffer buffer = client.SolidBuffer(BufferWidth, BufferHeight, 0);
            for (int i = 0; i < BufferWidth * BufferHeight; i++)
            {
                buffer.Pixels[i] = 0xFF000000 | (uint)(i * 0x020305);
            }

            window.Surface.SetBufferScale(BufferScale);
            window.Surface.SetBufferTransform(transform);
            viewport.SetSource(source.X, source.Y, source.W, source.H);
            viewport.SetDestination(Width, Height);
            window.Show(buffer);
            client.Roundtrip();
            WindowInfo info = session.WaitForWindow("transformed");
            Assert.Equal((Width, Height), (info.Bounds.Width, info.Bounds.Height));

            // The buffer pixel under surface-local (sx, sy), as wl_surface and wp_viewport define it: the crop scaled to
            // the destination, then the buffer's transform and scale undone.
            bool swapped = transform is WlOutputTransform.Transform90 or WlOutputTransform.Transform270
                or WlOutputTransform.Flipped90 or WlOutputTransform.Flipped270;
            double w = swapped ? BufferHeight : BufferWidth, h = swapped ? BufferWidth : BufferHeight;
            uint Expected(double sx, double sy)
            {
                double u = (source.X + (sx * source.W / Width)) * BufferScale, v = (source.Y + (sy * source.H / Height)) * BufferScale;
                (double x, double y) = transform switch
                {
                    WlOutputTransform.Transform90 => (v, w - u),
                    WlOutputTransform.Transform180 => (w - u, h - v),
                    WlOutputTransform.Transform270 => (h - v, u),
                    WlOutputTransform.Flipped => (w - u, v),
                    WlOutputTransform.Flipped90 => (v, u),
                    WlOutputTransform.Flipped180 => (u, h - v),
                    WlOutputTransform.Flipped270 => (h - v, w - u),
                    _ => (u, v),
                };
                return buffer.Pixels[((int)Math.Floor(y) * BufferWidth) + (int)Math.Floor(x)];
            }

            // On the scale-1 output one pixel per surface unit; on the scale-2 output four.
            Image first = session.Compositor.CaptureOutput(0);
            int wrong = 0;
            for (int sy = 0; sy < Height; sy++)
            {
                for (int sx = 0; sx < Width; sx++)
                {
                    wrong += first.GetPixel(info.Bounds.X + sx, info.Bounds.Y + sy) == Expected(sx + 0.5, sy + 0.5) ? 0 : 1;
                }
            }

            session.Compositor.MoveWindow(info.Id, 200 + 10, 10);
            Image second = session.Compositor.CaptureOutput(1);
            for (int py = 0; py < Height * 2; py++)
            {
                for (int px = 0; px < Width * 2; px++)
                {
                    wrong += second.GetPixel(20 + px, 20 + py) == Expected((px + 0.5) / 2, (py + 0.5) / 2) ? 0 : 1;
                }
            }

            Assert.True(wrong == 0, $"{wrong} pixels differ ({CompositorSession.SaveForInspection(first, $"transformed-{transform}")})");
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void A_viewport_source_crops_the_buffer_and_the_destination_scales_the_crop()
    {
        CompositorSession.Run("viewport-crop", session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            using WpViewporter viewporter = client.Globals.Bind<WpViewporter>();
            TestWindow window = client.CreateWindow("cropped");
            using WpViewport viewport = viewporter.GetViewport(window.Surface);
            window.Surface.Commit();
            client.DispatchUntil(() => window.Configures > 0, "the initial configure");

            // 40 × 20: red left half, blue right half. Show only the right half, at 60 × 60.
            ShmBuffer buffer = client.SolidBuffer(40, 20, Argb.Red);
            for (int row = 0; row < 20; row++)
            {
                buffer.Pixels.Slice(row * 40 + 20, 20).Fill(Argb.Blue);
            }

            viewport.SetSource(20, 0, 20, 20);
            viewport.SetDestination(60, 60);
            window.Show(buffer);
            client.Roundtrip();

            WindowInfo info = session.WaitForWindow("cropped");
            Assert.Equal((60, 60), (info.Bounds.Width, info.Bounds.Height));
            Image screen = session.Compositor.CaptureOutput();
            Assert.Equal(0, Pixels.CountOtherThan(screen, info.Bounds, Argb.Blue));

            // Unsetting both (-1) goes back to the buffer's own size and content.
            viewport.SetSource(-1, -1, -1, -1);
            viewport.SetDestination(-1, -1);
            window.Surface.Commit();
            client.Roundtrip();
            session.WaitUntil(() => session.WaitForWindow("cropped").Bounds is { Width: 40, Height: 20 }, "the viewport to be unset");
            info = session.WaitForWindow("cropped");
            session.WaitUntil(
                () => session.Compositor.CaptureOutput() is var image
                    && (image.GetPixel(info.Bounds.X + 5, info.Bounds.Y + 5), image.GetPixel(info.Bounds.X + 35, info.Bounds.Y + 5)) == (Argb.Red, Argb.Blue),
                "the whole buffer to be shown again");
            session.AssertNoProtocolErrors();
        });
    }

    [Theory]
    [InlineData("second viewport", "wp_viewporter", 0u)] // viewport_exists
    [InlineData("zero destination", "wp_viewport", 0u)] // bad_value
    [InlineData("negative source", "wp_viewport", 0u)] // bad_value
    public void Viewport_misuse_is_a_protocol_error(string misuse, string iface, uint code)
    {
        CompositorSession.Run("viewport-errors", session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            using WpViewporter viewporter = client.Globals.Bind<WpViewporter>();
            WlSurface surface = client.Own(client.Compositor.CreateSurface());
            WpViewport viewport = client.Own(viewporter.GetViewport(surface));
            Proxy culprit;
            switch (misuse)
            {
                case "second viewport":
                    client.Own(viewporter.GetViewport(surface));
                    culprit = viewporter;
                    break;
                case "zero destination":
                    viewport.SetDestination(0, 5);
                    culprit = viewport;
                    break;
                default:
                    viewport.SetSource(-2, 0, 10, 10);
                    culprit = viewport;
                    break;
            }

            WaylandProtocolException error = client.ExpectProtocolError();
            Assert.Equal((iface, culprit.Id, code), (error.InterfaceName, error.ObjectId, error.Code));
        });
    }

    [Theory]
    [InlineData(1, 120u)]
    [InlineData(2, 240u)]
    public void Fractional_scale_reports_the_output_scale_in_120ths_once_per_surface(int scale, uint expected)
    {
        CompositorSession.Run("fractional", new HeadlessCompositorOptions { Width = 800, Height = 600, Scale = scale }, session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            using WpFractionalScaleManagerV1 manager = client.Globals.Bind<WpFractionalScaleManagerV1>();
            WlSurface surface = client.Own(client.Compositor.CreateSurface());
            WpFractionalScaleV1 fractional = client.Own(manager.GetFractionalScale(surface));
            uint? preferred = null;
            fractional.PreferredScale += (_, value) => preferred = value;
            client.DispatchUntil(() => preferred is not null, "wp_fractional_scale_v1.preferred_scale");
            Assert.Equal(expected, preferred);

            client.Own(manager.GetFractionalScale(surface));
            WaylandProtocolException error = client.ExpectProtocolError();
            Assert.Equal(("wp_fractional_scale_manager_v1", manager.Id, (uint)WpFractionalScaleManagerV1Error.FractionalScaleExists),
                (error.InterfaceName, error.ObjectId, error.Code));
        });
    }

    [Fact]
    public void Decorations_are_client_side_whatever_the_client_asks_and_each_answer_comes_with_a_configure()
    {
        CompositorSession.Run("decoration", session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            using ZxdgDecorationManagerV1 manager = client.Globals.Bind<ZxdgDecorationManagerV1>();
            TestWindow window = client.MapWindow("decorated", client.SolidBuffer(50, 50, Argb.Yellow));
            using ZxdgToplevelDecorationV1 decoration = manager.GetToplevelDecoration(window.Toplevel);
            List<ZxdgToplevelDecorationV1Mode> modes = [];
            decoration.Configure += (_, mode) => modes.Add(mode);
            client.DispatchUntil(() => modes.Count == 1, "the first decoration configure");

            int configures = window.Configures;
            decoration.SetMode(ZxdgToplevelDecorationV1Mode.ServerSide);
            client.DispatchUntil(() => modes.Count == 2 && window.Configures > configures, "the answer to set_mode and its xdg_surface.configure");
            Assert.Equal([ZxdgToplevelDecorationV1Mode.ClientSide, ZxdgToplevelDecorationV1Mode.ClientSide], modes);
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Presentation_feedback_is_presented_on_the_monotonic_clock_at_the_repaint_showing_the_commit()
    {
        CompositorSession.Run("presentation", session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            using WpPresentation presentation = client.Globals.Bind<WpPresentation>();
            uint? clock = null;
            presentation.ClockId += (_, id) => clock = id;
            client.Roundtrip();
            Assert.Equal(1u, clock); // CLOCK_MONOTONIC

            TestWindow window = client.MapWindow("presented", client.SolidBuffer(30, 30, Argb.Red));
            List<(ulong Nanoseconds, uint Refresh, uint Sequence, WpPresentationFeedbackKind Flags)> presented = [];
            long before = MonotonicNanoseconds();
            for (int frame = 0; frame < 3; frame++)
            {
                WpPresentationFeedback feedback = presentation.Feedback(window.Surface);
                feedback.Presented += (_, secondsHigh, secondsLow, nanoseconds, refresh, _, sequenceLow, flags) =>
                    presented.Add(((((ulong)secondsHigh << 32) | secondsLow) * 1_000_000_000 + nanoseconds, refresh, sequenceLow, flags));
                window.Show(client.SolidBuffer(30, 30, frame % 2 == 0 ? Argb.Blue : Argb.Red));
                client.DispatchUntil(() => presented.Count == frame + 1, $"presented for commit {frame}");
            }

            long after = MonotonicNanoseconds();
            Assert.All(presented, p => Assert.InRange((long)p.Nanoseconds, before, after));
            // The refresh timer's period (whole 100 ns ticks, so 16 666 600 ns at 60 Hz).
            Assert.All(presented, p => Assert.InRange(p.Refresh, 16_666_500u, 16_666_700u));
            Assert.All(presented, p => Assert.True(p.Flags.HasFlag(WpPresentationFeedbackKind.Vsync)));
            Assert.True(presented[0].Nanoseconds < presented[1].Nanoseconds && presented[1].Nanoseconds < presented[2].Nanoseconds);
            Assert.True(presented[0].Sequence < presented[1].Sequence && presented[1].Sequence < presented[2].Sequence);
            session.AssertNoProtocolErrors();
        });
    }

    /// <summary>CLOCK_MONOTONIC in nanoseconds (Stopwatch reads it on Linux).</summary>
    private static long MonotonicNanoseconds() => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
}
