using Wayland.Compositor;

namespace Wayland.GuiTesting.Tests;

/// <summary>
/// Text beyond US ASCII typed into GTK 3: the compositor extends the keymap with keys for the characters, GTK rebuilds
/// its xkb state from the new keymap, and the entry holds exactly the text (read back through the clipboard).
/// </summary>
[Collection(nameof(GuiSessionTests))] // not beside tests that count this process's descriptors
public class UnicodeTypingTests
{
    [Fact]
    public async Task Gtk_entry_holds_unicode_text_typed_on_extra_keymap_keys()
    {
        // Latin-1, a symbol, CJK and an emoji beyond the BMP, with Caps Lock on for the second half: it capitalises
        // the ASCII letters only.
        const string Text = "Grüße ✓ 日本 🙂";
        await using GuiSession session = new(new GuiSessionOptions { Name = nameof(UnicodeTypingTests), Width = 1440, Height = 900 });
        await session.LaunchAsync("gtk3-widget-factory", environment: new Dictionary<string, string?>
        {
            ["GDK_BACKEND"] = "wayland",
            ["NO_AT_BRIDGE"] = "1",
            ["GSETTINGS_BACKEND"] = "memory",
            ["GTK_THEME"] = "Adwaita",
        });
        GuiWindow window = await session.WaitForWindowAsync("^gtk3-widget-factory$", TimeSpan.FromSeconds(15));
        IdleCondition settled = new() { Quiet = TimeSpan.FromMilliseconds(300) };
        settled.IgnoredRegions.Add(new Rect(0, 50, 380, 230));   // the entries, whose cursor blinks
        settled.IgnoredRegions.Add(new Rect(265, 355, 40, 125)); // the spinners
        settled.IgnoredRegions.Add(new Rect(565, 50, 330, 80));  // the progress bars
        await session.WaitForIdleAsync(window, settled, TimeSpan.FromSeconds(15));

        // The fifth row of the first column is a plain entry: replace its text, then copy all of it.
        window.Click(150, 249);
        window.PressChord("Ctrl+A");
        window.TypeText(Text);
        window.PressKey(Keys.CapsLock);
        window.TypeText(" é ok");
        window.PressKey(Keys.CapsLock);
        window.PressChord("Ctrl+A");
        window.PressChord("Ctrl+C");
        const string Expected = Text + " é OK";
        Assert.Equal(Expected, await session.WaitForClipboardTextAsync(text => text == Expected));
        Assert.Empty(session.Compositor.Errors);
    }
}
