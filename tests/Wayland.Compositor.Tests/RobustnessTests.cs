using System.Buffers.Binary;
using System.Net.Sockets;
using Wayland.Client;
using Wayland.Server;
using Wayland.Wire;
using Xunit.Abstractions;

namespace Wayland.Compositor.Tests;

/// <summary>
/// One healthy client (weston-simple-shm) next to a misbehaving one: killed mid-run, writing garbage on the socket,
/// or breaking the xdg-shell rules. The bad one is dropped (with its protocol error recorded when there is one); the
/// healthy one keeps its window, its frame callbacks and its place in the screenshot.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class RobustnessTests(ITestOutputHelper output)
{
    [Fact]
    public void A_client_killed_mid_run_disappears_and_the_other_keeps_animating()
    {
        RunNextToAHealthyClient("killed", (session, healthy, healthyWindow) =>
        {
            ClientProcess victim = session.Launch("/usr/bin/weston-simple-shm");
            WindowInfo victimWindow = session.WaitForWindow(victim);
            output.WriteLine($"healthy {healthyWindow}\nvictim {victimWindow}");
            Assert.NotEqual(healthyWindow.Bounds, victimWindow.Bounds);
            Assert.True(session.FindWindow(victim)!.IsActivated, "the newest window should be active");

            // The victim's bottom-right corner lies outside the healthy window (cascaded placement).
            (int cornerX, int cornerY) = (victimWindow.Bounds.Right - 1, victimWindow.Bounds.Bottom - 1);
            Assert.False(healthyWindow.Bounds.Contains(cornerX, cornerY), "the windows overlap entirely; the test needs the cascade");
            session.WaitUntil(() => session.Compositor.CaptureOutput().GetPixel(cornerX, cornerY) != session.Options.Background,
                "the victim's window to be drawn");

            session.WaitForAnimation("both to animate");
            victim.KillNow(); // SIGKILL: no goodbye on the socket

            session.WaitUntil(() => session.FindWindow(victim) is null, "the killed client's window to go away");
            session.WaitUntil(() => session.Compositor.CaptureOutput().GetPixel(cornerX, cornerY) == session.Options.Background,
                "the killed client's window to be painted over with the background");
            session.WaitUntil(() => session.FindWindow(healthy) is { IsActivated: true }, "the remaining window to get the focus back");
            session.AssertNoProtocolErrors(); // a dead client is not a protocol error
        });
    }

    [Fact]
    public void A_client_writing_garbage_gets_an_invalid_object_error_and_the_other_keeps_animating()
    {
        RunNextToAHealthyClient("garbage", (session, _, _) =>
        {
            byte[] answer;
            using (Socket garbage = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                garbage.Connect(new UnixDomainSocketEndPoint(session.SocketPath));
                // A well-formed header for an object that does not exist (id 0xdead, opcode 3, size 16), then noise.
                byte[] junk = new byte[64];
                BinaryPrimitives.WriteUInt32LittleEndian(junk, 0xdead);
                BinaryPrimitives.WriteUInt32LittleEndian(junk.AsSpan(4), (16u << 16) | 3);
                new Random(7).NextBytes(junk.AsSpan(16));
                garbage.Send(junk);
                answer = ReadUntilClosed(garbage);
            }

            // The compositor said wl_display.error(object 1, code invalid_object = 0, message) before hanging up.
            Assert.True(answer.Length >= 16, $"the compositor answered {answer.Length} bytes, not a wl_display.error");
            Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(answer)); // wl_display
            Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(answer.AsSpan(4)) & 0xFFFF); // opcode 0: error
            Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(answer.AsSpan(8))); // about wl_display itself
            Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(answer.AsSpan(12))); // invalid_object
            ClientError error = session.WaitForProtocolError();
            Assert.Equal(("wl_display", 1u, 0u), (error.Interface, error.ObjectId, error.Code));
            output.WriteLine($"recorded: {error}");
        });
    }

    [Fact]
    public void A_client_attaching_before_ack_configure_gets_unconfigured_buffer_and_the_other_keeps_animating()
    {
        RunNextToAHealthyClient("violation", (session, _, _) =>
        {
            using (ManagedClient bad = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow window = bad.CreateWindow("rude", autoAck: false);
                window.Surface.Commit();
                bad.DispatchUntil(() => window.Configures > 0, "the initial configure");
                window.Show(bad.SolidBuffer(64, 64, Argb.Red)); // without ack_configure
                WaylandProtocolException error = bad.ExpectProtocolError();
                output.WriteLine($"the client was told: {error.Message}");
                Assert.Equal(("xdg_surface", 3u), (error.InterfaceName, error.Code)); // xdg_surface.error.unconfigured_buffer
                Assert.Equal(window.XdgSurface.Id, error.ObjectId);
            }

            ClientError recorded = session.WaitForProtocolError();
            Assert.Equal(("xdg_surface", 3u), (recorded.Interface, recorded.Code));
            Assert.DoesNotContain(session.Compositor.GetWindows(), w => w.Title == "rude");
            Assert.DoesNotContain(session.Compositor.CaptureOutput().Pixels, pixel => pixel == Argb.Red);
        });
    }

    /// <summary>
    /// Starts weston-simple-shm and waits for its window, runs <paramref name="misbehave"/> (which gets the session,
    /// the healthy client and its window), then checks that the healthy client still animates, runs, keeps its
    /// window where it was, and is drawn.
    /// </summary>
    private static void RunNextToAHealthyClient(string purpose, Action<CompositorSession, ClientProcess, WindowInfo> misbehave) =>
        CompositorSession.Run(purpose, session =>
        {
            ClientProcess healthy = session.Launch("/usr/bin/weston-simple-shm");
            WindowInfo window = session.WaitForWindow(healthy);
            misbehave(session, healthy, window);
            session.WaitForAnimation("the healthy client to keep animating");
            AssertStillShown(session, healthy, window);
        });

    /// <summary>The healthy client runs, keeps its window, and its window is drawn.</summary>
    private static void AssertStillShown(CompositorSession session, ClientProcess client, WindowInfo window)
    {
        Assert.False(client.HasExited, client.Describe());
        WindowInfo now = Assert.IsType<WindowInfo>(session.FindWindow(client));
        Assert.Equal(window.Bounds, now.Bounds);
        Image screen = session.Compositor.CaptureOutput();
        int drawn = Pixels.CountOtherThan(screen, now.Bounds, session.Options.Background);
        Assert.True(drawn > now.Bounds.Width * now.Bounds.Height * 9 / 10,
            $"only {drawn} pixels of the healthy window are drawn ({CompositorSession.SaveForInspection(screen, "robustness")})");
    }

    /// <summary>Reads what the compositor sends until it closes the connection (at most 20 s).</summary>
    private static byte[] ReadUntilClosed(Socket socket)
    {
        socket.ReceiveTimeout = (int)Poll.DefaultTimeout.TotalMilliseconds;
        using MemoryStream received = new();
        byte[] chunk = new byte[4096];
        try
        {
            int read;
            while ((read = socket.Receive(chunk)) > 0)
            {
                received.Write(chunk, 0, read);
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed with some of our junk unread: a reset instead of end-of-file, after what it sent.
        }

        return received.ToArray();
    }
}
