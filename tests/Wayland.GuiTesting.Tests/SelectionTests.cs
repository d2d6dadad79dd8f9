using System.Runtime.CompilerServices;
using Wayland.Compositor;

namespace Wayland.GuiTesting.Tests;

/// <summary>
/// The clipboard and the primary selection set through the kit (wl-copy) and read back through the kit (wl-paste) and
/// by a real app: foot pastes the clipboard on Ctrl+Shift+V and the primary selection on a middle click.
/// </summary>
[Collection(nameof(GuiSessionTests))]
public class SelectionTests
{
    [Fact]
    public async Task Clipboard_and_primary_selection_hold_separate_text_and_wl_copy_ends_with_the_session()
    {
        List<int> copiers;
        await using (GuiSession session = new(Options()))
        {
            Assert.Null(await session.ReadClipboardTextAsync());
            Assert.Null(await session.ReadPrimarySelectionTextAsync());

            // Text that would be an option on a command line, and UTF-8 beyond ASCII.
            await session.SetClipboardTextAsync("--clip 1 ü");
            await session.SetPrimarySelectionTextAsync("prim 2");
            Assert.Equal("--clip 1 ü", await session.ReadClipboardTextAsync());
            Assert.Equal("prim 2", await session.ReadPrimarySelectionTextAsync());

            // Setting again replaces the text; the wl-copy that served the old text exits once it is replaced.
            await session.SetClipboardTextAsync("");
            Assert.Equal("", await session.ReadClipboardTextAsync());
            Assert.Equal("prim 2", await session.WaitForPrimarySelectionTextAsync(text => text.StartsWith("prim", StringComparison.Ordinal)));
            copiers = [.. session.Apps.Where(app => app.FileName == "wl-copy").Select(app => app.Id)];
            Assert.Equal(3, copiers.Count);
            await session.Apps.First(app => app.Id == copiers[0]).WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Empty(session.Compositor.Errors);
        }

        // The session ended the ones still serving.
        Assert.All(copiers, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"wl-copy {pid} outlived the session"));
    }

    [Fact]
    public async Task Foot_pastes_the_clipboard_and_the_primary_selection_set_by_the_kit()
    {
        await using GuiSession session = new(Options(800, 600));
        await session.LaunchAsync("foot", ["--config=/dev/null", "/bin/sh"], new Dictionary<string, string?> { ["SHELL"] = "/bin/sh", ["PS1"] = "$ " });
        GuiWindow window = await session.WaitForWindowAsync("^foot$", TimeSpan.FromSeconds(15));
        await session.WaitForIdleAsync(window, TimeSpan.FromMilliseconds(300));

        // The pasted text completes a command that sets the title, so the title shows what foot pasted.
        await session.SetClipboardTextAsync("from-clipboard-7");
        window.TypeText("printf '\\033]2;%s\\007' ");
        window.PressChord("Ctrl+Shift+V");
        window.TypeText("\n");
        await session.WaitForWindowAsync("^from-clipboard-7$");

        await session.SetPrimarySelectionTextAsync("from-primary-9");
        window.TypeText("printf '\\033]2;%s\\007' ");
        window.Click(100, 100, Keys.ButtonMiddle);
        window.TypeText("\n");
        await session.WaitForWindowAsync("^from-primary-9$");
        Assert.Empty(session.Compositor.Errors);
    }

    private static GuiSessionOptions Options(int width = 320, int height = 240, [CallerMemberName] string name = "") =>
        new() { Name = name, Width = width, Height = height };
}
