using System.Runtime.CompilerServices;
using Wayland.Compositor;
using Wayland.Testing;

namespace Wayland.GuiTesting.Tests;

[Collection(nameof(GuiSessionTests))] // counts this process's descriptors: no other test class may run meanwhile
public class GuiSessionTests
{
    private const uint Red = 0xFFC03030;

    [Fact]
    public async Task Waits_for_weston_flowers_window_and_sees_it_drawn()
    {
        await using GuiSession session = new(Options());
        GuiApp flower = await session.LaunchAsync("weston-flower");
        GuiWindow window = await session.WaitForWindowAsync("^Flower$");
        Assert.Equal(flower.Id, window.Info.ProcessId);
        Image drawn = await session.WaitForIdleAsync(window, TimeSpan.FromMilliseconds(200));
        Assert.True(drawn.Width > 100 && drawn.Height > 100, $"flower's window is {drawn.Width}x{drawn.Height}");
        // The flower (random colours, partly translucent) covers the middle; its corners stay transparent.
        await session.WaitForPixelAsync(window, drawn.Width / 2, drawn.Height / 2, pixel => pixel >> 24 != 0);
        Assert.Equal(0u, drawn.GetPixel(0, 0) >> 24);
        Assert.Empty(session.Compositor.Errors);
    }

    [Fact]
    public async Task Text_and_a_chord_typed_into_weston_terminal_run_in_its_shell_and_show()
    {
        using ArtifactsDirectory directory = new();
        string marker = Path.Combine(directory.Path, "typed");
        await using GuiSession session = new(Options());
        await session.LaunchAsync("weston-terminal", environment: new Dictionary<string, string?> { ["SHELL"] = "/bin/sh" });
        GuiWindow window = await session.WaitForWindowAsync("org\\.freedesktop\\.weston\\.terminal|Wayland Terminal");
        Image before = await session.WaitForIdleAsync(window, TimeSpan.FromMilliseconds(300));

        // Ctrl+M is a carriage return to a terminal: the command runs only if Ctrl was held.
        window.TypeText($"echo Typed-Text > {marker}");
        window.PressChord("Ctrl+M");

        for (int i = 0; i < 1000 && !File.Exists(marker); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(File.Exists(marker), $"the shell never ran the typed command\n{session.DescribeState()}");
        await session.WaitForIdleAsync(window, TimeSpan.FromMilliseconds(200));
        Assert.Equal("Typed-Text\n", await File.ReadAllTextAsync(marker));
        Assert.False(before.Pixels.AsSpan().SequenceEqual(window.Capture().Pixels), "the terminal shows the command");
        Assert.Empty(session.Compositor.Errors);
    }

    [Fact]
    public async Task The_apps_protocol_log_goes_into_its_failure_artifacts()
    {
        using ArtifactsDirectory directory = new();
        GuiSessionOptions options = Options();
        options.ArtifactsDirectory = directory.Path;
        options.CaptureProtocolLog = true;
        await using GuiSession session = new(options);
        GuiApp flower = await session.LaunchAsync("weston-flower");
        await session.WaitForWindowAsync("^Flower$");
        GuiTimeoutException timeout = await Assert.ThrowsAsync<GuiTimeoutException>(() => session.WaitForWindowAsync("^Nothing$", TimeSpan.FromMilliseconds(100)));
        string log = await File.ReadAllTextAsync(Assert.Single(timeout.Artifacts, path => path.EndsWith($"-app-{flower.Id}.log", StringComparison.Ordinal)));
        Assert.Matches("-> xdg_toplevel#?@[0-9]+\\.set_title\\(\"Flower\"\\)", log);
    }

    [Fact]
    public void Chords_are_parsed_from_text()
    {
        (uint key, uint[] modifiers) = KeyChord.Parse("Ctrl+Shift+T");
        Assert.Equal(Keys.T, key);
        Assert.Equal([Keys.LeftCtrl, Keys.LeftShift], modifiers);
        (uint digit, uint[] alt) = KeyChord.Parse("alt + 1");
        Assert.Equal(Keys.D1, digit);
        Assert.Equal([Keys.LeftAlt], alt);
        Assert.Equal(Keys.Enter, KeyChord.Parse("Enter").Key);
        ArgumentException error = Assert.Throws<ArgumentException>(() => KeyChord.Parse("Ctrl+Hyper+X"));
        Assert.Contains("\"Hyper\"", error.Message);
        Assert.Throws<ArgumentException>(() => KeyChord.Parse("ButtonLeft"));
    }

    [Fact]
    public async Task Sessions_in_parallel_see_only_their_own_windows()
    {
        await using GuiSession first = new(Options("parallel-first"));
        await using GuiSession second = new(Options("parallel-second"));
        Assert.NotEqual(first.RuntimeDirectory, second.RuntimeDirectory);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(first.RuntimeDirectory));
        using PatternClient one = PatternClient.Start(first, title: "one");
        using PatternClient two = PatternClient.Start(second, title: "two");
        Task<GuiWindow> waitOne = first.WaitForWindowAsync("^one$");
        Task<GuiWindow> waitTwo = second.WaitForWindowAsync("^two$");
        await Task.WhenAll(waitOne, waitTwo);
        Assert.Equal("one", Assert.Single(first.GetWindows()).Info.Title);
        Assert.Equal("two", Assert.Single(second.GetWindows()).Info.Title);
    }

