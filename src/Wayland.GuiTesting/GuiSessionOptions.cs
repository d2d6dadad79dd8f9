using System.Globalization;
using System.Net;

namespace Wayland.GuiTesting;

/// <summary>How a <see cref="GuiSession"/> sets up its compositor, how long its waits last, and where files go.</summary>
public sealed class GuiSessionOptions
{
    /// <summary>Environment variable that, set to <c>1</c>, makes golden comparisons write new goldens instead of comparing.</summary>
    public const string UpdateGoldensVariable = "WAYLAND_GUI_UPDATE_GOLDENS";

    /// <summary>Environment variable naming the default <see cref="ArtifactsDirectory"/>.</summary>
    public const string ArtifactsVariable = "WAYLAND_GUI_ARTIFACTS";

    /// <summary>
    /// Environment variable that turns the live view on for every session: <c>ADDRESS:PORT</c> (for example
    /// <c>127.0.0.1:0</c>, port 0 picks a free one) or <c>1</c> for <c>127.0.0.1:0</c>. See <see cref="LiveView"/>.
    /// </summary>
    public const string LiveViewVariable = "WAYLAND_GUI_LIVE";

    /// <summary>Environment variable giving <see cref="LiveViewHold"/> in seconds (0 never holds).</summary>
    public const string LiveViewHoldVariable = "WAYLAND_GUI_LIVE_HOLD";

    /// <summary>Output width in pixels (default 1024).</summary>
    public int Width { get; set; } = 1024;

    /// <summary>Output height in pixels (default 768).</summary>
    public int Height { get; set; } = 768;

    /// <summary>Output scale (default 1).</summary>
    public int Scale { get; set; } = 1;

    /// <summary>Output refresh rate in mHz (default 60000).</summary>
    public int RefreshMilliHertz { get; set; } = 60000;

    /// <summary>
    /// Timeout of a wait that is given none (default 10 s); <see cref="Timeout.InfiniteTimeSpan"/> waits without limit.
    /// Waits take timeouts as .NET does: <see cref="Timeout.InfiniteTimeSpan"/> (or a timeout over about 49.7 days, the
    /// longest a .NET timer runs, such as <see cref="TimeSpan.MaxValue"/>) never runs out, zero looks once, and other
    /// negative timeouts are refused with <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often waits look again (default 20 ms; at most about 49.7 days, the longest a .NET timer runs).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Names this session's artifacts (use the test's name); files are called <c>{Name}-….png</c>. Default: <c>gui</c>
    /// and a timestamp. The name is made one plain file name (<see cref="GuiSession.Name"/>), so that artifacts stay in
    /// <see cref="ArtifactsDirectory"/> whatever the name: ASCII letters, digits, <c>-</c>, <c>_</c> and <c>.</c> stay,
    /// other characters (path separators, spaces, parentheses of a parameterized test's name) become <c>_</c>, as does
    /// a leading dot; a name longer than 100 characters is cut and ends in a hash of the whole name.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// Where failure artifacts go: screenshots, actual/expected/diff images, protocol errors, app output. Default:
    /// <c>$WAYLAND_GUI_ARTIFACTS</c>, else <c>gui-artifacts</c> in the current directory (a test run's output).
    /// </summary>
    public string ArtifactsDirectory { get; set; } =
        Environment.GetEnvironmentVariable(ArtifactsVariable) is { Length: > 0 } directory
            ? directory
            : Path.Combine(Directory.GetCurrentDirectory(), "gui-artifacts");

    /// <summary>Where golden images are read from (and written to in update mode). Default: <c>goldens</c> in the current directory.</summary>
    public string GoldenDirectory { get; set; } = Path.Combine(Directory.GetCurrentDirectory(), "goldens");

    /// <summary>Write goldens instead of comparing with them. Default: <c>$WAYLAND_GUI_UPDATE_GOLDENS</c> is <c>1</c>.</summary>
    public bool UpdateGoldens { get; set; } = Environment.GetEnvironmentVariable(UpdateGoldensVariable) == "1";

    /// <summary>
    /// Launch apps with <c>WAYLAND_DEBUG=1</c>, so that libwayland (and Wayland.Client) apps log every message they
    /// send and receive to standard error in the WAYLAND_DEBUG format; it lands in <see cref="GuiApp.StandardError"/>
    /// and in the app logs written as failure artifacts. Default false.
    /// </summary>
    public bool CaptureProtocolLog { get; set; }

    /// <summary>
    /// How many of the output's last frames are kept for the failure artifacts, written as an animated PNG (default
    /// 30; 0 records nothing). Frames are kept only when the output looks different; outputs wider than 640 pixels are
    /// halved until they fit, and at most 32 MiB of pixels are kept whatever the count.
    /// </summary>
    public int RecordedFrames { get; set; } = 30;

