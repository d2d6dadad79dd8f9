using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Testing;
using Wayland.Wire;
using Xunit.Abstractions;

namespace Wayland.Compositor.Tests;

/// <summary>
/// The compositor's limits count per client process, not per connection: a process may open as many connections as it
/// likes, so limits counted per connection would let it multiply them. A libwayland client in another process
/// (tests/native/process-hog) spreads windows or content over several connections and is stopped at the limit of one
/// process, while this process (another client process) still gets a whole limit of its own; and connections of this
/// process share each limit between them.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ProcessLimitTests(ITestOutputHelper output)
{
    private const long MiB = 1L << 20;

    [Fact]
    public void Connections_of_one_process_share_its_window_limit_and_another_process_has_one_of_its_own()
    {
        const int Limit = 8;
        HeadlessCompositorOptions options = new() { MaxWindowsPerClient = Limit };
        CompositorSession.Run("process-window-limit", options, session =>
        {
            using Bystander bystander = Bystander.Start(session);

            // 4 connections of 3 windows: two fit (6), the third is refused at its third window (the 9th of the process),
            // and is disconnected with the two it had mapped; so is the fourth.
            using ClientProcess hog = session.Launch(NativePeers.Path("process-hog"), ["--connections", "4", "--windows", "3"]);
            string said = WaitForHog(session, hog);
            Assert.Equal("opened 2 refused 0 no_memory 2", said);
            Assert.Equal(6, session.Compositor.GetWindows().Count(w => w.ProcessId == hog.Id));
            Assert.All(session.Compositor.Errors, error => Assert.Equal(("wl_display", (uint)WlDisplayError.NoMemory), (error.Interface, error.Code)));
            Assert.Contains($"the clients of process {hog.Id} hold {Limit} mapped windows", session.Compositor.Errors[0].Message, StringComparison.Ordinal);

            // This process has a limit of its own: with the bystander's window, 8 windows map.
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            for (int i = 1; i < Limit; i++)
            {
                client.MapWindow($"mine {i}", client.SolidBuffer(10, 10, Argb.Blue));
            }

            Assert.Equal(Limit, session.Compositor.GetWindows().Count(w => w.ProcessId == Environment.ProcessId));
            Assert.Equal(2, session.Compositor.ErrorCount);

            // One more window of this process is refused, whatever the hog shows; the client's windows go with it, which
            // makes room for the bystander's next one.
            TestWindow extra = client.CreateWindow("one too many");
            extra.Surface.Commit();
            client.DispatchUntil(() => extra.Configures > 0, "the initial configure");
            extra.Show(client.SolidBuffer(10, 10, Argb.Blue));
            WaylandProtocolException error = client.ExpectProtocolError();
            output.WriteLine($"the client was told: {error.Message}");
            Assert.Equal(("wl_display", 1u, (uint)WlDisplayError.NoMemory), (error.InterfaceName, error.ObjectId, error.Code));
            bystander.AssertServed();
        });
    }

    [Fact]
    public void Connections_of_one_process_share_its_content_budget_and_another_process_has_one_of_its_own()
    {
        HeadlessCompositorOptions options = new() { MaxContentBytesPerClient = 16 * MiB };
        CompositorSession.Run("process-content-budget", options, session =>
        {
            using Bystander bystander = Bystander.Start(session);

            // 4 connections of two 1024x1024 surfaces (4 MiB each): two connections fit in 16 MiB, the next two are refused.
            using ClientProcess hog = session.Launch(NativePeers.Path("process-hog"), ["--connections", "4", "--surfaces", "2", "--side", "1024"]);
            Assert.Equal("opened 2 refused 0 no_memory 2", WaitForHog(session, hog));
            Assert.Contains($"would take the surfaces of process {hog.Id} to 20 MiB of content, over 16 MiB",
                session.Compositor.Errors[0].Message, StringComparison.Ordinal);

            // This process's own budget is whole: three buffers of 4 MiB beside the bystander's window.
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            ShmBuffer big = client.SolidBuffer(1024, 1024, Argb.Blue);
            for (int i = 0; i < 3; i++)
            {
                WlSurface surface = client.Own(client.Compositor.CreateSurface());
                surface.Attach(big.Buffer, 0, 0);
                surface.Commit();
            }

            client.Roundtrip();
            Assert.Equal(2, session.Compositor.ErrorCount);
            bystander.AssertServed();

            // And another connection of this process shares it: one more buffer of 4 MiB is over.
            using (ManagedClient second = ManagedClient.Connect(session.SocketPath))
            {
                WlSurface surface = second.Own(second.Compositor.CreateSurface());
                surface.Attach(second.SolidBuffer(1024, 1024, Argb.Green).Buffer, 0, 0);
                surface.Commit();
                WaylandProtocolException error = second.ExpectProtocolError();
                output.WriteLine($"the second connection was told: {error.Message}");
                Assert.Equal(("wl_display", 1u, (uint)WlDisplayError.NoMemory), (error.InterfaceName, error.ObjectId, error.Code));
                Assert.Contains($"the surfaces of process {Environment.ProcessId}", error.ErrorMessage, StringComparison.Ordinal);
            }

            client.Roundtrip();
        });
    }

    [Fact]
    public void Connections_of_one_process_share_its_sub_surface_limit()
    {
        const int Limit = 4;
        HeadlessCompositorOptions options = new() { MaxSubsurfacesPerClient = Limit };
        CompositorSession.Run("process-subsurface-limit", options, session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using ManagedClient first = ManagedClient.Connect(session.SocketPath);
            WlSubcompositor subcompositor = first.Own(first.Globals.Bind<WlSubcompositor>());
            WlSurface parent = first.Own(first.Compositor.CreateSurface());
            for (int i = 0; i < Limit - 1; i++)
            {
                first.Own(subcompositor.GetSubsurface(first.Own(first.Compositor.CreateSurface()), parent));
            }

            first.Roundtrip();
            using (ManagedClient second = ManagedClient.Connect(session.SocketPath))
            {
                WlSubcompositor other = second.Own(second.Globals.Bind<WlSubcompositor>());
                WlSurface otherParent = second.Own(second.Compositor.CreateSurface());
                second.Own(other.GetSubsurface(second.Own(second.Compositor.CreateSurface()), otherParent));
                second.Roundtrip();

                // The process holds 4: a fifth, on either connection, is over.
                second.Own(other.GetSubsurface(second.Own(second.Compositor.CreateSurface()), otherParent));
                WaylandProtocolException error = second.ExpectProtocolError();
                Assert.Equal(("wl_display", 1u, (uint)WlDisplayError.NoMemory), (error.InterfaceName, error.ObjectId, error.Code));
                Assert.Contains($"the clients of process {Environment.ProcessId} hold {Limit} sub-surfaces", error.ErrorMessage, StringComparison.Ordinal);
            }

            // The second connection's sub-surface went with it: the first may make one more.
            session.WaitUntil(() => session.Compositor.Invoke(() => session.Compositor.Display.Clients.Count) == 2, "the second connection to go");
            first.Own(subcompositor.GetSubsurface(first.Own(first.Compositor.CreateSurface()), parent));
            first.Roundtrip();
            Assert.Equal(1, session.Compositor.ErrorCount);
            bystander.AssertServed();
        });
    }

    [Fact]
    public void Connections_of_one_process_share_its_popup_limit()
    {
        const int Limit = 2;
        HeadlessCompositorOptions options = new() { Width = 400, Height = 300, MaxPopupsPerClient = Limit };
        CompositorSession.Run("process-popup-limit", options, session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using ManagedClient first = ManagedClient.Connect(session.SocketPath);
            using ManagedClient second = ManagedClient.Connect(session.SocketPath);
            int done = 0;
            TestPopup Show(ManagedClient client, TestWindow window)
            {
                TestPopup popup = TestPopup.OpenMenu(client, window);
                popup.Popup.PopupDone += _ => done++;
                popup.Show(client.SolidBuffer(10, 10, Argb.Yellow));
                client.Roundtrip();
                return popup;
            }

            TestWindow firstWindow = first.MapWindow("first", first.SolidBuffer(50, 50, Argb.Blue));
            TestWindow secondWindow = second.MapWindow("second", second.SolidBuffer(50, 50, Argb.Blue));
            Show(first, firstWindow);
            Show(second, secondWindow);
            Assert.Equal(0, done);

            // The process shows 2: a third popup is dismissed, on either connection.
            Show(second, secondWindow);
            Assert.Equal(1, done);
            Show(first, firstWindow);
            Assert.Equal(2, done);
            session.AssertNoProtocolErrors();
            bystander.AssertServed();
        });
    }

    /// <summary>Waits for process-hog's report line (after it has gone through all its connections) and returns it
    /// (libwayland's own lines about the errors, on stderr, come before it).</summary>
    private static string WaitForHog(CompositorSession session, ClientProcess hog)
    {
        string? Report()
        {
            string text = hog.Output;
            int start = text.IndexOf("opened ", StringComparison.Ordinal);
            int end = start < 0 ? -1 : text.IndexOf('\n', start);
            return end < 0 ? null : text[start..end];
        }

        session.WaitUntil(() => Report() is not null || hog.HasExited, () => $"the hog to report\n{hog.Describe()}", TimeSpan.FromSeconds(60));
        return Report()?.Trim() ?? hog.Describe();
    }
}
