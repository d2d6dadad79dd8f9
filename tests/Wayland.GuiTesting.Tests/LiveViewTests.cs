using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Wayland.Testing;

namespace Wayland.GuiTesting.Tests;

/// <summary>
/// The live view of a session: served while the test runs (page behind the token, frames over the WebSocket), a failed
/// session held until its viewer leaves or the maximum runs out, and nothing opened or held when it is off.
/// </summary>
[Collection(nameof(GuiSessionTests))] // counts descriptors and sets environment variables: no other test class may run meanwhile
public sealed class LiveViewTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task The_live_view_serves_the_page_with_the_token_and_the_output_over_the_socket()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        int[] listeningBefore = ListeningTcpPorts();
        ConcurrentQueue<string> log = new();
        int port;
        await using (GuiSession session = new(Options(log)))
        {
            Uri url = Assert.IsType<Uri>(session.LiveView?.Url);
            port = url.Port;
            Assert.Equal([port], ListeningTcpPorts().Except(listeningBefore));
            Assert.Contains(log, message => message.Contains(url.ToString(), StringComparison.Ordinal));

            using HttpClient http = new(new SocketsHttpHandler { UseCookies = false }) { Timeout = Patience };
            using (HttpResponseMessage page = await http.GetAsync(url))
            {
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            }

            using (HttpResponseMessage refused = await http.GetAsync(new Uri($"http://{url.Authority}/")))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            using ClientWebSocket viewer = await ConnectAsync(session);
            // The first frame's header: type 1, at least one rectangle, the output's size.
            byte[] frame = new byte[64 * 1024];
            using (CancellationTokenSource timeout = new(Patience))
            {
                ValueWebSocketReceiveResult first = await viewer.ReceiveAsync(frame.AsMemory(), timeout.Token);
                Assert.Equal(WebSocketMessageType.Binary, first.MessageType);
                Assert.True(first.Count >= 8, $"{first.Count} bytes");
            }

            Assert.Equal(1, frame[0]);
            Assert.True(BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(2)) > 0);
            Assert.Equal(320, BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(4)));
            Assert.Equal(240, BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(6)));
            Assert.Equal(1, session.LiveView!.ViewerCount);
            Assert.Equal(1, session.LiveView.ViewersConnected);

            // Nothing failed: disposing does not wait for the viewer still connected, and closes its socket.
            Task ended = EndedByServerAsync(viewer);
            Stopwatch disposing = Stopwatch.StartNew();
            await session.DisposeAsync();
            Assert.True(disposing.Elapsed < TimeSpan.FromSeconds(5), $"dispose took {disposing.Elapsed}");
            await ended.WaitAsync(Patience);
        }

        Assert.DoesNotContain(port, ListeningTcpPorts());
        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public async Task A_failed_session_is_held_until_its_viewer_closes_the_page()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using GuiSessionTests.ArtifactsDirectory artifacts = new();
        ConcurrentQueue<string> log = new();
        GuiSessionOptions options = Options(log, artifacts.Path);
        GuiSession session = new(options);
        using ClientWebSocket viewer = await ConnectAsync(session);
        GuiTimeoutException failure = await Assert.ThrowsAsync<GuiTimeoutException>(() => session.WaitForWindowAsync("never", TimeSpan.FromMilliseconds(50)));
        Assert.Contains($"live view: {session.LiveView!.Url}", failure.Message, StringComparison.Ordinal);

        Task disposed = session.DisposeAsync().AsTask();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(disposed.IsCompleted, "dispose did not wait for the viewer");
        Assert.Contains(log, message => message.Contains("holding", StringComparison.Ordinal));
        // While held, the page keeps its connection.
        Assert.Equal(1, session.LiveView.ViewerCount);

        Stopwatch closing = Stopwatch.StartNew();
        using (CancellationTokenSource timeout = new(Patience))
        {
            await viewer.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        }

        await disposed.WaitAsync(Patience);
        // A second of nobody watching (so that a reload does not end the hold), then the session ends.
        Assert.True(closing.Elapsed < TimeSpan.FromSeconds(4), $"dispose returned {closing.Elapsed} after the page closed");
        Assert.Contains(log, message => message.Contains("live view was closed", StringComparison.Ordinal));
        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public async Task A_failed_session_is_held_no_longer_than_the_maximum()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using GuiSessionTests.ArtifactsDirectory artifacts = new();
        ConcurrentQueue<string> log = new();
        GuiSessionOptions options = Options(log, artifacts.Path);
        options.LiveViewHold = TimeSpan.FromSeconds(1);
        await using (GuiSession session = new(options))
        {
            // Nobody comes: an explicit hold (as after a failed assertion of the test's own) ends at its maximum.
            Stopwatch held = Stopwatch.StartNew();
            Assert.False(await session.HoldForViewerAsync(TimeSpan.FromMilliseconds(300)));
            Assert.InRange(held.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(3));

            // A viewer stays: disposing the failed session waits the maximum, then closes the viewer's socket.
            using ClientWebSocket viewer = await ConnectAsync(session);
            await Assert.ThrowsAsync<GuiTimeoutException>(() => session.WaitForWindowAsync("never", TimeSpan.FromMilliseconds(50)));
            Task ended = EndedByServerAsync(viewer);
            Stopwatch disposing = Stopwatch.StartNew();
            await session.DisposeAsync();
            Assert.InRange(disposing.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(6));
            await ended.WaitAsync(Patience);
            Assert.Contains(log, message => message.Contains("nobody closed the live view within 1 s", StringComparison.Ordinal));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => session.HoldForViewerAsync());
        }

        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public async Task Without_the_live_view_no_port_is_opened_and_a_failure_holds_nothing()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        int[] listeningBefore = ListeningTcpPorts();
        using GuiSessionTests.ArtifactsDirectory artifacts = new();
        ConcurrentQueue<string> log = new();
        GuiSessionOptions options = Options(log, artifacts.Path);
        options.LiveView = null;
        Stopwatch clock = Stopwatch.StartNew();
        await using (GuiSession session = new(options))
        {
            Assert.Null(session.LiveView);
            Assert.Empty(ListeningTcpPorts().Except(listeningBefore));
            GuiTimeoutException failure = await Assert.ThrowsAsync<GuiTimeoutException>(() => session.WaitForWindowAsync("never", TimeSpan.FromMilliseconds(50)));
            Assert.DoesNotContain("live view", failure.Message, StringComparison.Ordinal);
            Assert.False(await session.HoldForViewerAsync(TimeSpan.FromMinutes(10)));
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the session took {clock.Elapsed}");
        Assert.Empty(log);
        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public void The_environment_turns_the_live_view_on_and_sets_the_hold()
    {
        string? live = Environment.GetEnvironmentVariable(GuiSessionOptions.LiveViewVariable);
        string? hold = Environment.GetEnvironmentVariable(GuiSessionOptions.LiveViewHoldVariable);
        try
        {
            Environment.SetEnvironmentVariable(GuiSessionOptions.LiveViewVariable, null);
            Environment.SetEnvironmentVariable(GuiSessionOptions.LiveViewHoldVariable, null);
            GuiSessionOptions defaults = new();
            Assert.Null(defaults.LiveView);
            Assert.Equal(TimeSpan.FromSeconds(600), defaults.LiveViewHold);

            Environment.SetEnvironmentVariable(GuiSessionOptions.LiveViewVariable, "127.0.0.1:0");
            Environment.SetEnvironmentVariable(GuiSessionOptions.LiveViewHoldVariable, "2.5");
            GuiSessionOptions set = new();
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, 0), set.LiveView);
            Assert.Equal(TimeSpan.FromSeconds(2.5), set.LiveViewHold);

            Environment.SetEnvironmentVariable(GuiSessionOptions.LiveViewVariable, "1");
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, 0), new GuiSessionOptions().LiveView);
            Environment.SetEnvironmentVariable(GuiSessionOptions.LiveViewVariable, "[::1]:8123");
            Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 8123), new GuiSessionOptions().LiveView);

            Environment.SetEnvironmentVariable(GuiSessionOptions.LiveViewVariable, "somewhere");
            ArgumentException badAddress = Assert.Throws<ArgumentException>(() => new GuiSessionOptions());
            Assert.Contains("WAYLAND_GUI_LIVE=somewhere", badAddress.Message, StringComparison.Ordinal);
            Environment.SetEnvironmentVariable(GuiSessionOptions.LiveViewVariable, null);
            Environment.SetEnvironmentVariable(GuiSessionOptions.LiveViewHoldVariable, "-1");
            ArgumentException badHold = Assert.Throws<ArgumentException>(() => new GuiSessionOptions());
            Assert.Contains("WAYLAND_GUI_LIVE_HOLD=-1", badHold.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(GuiSessionOptions.LiveViewVariable, live);
            Environment.SetEnvironmentVariable(GuiSessionOptions.LiveViewHoldVariable, hold);
        }
    }

    /// <summary>A live view refused by the web library (not loopback) fails the session's creation and leaks nothing.</summary>
    [Fact]
    public void A_live_view_on_a_public_address_is_refused_and_leaks_nothing()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        GuiSessionOptions options = Options(new ConcurrentQueue<string>());
        options.LiveView = new IPEndPoint(IPAddress.Any, 0);
        ArgumentException refused = Assert.Throws<ArgumentException>(() => new GuiSession(options));
        Assert.Contains("loopback", refused.Message, StringComparison.Ordinal);
        OpenFds.AssertUnchanged(before);
    }

    /// <summary>The TCP ports this process listens on now (from /proc/self/net, matched by socket inode).</summary>
    private static int[] ListeningTcpPorts()
    {
        HashSet<string> ours = [.. Directory.GetFiles("/proc/self/fd")
            .Select(fd => { try { return new FileInfo(fd).LinkTarget; } catch (IOException) { return null; } })
            .OfType<string>()
            .Where(target => target.StartsWith("socket:[", StringComparison.Ordinal))
            .Select(target => target["socket:[".Length..^1])];
        List<int> ports = [];
        foreach (string table in (string[])["/proc/self/net/tcp", "/proc/self/net/tcp6"])
        {
            foreach (string line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields[3] == "0A" && ours.Contains(fields[9]))
                {
                    ports.Add(int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
        }

        return [.. ports];
    }

    private static async Task<ClientWebSocket> ConnectAsync(GuiSession session)
    {
        Uri url = session.LiveView!.Url;
        ClientWebSocket socket = new();
        using CancellationTokenSource timeout = new(Patience);
        await socket.ConnectAsync(new Uri($"ws://{url.Authority}/ws?token={session.LiveView.Token}"), timeout.Token);
        return socket;
    }

    /// <summary>Reads (and drops frames) until the server ends the connection, by a close or a reset.</summary>
    private static async Task EndedByServerAsync(ClientWebSocket socket)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while ((await socket.ReceiveAsync(buffer.AsMemory(), default)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (WebSocketException)
        {
            // The web view aborts the connections still open when it stops.
        }
    }

    private static GuiSessionOptions Options(ConcurrentQueue<string> log, string? artifacts = null, [CallerMemberName] string name = "") => new()
    {
        Name = name,
        ArtifactsDirectory = artifacts ?? Path.Combine(Directory.GetCurrentDirectory(), "gui-artifacts"),
        Width = 320,
        Height = 240,
        LiveView = new IPEndPoint(IPAddress.Loopback, 0),
        LiveViewHold = TimeSpan.FromSeconds(60),
        Log = log.Enqueue,
    };
}
