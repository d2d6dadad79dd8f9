using System.Diagnostics;
using Wayland.Compositor;
using Wayland.Demo;

// Wayland for .NET — demo (the README's main job).
// Default: starts the headless reference compositor in-process on a private socket, runs the C# demo client
// (xdg_toplevel animated through wl_shm), clicks into its window and presses a key through the compositor's
// scripted input, then writes a PNG screenshot, checks that it holds what the client drew, and prints a summary.
//   --weston            run the same client against weston's headless backend instead (no screenshot)
//   --wayland-display   run it against the session in $WAYLAND_DISPLAY (your desktop), until the window is closed
//   --screenshot PATH   where to write the PNG (default: wayland-demo.png)
//   --frames N          frames to animate before the scripted input (default 60)
// WAYLAND_DEBUG=1 prints every client message in libwayland's format; WAYLAND_DEBUG=server the compositor's.
string mode = "headless";
string screenshot = "wayland-demo.png";
int frames = 60;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--weston":
            mode = "weston";
            break;
        case "--wayland-display":
            mode = "session";
            break;
        case "--screenshot" when i + 1 < args.Length:
            screenshot = args[++i];
            break;
        case "--frames" when i + 1 < args.Length && int.TryParse(args[i + 1], out frames) && frames > 0:
            i++;
            break;
        default:
            Console.Error.WriteLine("usage: Wayland.Demo [--weston | --wayland-display] [--screenshot PATH] [--frames N]");
            return 64;
    }
}

try
{
    return mode switch
    {
        "weston" => RunOnWeston(frames),
        "session" => RunOnSession(),
        _ => RunHeadless(screenshot, frames),
    };
}
catch (Exception e) when (e is Wayland.Wire.WaylandException or TimeoutException or IOException)
{
    Console.Error.WriteLine($"demo failed: {e.Message}");
    return 1;
}

static int RunHeadless(string screenshot, int frames)
{
    using PrivateRuntime runtime = PrivateRuntime.Create();
    using HeadlessCompositor compositor = new(new HeadlessCompositorOptions { Width = 640, Height = 480 });
    string socket = Path.Combine(runtime.Path, "wayland-demo");
    compositor.Display.AddSocket(socket);
    compositor.Start();
    Console.WriteLine($"compositor: Wayland.Compositor (in-process, headless {compositor.OutputWidth}x{compositor.OutputHeight}) on {socket}");

    using DemoClient client = DemoClient.Connect(socket);
    PrintGlobals(client);
    Thread thread = new(() => client.Run()) { Name = "demo client" };
    Stopwatch clock = Stopwatch.StartNew();
    thread.Start();
    try
    {
        WaitFor(() => client.FramesDrawn >= frames && compositor.GetWindows().Count == 1, "the window to animate");
        WindowInfo window = compositor.GetWindows()[0];
        (int clickX, int clickY) = (window.Bounds.X + 200, window.Bounds.Y + 150);
        compositor.Click(clickX, clickY);
        WaitFor(() => client.Clicks >= 1, "the client to receive the click");
        compositor.TypeText("g");
        WaitFor(() => client.KeysPressed >= 1, "the client to receive the key");
        int after = client.FramesDrawn + 3;
        WaitFor(() => client.FramesDrawn >= after, "the client to draw its answer");
        client.Stop();
        thread.Join();
        TimeSpan elapsed = clock.Elapsed;

        Image image = compositor.CaptureOutput();
        image.SavePng(screenshot);
        uint marker = image.GetPixel(clickX, clickY);
        uint bar = image.GetPixel(window.Bounds.X + 4, window.Bounds.Y + 4);
        uint outside = image.GetPixel(window.Bounds.X + window.Bounds.Width + 8, window.Bounds.Y + window.Bounds.Height + 8);
        bool ok = marker == DemoClient.MarkerColor && bar == DemoClient.KeyBarColor && outside == compositor.Options.Background;

        (double mean, double p95) = client.FrameTimes;
        Console.WriteLine($"window: \"{window.Title}\" ({window.AppId}) at {window.Bounds.X},{window.Bounds.Y} {window.Bounds.Width}x{window.Bounds.Height}, activated: {window.IsActivated}");
        Console.WriteLine($"frames: client drew {client.FramesDrawn} in {elapsed.TotalSeconds:F2} s; frame time mean {mean:F1} ms, p95 {p95:F1} ms (60 Hz paced); compositor repaints {compositor.FramesRendered}, frame callbacks {compositor.FrameCallbacksDone}");
        Console.WriteLine($"input: click at {clickX},{clickY} → client saw {client.Clicks} click(s) at {client.LastClick}; key 'g' → {client.KeysPressed} key press(es)");
        Console.WriteLine($"screenshot: {Path.GetFullPath(screenshot)} — marker {marker:X8} (want {DemoClient.MarkerColor:X8}), key bar {bar:X8} (want {DemoClient.KeyBarColor:X8}), background {outside:X8}: {(ok ? "ok" : "MISMATCH")}");
        Console.WriteLine($"protocol errors: {compositor.Errors.Count}");
        return ok && compositor.Errors.Count == 0 ? 0 : 1;
    }
    finally
    {
        client.Stop();
        thread.Join();
    }
}

static int RunOnWeston(int frames)
{
    using PrivateRuntime runtime = PrivateRuntime.Create();
    string socket = runtime.StartWeston();
    Console.WriteLine($"compositor: weston --backend=headless-backend.so on {socket}");
    using DemoClient client = DemoClient.Connect(socket);
    PrintGlobals(client);
    Stopwatch clock = Stopwatch.StartNew();
    int drawn = client.Run(frames);
    (double mean, double p95) = client.FrameTimes;
    Console.WriteLine($"frames: {drawn} in {clock.Elapsed.TotalSeconds:F2} s; frame time mean {mean:F1} ms, p95 {p95:F1} ms (paced by weston's frame callbacks)");
    return drawn == frames ? 0 : 1;
}

static int RunOnSession()
{
    string? display = Environment.GetEnvironmentVariable("WAYLAND_DISPLAY");
    if (string.IsNullOrEmpty(display))
    {
        Console.Error.WriteLine("--wayland-display: WAYLAND_DISPLAY is not set (no Wayland session here); run without it for the headless demo");
        return 64;
    }

    using DemoClient client = DemoClient.Connect(display);
    PrintGlobals(client);
    Console.WriteLine("animating on your desktop; close the window to end (click or type into it to see the input feedback)");
    int drawn = client.Run();
    Console.WriteLine($"frames: {drawn}, clicks {client.Clicks}, keys {client.KeysPressed}");
    return 0;
}

static void PrintGlobals(DemoClient client) =>
    Console.WriteLine($"{client.Globals.Count} globals: {string.Join(", ", client.Globals)}");

static void WaitFor(Func<bool> condition, string what)
{
    Stopwatch clock = Stopwatch.StartNew();
    while (!condition())
    {
        if (clock.Elapsed > TimeSpan.FromSeconds(30))
        {
            throw new TimeoutException($"timed out waiting for {what}");
        }

        Thread.Sleep(10);
    }
}
