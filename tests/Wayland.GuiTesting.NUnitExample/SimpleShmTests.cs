using NUnit.Framework;
using Wayland.Compositor;
using Wayland.GuiTesting;

namespace Wayland.GuiTesting.NUnitExample;

public class SimpleShmTests
{
    [Test]
    public async Task Simple_shm_shows_an_opaque_window()
    {
        await using GuiSession session = new(new GuiSessionOptions { Name = TestContext.CurrentContext.Test.Name, Width = 640, Height = 480 });
        await session.LaunchAsync("weston-simple-shm");
        GuiWindow window = await session.WaitForWindowAsync("^simple-shm$");

        // weston-simple-shm animates a pattern: wait for a drawn (opaque) pixel rather than for idleness.
        uint pixel = await session.WaitForPixelAsync(window, 125, 125, argb => argb >> 24 == 0xFF);
        Image screenshot = window.Capture();

        Assert.That(pixel >> 24, Is.EqualTo(0xFFu));
        Assert.That((screenshot.Width, screenshot.Height), Is.EqualTo((250, 250)));
        Assert.That(session.Compositor.Errors, Is.Empty);
    }
}
