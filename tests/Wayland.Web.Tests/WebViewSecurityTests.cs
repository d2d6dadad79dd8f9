using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Wayland.Compositor.Web;
using Wayland.Testing;

namespace Wayland.Web.Tests;

/// <summary>
/// Safe by default: loopback only unless allowed, the token is required for the page and the socket, and hostile
/// WebSocket input closes that socket with a reason while the view keeps serving everyone else.
/// </summary>
public sealed class WebViewSecurityTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Without_the_token_the_page_and_the_socket_are_refused()
    {
        await using WebSession session = await WebSession.StartAsync("web-token", 320, 240);
        Uri url = session.View.Url;
        Uri wrong = new($"http://{url.Authority}/?token=0123456789abcdef0123456789abcdef");
        Uri none = new($"http://{url.Authority}/");
        using HttpClient http = new(new SocketsHttpHandler { UseCookies = false }) { Timeout = Patience };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(none)).StatusCode);
        using (HttpRequestMessage withWrongCookie = new(HttpMethod.Get, none))
        {
            withWrongCookie.Headers.Add("Cookie", $"wl-headless-token-{url.Port}=nope");
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(withWrongCookie)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri($"http://{url.Authority}/view.js"))).StatusCode);

        // A refusal closes the connection: requests pipelined behind it are never answered (nor parsed).
        using (TcpClient raw = new())
        {
            await raw.ConnectAsync(IPAddress.Loopback, url.Port);
            using NetworkStream stream = raw.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("GET /?token=x HTTP/1.1\r\nHost: a\r\n\r\n", 50))));
            using CancellationTokenSource timeout = new(Patience);
            using MemoryStream received = new();
            try
            {
                await stream.CopyToAsync(received, timeout.Token);
            }
            catch (IOException)
            {
                // Closed with requests unread: the kernel resets the connection, after the answer.
            }

            string answer = Encoding.ASCII.GetString(received.ToArray());
            Assert.StartsWith("HTTP/1.1 401", answer, StringComparison.Ordinal);
            Assert.Equal(0, answer.LastIndexOf("HTTP/1.1", StringComparison.Ordinal));
        }

        HttpResponseMessage page = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("HttpOnly", string.Join(";", page.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);

        foreach (string query in new[] { "", "?token=0123456789abcdef0123456789abcdef", "?token=" })
        {
            using ClientWebSocket socket = new();
            socket.Options.CollectHttpResponseDetails = true;
            using CancellationTokenSource timeout = new(Patience);
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://{url.Authority}/ws{query}"), timeout.Token));
            Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        }

        // The right token, but from another site's page: refused too.
        using (ClientWebSocket foreign = new())
        {
            foreign.Options.CollectHttpResponseDetails = true;
            foreign.Options.SetRequestHeader("Origin", "http://evil.example");
            using CancellationTokenSource timeout = new(Patience);
            await Assert.ThrowsAsync<WebSocketException>(() => foreign.ConnectAsync(SocketUrl(session), timeout.Token));
            Assert.Equal(HttpStatusCode.Forbidden, foreign.HttpStatusCode);
        }

        using ClientWebSocket good = await ConnectAsync(session);
        Assert.Equal(WebSocketState.Open, good.State);
    }

    [Fact]
    public async Task Only_loopback_unless_allowed_and_the_token_is_random()
    {
        using Wayland.Compositor.HeadlessCompositor compositor = new(new Wayland.Compositor.HeadlessCompositorOptions { Width = 64, Height = 64 });
        ArgumentException refused = await Assert.ThrowsAsync<ArgumentException>(() => WebView.StartAsync(compositor, new IPEndPoint(IPAddress.Any, 0)));
        Assert.Contains("loopback", refused.Message, StringComparison.Ordinal);

        await using WebView first = await WebView.StartAsync(compositor, new IPEndPoint(IPAddress.Loopback, 0));
        await using WebView second = await WebView.StartAsync(compositor, new IPEndPoint(IPAddress.IPv6Loopback, 0));
        Assert.Equal(32, first.Token.Length);
        Assert.NotEqual(first.Token, second.Token);
        Assert.Contains(first.Token, first.Url.Query, StringComparison.Ordinal);
        Assert.Equal("[::1]", second.Url.Host);

        // A taken port is a clear error, not a hang.
        IOException taken = await Assert.ThrowsAsync<IOException>(() => WebView.StartAsync(compositor, first.EndPoint));
        Assert.Contains(first.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), taken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_messages_drop_only_their_socket_and_the_view_keeps_serving()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        await using (WebSession session = await WebSession.StartAsync("web-hostile", 320, 240, new WebViewOptions { MaxMessagesPerSecond = 100 }))
        {
            // A well-behaved viewer stays connected throughout and keeps getting frames.
            using ClientWebSocket watcher = await ConnectAsync(session);
            Assert.Equal(1, (await ReceiveFrameAsync(watcher))[0]);

            (string What, string Reason, WebSocketCloseStatus Status, Func<ClientWebSocket, Task> Send)[] attacks =
            [
                ("not JSON", "not JSON", WebSocketCloseStatus.PolicyViolation, s => SendTextAsync(s, "{\"t\":\"move\",\"x\":")),
                ("JSON that is not an object", "JSON object", WebSocketCloseStatus.PolicyViolation, s => SendTextAsync(s, "[1,2,3]")),
                ("an unknown type", "unknown message type", WebSocketCloseStatus.PolicyViolation, s => SendTextAsync(s, "{\"t\":\"format-disk\"}")),
                ("a position outside the output", "outside", WebSocketCloseStatus.PolicyViolation, s => SendTextAsync(s, "{\"t\":\"move\",\"x\":100000,\"y\":5}")),
                ("a negative position", "outside", WebSocketCloseStatus.PolicyViolation, s => SendTextAsync(s, "{\"t\":\"move\",\"x\":-1,\"y\":5}")),
                ("a number too large for a double", "finite", WebSocketCloseStatus.PolicyViolation, s => SendTextAsync(s, "{\"t\":\"move\",\"x\":1e999,\"y\":5}")),
                ("a button that does not exist", "button", WebSocketCloseStatus.PolicyViolation, s => SendTextAsync(s, "{\"t\":\"button\",\"button\":99,\"down\":true}")),
                ("a deeply nested object", "must be a string", WebSocketCloseStatus.PolicyViolation, s => SendTextAsync(s, "{\"t\":" + new string('[', 500))),
                ("a binary message", "JSON text", WebSocketCloseStatus.PolicyViolation, s => s.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, default)),
                ("an acknowledgement of nothing", "acknowledgement", WebSocketCloseStatus.PolicyViolation, async s =>
                {
                    await ReceiveFrameAsync(s);
                    await SendTextAsync(s, "{\"t\":\"ack\"}");
                    await SendTextAsync(s, "{\"t\":\"ack\"}");
                }),
                ("a 1 MiB message", "limited to", WebSocketCloseStatus.MessageTooBig, s => SendTextAsync(s, "{\"t\":\"" + new string('x', 1 << 20) + "\"}")),
                ("a flood of pointer motion", "per second", WebSocketCloseStatus.PolicyViolation, async s =>
                {
                    for (int i = 0; i < 1000 && s.State == WebSocketState.Open; i++)
                    {
                        await SendTextAsync(s, $"{{\"t\":\"move\",\"x\":{i % 300},\"y\":10}}");
                    }
                }),
            ];

            long dropped = 0;
            foreach ((string what, string expectedReason, WebSocketCloseStatus status, Func<ClientWebSocket, Task> send) in attacks)
            {
                using ClientWebSocket attacker = await ConnectAsync(session);
                try
                {
                    await send(attacker);
                }
                catch (WebSocketException)
                {
                    // The server may close while a long message is still being sent.
                }

                (WebSocketCloseStatus? closed, string? reason) = await ReceiveCloseAsync(attacker, what);
                Assert.True(closed == status, $"{what}: closed with {closed} ({reason}), expected {status}");
                Assert.Contains(expectedReason, reason, StringComparison.Ordinal);
                Assert.Equal(++dropped, session.View.ConnectionsDropped);

                // The watcher still gets the next frame once something changes, and a new viewer its first one.
                session.Compositor.MovePointer(10 + dropped, 10);
                using ClientWebSocket fresh = await ConnectAsync(session);
                Assert.Equal(1, (await ReceiveFrameAsync(fresh))[0]);
                Assert.Equal(WebSocketState.Open, watcher.State);
            }
        }

        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public async Task OnAScaledOutputThePagesPixelsBecomeLogicalPointerPositions()
    {
        // The page shows the output's 800x600 pixels; at scale 2 the pointer lives in 400x300 logical units.
        await using WebSession session = await WebSession.StartAsync(nameof(OnAScaledOutputThePagesPixelsBecomeLogicalPointerPositions), 800, 600, scale: 2);
        using ClientWebSocket socket = await ConnectAsync(session);
        await SendTextAsync(socket, "{\"t\":\"move\",\"x\":700,\"y\":500}");
        Stopwatch clock = Stopwatch.StartNew();
        while (session.Compositor.PointerPosition != (350.0, 250.0) && clock.Elapsed < Patience)
        {
            await Task.Delay(10);
        }

        Assert.Equal((350.0, 250.0), session.Compositor.PointerPosition);
    }

    private static Uri SocketUrl(WebSession session) => new($"ws://{session.View.Url.Authority}/ws?token={session.View.Token}");

    private static async Task<ClientWebSocket> ConnectAsync(WebSession session)
    {
        ClientWebSocket socket = new();
        using CancellationTokenSource timeout = new(Patience);
        await socket.ConnectAsync(SocketUrl(session), timeout.Token);
        return socket;
    }

    private static Task SendTextAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, default);

    /// <summary>The next whole binary message (a frame).</summary>
    private static async Task<byte[]> ReceiveFrameAsync(ClientWebSocket socket)
    {
        using CancellationTokenSource timeout = new(Patience);
        using MemoryStream message = new();
        byte[] buffer = new byte[64 * 1024];
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
        return message.ToArray();
    }

    /// <summary>Reads (and drops) frames until the server closes; the close status, or null if the connection just broke.</summary>
    private static async Task<(WebSocketCloseStatus? Status, string? Reason)> ReceiveCloseAsync(ClientWebSocket socket, string what)
    {
        using CancellationTokenSource timeout = new(Patience);
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (result.CloseStatus, result.CloseStatusDescription);
                }
            }
        }
        catch (WebSocketException)
        {
            return (socket.CloseStatus, socket.CloseStatusDescription);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{what}: the server did not close the socket within {Patience.TotalSeconds} s");
        }
    }
}
