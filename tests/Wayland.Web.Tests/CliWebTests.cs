using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Wayland.Testing;

namespace Wayland.Web.Tests;

/// <summary><c>wl-headless --web</c> as a user runs it: the address printed at start serves the page and frames,
/// and a public address needs <c>--web-public</c>.</summary>
public sealed partial class CliWebTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public void A_public_address_needs_web_public()
    {
        using RuntimeDirectory runtime = RuntimeDirectory.Create("web-cli-public");
        ProcessStartInfo info = new("dotnet") { ArgumentList = { CliPath, "--web", "0.0.0.0:0", "--timeout", "5" } };
        runtime.Apply(info);
        (int exit, _, string stderr) = ProcessRunner.Run(info, Patience);
        Assert.Equal(64, exit);
        Assert.Contains("--web-public", stderr, StringComparison.Ordinal);

        ProcessStartInfo bad = new("dotnet") { ArgumentList = { CliPath, "--web", "nonsense", "--timeout", "5" } };
        runtime.Apply(bad);
        (exit, _, stderr) = ProcessRunner.Run(bad, Patience);
        Assert.Equal(64, exit);
        Assert.Contains("ADDR:PORT", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public Task The_printed_address_serves_the_page_and_frames_of_the_exec_client() =>
        ServesThePageAndFramesAsync(new ProcessStartInfo("dotnet") { ArgumentList = { CliPath } });

    [Fact]
    public async Task The_native_aot_build_serves_the_page_and_frames_too()
    {
        // Kestrel, the WebSocket and the input parser compiled ahead of time: no reflection they rely on.
        using NativeAotTool native = NativeAotTool.Get("tools/Wayland.Compositor.Cli/Wayland.Compositor.Cli.csproj", "wl-headless");
        await ServesThePageAndFramesAsync(new ProcessStartInfo(native.Executable));
    }

    private static async Task ServesThePageAndFramesAsync(ProcessStartInfo info)
    {
        using RuntimeDirectory runtime = RuntimeDirectory.Create("web-cli");
        foreach (string argument in (ReadOnlySpan<string>)["--web", "localhost:0", "--exec", "weston-simple-shm", "--timeout", "15"])
        {
            info.ArgumentList.Add(argument);
        }

        info.RedirectStandardError = true;
        info.RedirectStandardOutput = true;
        info.UseShellExecute = false;
        runtime.Apply(info);
        using Process process = Process.Start(info)!;
        try
        {
            using CancellationTokenSource timeout = new(Patience);
            Uri url = await ReadUrlAsync(process, timeout.Token);
            Assert.Equal("127.0.0.1", url.Host);
            using HttpClient http = new() { Timeout = Patience };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(url, timeout.Token)).StatusCode);
            Assert.Contains("drawFrame", await http.GetStringAsync(new Uri(url, "view.js"), timeout.Token), StringComparison.Ordinal);
            using HttpClient stranger = new(new SocketsHttpHandler { UseCookies = false }) { Timeout = Patience };
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync(new Uri(url, "/?token=wrong"), timeout.Token)).StatusCode);

            using ClientWebSocket socket = new();
            await socket.ConnectAsync(new Uri($"ws://{url.Authority}/ws{url.Query}"), timeout.Token);
            byte[] buffer = new byte[1 << 20];
            ValueWebSocketReceiveResult first = await socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
            Assert.Equal(WebSocketMessageType.Binary, first.MessageType);
            Assert.Equal(1, buffer[0]);
            Assert.Equal(1024, BitConverter.ToUInt16(buffer, 4));

            // Input goes through the JSON parser; a bad message is refused with a reason.
            await socket.SendAsync("{\"t\":\"move\",\"x\":5,\"y\":5}"u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
            await socket.SendAsync("{\"t\":\"move\",\"x\":-5,\"y\":5}"u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
            ValueWebSocketReceiveResult closed;
            do
            {
                closed = await socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
            }
            while (closed.MessageType != WebSocketMessageType.Close);
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
            Assert.Contains("outside", socket.CloseStatusDescription, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(new CancellationTokenSource(Patience).Token);
        }
    }

    [Fact]
    public async Task A_flood_of_connections_is_capped_and_the_viewer_keeps_watching()
    {
        // Any local user can open connections without the token; each would be a descriptor of the compositor's
        // process. Over --web-max-connections they are closed as soon as they are accepted, and the viewers'
        // WebSockets, counted apart, keep getting frames.
        const int Cap = 8;
        const int Flood = 300;
        using RuntimeDirectory runtime = RuntimeDirectory.Create("web-cli-cap");
        ProcessStartInfo info = new("dotnet")
        {
            ArgumentList =
            {
                CliPath, "--web", "127.0.0.1:0", "--web-max-connections", $"{Cap}", "--web-max-viewers", "2",
                "--exec", "weston-simple-shm", "--timeout", "60",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        runtime.Apply(info);
        using Process process = Process.Start(info)!;
        List<Socket> flood = [];
        try
        {
            using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(60));
            Uri url = await ReadUrlAsync(process, timeout.Token);
            Uri socketUrl = new($"ws://{url.Authority}/ws{url.Query}");
            using ClientWebSocket watcher = new();
            await watcher.ConnectAsync(socketUrl, timeout.Token);
            byte[] buffer = new byte[1 << 20];
            await ReceiveFrameAsync(watcher, buffer, timeout.Token);

            // Two viewers at most: the third is told to come back later.
            using (ClientWebSocket second = new())
            {
                await second.ConnectAsync(socketUrl, timeout.Token);
                using ClientWebSocket third = new();
                third.Options.CollectHttpResponseDetails = true;
                await Assert.ThrowsAsync<WebSocketException>(() => third.ConnectAsync(socketUrl, timeout.Token));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, third.HttpStatusCode);
            }

            int before = OpenDescriptors(process.Id);
            for (int i = 0; i < Flood; i++)
            {
                Socket socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                flood.Add(socket);
                await socket.ConnectAsync(IPAddress.Loopback, url.Port, timeout.Token);
            }

            await WebSession.WaitUntilAsync(() => flood.Count(ClosedByServer) >= Flood - Cap,
                () => $"the server to close all but {Cap} of {Flood} connections ({flood.Count(ClosedByServer)} closed)", Patience);
            int during = OpenDescriptors(process.Id);
            Assert.True(during <= before + Cap + 8, $"{during} descriptors open with {Flood} connections, {before} before");

            for (int i = 0; i < 3; i++)
            {
                await watcher.SendAsync("{\"t\":\"ack\"}"u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
                await ReceiveFrameAsync(watcher, buffer, timeout.Token);
            }

            // The connections holding the slots send nothing, so they time out, and a new viewer gets in.
            await WebSession.WaitUntilAsync(() => flood.All(ClosedByServer), () => "the server to close the idle connections", Patience);
            using ClientWebSocket late = new();
            await late.ConnectAsync(socketUrl, timeout.Token);
            await ReceiveFrameAsync(late, buffer, timeout.Token);
        }
        finally
        {
            foreach (Socket socket in flood)
            {
                socket.Dispose();
            }

            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(new CancellationTokenSource(Patience).Token);
        }
    }

    /// <summary>Whether the other end closed the connection: readable with nothing to read.</summary>
    private static bool ClosedByServer(Socket socket) => socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;

    private static int OpenDescriptors(int pid) => Directory.GetFiles($"/proc/{pid}/fd").Length;

    private static async Task ReceiveFrameAsync(ClientWebSocket socket, byte[] buffer, CancellationToken cancellation)
    {
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(), cancellation);
        }
        while (!result.EndOfMessage);
        Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
    }

    /// <summary>The address with the token that wl-headless prints at start.</summary>
    private static async Task<Uri> ReadUrlAsync(Process process, CancellationToken cancellation)
    {
        while (await process.StandardError.ReadLineAsync(cancellation) is { } line)
        {
            if (WebViewLine().Match(line) is { Success: true } match)
            {
                return new Uri(match.Groups[1].Value);
            }
        }

        throw new InvalidOperationException("wl-headless closed its standard error without printing the web view's address");
    }

    [GeneratedRegex(@"web view at (http://\S+)")]
    private static partial Regex WebViewLine();

    /// <summary>The built CLI, of the same configuration as this test assembly (…/bin/&lt;Configuration&gt;/net10.0/).</summary>
    private static string CliPath
    {
        get
        {
            string configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
            string path = Path.Combine(NativePeers.RepositoryRoot, "tools", "Wayland.Compositor.Cli", "bin", configuration, "net10.0", "wl-headless.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"build tools/Wayland.Compositor.Cli ({configuration}) first", path);
        }
    }
}
