namespace Wayland.Compositor.Tests;

/// <summary>Screenshot scripts shared by the terminal tests: waiting for a window to settle or change, and checking
/// that a shell answered a typed command.</summary>
internal static class Screens
{
    /// <summary>A deterministic shell for terminals: dash, a plain prompt, no start-up file.</summary>
    public static readonly IReadOnlyDictionary<string, string?> ShellEnvironment = new Dictionary<string, string?>
    {
        ["SHELL"] = "/bin/sh",
        ["ENV"] = null,
        ["PS1"] = "$ ",
    };

    /// <summary>
    /// Types <c>echo hello</c>, then Enter, into the focused terminal window and checks from the pictures that the
    /// shell answered: the command alone changes one text line (its glyphs and the cursor cell moving along it); after
    /// Enter the shell prints "hello" on the next line and a new prompt on the one after, while the tty's echo alone
    /// would reach one line further (the cursor). Three lines of change prove the answer.
    /// </summary>
    /// <returns>A summary for the test's output.</returns>
    public static string TypeEchoAndCheckTheAnswer(CompositorSession session, int windowId, string name)
    {
        Image prompt = WaitForSettledWindow(session, windowId);
        session.Compositor.TypeText("echo hello");
        WaitForChange(session, windowId, prompt, "the typed command to show");
        Image typed = WaitForSettledWindow(session, windowId);
        (int lineTop, int lineBottom) = ChangedRows(prompt, typed);
        int lineHeight = lineBottom - lineTop + 1;

        session.Compositor.TypeText("\n");
        WaitForChange(session, windowId, typed, "the shell to answer");
        Image answered = WaitForSettledWindow(session, windowId);
        (int top, int bottom) = ChangedRows(prompt, answered);
        string picture = CompositorSession.SaveForInspection(answered, name);
        Assert.True(lineHeight is >= 8 and <= 60, $"the typed command changed rows {lineTop}..{lineBottom}, not one text line ({picture})");
        Assert.Equal(lineTop, top);
        Assert.True(bottom - top + 1 >= lineHeight * 5 / 2,
            $"after enter rows {top}..{bottom} changed, less than three lines of {lineHeight}: no answer from the shell ({picture})");
        return $"command line: rows {lineTop}..{lineBottom}; after enter rows {top}..{bottom}; {Pixels.CountDifferent(prompt, answered)} pixels changed ({picture})";
    }

    /// <summary>How long a picture must stay the same to count as settled.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(300);

    /// <summary>Captures a window until two captures <see cref="SettleTime"/> apart are equal (a cursor that blinks
    /// would never settle; weston-terminal's and foot's do not blink by default).</summary>
    public static Image WaitForSettledWindow(CompositorSession session, int windowId) =>
        WaitForSettled(session, () => session.Compositor.CaptureWindow(windowId), null, $"window {windowId} to stop changing");

    /// <summary>Captures the output until <paramref name="area"/> is equal in two captures <see cref="SettleTime"/> apart; returns the last.</summary>
    public static Image WaitForSettledOutput(CompositorSession session, Rect area) =>
        WaitForSettled(session, session.Compositor.CaptureOutput, area, $"{area} of the output to stop changing");

    private static Image WaitForSettled(CompositorSession session, Func<Image?> capture, Rect? area, string what)
    {
        Image? previous = null;
        Image? settled = null;
        session.WaitUntil(() =>
        {
            Image? now = capture();
            bool same = now is not null && previous is not null && previous.Width == now.Width && previous.Height == now.Height
                && Pixels.CountDifferent(previous, now, area) == 0;
            previous = now;
            if (same)
            {
                settled = now;
                return true;
            }

            Thread.Sleep(SettleTime);
            return false;
        }, what);
        return settled!;
    }

    /// <summary>Captures a window until it differs from <paramref name="reference"/> in more than a few pixels.</summary>
    public static void WaitForChange(CompositorSession session, int windowId, Image reference, string what)
    {
        int count = 0;
        session.WaitUntil(() =>
        {
            Image? now = session.Compositor.CaptureWindow(windowId);
            if (now is null || now.Width != reference.Width || now.Height != reference.Height)
            {
                return false;
            }

            count = Pixels.CountDifferent(reference, now);
            return count > 20;
        }, () => $"{what} (only {count} pixels changed)");
    }

    /// <summary>First and last rows that differ between two images of the same size.</summary>
    public static (int Top, int Bottom) ChangedRows(Image first, Image second)
    {
        int top = -1, bottom = -1;
        for (int y = 0; y < first.Height; y++)
        {
            if (!first.GetRow(y).SequenceEqual(second.GetRow(y)))
            {
                top = top < 0 ? y : top;
                bottom = y;
            }
        }

        return (top, bottom);
    }
}
