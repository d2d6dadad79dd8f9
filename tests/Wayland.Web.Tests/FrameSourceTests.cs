using System.Diagnostics;
using Wayland.Compositor;
using Wayland.Compositor.Web;

namespace Wayland.Web.Tests;

/// <summary>What the viewers are offered: every repaint of the output, whoever painted it.</summary>
public sealed class FrameSourceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task A_repaint_a_screenshot_painted_ahead_of_the_refresh_reaches_the_viewer()
    {
        await using WebSession session = await WebSession.StartAsync("web-capture-ahead", 320, 240);
        using FrameSource source = new(session.Compositor, 64);
        ViewerSlot slot = source.Subscribe();
        bool[] damage = new bool[source.Grid.TileCount];
        using CancellationTokenSource timeout = new(Patience);
        Image empty = await slot.TakeAsync(damage, timeout.Token);

        // Someone takes screenshots all the time (every millisecond, the refresh comes every 16): the client's damage is
        // painted by a screenshot before the refresh gets to it, and the refresh finds none left to paint.
        using CancellationTokenSource stop = new();
        Task screenshots = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                session.Compositor.CaptureOutput();
                Thread.Sleep(1);
            }
        });
        try
        {
            Process client = session.Launch("/usr/bin/weston-flower");
            WindowInfo window = await session.WaitForWindowAsync(client, Patience);
            Image shown = empty;
            while (Differing(empty, shown, window.Bounds) == 0)
            {
                try
                {
                    shown = await slot.TakeAsync(damage, timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"the viewer was not offered the client's window at {window.Bounds} within {Patience}");
                }
            }

            Assert.Contains(true, damage);
        }
        finally
        {
            await stop.CancelAsync();
            await screenshots;
        }
    }

    private static int Differing(Image a, Image b, Rect area)
    {
        Rect inside = area.Intersect(new Rect(0, 0, a.Width, a.Height));
        int count = 0;
        for (int y = inside.Y; y < inside.Y + inside.Height; y++)
        {
            for (int x = inside.X; x < inside.X + inside.Width; x++)
            {
                count += a.GetPixel(x, y) != b.GetPixel(x, y) ? 1 : 0;
            }
        }

        return count;
    }
}
