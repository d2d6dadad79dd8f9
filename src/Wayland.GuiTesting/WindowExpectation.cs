using Wayland.Compositor;

namespace Wayland.GuiTesting;

/// <summary>Golden-image assertions on one window, from <see cref="GuiSession.Expect"/>.</summary>
public sealed class WindowExpectation
{
    private readonly GuiSession _session;
    private readonly GuiWindow _window;

    internal WindowExpectation(GuiSession session, GuiWindow window)
    {
        _session = session;
        _window = window;
    }

    /// <summary>
    /// Waits until the window matches the golden PNG <paramref name="goldenName"/> in
    /// <see cref="GuiSessionOptions.GoldenDirectory"/> (a path relative to it, such as <c>open.png</c> or
    /// <c>dialogs/open.png</c>, that stays inside it): same size, and at most <paramref name="maxDifferentPixels"/>
    /// pixels with a channel differing by more than <paramref name="perPixelTolerance"/>. On a mismatch at the timeout,
    /// the actual, expected and diff images are written to <see cref="GuiSessionOptions.ArtifactsDirectory"/> and their
    /// paths are in the exception. In update mode (<see cref="GuiSessionOptions.UpdateGoldens"/>) the window is left to
    /// settle (unchanged for 250 ms) and written as the new golden instead.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="goldenName"/> is empty, rooted, or leads out of <see cref="GuiSessionOptions.GoldenDirectory"/>.</exception>
    /// <exception cref="GuiTestException">The window did not match (or the golden is missing) within the timeout.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/> (see <see cref="GuiSessionOptions.DefaultTimeout"/>).</exception>
    public async Task ToMatchGoldenAsync(string goldenName, int perPixelTolerance = 0, long maxDifferentPixels = 0, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(goldenName);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDifferentPixels);
        TimeSpan limit = _session.Limit(timeout);
        string goldenPath = GoldenPath(goldenName);
        if (_session.Options.UpdateGoldens)
        {
            Image settled = await _session.WaitForIdleAsync(_window, TimeSpan.FromMilliseconds(250), limit, cancellationToken).ConfigureAwait(false);
            Directory.CreateDirectory(Path.GetDirectoryName(goldenPath)!);
            settled.SavePng(goldenPath);
            return;
        }

        string stem = FileNames.Safe(Path.GetFileNameWithoutExtension(goldenName), GuiSession.MaxLabelLength);
        if (!File.Exists(goldenPath))
        {
            string actualPath = _session.ArtifactPath($"{stem}-actual.png");
            _window.Capture().SavePng(actualPath);
            (string message, IReadOnlyList<string> artifacts) = _session.Failure(
                $"golden {goldenPath} does not exist; set {GuiSessionOptions.UpdateGoldensVariable}=1 to write it", "golden-missing", [actualPath]);
            throw new GuiTestException(message, artifacts);
        }

        RgbaImage expected = RgbaImage.Load(goldenPath);
        Image? lastCapture = null;
        ImageComparison? last = null;
        try
        {
            await _session.PollAsync(
                () =>
                {
                    lastCapture = _window.Capture();
                    last = ImageComparison.Compare(RgbaImage.FromImage(lastCapture), expected, perPixelTolerance);
                    return (last.Matches(maxDifferentPixels), 0);
                },
                () => $"{_window} to match {goldenName}",
                limit, cancellationToken).ConfigureAwait(false);
        }
        catch (GuiTimeoutException timedOut) when (last is not null && lastCapture is not null)
        {
            string actualPath = _session.ArtifactPath($"{stem}-actual.png");
            string expectedPath = _session.ArtifactPath($"{stem}-expected.png");
            string diffPath = _session.ArtifactPath($"{stem}-diff.png");
            lastCapture.SavePng(actualPath);
            File.Copy(goldenPath, expectedPath, overwrite: true);
            last.CreateDiff().SavePng(diffPath);
            throw new GuiTestException(
                $"{_window} does not match golden {goldenPath}: {last} (allowed: {maxDifferentPixels} pixels beyond tolerance {perPixelTolerance})\n"
                + $"actual: {actualPath}\nexpected: {expectedPath}\ndiff: {diffPath}\n{timedOut.Message}",
                [actualPath, expectedPath, diffPath, .. timedOut.Artifacts]);
        }
    }

    /// <summary>Where the golden <paramref name="goldenName"/> is: inside the golden directory, or nowhere.</summary>
    /// <exception cref="ArgumentException"><paramref name="goldenName"/> is rooted or leads out of the golden directory.</exception>
    private string GoldenPath(string goldenName)
    {
        string directory = Path.GetFullPath(_session.Options.GoldenDirectory);
        string inside = Path.EndsInDirectorySeparator(directory) ? directory : directory + Path.DirectorySeparatorChar;
        string path = Path.Combine(_session.Options.GoldenDirectory, goldenName);
        if (Path.IsPathRooted(goldenName) || !Path.GetFullPath(path).StartsWith(inside, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The golden \"{goldenName}\" is not a path inside the golden directory {inside}: give it relative to GuiSessionOptions.GoldenDirectory.",
                nameof(goldenName));
        }

        return path;
    }
}
