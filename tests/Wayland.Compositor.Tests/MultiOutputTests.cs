using System.Text.RegularExpressions;

namespace Wayland.Compositor.Tests;

/// <summary>
/// Several outputs (<see cref="HeadlessCompositorOptions.Outputs"/>): Debian's wayland-info (libwayland) lists each
/// wl_output and its xdg_output with their position, size and scale, and each output is captured on its own.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class MultiOutputTests
{
    [Fact]
    public void Wayland_info_lists_both_outputs_and_each_is_captured_with_what_is_on_it()
    {
        HeadlessCompositorOptions options = new()
        {
            Outputs =
            {
                new HeadlessOutputOptions { Width = 640, Height = 480 },
                new HeadlessOutputOptions { Width = 800, Height = 600, Scale = 2, X = 640, Y = 0 },
            },
        };
        CompositorSession.Run("outputs", options, session =>
        {
            using ClientProcess info = session.Launch("wayland-info");
            session.WaitUntil(() => info.HasExited, () => $"wayland-info to finish\n{info.Describe()}");
            info.WaitForOutput();
            Assert.Equal(0, info.ExitCode);
            string text = Regex.Replace(info.Output, @"\s+", " ");
            string[] expected =
            [
                "name: HEADLESS-1 description: Wayland.NET headless output 640x480 x: 0, y: 0, scale: 1,",
                "name: HEADLESS-2 description: Wayland.NET headless output 800x600 x: 640, y: 0, scale: 2,",
                "mode: width: 800 px, height: 600 px, refresh: 60.000 Hz, flags: current preferred",
                "name: 'HEADLESS-1' description: 'Wayland.NET headless output 640x480' logical_x: 0, logical_y: 0 logical_width: 640, logical_height: 480",
                "name: 'HEADLESS-2' description: 'Wayland.NET headless output 800x600' logical_x: 640, logical_y: 0 logical_width: 400, logical_height: 300",
            ];
            Assert.All(expected, line => Assert.Contains(line, text, StringComparison.Ordinal));

            Assert.Equal(2, session.Compositor.OutputCount);
            Assert.Equal((640, 480), (session.Compositor.OutputWidth, session.Compositor.OutputHeight));
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            client.MapWindow("moved", client.SolidBuffer(60, 40, Argb.Red));
            WindowInfo window = session.WaitForWindow("moved");
            Assert.True(window.Bounds.Right <= 640, $"{window} is not on the first output");
            session.Compositor.MoveWindow(window.Id, 700, 100);

            Image first = session.Compositor.CaptureOutput(0);
            Image second = session.Compositor.CaptureOutput(1);
            Assert.Equal((640, 480), (first.Width, first.Height));
            Assert.Equal((800, 600), (second.Width, second.Height));
            // The second output has scale 2: logical (60, 100) on it is pixel (120, 200), and the window is twice as big.
            Assert.Equal(120 * 80, Pixels.CountOf(second, new Rect(120, 200, 120, 80), Argb.Red));
            Assert.Equal(0, Pixels.CountOf(first, new Rect(0, 0, 640, 480), Argb.Red));
            Assert.Throws<ArgumentOutOfRangeException>(() => session.Compositor.CaptureOutput(2));

            // The pointer crosses onto the second output and finds the window there.
            session.Compositor.Click(730, 120);
            Assert.Equal((730.0, 120.0), session.Compositor.PointerPosition);
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void The_first_output_must_be_at_the_origin()
    {
        HeadlessCompositorOptions options = new() { Outputs = { new HeadlessOutputOptions { X = 10 } } };
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeadlessCompositor(options));
    }

    [Fact]
    public void Each_output_reports_its_logical_area_and_scale()
    {
        HeadlessCompositorOptions options = new()
        {
            Outputs =
            {
                new HeadlessOutputOptions { Width = 640, Height = 480 },
                new HeadlessOutputOptions { Width = 800, Height = 600, Scale = 2, X = 640, Y = 0 },
            },
        };
        using HeadlessCompositor compositor = new(options);
        Assert.Equal(2, compositor.OutputCount);
        Assert.Equal((new Rect(0, 0, 640, 480), 1), (compositor.GetOutputArea(0), compositor.GetOutputScale(0)));
        Assert.Equal((new Rect(640, 0, 400, 300), 2), (compositor.GetOutputArea(1), compositor.GetOutputScale(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => compositor.GetOutputArea(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => compositor.GetOutputScale(-1));
    }
}
