using Xunit.Abstractions;

namespace Wayland.Compositor.Tests;

/// <summary>
/// <see cref="HeadlessCompositor.TypeText"/> beyond US ASCII with a real client: foot gets each extended keymap,
/// rebuilds its xkb state, and sends the typed characters to its shell as UTF-8.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class UnicodeTypingTests(ITestOutputHelper output)
{
    [Fact]
    public void Foot_receives_unicode_text_typed_on_extra_keys_and_shows_it_in_its_title()
    {
        // Latin-1, a BMP symbol, CJK and a character beyond the BMP; then a second line needing more new characters
        // (a second keymap change while foot runs), with ASCII typed after each change.
        const string First = "héllo ✓ 日本 🙂";
        const string Second = "Grüße Ω é";
        CompositorSession.Run("foot-unicode", session =>
        {
            Dictionary<string, string?> environment = new(Screens.ShellEnvironment) { ["LC_ALL"] = "C.UTF-8" };
            ClientProcess client = session.Launch("/usr/bin/foot", ["/bin/sh"], environment);
            session.WaitForWindow(client);
            session.WaitUntil(() => session.FindWindow(client) is { IsActivated: true }, "foot to get the keyboard focus");

            // The shell sets the title (OSC 2) to what it was given, so the title is the text as foot typed it.
            session.Compositor.TypeText($"printf '\\033]2;%s\\007' '{First}'\n");
            WindowInfo first = session.WaitForWindow(First);
            session.Compositor.TypeText($"printf '\\033]2;%s|%s\\007' '{Second}' caps\n");
            session.WaitForWindow($"{Second}|caps");
            output.WriteLine($"window {first.Id}: titles \"{First}\" then \"{Second}|caps\"");
            session.AssertNoProtocolErrors();
            Assert.False(client.HasExited, client.Describe());
        });
    }
}
