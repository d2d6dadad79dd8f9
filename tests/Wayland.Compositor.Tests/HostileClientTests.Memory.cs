using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Wire;
using Xunit.Abstractions;

namespace Wayland.Compositor.Tests;

/// <summary>
/// A hostile client against the compositor's memory: small requests that would make it hold a lot (one big buffer
/// committed on many surfaces, a region of countless rectangles set on many surfaces). The client may only hurt itself:
/// it is stopped with <c>wl_display.error</c> <c>no_memory</c>, what the compositor holds for it stays within bounds,
/// and a bystander connected before is still served. Checked by errors, counts, bytes of content and the resident set, never by timing. The
/// budget is per client process, and the bystander is of this process too: its windows are small enough to leave the
/// hostile client all but a little of it (ProcessLimitTests has the hostile client in another process).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class HostileMemoryTests(ITestOutputHelper output)
{
    private const long MiB = 1L << 20;

    [Fact]
    public void One_big_buffer_committed_on_many_surfaces_stops_at_the_clients_content_budget()
    {
        // The bystander is of this process too and shares the budget: its windows take well under 1 MiB.
        HeadlessCompositorOptions options = new() { MaxContentBytesPerClient = 33 * MiB };
        CompositorSession.Run("hostile-content-budget", options, session =>
        {
            using Bystander bystander = Bystander.Start(session);
            long before = session.Compositor.ContentBytes;
            using (ManagedClient hostile = ManagedClient.Connect(session.SocketPath))
            {
                ShmBuffer big = hostile.SolidBuffer(1024, 1024, Argb.Blue); // 4 MiB of content on each surface
                for (int i = 0; i < 8; i++)
                {
                    Commit(hostile, big);
                }

                hostile.Roundtrip(); // 8 copies: 32 MiB, within the budget
                long held = session.Compositor.ContentBytes - before;
                output.WriteLine($"8 surfaces showing one 4 MiB buffer: content grew {held / (double)MiB:F1} MiB");
                Assert.InRange(held, 32 * MiB, 33 * MiB);

                // The 9th would be over it: refused, and only this client is dropped.
                Commit(hostile, big);
                WaylandProtocolException error = hostile.ExpectProtocolError();
                output.WriteLine($"the client was told: {error.Message}");
                Assert.Equal(("wl_display", 1u, (uint)WlDisplayError.NoMemory), (error.InterfaceName, error.ObjectId, error.Code));
                Assert.Contains($"would take the surfaces of process {Environment.ProcessId} to 36 MiB of content, over 33 MiB",
                    error.ErrorMessage, StringComparison.Ordinal);
            }

            Wayland.Server.ClientError recorded = session.WaitForProtocolError();
            Assert.Equal(("wl_display", (uint)WlDisplayError.NoMemory), (recorded.Interface, recorded.Code));
            bystander.AssertServed();

            // Everything it held went with it (big content is freed on a thread of its own: give it a moment). What
            // stays is the bystander's few small windows.
            long after = session.Compositor.ContentBytes - before;
            for (long deadline = Environment.TickCount64 + 5000; after >= MiB && Environment.TickCount64 < deadline; Thread.Sleep(10))
            {
                after = session.Compositor.ContentBytes - before;
            }

            Assert.True(after < MiB, $"{after} bytes of content still held after the client left");
        });
    }

    [Fact]
    public void Surfaces_stretched_from_one_pixel_buffers_are_charged_for_the_pixels_they_cover()
    {
        // Each repaint draws every pixel a surface covers, however few its buffer holds: a one-pixel buffer stretched by
        // a viewport costs no memory, so a client stacked hundreds over the whole output and each repaint took seconds.
        // A surface stretched over more than the 800 × 600 output is charged for the output's pixels (1.83 MiB).
        HeadlessCompositorOptions options = new() { Width = 800, Height = 600, MaxContentBytesPerClient = 20 * MiB };
        CompositorSession.Run("hostile-stretched-budget", options, session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using (ManagedClient hostile = ManagedClient.Connect(session.SocketPath))
            {
                WpSinglePixelBufferManagerV1 singlePixel = hostile.Own(hostile.Globals.Bind<WpSinglePixelBufferManagerV1>());
                WpViewporter viewporter = hostile.Own(hostile.Globals.Bind<WpViewporter>());
                WlBuffer pixel = hostile.Own(singlePixel.CreateU32RgbaBuffer(0, uint.MaxValue / 2, 0, uint.MaxValue / 2));
                void Stretch()
                {
                    WlSurface surface = hostile.Own(hostile.Compositor.CreateSurface());
                    hostile.Own(viewporter.GetViewport(surface)).SetDestination(1000, 1000);
                    surface.Attach(pixel, 0, 0);
                    surface.Commit();
                }

                for (int i = 0; i < 10; i++)
                {
                    Stretch();
                }

                hostile.Roundtrip(); // 10 × 1.83 MiB: within the budget
                session.AssertNoProtocolErrors();

                // The 11th would take it to 20.1 MiB: refused, and only this client is dropped.
                Stretch();
                WaylandProtocolException error = hostile.ExpectProtocolError();
                output.WriteLine($"the client was told: {error.Message}");
                Assert.Equal(("wl_display", 1u, (uint)WlDisplayError.NoMemory), (error.InterfaceName, error.ObjectId, error.Code));
                Assert.Contains($"would take the surfaces of process {Environment.ProcessId} to 20.1 MiB of content, over 20 MiB",
                    error.ErrorMessage, StringComparison.Ordinal);
            }

            Wayland.Server.ClientError recorded = session.WaitForProtocolError();
            Assert.Equal(("wl_display", (uint)WlDisplayError.NoMemory), (recorded.Interface, recorded.Code));
            bystander.AssertServed();
        });
    }

    [Fact]
    public void Content_a_client_lets_go_of_no_longer_counts_toward_its_budget()
    {
        HeadlessCompositorOptions options = new() { MaxContentBytesPerClient = 16 * MiB };
        CompositorSession.Run("content-budget-released", options, session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            ShmBuffer tall = client.SolidBuffer(1024, 1024, Argb.Blue);
            ShmBuffer wide = client.SolidBuffer(1024, 1000, Argb.Green);
            TestWindow window = client.MapWindow("resized", tall);

            // 40 surfaces of 4 MiB made and destroyed, and the window resized 40 times: far more than 16 MiB over
            // time, never more than 8 MiB at once.
            for (int i = 0; i < 40; i++)
            {
                Commit(client, tall).Dispose();
                window.Show(i % 2 == 0 ? wide : tall);
                client.Roundtrip();
            }

            // Dropping a surface's content (a NULL buffer) frees its share too: three more fit where one was.
            window.Surface.Attach(null, 0, 0);
            window.Surface.Commit();
            for (int i = 0; i < 3; i++)
            {
                Commit(client, tall);
            }

            client.Roundtrip();
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Content_of_destroyed_surfaces_goes_back_to_the_system_within_seconds()
    {
        CompositorSession.Run("content-returned", session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            // 36 MiB of content on each surface: past 32 MiB, glibc's allocator always gives a block a mapping of its own,
            // which freeing unmaps. Smaller blocks may be kept in its heap for the next ones once it has seen big
            // blocks freed (it raises its threshold for mapping them), so they need not leave the resident set.
            ShmBuffer big = client.SolidBuffer(4096, 2304, Argb.Blue);
            client.Roundtrip();
            long before = ResidentBytes();
            List<WlSurface> surfaces = [];
            for (int i = 0; i < 4; i++)
            {
                surfaces.Add(Commit(client, big));
            }

            client.Roundtrip();
            long held = ResidentBytes() - before;
            output.WriteLine($"4 surfaces of 36 MiB: private resident memory grew {held / (double)MiB:F0} MiB");
            Assert.True(held > 108 * MiB, $"the private resident memory grew only {held / MiB} MiB for 144 MiB of content");

            // Destroyed, the content goes back to the system, not to a heap that keeps it until a collection.
            surfaces.ForEach(surface => surface.Dispose());
            client.Roundtrip();
            long left = held;
            for (long deadline = Environment.TickCount64 + 5000; Environment.TickCount64 < deadline && left > 32 * MiB; Thread.Sleep(50))
            {
                left = ResidentBytes() - before;
            }

            output.WriteLine($"after the surfaces were destroyed: {left / (double)MiB:F0} MiB over the start");
            Assert.True(left <= 32 * MiB, $"{left / MiB} MiB of the 144 MiB still resident 5 s after the surfaces were destroyed");
            session.AssertNoProtocolErrors();
        });
    }

    /// <summary>RssAnon of this process, in bytes: its private memory, where content lives, without the pages of shm pools
    /// (the test's client and the compositor share this process, and each maps the client's pool).</summary>
    private static long ResidentBytes() =>
        long.Parse(File.ReadLines("/proc/self/status").First(line => line.StartsWith("RssAnon:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;

    [Fact]
    public void A_buffer_wider_than_16384_pixels_is_refused_with_no_memory()
    {
        Refusal.Expect("huge-buffer-side", client =>
        {
            Commit(client, client.SolidBuffer(16385, 1, Argb.Blue));
            return ("wl_display", 1, (uint)WlDisplayError.NoMemory);
        });
    }

    [Fact]
    public void A_region_of_more_rectangles_than_its_limit_gets_no_memory()
    {
        Refusal.Expect("hostile-region-boxes", client =>
        {
            WlRegion region = client.Own(client.Compositor.CreateRegion());
            for (int i = 0; i <= Surfaces.Region.MaxBoxes; i++)
            {
                region.Add(2 * (i % 100), 2 * (i / 100), 1, 1); // a checkerboard: nothing merges
            }

            return ("wl_display", 1, (uint)WlDisplayError.NoMemory);
        });
    }

    [Fact]
    public void A_big_region_set_on_many_surfaces_is_held_once_not_copied_for_each()
    {
        CompositorSession.Run("hostile-region-snapshots", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using ManagedClient hostile = ManagedClient.Connect(session.SocketPath);
            WlRegion region = hostile.Own(hostile.Compositor.CreateRegion());
            for (int i = 0; i < 1000; i++)
            {
                region.Add(2 * (i % 100), 2 * (i / 100), 1, 1);
            }

            hostile.Roundtrip();
            long before = GC.GetTotalMemory(forceFullCollection: true);
            for (int i = 0; i < 1000; i++)
            {
                WlSurface surface = hostile.Own(hostile.Compositor.CreateSurface());
                surface.SetInputRegion(region);
                surface.Commit();
            }

            hostile.Roundtrip();
            long grew = GC.GetTotalMemory(forceFullCollection: true) - before;
            output.WriteLine($"a region of 1000 rectangles set on 1000 surfaces: the heap grew {grew / (double)MiB:F1} MiB");
            Assert.True(grew < 8 * MiB, $"the heap grew {grew / MiB} MiB: the region is copied for each surface");
            session.AssertNoProtocolErrors();
            bystander.AssertServed();
        });
    }

    [Fact]
    public void A_region_changed_before_each_set_input_region_on_many_surfaces_stops_at_the_clients_budget()
    {
        HeadlessCompositorOptions options = new() { MaxContentBytesPerClient = 4 * MiB };
        CompositorSession.Run("hostile-region-budget", options, session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using (ManagedClient hostile = ManagedClient.Connect(session.SocketPath))
            {
                WlRegion region = hostile.Own(hostile.Compositor.CreateRegion());
                for (int i = 0; i < 1000; i++)
                {
                    region.Add(2 * (i % 100), 2 * (i / 100), 1, 1);
                }

                // Each surface gets a snapshot of its own (about 16 KiB): the region changed since the last one.
                for (int i = 0; i < 400; i++)
                {
                    if (i % 2 == 0)
                    {
                        region.Add(1000, 1000, 1, 1);
                    }
                    else
                    {
                        region.Subtract(1000, 1000, 1, 1);
                    }

                    hostile.Own(hostile.Compositor.CreateSurface()).SetInputRegion(region);
                }

                WaylandProtocolException error = hostile.ExpectProtocolError();
                output.WriteLine($"the client was told: {error.Message}");
                Assert.Equal(("wl_display", 1u, (uint)WlDisplayError.NoMemory), (error.InterfaceName, error.ObjectId, error.Code));
                Assert.Contains("regions would take", error.ErrorMessage, StringComparison.Ordinal);
            }

            Assert.Equal((uint)WlDisplayError.NoMemory, session.WaitForProtocolError().Code);
            bystander.AssertServed();
        });
    }

    /// <summary>A new surface with <paramref name="buffer"/> attached and committed (no role: only its content counts).</summary>
    private static WlSurface Commit(ManagedClient client, ShmBuffer buffer)
    {
        WlSurface surface = client.Own(client.Compositor.CreateSurface());
        surface.Attach(buffer.Buffer, 0, 0);
        surface.Commit();
        return surface;
    }
}
