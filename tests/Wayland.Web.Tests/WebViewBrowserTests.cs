using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using Wayland.Compositor;
using Wayland.Testing;
using Xunit.Abstractions;

namespace Wayland.Web.Tests;

/// <summary>
/// The web view in a real browser with real clients: frames of an animating client reach the canvas, and clicks and
/// key presses in the page reach GTK and foot as pointer and keyboard events (seen in the compositor's own output).
/// </summary>
public sealed class WebViewBrowserTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task The_page_shows_an_animating_client_frame_after_frame()
    {
        await using WebSession session = await WebSession.StartAsync("web-shm", 640, 480);
        Process client = session.Launch("/usr/bin/weston-simple-shm");
        WindowInfo window = await session.WaitForWindowAsync(client, Patience);
        IPage page = await browser.NewPageAsync(640, 480);
        await page.GotoAsync(session.View.Url.ToString());
        await page.WaitForFunctionAsync("() => window.wlView.frames >= 3");

        // Pixels of the window on the canvas change from frame to frame (the client animates).
        string first = await CanvasDigestAsync(page, window.Bounds);
        string later = first;
        Stopwatch clock = Stopwatch.StartNew();
        while (later == first && clock.Elapsed < Patience)
        {
            await Task.Delay(50);
            later = await CanvasDigestAsync(page, window.Bounds);
        }

        Assert.NotEqual(first, later);

        // Outside the window the canvas shows exactly what the compositor composited.
        Image screen = session.Compositor.CaptureOutput();
        int x = window.Bounds.X + window.Bounds.Width + 20;
        int y = window.Bounds.Y + window.Bounds.Height + 20;
        Assert.True(x < 640 && y < 480, $"window {window.Bounds} leaves no background to compare");
        uint[] rgba = await page.EvaluateAsync<uint[]>(
            "([x, y]) => Array.from(document.getElementById('screen').getContext('2d').getImageData(x, y, 1, 1).data)", new[] { x, y });
        uint expected = screen.GetPixel(x, y);
        Assert.Equal([(expected >> 16) & 0xFF, (expected >> 8) & 0xFF, expected & 0xFF], rgba[..3]);

        double frames = await page.EvaluateAsync<double>("() => window.wlView.frames");
        output.WriteLine($"{frames} frames drawn; server sent {session.View.FramesSent} frames, {session.View.BytesSent} bytes, {session.View.RectanglesSent} rectangles");
        string shot = Artifacts.PathOf("web-view.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot });
        output.WriteLine($"page screenshot: {shot}");
        Assert.False(client.HasExited, session.ClientOutput());
    }

    [Fact]
    public async Task A_click_in_the_page_switches_the_gtk_widget_factory_page()
    {
        await using WebSession session = await WebSession.StartAsync("web-gtk", 1280, 900);
        Process client = session.Launch("/usr/bin/gtk3-widget-factory", environment: AppEnvironment.Gtk);
        WindowInfo window = await session.WaitForWindowAsync(client, Patience);
        int colours = 0;
        await WebSession.WaitUntilAsync(() => (colours = DistinctColours(session.Compositor.CaptureOutput(), window.Bounds)) > 100,
            () => $"the widget factory to draw (only {colours} colours)\n{session.ClientOutput()}", Patience);
        Image before = session.Compositor.CaptureOutput();

        IPage page = await browser.NewPageAsync(1280, 900);
        await page.GotoAsync(session.View.Url.ToString());
        await page.WaitForFunctionAsync("() => window.wlView.frames >= 1");
        // The header bar's stack switcher (Page 1 | Page 2 | Page 3) is centred at the top: "Page 2" is its middle.
        (double left, double top) = await CanvasOriginAsync(page);
        await page.Mouse.ClickAsync((float)(left + window.Bounds.X + (window.Bounds.Width / 2)), (float)(top + window.Bounds.Y + 22));

        Rect below = new(window.Bounds.X, window.Bounds.Y + 60, Math.Min(window.Bounds.Width, 1280 - window.Bounds.X), Math.Min(window.Bounds.Height - 60, 900 - window.Bounds.Y - 60));
        int changed = 0;
        await WebSession.WaitUntilAsync(() => (changed = CountDifferent(before, session.Compositor.CaptureOutput(), below)) > below.Width * below.Height / 4,
            () => $"the click on \"Page 2\" to switch pages (only {changed} of {below.Width * below.Height} pixels changed)", Patience);
        output.WriteLine($"after the click in the browser {changed} pixels of the page changed");
        Assert.Empty(session.Compositor.Errors);
    }

    [Fact]
    public async Task Keys_typed_in_the_page_reach_foot_through_the_keymap()
    {
        // Key repeat off: on a loaded machine a key can stay down past the repeat delay, and foot then types it twice.
        await using WebSession session = await WebSession.StartAsync("web-foot", 800, 600, configure: o => o.KeyRepeatRate = 0);
        Process client = session.Launch("/usr/bin/foot", ["/bin/sh"], WebSession.ShellEnvironment);
        WindowInfo window = await session.WaitForWindowAsync(client, Patience);
        IPage page = await browser.NewPageAsync(800, 600);
        await page.GotoAsync(session.View.Url.ToString());
        await page.WaitForFunctionAsync("() => window.wlView.frames >= 1");
        (double left, double top) = await CanvasOriginAsync(page);
        await page.Mouse.ClickAsync((float)(left + window.Bounds.X + 40), (float)(top + window.Bounds.Y + 40));
        await WebSession.WaitUntilAsync(() => session.Compositor.GetWindows().Any(w => w.ProcessId == client.Id && w.IsActivated),
            () => "foot to get the keyboard focus", Patience);
        await Task.Delay(300); // the prompt

        // The keymap makes the characters from the keys, Shift included: Playwright's TypeAsync sends the unshifted
        // key for '%', so that one is pressed as a person would, Shift held. The shell then paints 40 cells in pure
        // red (24-bit colour), which only happens if every key arrived as the right character.
        await page.Keyboard.TypeAsync("printf '\\033[48;2;255;0;0m");
        await page.Keyboard.PressAsync("Shift+Digit5");
        await page.Keyboard.TypeAsync("40s\\033[0m\\n'\n");
        int red = 0;
        Rect inside = window.Bounds with { Width = Math.Min(window.Bounds.Width, 800 - window.Bounds.X), Height = Math.Min(window.Bounds.Height, 600 - window.Bounds.Y) };
        await WebSession.WaitUntilAsync(() => (red = CountColour(session.Compositor.CaptureOutput(), inside, 0xFFFF0000)) > 40 * 4 * 8,
            () => $"40 red cells from the typed printf (only {red} red pixels; {Save(session.Compositor.CaptureOutput(), "web-foot-failed.png")})\n{session.ClientOutput()}", Patience);
        output.WriteLine($"{red} red pixels after typing in the page");
        Assert.Empty(session.Compositor.Errors);
    }

    private static string Save(Image image, string name)
    {
        string path = Artifacts.PathOf(name);
        image.SavePng(path);
        return path;
    }

    private static async Task<(double Left, double Top)> CanvasOriginAsync(IPage page)
    {
        JsonElement box = await page.EvaluateAsync<JsonElement>("() => { const b = document.getElementById('screen').getBoundingClientRect(); return { left: b.left, top: b.top }; }");
        return (box.GetProperty("left").GetDouble(), box.GetProperty("top").GetDouble());
    }

    /// <summary>A digest of the canvas's pixels in <paramref name="area"/>.</summary>
    private static Task<string> CanvasDigestAsync(IPage page, Rect area) => page.EvaluateAsync<string>(
        """
        ([x, y, w, h]) => {
          const data = document.getElementById('screen').getContext('2d').getImageData(x, y, w, h).data;
          let hash = 0;
          for (let i = 0; i < data.length; i++) hash = (Math.imul(hash, 31) + data[i]) | 0;
          return String(hash);
        }
        """, new[] { area.X, area.Y, area.Width, area.Height });

    private static int DistinctColours(Image image, Rect area)
    {
        HashSet<uint> colours = [];
        for (int y = Math.Max(0, area.Y); y < Math.Min(image.Height, area.Bottom); y++)
        {
            for (int x = Math.Max(0, area.X); x < Math.Min(image.Width, area.Right); x++)
            {
                colours.Add(image.GetPixel(x, y));
            }
        }

        return colours.Count;
    }

    private static int CountDifferent(Image first, Image second, Rect area)
    {
        int count = 0;
        for (int y = area.Y; y < area.Bottom; y++)
        {
            for (int x = area.X; x < area.Right; x++)
            {
                count += first.GetPixel(x, y) != second.GetPixel(x, y) ? 1 : 0;
            }
        }

        return count;
    }

    private static int CountColour(Image image, Rect area, uint argb)
    {
        int count = 0;
        for (int y = area.Y; y < area.Bottom; y++)
        {
            for (int x = area.X; x < area.Right; x++)
            {
                count += image.GetPixel(x, y) == argb ? 1 : 0;
            }
        }

        return count;
    }
}

/// <summary>Files tests leave for people to look at: the repository's artifacts folder.</summary>
internal static class Artifacts
{
    public static string PathOf(string name)
    {
        DirectoryInfo? directory = new(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Wayland.slnx")))
        {
            directory = directory.Parent;
        }

        string folder = Path.Combine(directory?.FullName ?? Path.GetTempPath(), "artifacts");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
