using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Wayland.Compositor;
using Wayland.Compositor.Web;
using Wayland.Wire;

namespace Wayland.GuiTesting;

/// <summary>
/// One GUI test's world: a headless compositor of its own listening in a private runtime directory (mode 0700,
/// removed on dispose), the apps launched into it, and waits that poll until a condition holds or fail with a
/// message saying what was there instead. Sessions share nothing, so tests may run in parallel.
/// </summary>
/// <example>
/// <code>
/// await using GuiSession session = new(new GuiSessionOptions { Name = "flower" });
/// await session.LaunchAsync("weston-flower");
/// GuiWindow window = await session.WaitForWindowAsync("flower");
/// window.Click(10, 10);
/// await session.Expect(window).ToMatchGoldenAsync("flower.png");
/// </code>
/// </example>
public sealed partial class GuiSession : IDisposable, IAsyncDisposable
{
    private const string SocketName = "wayland-0";

    /// <summary>
    /// Longest <see cref="Name"/>: with a label (<see cref="MaxLabelLength"/>), a count and a suffix, an artifact's
    /// name stays well under the 255 bytes a file name may have.
    /// </summary>
    private const int MaxNameLength = 100;

    /// <summary>Longest label or golden name in an artifact's name.</summary>
    internal const int MaxLabelLength = 60;

    /// <summary>Held while a socket-pair end is inheritable, so no other launch of ours inherits it too.</summary>
    private static readonly Lock InheritLock = new();
    private readonly List<GuiApp> _apps = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastFrames;
    private TimeSpan _lastFrameChange;
    private readonly FrameRecorder? _recorder;
    private int _artifactCount;
    private bool _disposed;

    /// <summary>Looks of waits at the compositor under way (see <see cref="Look"/>).</summary>
    private int _looks;

    /// <summary>Looks under way on this thread: disposing from inside one (a wait's predicate) must not wait for itself.</summary>
    [ThreadStatic]
    private static int t_looks;

    /// <summary>1 once a check of the kit failed and no hold for the viewer has happened since.</summary>
    private int _failed;

    /// <summary>How long nobody must be watching before a hold ends: a reload of the page does not end it.</summary>
    private static readonly TimeSpan ViewerGoneGrace = TimeSpan.FromSeconds(1);

    /// <summary>Creates the runtime directory and starts the compositor on its socket there.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public GuiSession(GuiSessionOptions? options = null)
    {
        Options = options ?? new GuiSessionOptions();
        Options.Validate();
        Name = Options.Name is { } name
            ? FileNames.Safe(name, MaxNameLength)
            : "gui-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);
        RuntimeDirectory = Directory.CreateTempSubdirectory("wl-gui-").FullName;
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(RuntimeDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            Compositor = new HeadlessCompositor(WithMoreOptions(new HeadlessCompositorOptions
            {
                Width = Options.Width,
                Height = Options.Height,
                Scale = Options.Scale,
                RefreshMilliHertz = Options.RefreshMilliHertz,
            }));
            SocketPath = Compositor.AddSocket(Path.Combine(RuntimeDirectory, SocketName));
            Compositor.Start();
            _recorder = Options.RecordedFrames > 0 ? new FrameRecorder(Compositor, Options.RecordedFrames, Options.RecordInterval) : null;
            if (Options.LiveView is { } endPoint)
            {
                LiveView = WebView.Start(Compositor, endPoint);
                Options.Log($"{Name}: live view at {LiveView.Url}");
            }
        }
        catch
        {
            LiveView?.Dispose();
            _recorder?.Dispose();
            Compositor?.Dispose();
            Directory.Delete(RuntimeDirectory, recursive: true);
            throw;
        }
    }

    /// <summary>The options the session was created with.</summary>
    public GuiSessionOptions Options { get; }

    /// <summary>
    /// The name artifacts of this session start with: <see cref="GuiSessionOptions.Name"/> made a plain file name
    /// (see there), or <c>gui-</c> and a timestamp.
    /// </summary>
    public string Name { get; }

    /// <summary>The compositor, for anything this kit does not wrap.</summary>
    public HeadlessCompositor Compositor { get; }

    /// <summary>
    /// The live view of the output while the test runs (its <see cref="WebView.Url"/> is the page to open, with the
    /// access token), or null when <see cref="GuiSessionOptions.LiveView"/> is off.
    /// </summary>
    public WebView? LiveView { get; }

    /// <summary>The private XDG_RUNTIME_DIR apps get.</summary>
    public string RuntimeDirectory { get; }

