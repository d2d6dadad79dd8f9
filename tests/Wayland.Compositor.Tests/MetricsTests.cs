using Wayland.Client.Protocol;
using Wayland.Testing;

namespace Wayland.Compositor.Tests;

/// <summary>The compositor's meter (frames, commit-to-present latency) and its display's, as a client animates.</summary>
[Collection(SerialCollection.Name)]
public class MetricsTests
{
    [Fact]
    public void Frames_and_commit_to_present_latency_are_measured_as_a_client_animates()
    {
        using MetricsRecorder metrics = new();
        HeadlessCompositorOptions options = new() { Width = 200, Height = 200, MeterFactory = metrics };
        CompositorSession.Run("metrics", options, session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            TestWindow window = client.MapWindow("metrics", client.SolidBuffer(40, 40, Argb.Red));
            client.Roundtrip();
            Assert.Equal(1, metrics.Observe("wayland.server.active_clients"));

            const int frames = 4;
            for (int i = 0; i < frames; i++)
            {
                bool done = false;
                using WlCallback callback = window.Surface.Frame();
                callback.Done += (_, _) => done = true;
                window.Show(client.SolidBuffer(40, 40, i % 2 == 0 ? Argb.Blue : Argb.Red));
                client.DispatchUntil(() => done, $"frame {i}");
            }

            // Every one of those commits asked for a frame callback, was repainted, and was measured once.
            Assert.Equal(session.Compositor.FramesRendered, metrics.Sum("wayland.compositor.frames"));
            Assert.InRange(metrics.Sum("wayland.compositor.frames"), frames, long.MaxValue);
            IReadOnlyList<double> latencies = metrics.Values("wayland.compositor.commit_to_present.duration");
            Assert.Equal(frames, latencies.Count);
            Assert.All(latencies, seconds => Assert.InRange(seconds, 0, 5));
            Assert.InRange(metrics.Sum("wayland.server.messages.received"), 20, long.MaxValue);
            Assert.InRange(metrics.Sum("wayland.server.bytes.sent"), 100, long.MaxValue);
            session.AssertNoProtocolErrors();
        });

        Assert.Equal(0, metrics.Observe("wayland.server.active_clients"));
        Assert.Equal(["Wayland.Server", "Wayland.Compositor"], metrics.Meters.Select(m => m.Name));
    }

    [Fact]
    public void A_screenshot_taken_before_the_refresh_does_not_take_that_refresh_s_frame_away()
    {
        // One refresh a second: the screenshot below paints the new content well before the refresh comes.
        CompositorSession.Run("capture-frame", new HeadlessCompositorOptions { RefreshMilliHertz = 1000 }, session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            TestWindow window = client.MapWindow("capture", client.SolidBuffer(40, 30, Argb.Blue));
            WindowInfo info = session.WaitForWindow("capture");
            session.WaitUntil(() => session.Compositor.FramesRendered >= 1, "the first frame");
            long frames = session.Compositor.FramesRendered;

            window.Show(client.SolidBuffer(40, 30, Argb.Red));
            client.Roundtrip();
            Image screen = session.Compositor.CaptureOutput();
            Assert.Equal(Argb.Red, screen.GetPixel(info.Bounds.X + 20, info.Bounds.Y + 15));

            // The refresh after the commit still counts it as a frame, though the screenshot painted it already.
            session.WaitUntil(() => session.Compositor.FramesRendered == frames + 1, "the refresh to count the frame the screenshot painted");
            session.AssertNoProtocolErrors();
        });
    }
}