    [Fact]
    public async Task Deterministic_client_matches_its_golden_image()
    {
        await using GuiSession session = new(Options());
        using PatternClient client = PatternClient.Start(session);
        GuiWindow window = await session.WaitForWindowAsync("wayland\\.guitesting\\.pattern");
        await session.Expect(window).ToMatchGoldenAsync("pattern.png");

        // The golden holds what the client draws, decoded by StbImageSharp: one pixel of each quadrant.
        RgbaImage golden = RgbaImage.Load(Path.Combine(session.Options.GoldenDirectory, "pattern.png"));
        Assert.Equal((PatternClient.Width, PatternClient.Height), (golden.Width, golden.Height));
        Assert.Equal(0xC03030FFu, golden.GetPixel(1, 1));
        Assert.Equal(0x3060C0FFu, golden.GetPixel(PatternClient.Width - 1, 0));
        Assert.Equal(0xF0F0F0FFu, golden.GetPixel(0, PatternClient.Height - 1));
        Assert.Equal(0x101010FFu, golden.GetPixel(PatternClient.Width - 1, PatternClient.Height - 1));
    }

    [Fact]
    public async Task Golden_mismatch_fails_and_writes_actual_expected_and_diff_pngs()
    {
        using ArtifactsDirectory directory = new();
        string artifacts = directory.Path;
        GuiSessionOptions options = Options();
        options.ArtifactsDirectory = artifacts;
        options.UpdateGoldens = false;
        await using GuiSession session = new(options);
        using PatternClient client = PatternClient.Start(session, topLeft: 0xFF30C030);
        GuiWindow window = await session.WaitForWindowAsync("pattern");

        GuiTestException failure = await Assert.ThrowsAsync<GuiTestException>(() =>
            session.Expect(window).ToMatchGoldenAsync("pattern.png", perPixelTolerance: 8, maxDifferentPixels: 10, TimeSpan.FromMilliseconds(500)));

        // The whole top-left quadrant differs, nothing else.
        const int quadrant = PatternClient.Width / 2 * (PatternClient.Height / 2);
        Assert.Contains($"{quadrant} pixels differ by more than 8", failure.Message);
        string[] pngs = [.. failure.Artifacts.Where(path => path.EndsWith(".png", StringComparison.Ordinal))];
        Assert.Equal(4, pngs.Length);
        foreach (string png in pngs)
        {
            Assert.Contains(png, failure.Message);
            Assert.StartsWith(artifacts, png, StringComparison.Ordinal);
            RgbaImage decoded = RgbaImage.Load(png);
            Assert.True(decoded.Width > 0 && decoded.Height > 0);
        }

        RgbaImage diff = RgbaImage.Load(Assert.Single(pngs, path => path.EndsWith("pattern-diff.png", StringComparison.Ordinal)));
        int red = 0;
        for (int y = 0; y < diff.Height; y++)
        {
            for (int x = 0; x < diff.Width; x++)
            {
                red += diff.GetPixel(x, y) == 0xFF0000FF ? 1 : 0;
            }
        }

        Assert.Equal(quadrant, red);
        Assert.Equal(0x30C030FFu, RgbaImage.Load(Assert.Single(pngs, path => path.EndsWith("pattern-actual.png", StringComparison.Ordinal))).GetPixel(0, 0));
        Assert.Equal(0xC03030FFu, RgbaImage.Load(Assert.Single(pngs, path => path.EndsWith("pattern-expected.png", StringComparison.Ordinal))).GetPixel(0, 0));
        Assert.Contains(failure.Artifacts, path => path.EndsWith("-protocol-errors.txt", StringComparison.Ordinal) && File.Exists(path));
    }