    /// <summary>The compositor's socket (an absolute path, usable as WAYLAND_DISPLAY).</summary>
    public string SocketPath { get; }

    /// <summary>The apps launched so far.</summary>
    public IReadOnlyList<GuiApp> Apps
    {
        get
        {
            lock (_apps)
            {
                return [.. _apps];
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/> as a client of this session: WAYLAND_DISPLAY
    /// and XDG_RUNTIME_DIR point at the session, inherited WAYLAND_SOCKET, WAYLAND_DEBUG and DISPLAY are removed
    /// (WAYLAND_DEBUG is set with <see cref="GuiSessionOptions.CaptureProtocolLog"/>), then
    /// <paramref name="environment"/> is applied (a null value removes a variable). Standard output and error are kept.
    /// With <see cref="GuiSessionOptions.LaunchOverSocketPair"/> the app instead inherits one end of a connected socket
    /// pair as WAYLAND_SOCKET (and gets no WAYLAND_DISPLAY); the compositor serves the other end.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The program cannot be started.</exception>
    /// <exception cref="WaylandIOException">The socket pair cannot be created.</exception>
    public Task<GuiApp> LaunchAsync(string fileName, IEnumerable<string>? arguments = null,
        IReadOnlyDictionary<string, string?>? environment = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        ProcessStartInfo info = StartInfo(fileName, arguments, environment);
        GuiApp app;
        if (Options.LaunchOverSocketPair)
        {
            app = StartOverSocketPair(info);
        }
        else
        {
            // Not while another session's socket-pair end is inheritable: this child would keep it open too.
            lock (InheritLock)
            {
                app = new GuiApp(info);
            }
        }

        lock (_apps)
        {
            _apps.Add(app);
        }

        return Task.FromResult(app);
    }

    /// <summary>How an app of this session is started: the session's Wayland environment, then <paramref name="environment"/>.</summary>
    private ProcessStartInfo StartInfo(string fileName, IEnumerable<string>? arguments, IReadOnlyDictionary<string, string?>? environment)
    {
        ProcessStartInfo info = new(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string argument in arguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["XDG_RUNTIME_DIR"] = RuntimeDirectory;
        info.Environment["WAYLAND_DISPLAY"] = SocketName;
        info.Environment.Remove("WAYLAND_SOCKET");
        info.Environment.Remove("WAYLAND_DEBUG");
        info.Environment.Remove("DISPLAY");
        if (Options.CaptureProtocolLog)
        {
            info.Environment["WAYLAND_DEBUG"] = "1";
        }

        foreach ((string name, string? value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        return info;
    }

    /// <summary>
    /// The clipboard's text now, read by running <c>wl-paste</c> (from wl-clipboard) as a client of the session: null
    /// when nothing offers <paramref name="mimeType"/>. wl-paste maps a tiny window to get keyboard focus, as the
    /// selection goes only to the focused client; focus returns to the window below when it exits.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">wl-paste cannot be started (install wl-clipboard).</exception>
    /// <exception cref="GuiTimeoutException">wl-paste did not finish within <see cref="GuiSessionOptions.DefaultTimeout"/>.</exception>
    public Task<string?> ReadClipboardTextAsync(string mimeType = "text/plain;charset=utf-8", CancellationToken cancellationToken = default) =>
        ReadSelectionAsync(primary: false, mimeType, cancellationToken);

    /// <summary>Waits until the clipboard's text (see <see cref="ReadClipboardTextAsync"/>) satisfies <paramref name="predicate"/>; returns it.</summary>
    /// <exception cref="GuiTimeoutException">It did not within the timeout; the message gives the last text seen.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/> (see <see cref="GuiSessionOptions.DefaultTimeout"/>).</exception>
    public Task<string> WaitForClipboardTextAsync(Func<string, bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForSelectionAsync(primary: false, predicate, Limit(timeout), cancellationToken);

    /// <summary>
    /// Waits until a capture of <paramref name="window"/> satisfies <paramref name="predicate"/> — any check of your own
    /// on the pixels — and returns that capture. <paramref name="description"/> says in a timeout's message what was
    /// awaited.
    /// </summary>
    /// <exception cref="GuiTimeoutException">No capture satisfied it within the timeout.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/> (see <see cref="GuiSessionOptions.DefaultTimeout"/>).</exception>
    public Task<Image> WaitForCaptureAsync(GuiWindow window, Func<Image, bool> predicate, string description, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentNullException.ThrowIfNull(description);
        return PollAsync(
            () => Compositor.CaptureWindow(window.Id) is { } image && predicate(image) ? image : null,
            $"{window}: {description}", timeout, cancellationToken);
    }

    /// <summary>Starts the app with one end of a fresh socket pair as WAYLAND_SOCKET; the compositor gets the other.</summary>
    private GuiApp StartOverSocketPair(ProcessStartInfo info)
    {
        (SafeFdHandle ours, SafeFdHandle theirs) = UnixSocket.CreatePair();
        using (theirs)
        {
            // The display owns its end from here on, also when this fails; if the app never starts, closing
            // theirs hangs the client up and the compositor forgets it.
            Compositor.Invoke(() => Compositor.Display.CreateClient(ours));
            info.Environment.Remove("WAYLAND_DISPLAY");
            info.Environment["WAYLAND_SOCKET"] = theirs.Fd.ToString(CultureInfo.InvariantCulture);
            lock (InheritLock)
            {
                // The runtime's fork/exec closes only close-on-exec descriptors: the child inherits exactly this one,
                // and only for the moment of the start is it inheritable.
                theirs.SetCloseOnExec(false);
                try
                {
                    return new GuiApp(info);
                }
                finally
                {
                    theirs.SetCloseOnExec(true);
                }
            }
        }
    }

    /// <summary>The mapped windows now, bottom to top.</summary>
    public IReadOnlyList<GuiWindow> GetWindows() => [.. Compositor.GetWindows().Select(info => new GuiWindow(this, info))];

    /// <summary>Waits for a window whose title or app id matches <paramref name="titleOrAppIdPattern"/> (a regex, unanchored).</summary>
    /// <exception cref="GuiTimeoutException">No such window within the timeout; the message lists the windows there were.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/> (see <see cref="GuiSessionOptions.DefaultTimeout"/>).</exception>
    public Task<GuiWindow> WaitForWindowAsync(string titleOrAppIdPattern, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        Regex pattern = new(titleOrAppIdPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return PollAsync(
            () => Compositor.GetWindows().FirstOrDefault(w => (w.Title is { } title && pattern.IsMatch(title)) || (w.AppId is { } appId && pattern.IsMatch(appId))) is { } found
                ? new GuiWindow(this, found)
                : null,
            $"a window whose title or app id matches /{titleOrAppIdPattern}/", timeout, cancellationToken);
    }

    /// <summary>
    /// Waits until <paramref name="window"/> looks the same for <paramref name="quiet"/>: captures taken
    /// <see cref="GuiSessionOptions.PollInterval"/> apart are identical throughout (a client that commits identical
    /// frames is idle). Only captures at most three poll intervals (at least 100 ms) apart count: after a longer gap,
    /// as when the machine is overloaded, the quiet time starts over, since the window may have changed and changed
    /// back meanwhile. Returns the settled capture.
    /// </summary>
    /// <exception cref="GuiTimeoutException">The window kept changing, or was gone, for the whole timeout.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/> (see <see cref="GuiSessionOptions.DefaultTimeout"/>).</exception>
    public Task<Image> WaitForIdleAsync(GuiWindow window, TimeSpan quiet, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForIdleAsync(window, new IdleCondition { Quiet = quiet }, timeout, cancellationToken);

    /// <summary>
    /// Waits until <paramref name="window"/> stays quiet in the sense of <paramref name="condition"/> for its
    /// <see cref="IdleCondition.Quiet"/> time: no visible change (outside ignored regions, within a tolerance), or no
    /// commit by any client. Returns the window's capture at that moment.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="condition"/> is out of range.</exception>
    /// <exception cref="GuiTimeoutException">The window kept changing, or was gone, for the whole timeout.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/> (see <see cref="GuiSessionOptions.DefaultTimeout"/>).</exception>
    public Task<Image> WaitForIdleAsync(GuiWindow window, IdleCondition condition, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(condition);
        condition.Validate();
        IdleTracker tracker = new(condition, Options.PollInterval);
        return PollAsync(
            () =>
            {
                long committed = Compositor.Commits;
                Image? now = Compositor.CaptureWindow(window.Id);
                return tracker.Observe(now, committed, _clock.Elapsed) is { } idle ? (true, idle) : (false, null!);
            },
            () => $"{window}: {condition}{tracker.Describe()}", timeout, cancellationToken);
    }

    /// <summary>
    /// Waits until <paramref name="predicate"/> holds for the pixel at window-relative (<paramref name="x"/>,
    /// <paramref name="y"/>) of <paramref name="window"/> (0xAARRGGBB, premultiplied alpha). Returns that pixel.
    /// </summary>
    /// <exception cref="GuiTimeoutException">The predicate did not hold within the timeout; the message gives the last pixel seen.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/> (see <see cref="GuiSessionOptions.DefaultTimeout"/>).</exception>
    public Task<uint> WaitForPixelAsync(GuiWindow window, int x, int y, Func<uint, bool> predicate, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(predicate);
        uint? last = null;
        return PollAsync(
            () =>
            {
                Image? image = Compositor.CaptureWindow(window.Id);
                if (image is null || x < 0 || y < 0 || x >= image.Width || y >= image.Height)
                {
                    return (false, 0u);
                }

                last = image.GetPixel(x, y);
                return (predicate(last.Value), last.Value);
            },
            () => $"the pixel at ({x}, {y}) of {window} to satisfy the condition (last seen: {(last is { } p ? $"0x{p:X8}" : "outside the window")})",
            timeout, cancellationToken);
    }

    /// <summary>
    /// Waits until the region of <paramref name="window"/> at window-relative (<paramref name="x"/>, <paramref name="y"/>)
    /// matches <paramref name="expected"/>: no channel of any pixel differs by more than <paramref name="tolerance"/>.
    /// </summary>
    /// <exception cref="GuiTimeoutException">No match within the timeout; the message gives the last count of differing pixels.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/> (see <see cref="GuiSessionOptions.DefaultTimeout"/>).</exception>
    public async Task WaitForRegionToMatchAsync(GuiWindow window, int x, int y, RgbaImage expected, int tolerance = 0, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(expected);
        ImageComparison? last = null;
        await PollAsync(
            () =>
            {
                Image? image = Compositor.CaptureWindow(window.Id);
                if (image is null)
                {
                    return (false, 0);
                }

                last = ImageComparison.Compare(RgbaImage.FromImage(image.Crop(x, y, expected.Width, expected.Height)), expected, tolerance);
                return (last.Matches(0), 0);
            },
            () => $"the {expected.Width}x{expected.Height} region at ({x}, {y}) of {window} to match (last: {last?.ToString() ?? "window not there"})",
            timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Golden-image expectations on <paramref name="window"/>.</summary>
    public WindowExpectation Expect(GuiWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return new WindowExpectation(this, window);
    }

    /// <summary>
    /// Writes what a failure needs to be understood: a screenshot of the output, the last frames of the output as an
    /// animated PNG (<c>-frames.apng</c>, see <see cref="GuiSessionOptions.RecordedFrames"/>), the protocol errors
    /// posted, and each app's standard output and error. Returns their paths.
    /// </summary>
    /// <param name="label">Goes into the file names (for example <c>timeout</c>), made a plain file name as <see cref="GuiSessionOptions.Name"/> is.</param>
    public IReadOnlyList<string> SaveArtifacts(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        List<string> paths = [];
        string prefix = ArtifactPath($"{FileNames.Safe(label, MaxLabelLength)}-{Interlocked.Increment(ref _artifactCount)}");
        string screen = prefix + "-screen.png";
        Compositor.CaptureOutput().SavePng(screen);
        paths.Add(screen);
        string frames = prefix + "-frames.apng";
        if (_recorder?.Save(frames) == true)
        {
            paths.Add(frames);
        }

        string errors = prefix + "-protocol-errors.txt";
        IReadOnlyList<Wayland.Server.ClientError> posted = Compositor.Errors;
        File.WriteAllText(errors, posted.Count == 0 ? "no protocol errors were posted\n" : string.Join('\n', posted) + "\n");
        paths.Add(errors);
        foreach (GuiApp app in Apps)
        {
            string log = $"{prefix}-app-{app.Id}.log";
            File.WriteAllText(log, $"{app}\n--- stdout ---\n{app.StandardOutput}--- stderr ---\n{app.StandardError}");
            paths.Add(log);
        }

        return paths;
    }

    /// <summary>What the session looks like now: windows with titles, app ids and bounds; the last frame; protocol errors.</summary>
    public string DescribeState()
    {
        Observe();
        StringBuilder text = new();
        IReadOnlyList<WindowInfo> windows = Compositor.GetWindows();
        text.Append(CultureInfo.InvariantCulture, $"windows present: {windows.Count}");
        foreach (WindowInfo window in windows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"\n  #{window.Id} title \"{window.Title}\" app id \"{window.AppId}\" pid {window.ProcessId} at ({window.Bounds.X}, {window.Bounds.Y}) {window.Bounds.Width}x{window.Bounds.Height}{(window.IsActivated ? " activated" : "")}{(window.IsResponsive ? "" : " unresponsive")}");
        }

        long frames = Interlocked.Read(ref _lastFrames);
        text.Append(frames == 0
            ? "\nno frame was rendered yet"
            : string.Create(CultureInfo.InvariantCulture, $"\nlast frame changed {(_clock.Elapsed - _lastFrameChange).TotalMilliseconds:0} ms ago ({Compositor.FramesRendered} frames rendered, {Compositor.Commits} commits)"));
        IReadOnlyList<Wayland.Server.ClientError> errors = Compositor.Errors;
        text.Append(CultureInfo.InvariantCulture, $"\nprotocol errors posted: {Compositor.ErrorCount}");
        foreach (Wayland.Server.ClientError error in errors)
        {
            text.Append("\n  ").Append(error);
        }

        return text.ToString();
    }

    /// <summary>
    /// With the live view on, keeps the session as it is — apps running, the page live and taking input — until the
    /// browsers watching it have closed the page, so that a person can look at a failure; returns at once (false)
    /// without a live view or with a zero <paramref name="maximum"/>. The hold ends once nobody has watched for a
    /// second after somebody did (a reload does not end it), or after <paramref name="maximum"/> (default
    /// <see cref="GuiSessionOptions.LiveViewHold"/>), whether or not anybody came; with <see cref="Timeout.InfiniteTimeSpan"/>
    /// only the viewers leaving (or <paramref name="cancellationToken"/>) ends it. Disposing a session whose own
    /// check failed holds by itself; call this for a failure of your own assertions:
    /// <c>catch { await session.HoldForViewerAsync(); throw; }</c>. Returns true when the viewers left, false when
    /// the maximum ran out.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maximum"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public async Task<bool> HoldForViewerAsync(TimeSpan? maximum = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TimeSpan limit = maximum is { } given ? Timeouts.Check(given, nameof(maximum)) : Options.LiveViewHold;
        Volatile.Write(ref _failed, 0);
        if (LiveView is not { } view || limit == TimeSpan.Zero)
        {
            return false;
        }

        Options.Log($"{Name}: holding the session until its live view is closed ({Timeouts.AtMost(limit)}): {view.Url}");
        TimeSpan deadline = Timeouts.Deadline(TimeSpan.Zero, limit);
        Stopwatch held = Stopwatch.StartNew();
        bool watchedAtStart = view.ViewerCount > 0;
        long connectedAtStart = view.ViewersConnected;
        TimeSpan? unwatchedSince = null;
        while (held.Elapsed < deadline)
        {
            bool watched = watchedAtStart || view.ViewersConnected > connectedAtStart;
            if (!watched || view.ViewerCount > 0)
            {
                unwatchedSince = null;
            }
            else if ((unwatchedSince ??= held.Elapsed) + ViewerGoneGrace <= held.Elapsed)
            {
                Options.Log($"{Name}: the live view was closed; ending the session");
                return true;
            }

            TimeSpan step = TimeSpan.FromMilliseconds(50);
            await Task.Delay(step < deadline - held.Elapsed ? step : deadline - held.Elapsed, cancellationToken).ConfigureAwait(false);
        }

        Options.Log($"{Name}: nobody closed the live view within {Timeouts.Seconds(limit)}; ending the session");
        return false;
    }

    /// <summary>
    /// Ends every launched app's process tree, stops the compositor, removes the runtime directory. App output stays
    /// readable. With the live view on and a failed check of the kit before, first holds for the viewer
    /// (<see cref="HoldForViewerAsync"/>). Waits still pending end with <see cref="ObjectDisposedException"/>; a look of
    /// theirs at the compositor under way finishes first.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (Volatile.Read(ref _failed) != 0)
        {
            HoldForViewerAsync().GetAwaiter().GetResult();
        }

        // Waits look no more from now on; the looks under way finish before the compositor stops (see Look).
        Volatile.Write(ref _disposed, true);
        Interlocked.MemoryBarrier();
        int mine = t_looks;
        SpinWait.SpinUntil(() => Volatile.Read(ref _looks) <= mine);
        LiveView?.Dispose();
        _recorder?.Dispose();
        foreach (GuiApp app in Apps)
        {
            app.Dispose();
        }

        Compositor.Dispose();
        try
        {
            Directory.Delete(RuntimeDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        if (!_disposed && Volatile.Read(ref _failed) != 0)
        {
            await HoldForViewerAsync().ConfigureAwait(false);
        }

        Dispose();
    }

    /// <summary>Where the artifact <c>{Name}-{suffix}</c> goes; <paramref name="suffix"/> must be a plain file name already.</summary>
    internal string ArtifactPath(string suffix)
    {
        Directory.CreateDirectory(Options.ArtifactsDirectory);
        return Path.Combine(Options.ArtifactsDirectory, $"{Name}-{suffix}");
    }

    internal Task<T> PollAsync<T>(Func<T?> probe, string what, TimeSpan? timeout, CancellationToken cancellationToken)
        where T : class
        => PollAsync(() => probe() is { } found ? (true, found) : (false, null!), () => what, timeout, cancellationToken);

    /// <summary>Polls until <paramref name="probe"/> is done; the timeout is checked at once, before the wait starts.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    internal Task<T> PollAsync<T>(Func<(bool Done, T Value)> probe, Func<string> what, TimeSpan? timeout, CancellationToken cancellationToken) =>
        PollCoreAsync(probe, what, Limit(timeout), cancellationToken);

    /// <summary>The timeout a wait given <paramref name="timeout"/> has: it, checked, or <see cref="GuiSessionOptions.DefaultTimeout"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    internal TimeSpan Limit(TimeSpan? timeout) => timeout is { } given ? Timeouts.Check(given, nameof(timeout)) : Options.DefaultTimeout;

    private async Task<T> PollCoreAsync<T>(Func<(bool Done, T Value)> probe, Func<string> what, TimeSpan limit, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TimeSpan deadline = Timeouts.Deadline(_clock.Elapsed, limit);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (bool done, T value) = Look(() =>
            {
                Observe();
                (bool done, T value) = probe();
                if (done)
                {
                    _recorder?.Sample(commits: true);
                }
                else if (_clock.Elapsed >= deadline)
                {
                    (string message, IReadOnlyList<string> artifacts) = Failure($"timed out after {Timeouts.Seconds(limit)} waiting for {what()}", "timeout");
                    throw new GuiTimeoutException(message, artifacts);
                }

                return (done, value);
            });
            if (done)
            {
                return value;
            }

            await Task.Delay(Options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <paramref name="look"/>, a poll's work with the compositor, unless disposing has begun; disposing lets the
    /// looks under way finish before it stops the compositor. The compositor's loop runs only what was posted to it
    /// before it stops, so a call posted just then would wait for it in vain.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The session is being disposed.</exception>
    private T Look<T>(Func<T> look)
    {
        Interlocked.Increment(ref _looks);
        t_looks++;
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
            return look();
        }
        finally
        {
            t_looks--;
            Interlocked.Decrement(ref _looks);
        }
    }

    /// <summary>The full message of a failure (the state, then the artifacts) and the artifacts, written now.</summary>
    internal (string Message, IReadOnlyList<string> Artifacts) Failure(string message, string label, IEnumerable<string>? moreArtifacts = null)
    {
        Volatile.Write(ref _failed, 1);
        string state = DescribeState();
        if (LiveView is { } view)
        {
            TimeSpan hold = Options.LiveViewHold;
            state += hold == TimeSpan.Zero
                ? $"\nlive view: {view.Url}"
                : $"\nlive view: {view.Url} (the session is held until it is closed, {Timeouts.AtMost(hold)})";
        }

        List<string> artifacts = [.. moreArtifacts ?? []];
        try
        {
            artifacts.AddRange(SaveArtifacts(label));
        }
        catch (IOException error)
        {
            state += $"\n(artifacts could not be written: {error.Message})";
        }

        return ($"{message}\n{state}\nartifacts:\n  {string.Join("\n  ", artifacts)}", artifacts);
    }

    private void Observe()
    {
        _recorder?.Sample();

        // A frame the recorder's capture painted ahead of the refresh is still counted by that refresh.
        long frames = Compositor.FramesRendered;
        if (Interlocked.Exchange(ref _lastFrames, frames) != frames)
        {
            _lastFrameChange = _clock.Elapsed;
        }
    }

    private static bool SamePixels(Image first, Image second) =>
        first.Width == second.Width && first.Height == second.Height && first.Pixels.AsSpan().SequenceEqual(second.Pixels);
}
