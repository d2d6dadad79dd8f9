using Wayland.Client;
using Wayland.Testing;
using Xunit.Abstractions;

namespace Wayland.Compositor.Tests;

/// <summary>
/// An output of scale 2 is composited at its scale: its mode's pixels cover half as many logical units, a buffer of
/// scale 2 lands on them pixel for pixel (sharp), a buffer of scale 1 is enlarged, and an output of scale 1 beside it
/// is drawn as before.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class OutputScaleTests(ITestOutputHelper output)
{
    [Fact]
    public void A_scale_2_buffer_is_sharp_on_a_scale_2_output_and_sampled_down_on_the_scale_1_output_beside_it()
    {
        HeadlessCompositorOptions options = new()
        {
            Outputs =
            {
                new HeadlessOutputOptions { Width = 640, Height = 480 },
                new HeadlessOutputOptions { Width = 800, Height = 600, Scale = 2, X = 640, Y = 0 },
            },
        };
        CompositorSession.Run("scale-2-checkerboard", options, session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            ShmBuffer checkerboard = client.SolidBuffer(64, 64, 0);
            for (int y = 0; y < 64; y++)
            {
                for (int x = 0; x < 64; x++)
                {
                    checkerboard.Pixels[(y * 64) + x] = Checker(x, y);
                }
            }

            TestWindow window = client.CreateWindow("checkerboard");
            window.Surface.SetBufferScale(2);
            window.Surface.Commit();
            client.DispatchUntil(() => window.Configures > 0, "the initial configure");
            window.Show(checkerboard);
            client.Roundtrip();
            WindowInfo info = session.WaitForWindow("checkerboard");
            Assert.Equal((32, 32), (info.Bounds.Width, info.Bounds.Height));

            // On the scale-1 output each logical pixel takes the buffer pixel under its centre, (2i + 1, 2j + 1): one colour.
            Image first = session.Compositor.CaptureOutput(0);
            Assert.Equal((640, 480), (first.Width, first.Height));
            Assert.Equal(32 * 32, Pixels.CountOf(first, info.Bounds, Checker(1, 1)));
            Assert.Equal(640 * 480 - (32 * 32), Pixels.CountOf(first, new Rect(0, 0, 640, 480), session.Options.Background));

            // On the scale-2 output (logical 640..1040) the 32 × 32 logical window is the 64 × 64 buffer, pixel for pixel.
            session.Compositor.MoveWindow(info.Id, 640 + 50, 60);
            Image second = session.Compositor.CaptureOutput(1);
            Assert.Equal((800, 600), (second.Width, second.Height));
            string picture = CompositorSession.SaveForInspection(second, "scale-2-checkerboard");
            output.WriteLine($"capture of the scale-2 output: {picture}");
            for (int y = 0; y < 64; y++)
            {
                for (int x = 0; x < 64; x++)
                {
                    Assert.Equal(Checker(x, y), second.GetPixel(100 + x, 120 + y));
                }
            }

            Assert.Equal(800 * 600 - (64 * 64), Pixels.CountOf(second, new Rect(0, 0, 800, 600), session.Options.Background));

            // The scale-1 output is background again where the window was.
            first = session.Compositor.CaptureOutput(0);
            Assert.Equal(640 * 480, Pixels.CountOf(first, new Rect(0, 0, 640, 480), session.Options.Background));

            // Across the edge (logical 624..656): the right half of the buffer on the scale-2 output, the left half sampled down on the other.
            session.Compositor.MoveWindow(info.Id, 640 - 16, 60);
            second = session.Compositor.CaptureOutput(1);
            first = session.Compositor.CaptureOutput(0);
            for (int y = 0; y < 64; y++)
            {
                for (int x = 0; x < 32; x++)
                {
                    Assert.Equal(Checker(32 + x, y), second.GetPixel(x, 120 + y));
                }
            }

            Assert.Equal(16 * 32, Pixels.CountOf(first, new Rect(624, 60, 16, 32), Checker(1, 1)));
            session.Compositor.MoveWindow(info.Id, 640 + 50, 60);

            // The pointer stays in logical units: the window's logical top-left pixel is under (690, 60).
            session.Compositor.Click(691, 61);
            Assert.Equal((691.0, 61.0), session.Compositor.PointerPosition);
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Weston_simple_shm_without_a_buffer_scale_is_enlarged_twice_on_a_scale_2_output()
    {
        HeadlessCompositorOptions options = new() { Width = 1000, Height = 800, Scale = 2 };
        CompositorSession.Run("scale-2-simple-shm", options, session =>
        {
            ClientProcess client = session.Launch("/usr/bin/weston-simple-shm");
            WindowInfo window = session.WaitForWindow(client);
            output.WriteLine($"window: {window}");
            Assert.Equal((250, 250), (window.Bounds.Width, window.Bounds.Height));
            session.WaitForAnimation("after the window mapped");

            Image screen = session.Compositor.CaptureOutput();
            Assert.Equal((1000, 800), (screen.Width, screen.Height));
            string picture = CompositorSession.SaveForInspection(screen, "scale-2-simple-shm");
            Rect pixels = new(window.Bounds.X * 2, window.Bounds.Y * 2, 500, 500);
            int drawn = Pixels.CountOtherThan(screen, pixels, session.Options.Background);
            Assert.True(drawn > 500 * 500 * 9 / 10, $"only {drawn} of {500 * 500} pixels were drawn ({picture})");
            Assert.Equal(1000 * 800 - (500 * 500), Pixels.CountOf(screen, new Rect(0, 0, 1000, 800), session.Options.Background)
                + Pixels.CountOf(screen, pixels, session.Options.Background));

            // Nearest neighbour: every 2 × 2 block of output pixels is one buffer pixel.
            int uneven = UnevenBlocks(screen, pixels);
            Assert.True(uneven == 0, $"{uneven} 2 x 2 blocks hold more than one colour ({picture})");
            session.AssertNoProtocolErrors();
        });
    }

    /// <summary>
    /// GTK 3 picks the scale of the output its window entered (wl_output.scale) and draws at buffer scale 2: its text
    /// and borders have detail finer than a logical pixel, which an enlarged scale-1 buffer could not have (every 2 × 2
    /// block would be one colour).
    /// </summary>
    [Fact]
    public void Gtk3_draws_at_buffer_scale_2_on_a_scale_2_output_and_the_capture_is_sharp()
    {
        HeadlessCompositorOptions options = new() { Width = 2560, Height = 1800, Scale = 2 };
        CompositorSession.Run("scale-2-gtk3", options, session =>
        {
            ClientProcess client = session.Launch("/usr/bin/gtk3-widget-factory", environment: AppEnvironment.Gtk);
            WindowInfo window = session.WaitForWindow(client, TimeSpan.FromSeconds(25));
            Rect pixels = new Rect(window.Bounds.X * 2, window.Bounds.Y * 2, window.Bounds.Width * 2, window.Bounds.Height * 2)
                .Intersect(new Rect(0, 0, 2560, 1800));
            int fine = 0;
            session.WaitUntil(() => (fine = UnevenBlocks(session.Compositor.CaptureOutput(), pixels)) > 5000,
                () => $"GTK to draw at scale 2 (only {fine} 2 x 2 blocks of more than one colour)");
            Image screen = session.Compositor.CaptureOutput();
            output.WriteLine($"window {window}: {fine} uneven 2 x 2 blocks ({CompositorSession.SaveForInspection(screen, "scale-2-gtk3")})");
            session.AssertNoProtocolErrors();
            Assert.False(client.HasExited, client.Describe());
        });
    }

    /// <summary>How many 2 × 2 blocks (from the area's even corner) hold more than one colour.</summary>
    private static int UnevenBlocks(Image screen, Rect area)
    {
        int uneven = 0;
        for (int y = area.Y; y + 1 < area.Bottom; y += 2)
        {
            for (int x = area.X; x + 1 < area.Right; x += 2)
            {
                uint pixel = screen.GetPixel(x, y);
                if (screen.GetPixel(x + 1, y) != pixel || screen.GetPixel(x, y + 1) != pixel || screen.GetPixel(x + 1, y + 1) != pixel)
                {
                    uneven++;
                }
            }
        }

        return uneven;
    }

    /// <summary>A one-pixel checkerboard of two opaque colours.</summary>
    private static uint Checker(int x, int y) => ((x + y) & 1) == 0 ? Argb.Red : Argb.Blue;
}