    [Fact]
    public async Task Timeout_says_which_windows_were_there_and_when_the_last_frame_changed()
    {
        using ArtifactsDirectory directory = new();
        string artifacts = directory.Path;
        GuiSessionOptions options = Options();
        options.ArtifactsDirectory = artifacts;
        await using GuiSession session = new(options);
        using PatternClient client = PatternClient.Start(session, title: "the pattern");
        await session.WaitForWindowAsync("the pattern");

        GuiTimeoutException timeout = await Assert.ThrowsAsync<GuiTimeoutException>(() =>
            session.WaitForWindowAsync("no such window", TimeSpan.FromMilliseconds(300)));

        Assert.Contains("timed out after 0.3 s waiting for a window whose title or app id matches /no such window/", timeout.Message);
        Assert.Contains("windows present: 1", timeout.Message);
        Assert.Contains("title \"the pattern\" app id \"wayland.guitesting.pattern\"", timeout.Message);
        Assert.Matches("last frame changed [0-9]+ ms ago", timeout.Message);
        Assert.Contains("protocol errors posted: 0", timeout.Message);
        string screen = Assert.Single(timeout.Artifacts, path => path.EndsWith("-screen.png", StringComparison.Ordinal));
        Assert.Contains(screen, timeout.Message);
        RgbaImage decoded = RgbaImage.Load(screen);
        Assert.Equal((320, 240), (decoded.Width, decoded.Height));
    }

    [Fact]
    public async Task A_failure_writes_the_last_frames_as_an_animated_png()
    {
        using ArtifactsDirectory directory = new();
        GuiSessionOptions options = Options();
        options.ArtifactsDirectory = directory.Path;
        options.RecordedFrames = 3;
        await using GuiSession session = new(options);
        using PatternClient client = PatternClient.Start(session);
        GuiWindow window = await session.WaitForWindowAsync("pattern");
        await session.WaitForPixelAsync(window, 1, 1, pixel => pixel == 0xFFC03030);
        // Four looks that differ, each seen by a wait: the window mapped, two clicks, a key. Only the last three stay.
        window.Click(40, 30);
        await session.WaitForPixelAsync(window, 40, 30, pixel => pixel == PatternClient.MarkerColor);
        window.Click(10, 30);
        await session.WaitForPixelAsync(window, 10, 30, pixel => pixel == PatternClient.MarkerColor);
        window.TypeText("a");
        await session.WaitForPixelAsync(window, 10, 0, pixel => pixel == PatternClient.KeyColor);

        GuiTimeoutException failure = await Assert.ThrowsAsync<GuiTimeoutException>(() => session.WaitForWindowAsync("^never$", TimeSpan.FromMilliseconds(100)));

        string path = Assert.Single(failure.Artifacts, p => p.EndsWith("-frames.apng", StringComparison.Ordinal));
        Assert.Contains(path, failure.Message);
        byte[] file = await File.ReadAllBytesAsync(path);
        IReadOnlyList<(string Type, int Start, int Length)> chunks = AnimatedPng.ReadChunks(file);
        (string _, int acStart, int acLength) = Assert.Single(chunks, c => c.Type == "acTL");
        Assert.Equal(8, acLength);
        Assert.Equal(3, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(acStart)));
        Assert.Equal(3, chunks.Count(c => c.Type == "fcTL"));
        Assert.Equal(["IHDR", "acTL", "fcTL", "IDAT"], chunks.Take(4).Select(c => c.Type));
        Assert.Equal("IEND", chunks[^1].Type);

