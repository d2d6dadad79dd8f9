using System.Net;
using System.Runtime.CompilerServices;
using Wayland.Compositor;

namespace Wayland.GuiTesting.Tests;

/// <summary>
/// What the kit does with values a test should not pass: timeouts follow .NET (Timeout.InfiniteTimeSpan waits without
/// limit, other negative values are refused), input coordinates and amounts must be finite, step counts are bounded,
/// and names given for files stay inside their directories.
/// </summary>
[Collection(nameof(GuiSessionTests))]
public class MisuseTests
{
    public static TheoryData<TimeSpan> UnlimitedTimeouts => [Timeout.InfiniteTimeSpan, TimeSpan.MaxValue];

    [Theory]
    [MemberData(nameof(UnlimitedTimeouts))]
    public async Task An_unlimited_timeout_waits_until_the_window_comes(TimeSpan timeout)
    {
        await using GuiSession session = new(Options());
        Task<GuiWindow> waiting = session.WaitForWindowAsync("^late$", timeout);
        using PatternClient client = PatternClient.Start(session, title: "late");
        Assert.Equal("late", (await waiting).Info.Title);
    }

    [Fact]
    public async Task A_default_timeout_of_InfiniteTimeSpan_waits_without_limit()
    {
        GuiSessionOptions options = Options();
        options.DefaultTimeout = Timeout.InfiniteTimeSpan;
        await using GuiSession session = new(options);
        Task<GuiWindow> waiting = session.WaitForWindowAsync("^late$");
        using PatternClient client = PatternClient.Start(session, title: "late");
        Assert.Equal("late", (await waiting).Info.Title);
    }