    /// <summary>
    /// How often the output is looked at for <see cref="RecordedFrames"/> between waits (default 50 ms, at most about
    /// 49.7 days; waits also look at each poll).
    /// </summary>
    public TimeSpan RecordInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Launch apps over a connected socket pair: each app inherits its end as <c>WAYLAND_SOCKET</c> (a descriptor
    /// number) and gets no <c>WAYLAND_DISPLAY</c>, as compositors that start their own clients do. libwayland connects
    /// through it and removes the variable, so programs the app starts do not reach the session. The compositor sees
    /// the test process, which created the pair, as the client's process (<see cref="Wayland.Compositor.WindowInfo.ProcessId"/>).
    /// Default false: apps connect to the session's socket by name.
    /// </summary>
    public bool LaunchOverSocketPair { get; set; }

    /// <summary>
    /// Where to serve a live view of the session's output (a page that shows it and takes pointer and keyboard input,
    /// from Wayland.Compositor.Web) while the test runs: a loopback address and port, 0 for a free one. Its address,
    /// with the access token, goes to <see cref="Log"/> when the session starts. Default: <c>$WAYLAND_GUI_LIVE</c>,
    /// else null (off: no port is opened).
    /// </summary>
    public IPEndPoint? LiveView { get; set; } = ParseLiveView(Environment.GetEnvironmentVariable(LiveViewVariable));

    /// <summary>
    /// With <see cref="LiveView"/> on, how long disposing a session that failed waits at most for the browsers
    /// watching it to close the page (the apps keep running meanwhile), so that a person can look at the failure; see
    /// <see cref="GuiSession.HoldForViewerAsync"/>. Default: <c>$WAYLAND_GUI_LIVE_HOLD</c> seconds, else 600 s; zero
    /// never holds, <see cref="Timeout.InfiniteTimeSpan"/> holds until the viewers leave. Without a live view nothing
    /// ever holds.
    /// </summary>
    public TimeSpan LiveViewHold { get; set; } = ParseHold(Environment.GetEnvironmentVariable(LiveViewHoldVariable));

    /// <summary>Where the session's messages go: the live view's address and when a failed session holds for its
    /// viewer. Default: standard error.</summary>
    public Action<string> Log { get; set; } = static message => Console.Error.WriteLine(message);

    /// <summary>Reads <see cref="LiveViewVariable"/>'s value: null when unset or empty.</summary>
    /// <exception cref="ArgumentException">The value is not <c>ADDRESS:PORT</c> or <c>1</c>.</exception>
    private static IPEndPoint? ParseLiveView(string? value) => value switch
    {
        null or "" or "0" => null,
        "1" => new IPEndPoint(IPAddress.Loopback, 0),
        _ when IPEndPoint.TryParse(value, out IPEndPoint? endPoint) && value.Contains(':', StringComparison.Ordinal) => endPoint,
        _ => throw new ArgumentException($"{LiveViewVariable}={value} is not ADDRESS:PORT (for example 127.0.0.1:0) or 1"),
    };

    /// <summary>Reads <see cref="LiveViewHoldVariable"/>'s value: 600 s when unset or empty.</summary>
    /// <exception cref="ArgumentException">The value is not a number of seconds, 0 or more.</exception>
    private static TimeSpan ParseHold(string? value) =>
        string.IsNullOrEmpty(value) ? TimeSpan.FromSeconds(600)
        : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0 && seconds <= int.MaxValue
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"{LiveViewHoldVariable}={value} is not a number of seconds (0 or more)");

    internal void Validate()
    {
        Timeouts.Check(LiveViewHold, nameof(LiveViewHold));
        ArgumentNullException.ThrowIfNull(Log, nameof(Log));
        ArgumentOutOfRangeException.ThrowIfNegative(RecordedFrames, nameof(RecordedFrames));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RecordInterval, TimeSpan.Zero, nameof(RecordInterval));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RecordInterval, Timeouts.Longest, nameof(RecordInterval));
        if (DefaultTimeout <= TimeSpan.Zero && DefaultTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(DefaultTimeout), DefaultTimeout, "The default timeout is more than zero, or Timeout.InfiniteTimeSpan to wait without limit.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PollInterval, Timeouts.Longest, nameof(PollInterval));
        ArgumentException.ThrowIfNullOrEmpty(ArtifactsDirectory, nameof(ArtifactsDirectory));
        ArgumentException.ThrowIfNullOrEmpty(GoldenDirectory, nameof(GoldenDirectory));
    }

    /// <summary>
    /// The outputs, when more than one is wanted (or one with a position): each a wl_output with its position, size and
    /// scale (see <see cref="Wayland.Compositor.HeadlessCompositorOptions.Outputs"/>), captured with
    /// <see cref="GuiSession.CaptureOutput"/>. Empty (the default) means one output of <see cref="Width"/>,
    /// <see cref="Height"/> and <see cref="Scale"/>, which are otherwise ignored. Windows open on the first output; move
    /// one elsewhere with <see cref="GuiWindow.MoveTo"/>. Frames are recorded for failure artifacts from the first output only.
    /// </summary>
    public IList<Wayland.Compositor.HeadlessOutputOptions> Outputs { get; } = [];

    /// <summary>
    /// Disconnect an app that leaves a ping unanswered for <see cref="Wayland.Compositor.HeadlessCompositor.PingTimeout"/>
    /// (the compositor pings a window when it is activated), as desktop compositors offer to: its window goes, and
    /// waits on it fail. Default false: the window is only marked unresponsive (<see cref="Wayland.Compositor.WindowInfo.IsResponsive"/>).
    /// </summary>
    public bool DisconnectUnresponsiveClients { get; set; }
}