        // A plain PNG decoder (StbImageSharp) shows the first frame kept: the first click's marker, not yet the second's.
        Rect at = window.Refresh().Bounds;
        RgbaImage first = RgbaImage.Decode(file);
        Assert.Equal((320, 240), (first.Width, first.Height));
        Assert.Equal(0x00FF00FFu, first.GetPixel(at.X + 40, at.Y + 30));
        Assert.Equal(0xF0F0F0FFu, first.GetPixel(at.X + 10, at.Y + 30));
        // The last frame, rebuilt as a PNG of its own from its fdAT chunks, shows the key bar.
        RgbaImage last = RgbaImage.Decode(LastFrameAsPng(file, chunks));
        Assert.Equal(0x00FF00FFu, last.GetPixel(at.X + 10, at.Y + 30));
        Assert.Equal(0xFFFF00FFu, last.GetPixel(at.X + 10, at.Y));
    }

    /// <summary>The APNG's last frame as a PNG: its IHDR, then the last frame's fdAT data (without sequence numbers) as IDAT.</summary>
    private static byte[] LastFrameAsPng(byte[] apng, IReadOnlyList<(string Type, int Start, int Length)> chunks)
    {
        int lastControl = chunks.Select((c, i) => (c.Type, i)).Last(c => c.Type == "fcTL").i;
        List<byte[]> data = [.. chunks.Skip(lastControl + 1).Where(c => c.Type == "fdAT").Select(c => apng.AsSpan(c.Start + 4, c.Length - 4).ToArray())];
        Assert.NotEmpty(data);
        (string _, int headerStart, int _) = chunks[0];
        using MemoryStream png = new();
        png.Write(apng.AsSpan(0, 8));
        WriteChunk(png, "IHDR", apng.AsSpan(headerStart, 13));
        WriteChunk(png, "IDAT", data.SelectMany(d => d).ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        byte[] word = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        byte[] name = System.Text.Encoding.ASCII.GetBytes(type);
        output.Write(name);
        output.Write(data);
        System.IO.Hashing.Crc32 crc = new();
        crc.Append(name);
        crc.Append(data);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }

    [Fact]
    public async Task A_client_committing_the_same_picture_is_idle_by_pixels_but_not_by_commits()
    {
        await using GuiSession session = new(Options());
        using PatternClient client = PatternClient.Start(session, animation: PatternAnimation.Repeat);
        GuiWindow window = await session.WaitForWindowAsync("pattern");
        long commitsBefore = session.Compositor.Commits;

        Image settled = await session.WaitForIdleAsync(window, TimeSpan.FromMilliseconds(300));

        Assert.Equal(0xFFC03030u, settled.GetPixel(1, 1));
        Assert.True(session.Compositor.Commits > commitsBefore + 5, "the client kept committing while the pixels stood still");
        IdleCondition byCommits = new() { Measure = IdleMeasure.Commits, Quiet = TimeSpan.FromMilliseconds(300) };
        GuiTimeoutException busy = await Assert.ThrowsAsync<GuiTimeoutException>(() => session.WaitForIdleAsync(window, byCommits, TimeSpan.FromMilliseconds(800)));
        Assert.Contains("no commit for 300 ms", busy.Message);
    }

    [Fact]
    public async Task A_blinking_cursor_is_left_out_of_idleness_by_a_region_or_a_tolerance()
    {
        await using GuiSession session = new(Options());
        using PatternClient client = PatternClient.Start(session, animation: PatternAnimation.Blink);
        GuiWindow window = await session.WaitForWindowAsync("pattern");
        TimeSpan quiet = TimeSpan.FromMilliseconds(3 * PatternClient.BlinkPeriod);
        TimeSpan busy = 3 * quiet;
        await session.WaitForPixelAsync(window, PatternClient.BlinkX, PatternClient.BlinkY, pixel => pixel == PatternClient.BlinkColor);

        GuiTimeoutException blinking = await Assert.ThrowsAsync<GuiTimeoutException>(() => session.WaitForIdleAsync(window, quiet, busy));
        Assert.Contains($"no visible change for {quiet.TotalMilliseconds} ms", blinking.Message);

        IdleCondition masked = new() { Quiet = quiet };
        masked.IgnoredRegions.Add(new Rect(PatternClient.BlinkX - 1, PatternClient.BlinkY - 1, PatternClient.BlinkSize + 2, PatternClient.BlinkSize + 2));
        Image settled = await session.WaitForIdleAsync(window, masked);
        Assert.Equal(0xFF101010u, settled.GetPixel(PatternClient.BlinkX - 2, PatternClient.BlinkY));

        // The block blinks by 8 in each channel: a tolerance of 8 ignores it, 7 does not.
        await session.WaitForIdleAsync(window, new IdleCondition { Quiet = quiet, Tolerance = 8 });
        await Assert.ThrowsAsync<GuiTimeoutException>(() => session.WaitForIdleAsync(window, new IdleCondition { Quiet = quiet, Tolerance = 7 }, busy));
    }

    [Fact]
    public async Task Clicks_and_keys_land_relative_to_the_window_wherever_it_is()
    {
        await using GuiSession session = new(Options());
        using PatternClient client = PatternClient.Start(session);
        GuiWindow window = await session.WaitForWindowAsync("pattern");
        Assert.True(session.Compositor.MoveWindow(window.Id, 200, 150));

        window.Click(40, 30);
        Assert.Equal(PatternClient.MarkerColor, await session.WaitForPixelAsync(window, 40, 30, pixel => pixel == PatternClient.MarkerColor));
        Assert.Equal(PatternClient.MarkerColor, session.Compositor.CaptureOutput().GetPixel(240, 180));

        window.TypeText("a");
        await session.WaitForPixelAsync(window, 10, 0, pixel => pixel == PatternClient.KeyColor);

        // A solid 8x8 block of the top-left quadrant's red, below the key bar.
        byte[] red = new byte[8 * 8 * 4];
        for (int i = 0; i < red.Length; i += 4)
        {
            (red[i], red[i + 1], red[i + 2], red[i + 3]) = (0xC0, 0x30, 0x30, 0xFF);
        }

        await session.WaitForRegionToMatchAsync(window, 4, 4, new RgbaImage(8, 8, red));
        await Assert.ThrowsAsync<GuiTimeoutException>(() => session.WaitForRegionToMatchAsync(window, 36, 26, new RgbaImage(8, 8, red), timeout: TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task A_cancelled_wait_ends_at_once()
    {
        await using GuiSession session = new(Options());
        using CancellationTokenSource cancel = new(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.WaitForWindowAsync("never", TimeSpan.FromMinutes(5), cancel.Token));
    }

    [Fact]
    public async Task Dispose_ends_the_apps_whole_process_tree_keeps_its_output_and_leaks_no_descriptor()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        GuiSession session = new(Options());
        GuiApp app = await session.LaunchAsync("sh", ["-c", "sleep 300 & echo child $!; echo to-stderr >&2; exec weston-flower"]);
        GuiWindow window = await session.WaitForWindowAsync("^Flower$");
        Assert.Equal(app.Id, window.Info.ProcessId);
        for (int i = 0; i < 500 && !app.StandardOutput.Contains('\n', StringComparison.Ordinal); i++)
        {
            await Task.Delay(10);
        }

        int sleepId = int.Parse(app.StandardOutput.Split(' ', '\n')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(IsAlive(sleepId), "the grandchild runs before dispose");
        string runtime = session.RuntimeDirectory;

        await session.DisposeAsync();

        Assert.True(app.HasExited);
        Assert.Equal(137, app.ExitCode);
        for (int i = 0; i < 500 && IsAlive(sleepId); i++)
        {
            await Task.Delay(10);
        }

        Assert.False(IsAlive(sleepId), $"sleep (pid {sleepId}) outlived the session");
        Assert.StartsWith("child ", app.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("to-stderr", app.StandardError);
        Assert.False(Directory.Exists(runtime));
        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public async Task An_app_launched_over_a_socket_pair_connects_through_WAYLAND_SOCKET_alone()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        GuiSessionOptions options = Options();
        options.LaunchOverSocketPair = true;
        await using (GuiSession session = new(options))
        {
            // The shell checks the environment, then becomes weston-flower, which can only connect through the descriptor.
            GuiApp app = await session.LaunchAsync("sh", ["-c", "test -z \"$WAYLAND_DISPLAY\" && test -n \"$WAYLAND_SOCKET\" && exec weston-flower"]);
            GuiWindow window = await session.WaitForWindowAsync("^Flower$");
            await session.WaitForPixelAsync(window, 100, 100, pixel => pixel >> 24 != 0);
            // The pair was made by this process, so its credentials are ours, not the app's.
            Assert.Equal(Environment.ProcessId, window.Info.ProcessId);
            Assert.False(app.HasExited);
            await Assert.ThrowsAsync<System.ComponentModel.Win32Exception>(() => session.LaunchAsync("/nonexistent/gui-app"));
            Assert.Single(session.Apps);
            Assert.Empty(session.Compositor.Errors);
        }

        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public async Task A_program_that_does_not_exist_fails_to_launch_and_leaks_nothing()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        await using (GuiSession session = new(Options()))
        {
            await Assert.ThrowsAsync<System.ComponentModel.Win32Exception>(() => session.LaunchAsync("/nonexistent/gui-app"));
            Assert.Empty(session.Apps);
        }

        OpenFds.AssertUnchanged(before);
    }

    /// <summary>Running or stopped, not gone and not a zombie waiting for its parent's reaper.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>A 320x240 session whose goldens live beside this file, in goldens/.</summary>
    private static GuiSessionOptions Options([CallerMemberName] string name = "", [CallerFilePath] string file = "") => new()
    {
        Name = name,
        Width = 320,
        Height = 240,
        GoldenDirectory = Path.Combine(Path.GetDirectoryName(file)!, "goldens"),
    };

    /// <summary>A temporary artifacts directory, removed on dispose.</summary>
    internal sealed class ArtifactsDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("gui-artifacts-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
