using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Testing;
using Wayland.Wire;
using Xunit.Abstractions;

namespace Wayland.Compositor.Tests;

/// <summary>
/// A hostile client against the compositor's time: requests that are cheap to send and costly to handle, many in one
/// read of 4 KB. A commit of a 4096×4096 buffer with full damage copies 64 MiB; 78 of them fit in one read, several
/// hundred milliseconds of copying during which nobody else was served. And from a pool that is not sealed, each
/// commit read the whole buffer out of the client's file, however small its damage. Checked by counting commits and
/// bytes read, never by timing.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class HostileWorkTests(ITestOutputHelper output)
{
    [Fact]
    public void Commits_of_big_buffers_sent_in_bulk_let_a_bystander_in_between()
    {
        const int Side = 4096, Commits = 300; // 52 bytes each: about 15 KB, 78 to a read
        CompositorSession.Run("hostile-commit-work", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using ManagedClient quick = ManagedClient.Connect(session.SocketPath);
            using ManagedClient hostile = ManagedClient.Connect(session.SocketPath);
            ShmBuffer big = hostile.SolidBuffer(Side, Side, Argb.Blue);
            WlSurface surface = hostile.Own(hostile.Compositor.CreateSurface());
            hostile.Roundtrip();
            long start = session.Compositor.Commits;
            for (int i = 0; i < Commits; i++)
            {
                surface.Attach(big.Buffer, 0, 0);
                surface.DamageBuffer(0, 0, Side, Side);
                surface.Commit();
            }

            hostile.Display.Flush();

            // Once the compositor is busy with the first read of them, another client asks for a roundtrip: it is
            // answered after a few of those commits, not after all the read holds.
            Poll.Until(() => session.Compositor.Commits > start, () => "the first commit was never applied");
            long before = session.Compositor.Commits;
            quick.Roundtrip();
            long between = session.Compositor.Commits - before;
            output.WriteLine($"commits handled while the bystander's roundtrip waited: {between} (of {Commits})");
            Assert.True(between < 30, $"{between} commits of 64 MiB were handled before another client's roundtrip");

            // Nothing of the hostile client's is lost or reordered: every commit is applied, then its roundtrip.
            hostile.Roundtrip();
            Assert.Equal(start + Commits, session.Compositor.Commits);
            session.AssertNoProtocolErrors();
            bystander.AssertServed();
        });
    }

    [Fact]
    public void A_small_damage_of_a_big_buffer_in_an_unsealed_pool_reads_only_its_rows()
    {
        using MetricsRecorder metrics = new();
        HeadlessCompositorOptions options = new() { Width = 800, Height = 600, MeterFactory = metrics };
        CompositorSession.Run("unsealed-damage-rows", options, session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);

            // A window of 400x300 from a plain file (no seals: the compositor reads it with pread), drawn blue.
            const int Width = 400, Height = 300, Stride = Width * 4;
            using SafeFileHandle window = UnsealedFile(session, Width * Height * 4);
            Fill(window, Stride, new Rect(0, 0, Width, Height), Argb.Blue);
            WlShmPool pool = client.Own(client.Shm.CreatePool(window, Width * Height * 4));
            WlBuffer buffer = client.Own(pool.CreateBuffer(0, Width, Height, Stride, WlShmFormat.Argb8888));
            TestWindow shown = client.CreateWindow("unsealed");
            shown.Surface.Commit();
            client.DispatchUntil(() => shown.Configures > 0, "the initial configure");
            shown.Surface.Attach(buffer, 0, 0);
            shown.Surface.Commit();
            client.Roundtrip();
            WindowInfo info = session.WaitForWindow("unsealed");

            // A red square of 10x10 at (50, 100), damaged alone: it shows, and only its 10 rows are read.
            Fill(window, Stride, new Rect(50, 100, 10, 10), Argb.Red);
            long before = metrics.Sum("wayland.server.shm.bytes_read");
            shown.Surface.Attach(buffer, 0, 0);
            shown.Surface.DamageBuffer(50, 100, 10, 10);
            shown.Surface.Commit();
            client.Roundtrip();
            Assert.Equal(10L * Stride, metrics.Sum("wayland.server.shm.bytes_read") - before);
            Image screen = session.Compositor.CaptureOutput();
            Assert.Equal(Argb.Red, screen.GetPixel(info.Bounds.X + 55, info.Bounds.Y + 105));
            Assert.Equal(Argb.Blue, screen.GetPixel(info.Bounds.X + 55, info.Bounds.Y + 95));
            Assert.Equal(Argb.Blue, screen.GetPixel(info.Bounds.X + 45, info.Bounds.Y + 105));

            // A hostile client: 100 commits of one damaged pixel of a 4096x4096 unsealed buffer. Each reads one row
            // (16 KiB), not the whole 64 MiB.
            using ManagedClient hostile = ManagedClient.Connect(session.SocketPath);
            const int Side = 4096, Commits = 100;
            using SafeFileHandle big = UnsealedFile(session, Side * Side * 4);
            WlShmPool bigPool = hostile.Own(hostile.Shm.CreatePool(big, Side * Side * 4));
            WlBuffer bigBuffer = hostile.Own(bigPool.CreateBuffer(0, Side, Side, Side * 4, WlShmFormat.Argb8888));
            WlSurface surface = hostile.Own(hostile.Compositor.CreateSurface());
            surface.Attach(bigBuffer, 0, 0);
            surface.Commit();
            hostile.Roundtrip();
            before = metrics.Sum("wayland.server.shm.bytes_read");
            for (int i = 0; i < Commits; i++)
            {
                surface.Attach(bigBuffer, 0, 0);
                surface.DamageBuffer(i, i, 1, 1);
                surface.Commit();
            }

            hostile.Roundtrip();
            long read = metrics.Sum("wayland.server.shm.bytes_read") - before;
            output.WriteLine($"{Commits} commits of one damaged pixel of a 64 MiB unsealed buffer read {read / 1024} KiB");
            Assert.Equal((long)Commits * Side * 4, read);
            session.AssertNoProtocolErrors();
            bystander.AssertServed();
        });
    }

    [Fact]
    public void Frame_callbacks_by_the_thousand_are_completed_a_share_per_loop_turn()
    {
        // 24 bytes of events each (done and delete_id): 120 KB, which the client's socket takes without being read.
        const int Callbacks = 5000;

        // Two refreshes a second, so that both clients' commits below come before the same refresh.
        CompositorSession.Run("hostile-frame-callbacks", new HeadlessCompositorOptions { RefreshMilliHertz = 2000 }, session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using ManagedClient hostile = ManagedClient.Connect(session.SocketPath);

            // A client of another process (to the compositor): a connection handed over, as wl-headless --exec does.
            (SafeFdHandle ours, SafeFdHandle theirs) = UnixSocket.CreatePair();
            session.Compositor.Invoke(() => session.Compositor.Display.CreateClient(ours));
            using ManagedClient other = ManagedClient.ConnectTo(theirs);
            WlSurface hostileSurface = hostile.Own(hostile.Compositor.CreateSurface());
            WlSurface otherSurface = other.Own(other.Compositor.CreateSurface());
            hostile.Roundtrip();
            other.Roundtrip();

            bool seenHalfway = false;
            for (int round = 1; round <= 10 && !seenHalfway; round++)
            {
                long start = session.Compositor.FrameCallbacksDone, lateBefore = session.Compositor.CompletedLate;
                List<uint> times = [];
                for (int i = 0; i < Callbacks; i++)
                {
                    hostileSurface.Frame().Done += (_, time) => times.Add(time);
                }

                hostileSurface.Commit();
                hostile.Display.Flush();
                bool otherDone = false;
                other.Own(otherSurface.Frame()).Done += (_, _) => otherDone = true;
                otherSurface.Commit();
                other.Display.Flush();

                // Look from the loop's own thread, between its turns, as often as possible: while the callbacks are
                // completed a share per turn, a look sees some of them done and not all.
                Stopwatch deadline = Stopwatch.StartNew();
                long done;
                do
                {
                    done = session.Compositor.Invoke(() => session.Compositor.FrameCallbacksDone) - start;
                    seenHalfway |= done > 1 && done < Callbacks;
                }
                while (done < Callbacks + 1 && deadline.Elapsed < Poll.DefaultTimeout);

                hostile.DispatchUntil(() => times.Count == Callbacks, $"the {Callbacks} frame callbacks of round {round}");
                other.DispatchUntil(() => otherDone, $"the other process's frame callback of round {round}");
                output.WriteLine($"round {round}: looked halfway: {seenHalfway}");

                // Every callback of the hostile client carries the time of the refresh that presented them all, its
                // first share at once and the rest later; the other process's callback was not kept behind them.
                Assert.All(times, time => Assert.Equal(times[0], time));
                Assert.Equal(Callbacks - FrameClock.MaxCompletionsPerTurn, session.Compositor.CompletedLate - lateBefore);
            }

            Assert.True(seenHalfway, "no look between two loop turns saw the frame callbacks partly completed");
            session.AssertNoProtocolErrors();
            bystander.AssertServed();
        });
    }

    [Fact]
    public void A_client_that_leaves_with_thousands_of_objects_has_them_destroyed_a_share_per_loop_turn()
    {
        const int Surfaces = 20_000; // 12 bytes each to create, no events
        CompositorSession.Run("hostile-leave-objects", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            (SafeFdHandle ours, SafeFdHandle theirs) = UnixSocket.CreatePair();
            session.Compositor.Invoke(() => session.Compositor.Display.CreateClient(ours));
            using ManagedClient other = ManagedClient.ConnectTo(theirs);
            other.Roundtrip();

            for (int round = 1; round <= 3; round++)
            {
                ManagedClient hostile = ManagedClient.Connect(session.SocketPath);
                hostile.MapWindow($"leaving {round}", hostile.SolidBuffer(20, 20, Argb.Red));
                for (int i = 0; i < Surfaces; i++)
                {
                    hostile.Compositor.CreateSurface();
                }

                hostile.Roundtrip();
                Wayland.Server.Client leaving = session.Compositor.Invoke(() =>
                    session.Compositor.Display.Clients.Single(c => c.ObjectCount > Surfaces));
                int destroyed = 0;
                session.Compositor.Invoke(() => leaving.Destroyed += _ => destroyed++);
                hostile.Dispose();

                // Look from the loop's own thread, between its turns: while the objects are destroyed a share per
                // turn, a look sees some of them gone and not all, and the client not yet destroyed.
                bool seenHalfway = false;
                Stopwatch deadline = Stopwatch.StartNew();
                bool gone;
                do
                {
                    (int left, gone) = session.Compositor.Invoke(() => (leaving.ObjectCount, leaving.IsDestroyed));
                    seenHalfway |= !gone && left > 0 && left < Surfaces;
                }
                while (!gone && deadline.Elapsed < Poll.DefaultTimeout);

                output.WriteLine($"round {round}: looked halfway: {seenHalfway}");
                Assert.True(seenHalfway, "no look between two loop turns saw the leaving client's objects partly destroyed");
                Assert.Equal((0, 1), session.Compositor.Invoke(() => (leaving.ObjectCount, destroyed)));
                Assert.DoesNotContain(session.Compositor.GetWindows(), w => w.Title == $"leaving {round}");
                other.Roundtrip();
            }

            session.AssertNoProtocolErrors();
            bystander.AssertServed();
        });
    }

    [Fact]
    public void A_client_that_leaves_with_many_windows_and_popups_changes_the_stacking_once()
    {
        // Each window unmapped on its own made the seat look for the top window and hit-test every window under the
        // pointer: 500 windows leaving at once cost the loop that 500 times over.
        const int Windows = 40, Popups = 20;
        CompositorSession.Run("hostile-leave-windows", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            ManagedClient hostile = ManagedClient.Connect(session.SocketPath);
            ShmBuffer buffer = hostile.SolidBuffer(20, 20, Argb.Red);
            List<TestWindow> windows = [];
            for (int i = 0; i < Windows; i++)
            {
                windows.Add(hostile.MapWindow($"leaving {i}", buffer));
            }

            for (int i = 0; i < Popups; i++)
            {
                TestPopup.OpenMenu(hostile, windows[i]).Show(buffer);
            }

            int changes = 0;
            session.Compositor.Invoke(() => session.Compositor.Scene.StackChanged += () => changes++);
            hostile.Display.Dispose();
            session.WaitUntil(() => session.Compositor.GetWindows().Count == 1, "the leaving client's windows to go");
            Assert.Equal(1, session.Compositor.Invoke(() => changes));
            Assert.Equal("bystander 1", session.Compositor.GetWindows().Single().Title);
            hostile.Dispose();
            bystander.AssertServed();
        });
    }

    /// <summary>A file of <paramref name="size"/> bytes in the session's directory, already unlinked: a pool with no seals.</summary>
    private static SafeFileHandle UnsealedFile(CompositorSession session, long size)
    {
        string path = Path.Combine(Path.GetDirectoryName(session.SocketPath)!, $"pool-{Guid.NewGuid():N}");
        SafeFileHandle file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        File.Delete(path);
        RandomAccess.SetLength(file, size);
        return file;
    }

    private static void Fill(SafeFileHandle file, int stride, Rect rect, uint argb)
    {
        uint[] row = new uint[rect.Width];
        Array.Fill(row, argb);
        for (int y = rect.Y; y < rect.Bottom; y++)
        {
            RandomAccess.Write(file, MemoryMarshal.AsBytes(row.AsSpan()), ((long)y * stride) + (rect.X * 4L));
        }
    }
}
