using System.Diagnostics;
using Wayland.Compositor;

namespace Wayland.GuiTesting.Tests;

/// <summary>
/// <see cref="GuiSessionOptions.DisconnectUnresponsiveClients"/> with weston-flower stopped by SIGSTOP, so that it
/// cannot answer the ping its activation sends: with the option its window goes, without it the window stays, marked
/// unresponsive.
/// </summary>
[Collection(nameof(GuiSessionTests))]
public class UnresponsiveTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_stopped_app_is_disconnected_only_when_the_session_asks_for_it(bool disconnect)
    {
        await using GuiSession session = new(new GuiSessionOptions { Name = $"unresponsive-{disconnect}", Width = 320, Height = 240, DisconnectUnresponsiveClients = disconnect });
        session.Compositor.PingTimeout = TimeSpan.FromMilliseconds(300);
        GuiApp flower = await session.LaunchAsync("weston-flower");
        GuiWindow window = await session.WaitForWindowAsync("^weston-flower$|Flower");
        await session.WaitForIdleAsync(window, TimeSpan.FromMilliseconds(200));

        using (Process stop = Process.Start("kill", ["-STOP", flower.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await stop.WaitForExitAsync();
            Assert.Equal(0, stop.ExitCode);
        }

        Assert.True(session.Compositor.Ping(window.Id));
        Stopwatch waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(10) && session.GetWindows().FirstOrDefault(w => w.Id == window.Id) is { Info.IsResponsive: true })
        {
            await Task.Delay(20);
        }

        // Give a disconnection that is due time to happen, then look.
        await Task.Delay(500);
        WindowInfo? now = session.GetWindows().Select(w => w.Info).FirstOrDefault(w => w.Id == window.Id);
        if (disconnect)
        {
            Assert.Null(now);
            Assert.Throws<GuiTestException>(() => window.Refresh());
        }
        else
        {
            Assert.NotNull(now);
            Assert.False(now.IsResponsive);
        }

        Assert.False(flower.HasExited, "the stopped app itself lives on until the session ends it");
        Assert.Empty(session.Compositor.Errors);
    }
}
