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
}
