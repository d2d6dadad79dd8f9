using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Playwright;
using Wayland.GuiTesting;

namespace Wayland.Web.Tests;

/// <summary>
/// A GUI test watched live in a real browser: chromium shows a <see cref="GuiSession"/>'s app through the session's
/// live view, and a failed session stays up until the page is closed.
/// </summary>
public sealed class GuiSessionLiveViewTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task A_failed_gui_test_stays_up_until_the_browser_closes_its_live_view()
    {
        string artifacts = Directory.CreateTempSubdirectory("gui-live-").FullName;
        try
        {
            ConcurrentQueue<string> log = new();
            GuiSession session = new(new GuiSessionOptions
            {
                Name = nameof(A_failed_gui_test_stays_up_until_the_browser_closes_its_live_view),
                Width = 640,
                Height = 480,
                ArtifactsDirectory = artifacts,
                LiveView = new IPEndPoint(IPAddress.Loopback, 0),
                LiveViewHold = TimeSpan.FromSeconds(60),
                Log = log.Enqueue,
            });
            Task? disposed = null;
            try
            {
                GuiApp flower = await session.LaunchAsync("weston-flower");
                GuiWindow window = await session.WaitForWindowAsync("^Flower$");
                IPage page = await browser.NewPageAsync(640, 480);
                await page.GotoAsync(session.LiveView!.Url.ToString());
                await page.WaitForFunctionAsync("() => window.wlView.frames >= 1");
                Assert.Equal(1, session.LiveView.ViewerCount);

                await Assert.ThrowsAsync<GuiTimeoutException>(() => session.WaitForWindowAsync("^never$", TimeSpan.FromMilliseconds(50)));
                disposed = session.DisposeAsync().AsTask();
                await Task.Delay(TimeSpan.FromSeconds(1.5));
                Assert.False(disposed.IsCompleted, "the failed session did not wait for the page");
                Assert.False(flower.HasExited, "the app runs while the session is held");

                Stopwatch closing = Stopwatch.StartNew();
                await page.CloseAsync();
                await disposed.WaitAsync(Patience);
                Assert.True(closing.Elapsed < TimeSpan.FromSeconds(5), $"the session ended {closing.Elapsed} after the page closed");
                Assert.True(flower.HasExited);
                Assert.Contains(log, message => message.Contains("live view was closed", StringComparison.Ordinal));
            }
            finally
            {
                await (disposed ?? session.DisposeAsync().AsTask());
            }
        }
        finally
        {
            Directory.Delete(artifacts, recursive: true);
        }
    }
}
