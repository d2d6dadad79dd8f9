using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Playwright;
using Wayland.Compositor;
using Wayland.Web.Tests;

// Usage: dotnet run -c Release --project bench/Wayland.WebBench [-- SECONDS]
// For each scenario: a 1024x768 compositor, its web view, one client, and one viewer on a WebSocket that
// acknowledges each frame on arrival (the fastest browser there can be; a real one adds its PNG decoding).
const string Chromium = "/usr/bin/chromium";
double seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 10;
TimeSpan duration = TimeSpan.FromSeconds(seconds);
Console.WriteLine($"web view at 1024x768, {seconds:0} s per scenario, {Environment.ProcessorCount} cores");
Console.WriteLine($"{"scenario",-28} {"frames/s",9} {"repaints/s",11} {"KiB/frame",10} {"rects/frame",12} {"KiB/s",9}");
await RunAsync("weston-simple-shm (animating)", "/usr/bin/weston-simple-shm", [], null, duration);
await RunAsync("foot, typing 20 keys/s", "/usr/bin/foot", ["/bin/sh"], TypeIntoTerminal, duration);
if (File.Exists(Chromium))
{
    // The same in a real browser (Debian's chromium, headless, through Playwright): the page decodes and draws
    // every rectangle before it acknowledges the frame.
    await RunInBrowserAsync("chromium: weston-simple-shm", "/usr/bin/weston-simple-shm", [], null, duration);
    await RunInBrowserAsync("chromium: foot, typing", "/usr/bin/foot", ["/bin/sh"], TypeIntoTerminal, duration);
}

return 0;

static async Task<WebSession> StartClientAsync(string program, string[] arguments)
{
    WebSession session = await WebSession.StartAsync("web-bench", 1024, 768);
    Process client = session.Launch(program, arguments, WebSession.ShellEnvironment);
    WindowInfo window = await session.WaitForWindowAsync(client, TimeSpan.FromSeconds(30));
    await WebSession.WaitUntilAsync(() => session.Compositor.GetWindows().Any(w => w.Id == window.Id && w.IsActivated), () => "the keyboard focus", TimeSpan.FromSeconds(10));
    await Task.Delay(500); // start-up drawing settles
    return session;
}

static void Report(string name, double seconds, long frames, long bytes, long rectangles, long repaints) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-28} {frames / seconds,9:0.0} {repaints / seconds,11:0.0} {(frames == 0 ? 0 : bytes / 1024.0 / frames),10:0.0} {(frames == 0 ? 0 : (double)rectangles / frames),12:0.0} {bytes / 1024.0 / seconds,9:0}"));

static async Task RunInBrowserAsync(string name, string program, string[] arguments, Func<WebSession, CancellationToken, Task>? drive, TimeSpan duration)
{
    await using WebSession session = await StartClientAsync(program, arguments);
    using IPlaywright playwright = await Playwright.CreateAsync();
    await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--disable-gpu"] });
    IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
    await page.GotoAsync(session.View.Url.ToString());
    await page.WaitForFunctionAsync("() => window.wlView.frames >= 1");
    await Task.Delay(500);

    using CancellationTokenSource stop = new(duration);
    Task driving = drive?.Invoke(session, stop.Token) ?? Task.CompletedTask;
    long repaintsBefore = session.Compositor.FramesRendered;
    (long framesBefore, long bytesBefore, long rectanglesBefore) = (session.View.FramesSent, session.View.BytesSent, session.View.RectanglesSent);
    Stopwatch clock = Stopwatch.StartNew();
    await Task.Delay(duration);
    double elapsed = clock.Elapsed.TotalSeconds;

    // One viewer, and a frame goes out only after the page drew the one before: frames sent are frames drawn.
    Report(name, elapsed, session.View.FramesSent - framesBefore, session.View.BytesSent - bytesBefore,
        session.View.RectanglesSent - rectanglesBefore, session.Compositor.FramesRendered - repaintsBefore);
    await driving;
}

static async Task TypeIntoTerminal(WebSession session, CancellationToken stop)
{
    // Letters then a space, over and over, with a return every 60 characters: what a person typing makes change.
    int typed = 0;
    while (!stop.IsCancellationRequested)
    {
        session.Compositor.TypeText(++typed % 60 == 0 ? "\n" : typed % 6 == 0 ? " " : ((char)('a' + (typed % 26))).ToString());
        await Task.Delay(50, CancellationToken.None);
    }
}

static async Task RunAsync(string name, string program, string[] arguments, Func<WebSession, CancellationToken, Task>? drive, TimeSpan duration)
{
    await using WebSession session = await StartClientAsync(program, arguments);

    using ClientWebSocket viewer = new();
    await viewer.ConnectAsync(new Uri($"ws://{session.View.Url.Authority}/ws?token={session.View.Token}"), CancellationToken.None);
    byte[] ack = Encoding.UTF8.GetBytes("{\"t\":\"ack\"}");
    byte[] buffer = new byte[1 << 20];

    // The first frame is the whole output; it is not counted.
    await ReceiveFrameAsync(viewer, buffer);
    await viewer.SendAsync(ack, WebSocketMessageType.Text, true, CancellationToken.None);

    using CancellationTokenSource stop = new(duration);
    Task driving = drive?.Invoke(session, stop.Token) ?? Task.CompletedTask;
    long repaintsBefore = session.Compositor.FramesRendered;
    long frames = 0, bytes = 0, rectangles = 0;
    Stopwatch clock = Stopwatch.StartNew();
    while (!stop.IsCancellationRequested)
    {
        (int length, int count) = await ReceiveFrameAsync(viewer, buffer, stop.Token);
        if (length < 0)
        {
            break;
        }

        frames++;
        bytes += length;
        rectangles += count;
        await viewer.SendAsync(ack, WebSocketMessageType.Text, true, CancellationToken.None);
    }

    double elapsed = clock.Elapsed.TotalSeconds;
    long repaints = session.Compositor.FramesRendered - repaintsBefore;
    await driving;
    Report(name, elapsed, frames, bytes, rectangles, repaints);
    // A cancelled receive aborted the socket; the session's disposal closes the server side.
}

// One whole frame message: its length and rectangle count, or (-1, 0) when stopped.
static async Task<(int Length, int Rectangles)> ReceiveFrameAsync(ClientWebSocket socket, byte[] buffer, CancellationToken stop = default)
{
    int length = 0;
    try
    {
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), stop);
            length += result.Count;
        }
        while (!result.EndOfMessage);
    }
    catch (OperationCanceledException)
    {
        return (-1, 0);
    }

    return (length, BitConverter.ToUInt16(buffer, 2));
}
