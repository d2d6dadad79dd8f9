using System.Diagnostics;

namespace Wayland.GuiTesting;

/// <summary>The clipboard and the primary selection, read and set through wl-clipboard's wl-paste and wl-copy.</summary>
public sealed partial class GuiSession
{
    private const string TextMimeType = "text/plain;charset=utf-8";

    /// <summary>
    /// The primary selection's text now (what middle click pastes; zwp_primary_selection), read like
    /// <see cref="ReadClipboardTextAsync"/> with <c>wl-paste --primary</c>: null when nothing offers <paramref name="mimeType"/>.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">wl-paste cannot be started (install wl-clipboard).</exception>
    /// <exception cref="GuiTimeoutException">wl-paste did not finish within <see cref="GuiSessionOptions.DefaultTimeout"/>.</exception>
    public Task<string?> ReadPrimarySelectionTextAsync(string mimeType = TextMimeType, CancellationToken cancellationToken = default) =>
        ReadSelectionAsync(primary: true, mimeType, cancellationToken);

    /// <summary>Waits until the primary selection's text (see <see cref="ReadPrimarySelectionTextAsync"/>) satisfies <paramref name="predicate"/>; returns it.</summary>
    /// <exception cref="GuiTimeoutException">It did not within the timeout; the message gives the last text seen.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/> (see <see cref="GuiSessionOptions.DefaultTimeout"/>).</exception>
    public Task<string> WaitForPrimarySelectionTextAsync(Func<string, bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForSelectionAsync(primary: true, predicate, Limit(timeout), cancellationToken);

    /// <summary>
    /// Puts <paramref name="text"/> on the clipboard, offered as UTF-8 text, so that apps of the session paste it:
    /// <c>wl-copy --foreground</c> runs as an app of the session (listed in <see cref="Apps"/>, ended with the session)
    /// and serves the text until something else takes the clipboard. Returns once <c>wl-paste</c> reads the text back.
    /// Like wl-paste, wl-copy maps a tiny window for a moment to get the keyboard focus the selection needs.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">wl-copy cannot be started (install wl-clipboard).</exception>
    /// <exception cref="GuiTestException">wl-copy failed (its error output is in the message).</exception>
    /// <exception cref="GuiTimeoutException">The text could not be read back within <see cref="GuiSessionOptions.DefaultTimeout"/>.</exception>
    public Task SetClipboardTextAsync(string text, CancellationToken cancellationToken = default) =>
        SetSelectionAsync(primary: false, text, cancellationToken);

    /// <summary>Puts <paramref name="text"/> in the primary selection (what middle click pastes), as <see cref="SetClipboardTextAsync"/> does with the clipboard.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">wl-copy cannot be started (install wl-clipboard).</exception>
    /// <exception cref="GuiTestException">wl-copy failed (its error output is in the message).</exception>
    /// <exception cref="GuiTimeoutException">The text could not be read back within <see cref="GuiSessionOptions.DefaultTimeout"/>.</exception>
    public Task SetPrimarySelectionTextAsync(string text, CancellationToken cancellationToken = default) =>
        SetSelectionAsync(primary: true, text, cancellationToken);

    private static string SelectionName(bool primary) => primary ? "primary selection" : "clipboard";

    private async Task SetSelectionAsync(bool primary, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(_disposed, this);
        List<string> arguments = ["--foreground", "--type", TextMimeType];
        if (primary)
        {
            arguments.Add("--primary");
        }

        // The text goes through standard input, so any text (a leading dash, an empty string) is copied as it is.
        GuiApp copy = await LaunchAsync("wl-copy", arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        await copy.WriteInputAndCloseAsync(text, cancellationToken).ConfigureAwait(false);
        try
        {
            await WaitForSelectionAsync(primary, now => now == text || copy.HasExited, Options.DefaultTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (GuiTimeoutException) when (copy.HasExited)
        {
        }

        if (copy.HasExited && await ReadSelectionAsync(primary, TextMimeType, cancellationToken).ConfigureAwait(false) != text)
        {
            (string message, IReadOnlyList<string> artifacts) = Failure(
                $"wl-copy could not set the {SelectionName(primary)} (exit code {copy.ExitCode}): {copy.StandardError.Trim()}", SelectionName(primary).Replace(' ', '-'));
            throw new GuiTestException(message, artifacts);
        }
    }

    private async Task<string?> ReadSelectionAsync(bool primary, string mimeType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(mimeType);
        ObjectDisposedException.ThrowIf(_disposed, this);
        List<string> arguments = ["--no-newline", "--type", mimeType];
        if (primary)
        {
            arguments.Add("--primary");
        }

        ProcessStartInfo info = StartInfo("wl-paste", arguments, null);
        using Process paste = new() { StartInfo = info };
        lock (InheritLock)
        {
            paste.Start();
        }

        paste.StandardInput.Close();
        Task<string> output = paste.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> error = paste.StandardError.ReadToEndAsync(cancellationToken);
        using CancellationTokenSource limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Timeouts.CancelAfter(limit, Options.DefaultTimeout);
        try
        {
            await paste.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            paste.Kill(entireProcessTree: true);
            (string message, IReadOnlyList<string> artifacts) = Failure($"wl-paste did not finish within {Timeouts.Seconds(Options.DefaultTimeout)}", "clipboard");
            throw new GuiTimeoutException(message, artifacts);
        }
        finally
        {
            if (!paste.HasExited)
            {
                paste.Kill(entireProcessTree: true);
            }
        }

        string text = await output.ConfigureAwait(false);
        _ = await error.ConfigureAwait(false);
        return paste.ExitCode == 0 ? text : null;
    }

    private async Task<string> WaitForSelectionAsync(bool primary, Func<string, bool> predicate, TimeSpan limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        TimeSpan deadline = Timeouts.Deadline(_clock.Elapsed, limit);
        string? last = null;
        while (true)
        {
            last = await ReadSelectionAsync(primary, TextMimeType, cancellationToken).ConfigureAwait(false);
            if (last is not null && predicate(last))
            {
                return last;
            }

            if (_clock.Elapsed >= deadline)
            {
                (string message, IReadOnlyList<string> artifacts) = Failure(
                    $"timed out after {Timeouts.Seconds(limit)} waiting for the {SelectionName(primary)}'s text to satisfy the condition (last seen: {(last is null ? "nothing offered" : $"\"{last}\"")})", "timeout");
                throw new GuiTimeoutException(message, artifacts);
            }

            await Task.Delay(Options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
