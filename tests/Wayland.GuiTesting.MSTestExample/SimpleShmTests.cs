using Microsoft.VisualStudio.TestTools.UnitTesting;
using Wayland.Compositor;
using Wayland.GuiTesting;

[assembly: Parallelize(Scope = ExecutionScope.MethodLevel)]

namespace Wayland.GuiTesting.MSTestExample;

[TestClass]
public class SimpleShmTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Simple_shm_shows_an_opaque_window()
    {
        await using GuiSession session = new(new GuiSessionOptions { Name = TestContext.TestName, Width = 640, Height = 480 });
        await session.LaunchAsync("weston-simple-shm");
        GuiWindow window = await session.WaitForWindowAsync("^simple-shm$");

        // weston-simple-shm animates a pattern: wait for a drawn (opaque) pixel rather than for idleness.
        uint pixel = await session.WaitForPixelAsync(window, 125, 125, argb => argb >> 24 == 0xFF);
        Image screenshot = window.Capture();

        Assert.AreEqual(0xFFu, pixel >> 24);
        Assert.AreEqual((250, 250), (screenshot.Width, screenshot.Height));
        Assert.AreEqual(0, session.Compositor.Errors.Count);
    }
}