    [Fact]
    public async Task An_unlimited_timeout_waits_for_the_clipboard_until_its_text_comes()
    {
        await using GuiSession session = new(Options());
        Task<string> waiting = session.WaitForClipboardTextAsync(text => text == "later", Timeout.InfiniteTimeSpan);
        await session.SetClipboardTextAsync("later");
        Assert.Equal("later", await waiting);
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(-1000)]
    public async Task A_negative_timeout_other_than_infinite_is_refused_by_every_wait(int milliseconds)
    {
        TimeSpan negative = TimeSpan.FromMilliseconds(milliseconds);
        await using GuiSession session = new(Options());
        using PatternClient client = PatternClient.Start(session);
        GuiWindow window = await session.WaitForWindowAsync("pattern");
        RgbaImage region = new(1, 1, new byte[4]);
        Func<Task>[] waits =
        [
            () => session.WaitForWindowAsync("pattern", negative),
            () => session.WaitForIdleAsync(window, TimeSpan.Zero, negative),
            () => session.WaitForIdleAsync(window, new IdleCondition(), negative),
            () => session.WaitForPixelAsync(window, 0, 0, _ => true, negative),
            () => session.WaitForRegionToMatchAsync(window, 0, 0, region, timeout: negative),
            () => session.WaitForCaptureAsync(window, _ => true, "anything", negative),
            () => session.WaitForClipboardTextAsync(_ => true, negative),
            () => session.WaitForPrimarySelectionTextAsync(_ => true, negative),
            () => session.Expect(window).ToMatchGoldenAsync("pattern.png", timeout: negative),
        ];
        foreach (Func<Task> wait in waits)
        {
            ArgumentOutOfRangeException refused = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(wait);
            Assert.Equal("timeout", refused.ParamName);
        }

        ArgumentOutOfRangeException hold = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => session.HoldForViewerAsync(negative));
        Assert.Equal("maximum", hold.ParamName);
    }

    [Fact]
    public async Task A_session_held_for_its_viewer_without_limit_holds_until_cancelled_and_says_so()
    {
        using GuiSessionTests.ArtifactsDirectory artifacts = new();
        GuiSessionOptions options = Options();
        options.ArtifactsDirectory = artifacts.Path;
        options.LiveView = new IPEndPoint(IPAddress.Loopback, 0);
        options.LiveViewHold = Timeout.InfiniteTimeSpan;
        await using GuiSession session = new(options);
        GuiTimeoutException timeout = await Assert.ThrowsAsync<GuiTimeoutException>(() => session.WaitForWindowAsync("never", TimeSpan.Zero));
        Assert.Contains("the session is held until it is closed, without a time limit", timeout.Message);

        // Holding ends the failed state: disposing does not hold again.
        using CancellationTokenSource cancel = new(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.HoldForViewerAsync(Timeout.InfiniteTimeSpan, cancel.Token));
    }

    [Fact]
    public void Intervals_too_long_for_a_timer_are_refused_when_the_session_starts()
    {
        GuiSessionOptions poll = Options();
        poll.PollInterval = TimeSpan.MaxValue;
        Assert.Equal("PollInterval", Assert.Throws<ArgumentOutOfRangeException>(() => new GuiSession(poll)).ParamName);
        GuiSessionOptions record = Options();
        record.RecordInterval = TimeSpan.MaxValue;
        Assert.Equal("RecordInterval", Assert.Throws<ArgumentOutOfRangeException>(() => new GuiSession(record)).ParamName);
        GuiSessionOptions negative = Options();
        negative.DefaultTimeout = TimeSpan.FromSeconds(-5);
        Assert.Equal("DefaultTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => new GuiSession(negative)).ParamName);
    }

    [Fact]
    public async Task Input_at_a_coordinate_or_by_an_amount_that_is_not_a_finite_wire_number_is_refused_by_name()
    {
        await using GuiSession session = new(Options());
        using PatternClient client = PatternClient.Start(session);
        GuiWindow window = await session.WaitForWindowAsync("pattern");
        (Action Input, string Parameter)[] refused =
        [
            (() => window.MovePointer(double.NaN, 0), "x"),
            (() => window.Click(double.NaN, double.PositiveInfinity), "x"),
            (() => window.Click(0, double.PositiveInfinity), "y"),
            (() => window.DoubleClick(double.NegativeInfinity, 0), "x"),
            (() => window.RightClick(0, double.NaN), "y"),
            (() => window.Drag(0, 0, double.NaN, 10), "toX"),
            (() => window.Drag(0, double.NegativeInfinity, 10, 10), "fromY"),
            (() => window.Scroll(0, 0, double.NaN, 1), "dx"),
            (() => window.Scroll(0, 0, 0, 1e308), "dy"),
            (() => window.Scroll(double.NaN, 0, 0, 1), "x"),
            (() => window.Tap(double.NaN, 0), "x"),
            (() => window.Swipe(0, 0, 10, double.PositiveInfinity), "toY"),
            (() => window.Swipe(double.NaN, 0, 10, 10), "fromX"),
            (() => window.TouchDown(1, 0, double.NaN), "y"),
            (() => window.TouchMove(1, 9e6, 0), "x"),
            (() => window.DragToAsync(0, 0, window, double.NaN, 0).GetAwaiter().GetResult(), "targetX"),
            (() => window.DragToAsync(0, -9e6, window, 0, 0).GetAwaiter().GetResult(), "fromY"),
        ];
        foreach ((Action input, string parameter) in refused)
        {
            ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(input);
            Assert.Equal(parameter, error.ParamName);
        }

        // A refused swipe did not put its touch point down before finding the bad end.
        window.TouchDown(0, 1, 1);
        window.TouchUp(0);

        // The largest coordinates Wayland's 24.8 fixed-point numbers carry are taken (the pointer stops at the edge).
        window.MovePointer(8_388_607, -8_388_607);
        window.Scroll(1, 1, 0, -8_388_607);
    }

    [Fact]
    public async Task Steps_of_drags_and_swipes_are_bounded()
    {
        const int tooMany = GuiWindow.MaxSteps + 1;
        await using GuiSession session = new(Options());
        using PatternClient client = PatternClient.Start(session);
        GuiWindow window = await session.WaitForWindowAsync("pattern");
        Action[] refused =
        [
            () => window.Drag(0, 0, 10, 10, steps: tooMany),
            () => window.Drag(0, 0, 10, 10, steps: int.MaxValue),
            () => window.Swipe(0, 0, 10, 10, steps: tooMany),
            () => window.DragToAsync(0, 0, window, 10, 10, steps: tooMany).GetAwaiter().GetResult(),
            () => window.Drag(0, 0, 10, 10, steps: 0),
        ];
        foreach (Action input in refused)
        {
            Assert.Equal("steps", Assert.Throws<ArgumentOutOfRangeException>(input).ParamName);
        }

        window.Drag(0, 0, 10, 10, steps: tooMany - 1);
        window.Swipe(0, 0, 10, 10, steps: tooMany - 1);
    }

    [Fact]
    public async Task Disposing_lets_a_pending_waits_look_at_the_compositor_finish_before_stopping_it()
    {
        // The compositor's loop runs only what was posted before it was told to stop: a look of a wait posted just
        // then waited 30 s for the stopped loop and failed with TimeoutException. Here the loop is held while the
        // wait's look is posted and the session disposed, then let go.
        GuiSessionOptions options = Options();
        options.RecordedFrames = 0;
        GuiSession session = new(options);
        using ManualResetEventSlim loopHeld = new();
        using ManualResetEventSlim release = new();
        session.Compositor.Display.Loop.Post(() =>
        {
            loopHeld.Set();
            release.Wait();
        });
        loopHeld.Wait();
        Task<GuiWindow> waiting = Task.Run(() => session.WaitForWindowAsync("never", Timeout.InfiniteTimeSpan));
        await Task.Delay(200);
        Task disposing = Task.Run(session.Dispose);
        await Task.Delay(200);
        release.Set();
        await disposing;

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
    }

    [Fact]
    public async Task A_wait_whose_predicate_disposes_the_session_ends_with_ObjectDisposedException()
    {
        // Disposing lets the looks of waits finish first, but not the look it is called from.
        GuiSession session = new(Options());
        await session.LaunchAsync("weston-simple-shm");
        GuiWindow window = await session.WaitForWindowAsync(".");
        Task waiting = session.WaitForCaptureAsync(window, _ =>
        {
            session.Dispose();
            return false;
        }, "the session disposed", Timeout.InfiniteTimeSpan);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    public static TheoryData<string> UnsafeNames => ["../escaped", "a/b", "..", ".", "/absolute/name", "", "a\0b", new string('n', 300)];

    [Theory]
    [MemberData(nameof(UnsafeNames))]
    public async Task A_session_name_that_is_not_a_plain_file_name_still_names_artifacts_inside_the_artifacts_directory(string name)
    {
        using GuiSessionTests.ArtifactsDirectory root = new();
        string inside = Directory.CreateDirectory(Path.Combine(root.Path, "inside")).FullName;
        GuiSessionOptions options = Options();
        options.Name = name;
        options.ArtifactsDirectory = inside;
        await using GuiSession session = new(options);
        Assert.Equal(session.Name, Path.GetFileName(session.Name));
        Assert.DoesNotMatch("^[.]|^$", session.Name);

        GuiTimeoutException timeout = await Assert.ThrowsAsync<GuiTimeoutException>(() => session.WaitForWindowAsync("never", TimeSpan.Zero));
        IReadOnlyList<string> saved = session.SaveArtifacts("../" + name);

        string[] artifacts = [.. timeout.Artifacts, .. saved];
        Assert.Equal(6, artifacts.Length); // a screenshot, the frames and the protocol errors, twice
        Assert.All(artifacts, path => Assert.Equal(inside, Path.GetDirectoryName(Path.GetFullPath(path))));
        Assert.All(artifacts, path => Assert.True(File.Exists(path), path));
        Assert.Equal([inside], Directory.GetFileSystemEntries(root.Path));
    }

    [Fact]
    public async Task A_golden_name_must_stay_inside_the_golden_directory()
    {
        using GuiSessionTests.ArtifactsDirectory root = new();
        GuiSessionOptions options = Options();
        options.GoldenDirectory = Path.Combine(root.Path, "goldens");
        options.ArtifactsDirectory = Path.Combine(root.Path, "artifacts");
        await using GuiSession session = new(options);
        using PatternClient client = PatternClient.Start(session);
        GuiWindow window = await session.WaitForWindowAsync("pattern");

        foreach (bool update in new[] { true, false })
        {
            options.UpdateGoldens = update;
            foreach (string name in new[] { "../outside.png", Path.Combine(root.Path, "absolute.png"), "sub/../../outside.png", "." })
            {
                ArgumentException refused = await Assert.ThrowsAsync<ArgumentException>(() => session.Expect(window).ToMatchGoldenAsync(name));
                Assert.Equal("goldenName", refused.ParamName);
            }
        }

        // Sub-directories of the golden directory are fine.
        options.UpdateGoldens = true;
        await session.Expect(window).ToMatchGoldenAsync("sub/inner.png");
        Assert.True(File.Exists(Path.Combine(root.Path, "goldens", "sub", "inner.png")));
        Assert.Equal(["goldens"], Directory.GetFileSystemEntries(root.Path).Select(Path.GetFileName));
    }

    private static GuiSessionOptions Options([CallerMemberName] string name = "") => new() { Name = name, Width = 320, Height = 240 };
}
