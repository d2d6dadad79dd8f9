using Wayland.Client;
using Wayland.Client.Protocol;

namespace Wayland.Compositor.Tests;

/// <summary>
/// What the compositor allocates on its loop thread for an animating client: a frame the way weston-simple-shm draws
/// one (attach one of two buffers, damage part of it, ask for a frame callback, commit, wait for it and destroy it) may
/// allocate the <c>wl_callback</c> resource and nothing else. Counted with the loop thread's allocation counter, never
/// timed.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class LoopAllocationTests
{
    /// <summary>The one object a frame makes on the loop thread: the server's wl_callback resource.</summary>
    private const int CallbackBytes = 80;

    [Fact]
    public void A_frame_allocates_on_the_loop_thread_only_its_callback()
    {
        const int Warmup = 20, Frames = 200;

        // A fast refresh, so that the frames below take about a second.
        CompositorSession.Run("loop-allocations", new HeadlessCompositorOptions { RefreshMilliHertz = 240_000 }, session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            ShmBuffer[] buffers = [client.SolidBuffer(64, 64, Argb.Red), client.SolidBuffer(64, 64, Argb.Blue)];
            TestWindow window = client.MapWindow("animating", buffers[0]);
            long before = 0;
            for (int frame = 0; frame < Warmup + Frames; frame++)
            {
                if (frame == Warmup)
                {
                    before = session.Compositor.Invoke(GC.GetAllocatedBytesForCurrentThread);
                }

                bool done = false;
                window.Surface.Attach(buffers[frame % 2].Buffer, 0, 0);
                window.Surface.DamageBuffer(8, 8, 48, 48);
                window.Surface.Frame().Done += (callback, _) =>
                {
                    done = true;
                    callback.Dispose(); // as libwayland clients destroy it: its id is then reused
                };
                window.Surface.Commit();
                client.DispatchUntil(() => done, $"frame {frame}");
            }

            long allocated = session.Compositor.Invoke(GC.GetAllocatedBytesForCurrentThread) - before;
            Assert.InRange(allocated, Frames * CallbackBytes, (Frames * CallbackBytes) + 1024);
            session.AssertNoProtocolErrors();
        });
    }
}
