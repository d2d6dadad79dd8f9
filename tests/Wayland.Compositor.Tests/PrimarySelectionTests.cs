namespace Wayland.Compositor.Tests;

/// <summary>
/// The primary selection (zwp_primary_selection_device_manager_v1) between real clients: wl-clipboard's
/// <c>wl-copy --primary</c> and <c>wl-paste --primary</c>, separate libwayland processes, and kept apart from the
/// clipboard.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class PrimarySelectionTests
{
    [Fact]
    public void Text_copied_to_the_primary_selection_is_pasted_from_it_and_not_from_the_clipboard()
    {
        CompositorSession.Run("primary-selection", session =>
        {
            using ClientProcess first = session.Launch("wl-copy", ["--primary", "--foreground", "primary one"]);
            ExpectPaste(session, "primary one", first, primary: true);

            // The clipboard is a different selection: it stays empty.
            Assert.Equal("", Paste(session, out int clipboardStatus, primary: false));
            Assert.NotEqual(0, clipboardStatus);

            // A new primary selection cancels the old source (wl-copy exits then) and is the one pasted.
            using ClientProcess second = session.Launch("wl-copy", ["--primary", "--foreground", "primary two ü"]);
            session.WaitUntil(() => first.HasExited, () => $"the first wl-copy --primary to be cancelled\n{first.Describe()}");
            Assert.Equal(0, first.ExitCode);
            ExpectPaste(session, "primary two ü", second, primary: true);

            // Its source gone with its client, the primary selection is empty again.
            second.KillNow();
            session.WaitUntil(() => Paste(session, out int empty, primary: true) == "" && empty != 0, "the primary selection to be cleared");
            session.AssertNoProtocolErrors();
        });
    }

    private static void ExpectPaste(CompositorSession session, string expected, ClientProcess source, bool primary)
    {
        string last = "";
        session.WaitUntil(() => (last = Paste(session, out _, primary)) == expected,
            () => $"wl-paste to print \"{expected}\" (last: \"{last}\")\n{source.Describe()}");
    }

    /// <summary>Runs <c>wl-paste --no-newline</c> (with <c>--primary</c> when asked) and returns what it printed.</summary>
    private static string Paste(CompositorSession session, out int status, bool primary)
    {
        List<string> arguments = ["--no-newline", "--type", "text/plain;charset=utf-8"];
        if (primary)
        {
            arguments.Add("--primary");
        }

        using ClientProcess paste = session.Launch("wl-paste", arguments);
        session.WaitUntil(() => paste.HasExited, () => $"wl-paste to finish\n{paste.Describe()}");
        status = paste.ExitCode;
        paste.WaitForOutput();
        return status == 0 ? paste.Output : "";
    }
}
