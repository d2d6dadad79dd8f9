namespace Wayland.Compositor.Tests;

/// <summary>
/// The clipboard (wl_data_device_manager selection) between real clients: Debian's wl-clipboard, whose wl-copy and
/// wl-paste are separate libwayland processes that each map a tiny surface to get the keyboard focus, as the
/// protocol requires of a client that sets or reads the selection.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class SelectionTests
{
    [Fact]
    public void Text_copied_by_one_client_is_pasted_by_another_and_a_new_selection_cancels_the_old()
    {
        CompositorSession.Run("clipboard", session =>
        {
            // wl-copy --foreground sets the selection some time after it starts: paste until it is there.
            using ClientProcess first = session.Launch("wl-copy", ["--foreground", "first text"]);
            ExpectPaste(session, "first text", first);

            // A second source replaces the first: the first gets wl_data_source.cancelled, and wl-copy exits then.
            using ClientProcess second = session.Launch("wl-copy", ["--foreground", "second text ü"]);
            session.WaitUntil(() => first.HasExited, () => $"the first wl-copy to be cancelled\n{first.Describe()}");
            Assert.Equal(0, first.ExitCode);
            ExpectPaste(session, "second text ü", second);

            // Its source gone with its client, the selection is empty again.
            second.KillNow();
            session.WaitUntil(() => Paste(session, out int empty) == "" && empty != 0, "the selection to be cleared");
            session.AssertNoProtocolErrors();
        });
    }

    private static void ExpectPaste(CompositorSession session, string expected, ClientProcess source)
    {
        string last = "";
        session.WaitUntil(() => (last = Paste(session, out _)) == expected,
            () => $"wl-paste to print \"{expected}\" (last: \"{last}\")\n{source.Describe()}");
    }

    /// <summary>Runs <c>wl-paste --no-newline</c> and returns what it printed on stdout.</summary>
    private static string Paste(CompositorSession session, out int status)
    {
        using ClientProcess paste = session.Launch("wl-paste", ["--no-newline", "--type", "text/plain;charset=utf-8"]);
        session.WaitUntil(() => paste.HasExited, () => $"wl-paste to finish\n{paste.Describe()}");
        status = paste.ExitCode;
        paste.WaitForOutput();
        return status == 0 ? paste.Output : "";
    }
}
