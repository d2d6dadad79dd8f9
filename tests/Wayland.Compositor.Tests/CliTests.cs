using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Compositor.Tests;

/// <summary>
/// wl-headless (tools/Wayland.Compositor.Cli) as a user runs it: <c>dotnet wl-headless.dll</c> in a private
/// XDG_RUNTIME_DIR, with real clients (wayland-info, weston-simple-shm, tests/native/test-client) as --exec commands.
/// Exit statuses, what lands on stdout/stderr, and the PNG it writes.
/// </summary>
public sealed class CliTests : IDisposable
{
    /// <summary>The compositor's default background, as png-check prints it (rrggbbaa).</summary>
    private const string Background = "202428ff";

    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(2);

    private readonly RuntimeDirectory _runtime = RuntimeDirectory.Create("cli");

    public void Dispose() => _runtime.Dispose();

    [Fact]
    public void WaylandInfoSeesTheGlobalsAndExitsZero()
    {
        (int exit, string stdout, string stderr) = Run("--exec", "wayland-info");

        Assert.True(exit == 0, stderr);
        Assert.Contains("'wl_compositor'", stdout, StringComparison.Ordinal);
        Assert.Contains("'xdg_wm_base'", stdout, StringComparison.Ordinal);
        Assert.Contains("'wl_seat'", stdout, StringComparison.Ordinal);
        Assert.Contains("wl-headless: listening on wayland-0", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void WaylandInfoParsesTheOutputSeatAndPresentationDetails()
    {
        (int exit, string stdout, string stderr) = Run("--size", "640x480", "--exec", "wayland-info");

        Assert.True(exit == 0, stderr);
        string text = Regex.Replace(stdout, @"\s+", " ");
        string[] expected =
        [
            "name: HEADLESS-1 description: Wayland.NET headless output 640x480 x: 0, y: 0, scale: 1,",
            "make: 'Wayland.NET', model: 'Headless',",
            "mode: width: 640 px, height: 480 px, refresh: 60.000 Hz, flags: current preferred",
            "name: 'HEADLESS-1' description: 'Wayland.NET headless output 640x480' logical_x: 0, logical_y: 0 logical_width: 640, logical_height: 480",
            "name: seat0 capabilities: pointer keyboard touch keyboard repeat rate: 25 keyboard repeat delay: 600",
            "presentation clock id: 1 (CLOCK_MONOTONIC)",
        ];
        Assert.All(expected, line => Assert.Contains(line, text, StringComparison.Ordinal));
    }

    [Fact]
    public void WaylandDebugLogsTheMirrorOfWhatALibwaylandClientLogs()
    {
        // WAYLAND_DEBUG=1 reaches both: our server logs to wl-headless's stderr, libwayland's client to client.log.
        (int exit, _, string stderr) = Run(new Dictionary<string, string> { ["WAYLAND_DEBUG"] = "1" },
            "--exec", "wayland-info >/dev/null 2>client.log");
        Assert.True(exit == 0, stderr);
        string clientLog = File.ReadAllText(Path.Combine(_runtime.Path, "client.log"));
        List<string> client = DebugLines(clientLog, server: false);
        List<string> server = DebugLines(stderr, server: true);

        // Every event the client received, the server logged as sent (as a multiset: libwayland logs events when
        // it dispatches them, and it dispatches wl_display's queue first). Every request the server read, in
        // order. The client's last requests (destroys before it exits) may be unread: like libwayland, the server
        // drops a client on hang-up without reading what is still in the socket.
        List<string> events = [.. client.Where(l => l[0] == 'R').Order(StringComparer.Ordinal)];
        Assert.True(events.Count > 20, clientLog);
        Assert.Equal(events, server.Where(l => l[0] == 'R').Order(StringComparer.Ordinal));
        List<string> requests = [.. client.Where(l => l[0] == 'S')];
        List<string> read = [.. server.Where(l => l[0] == 'S')];
        Assert.True(read.Count > 5 && read.Count <= requests.Count, string.Join("\n", server));
        Assert.Equal(requests.Take(read.Count), read);
        int lastEvent = client.FindLastIndex(l => l[0] == 'R');
        Assert.Equal(requests.Skip(read.Count), client.Skip(lastEvent + 1).Where(l => l[0] == 'S'));
    }

    [Fact]
    public void NativeAotBuildServesRealClientsLikeTheJitOne()
    {
        // Server-side generated code and the compositor compiled ahead of time: no reflection anywhere they rely on.
        using NativeAotTool native = NativeAotTool.Get("tools/Wayland.Compositor.Cli/Wayland.Compositor.Cli.csproj", "wl-headless");
        (int exit, string stdout, string stderr) = RunProgram(native.Executable, null, "--size", "640x480", "--exec", "wayland-info");
        Assert.True(exit == 0, stderr);
        (_, string full, _) = Run("--size", "640x480", "--exec", "wayland-info");
        Assert.Equal(full, stdout);
        (exit, string help, _) = RunProgram(native.Executable, null, "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--screenshot <PATH>", help, StringComparison.Ordinal);

        string png = Path.Combine(_runtime.Path, "native.png");
        (exit, _, stderr) = RunProgram(native.Executable, null, "--exec", "weston-simple-shm", "--frames", "30", "--screenshot", png);
        Assert.True(exit == 0, stderr);
        Assert.Contains(", 0 protocol error(s)", stderr, StringComparison.Ordinal);
        Assert.Equal((1024, 768), ReadPngHeader(png));
        Assert.Contains(SamplePixels(png, 1024, 768), pixel => pixel != Background);
    }

    [Fact]
    public void AfterFramesItWritesTheScreenshotEndsTheCommandAndExitsZero()
    {
        // weston-simple-shm animates for ever: only --frames ends this run.
        string png = Path.Combine(_runtime.Path, "out.png");
        Stopwatch clock = Stopwatch.StartNew();
        (int exit, _, string stderr) = Run("--size", "640x480", "--exec", "weston-simple-shm", "--frames", "30", "--screenshot", png);

        Assert.True(exit == 0, stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.Equal((640, 480), ReadPngHeader(png));
        IReadOnlyList<string> pixels = SamplePixels(png, 640, 480);
        Assert.Equal(Background, pixels[^1]);
        Assert.True(pixels.Distinct().Count() >= 3, $"the screenshot looks uniform: {string.Join(' ', pixels.Distinct())}");
    }

    [Fact]
    public void ScreenshotOnExitShowsTheWindowsOfTheCommandThatJustExited()
    {
        // SIGINT makes weston-simple-shm leave its loop and disconnect: by then its window is unmapped, but the
        // screenshot shows the output as it was just before. The signal goes out once the client's own protocol log
        // shows three commits (two of them answers to frame callbacks, so frames were drawn), not after a fixed time.
        string png = Path.Combine(_runtime.Path, "exit.png");
        const string command =
            "WAYLAND_DEBUG=1 weston-simple-shm 2>\"$XDG_RUNTIME_DIR/shm.log\" & pid=$!; " +
            "until [ \"$(grep -c 'wl_surface@[0-9]*\\.commit' \"$XDG_RUNTIME_DIR/shm.log\")\" -ge 3 ]; do " +
            "kill -0 $pid 2>/dev/null || exit 1; sleep 0.05; done; kill -INT $pid; wait $pid; exit 0";
        (int exit, _, string stderr) = Run("--size", "400x300", "--exec", command, "--screenshot", png);

        Assert.True(exit == 0, stderr);
        Assert.Equal((400, 300), ReadPngHeader(png));
        Assert.Contains(SamplePixels(png, 400, 300), pixel => pixel != Background);
    }

    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 3", 3)]
    [InlineData("kill -KILL $$", 128 + 9)]
    public void ExitStatusIsTheCommands(string command, int expected)
    {
        (int exit, _, string stderr) = Run("--exec", command);

        Assert.True(exit == expected, $"exit {exit}, expected {expected}:\n{stderr}");
    }

    [Fact]
    public void ProtocolErrorExitsTwoAndIsPrinted()
    {
        // test-client succeeds (exit 0) exactly when the compositor posts wl_shm.error.invalid_stride to it.
        string client = NativePeers.Path("test-client");
        (int exit, string stdout, string stderr) = Run("--exec", $"'{client}' --socket \"$WAYLAND_DISPLAY\" --scenario shm-bad-stride");

        Assert.Contains("error 1 wl_shm_pool 4", stdout, StringComparison.Ordinal);
        Assert.True(exit == 2, $"exit {exit}:\n{stderr}");
        Assert.Contains("wl_shm_pool#4: error 1: invalid width, height or stride", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecSocketHandsTheCommandAConnectedSocket()
    {
        // No WAYLAND_DISPLAY and no wayland-0 in the runtime directory: only WAYLAND_SOCKET can connect wayland-info.
        (int exit, string stdout, string stderr) = Run(
            "--socket", "wl-cli-test", "--exec-socket", "test -n \"$WAYLAND_SOCKET\" && unset WAYLAND_DISPLAY && wayland-info");

        Assert.True(exit == 0, stderr);
        Assert.Contains("'wl_compositor'", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecDoesNotPassOnAnInheritedWaylandSocket()
    {
        // wl-headless started by another compositor's launcher inherits WAYLAND_SOCKET; a client would take it over
        // WAYLAND_DISPLAY and speak to that compositor (or to a descriptor it does not have) instead of this one.
        (int exit, string stdout, string stderr) = Run(new Dictionary<string, string> { ["WAYLAND_SOCKET"] = "99" },
            "--exec", "test -z \"$WAYLAND_SOCKET\" && wayland-info");

        Assert.True(exit == 0, $"exit {exit}:\n{stderr}");
        Assert.Contains("'wl_compositor'", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void TimeoutEndsTheCommandAndExits124()
    {
        Stopwatch clock = Stopwatch.StartNew();
        (int exit, _, string stderr) = Run("--exec", "sleep 120", "--timeout", "1");

        Assert.True(exit == 124, $"exit {exit}:\n{stderr}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public void WithoutCommandSigtermStopsItWithStatusZeroAndRemovesTheSocket()
    {
        // The shell starts it, waits for its socket (at most 60 s), then sends SIGTERM and reports its status.
        const string script = """
            dotnet "$1" --socket wl-sig & pid=$!
            tries=0
            while [ ! -S "$XDG_RUNTIME_DIR/wl-sig" ] && [ $tries -lt 600 ]; do sleep 0.1; tries=$((tries + 1)); done
            kill -TERM $pid
            wait $pid
            """;
        ProcessStartInfo info = new("/bin/sh", ["-c", script, "sh", CliPath]);
        _runtime.Apply(info);

        (int exit, _, string stderr) = ProcessRunner.Run(info, RunLimit);

        Assert.True(exit == 0, $"exit {exit}:\n{stderr}");
        Assert.Contains("stopping (signal 15)", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_runtime.Path, "wl-sig")), "socket left behind");
        Assert.False(File.Exists(Path.Combine(_runtime.Path, "wl-sig.lock")), "lock file left behind");
    }

    [Theory]
    [InlineData("--size", "12")]
    [InlineData("--size", "0x10")]
    [InlineData("--frames", "0")]
    [InlineData("--refresh", "abc")]
    [InlineData("--exec", "true", "--exec-socket", "true")]
    [InlineData("--no-such-option")]
    [InlineData("--max-popups", "-1")]
    [InlineData("--max-windows", "-2")]
    [InlineData("--max-subsurfaces", "many")]
    [InlineData("--max-content-bytes", "-5")]
    [InlineData("--max-content-bytes", "12Q")]
    [InlineData("--screenshot", "")]
    [InlineData("--socket", "")]
    public void BadArgumentsExit64WithTheProblemAndAPointerToHelp(params string[] arguments)
    {
        (int exit, string stdout, string stderr) = Run(arguments);

        Assert.Equal(64, exit);
        Assert.Equal("", stdout);
        // What was wrong, then one line: not the whole help, which buried the problem above it.
        Assert.Matches(@"^(wl-headless: [^\n]+\n)+Try 'wl-headless --help' for the options\.\n$", stderr);
    }

    [Theory]
    [InlineData("--timeout", "99999999999999999", "--timeout must be a number of seconds from 0.001 to 2147483.647")]
    [InlineData("--timeout", "0", "--timeout must be a number of seconds from 0.001 to 2147483.647")]
    [InlineData("--frames", "99999999999", "--frames must be a whole number of frames from 1 to 2147483647")]
    [InlineData("--max-windows", "3000000000", "--max-windows must be a whole number from 0 (no limit) to 2147483647")]
    [InlineData("--web-max-viewers", "0", "--web-max-viewers must be a whole number from 1 to 2147483647")]
    public void AnOutOfRangeNumberIsRefusedWithTheRange(string option, string value, string message)
    {
        (int exit, _, string stderr) = Run(option == "--web-max-viewers" ? ["--web", "127.0.0.1:0", option, value] : [option, value]);

        Assert.Equal(64, exit);
        Assert.StartsWith($"wl-headless: {message}, not '{value}'\n", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--screenshot", "", "--screenshot needs a file name, not ''")]
    [InlineData("--screenshot", " ", "--screenshot needs a file name, not ' '")]
    [InlineData("--socket", "", "--socket needs a socket name or path, not ''")]
    [InlineData("--socket", "\t", "--socket needs a socket name or path, not '\t'")]
    [InlineData("--exec", " ", "--exec needs a command to run, not ' '")]
    public void AnEmptyOrBlankValueIsRefusedByName(string option, string value, string message)
    {
        // Nothing is written or listened on: the file " " in the working directory, say.
        (int exit, _, string stderr) = Run("--frames", "1", "--timeout", "10", option, value);

        Assert.Equal(64, exit);
        Assert.StartsWith($"wl-headless: {message}\n", stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_runtime.Path));
    }

    [Fact]
    public void MaxContentBytesBoundsWhatARealClientsSurfacesHold()
    {
        // weston-simple-shm commits 250×250 buffers (244 KiB): over 1K it is refused at the first commit, under 1M it draws.
        (int exit, _, string stderr) = Run("--max-content-bytes", "1K", "--exec", "weston-simple-shm", "--timeout", "60");
        Assert.True(exit == 2, $"exit {exit}:\n{stderr}");
        Assert.Contains("wl_surface#3: a 250x250 buffer would take the surfaces of process ", stderr, StringComparison.Ordinal);
        Assert.Contains("250000 bytes of content, over 1024 bytes", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = Run("--max-content-bytes", "1M", "--exec", "weston-simple-shm", "--frames", "3");
        Assert.True(exit == 0, $"exit {exit}:\n{stderr}");
    }

    [Fact]
    public void MaxSubsurfacesMaxPopupsAndMaxWindowsBoundWhatOneClientHoldsAndShows()
    {
        ProcessStartInfo info = new("dotnet", [CliPath, "--socket", "wl-limits", "--max-subsurfaces", "2", "--max-popups", "1", "--max-windows", "2"]);
        _runtime.Apply(info);
        using ClientProcess server = ClientProcess.Start(info);
        string socket = Path.Combine(_runtime.Path, "wl-limits");
        Poll.Until(() => File.Exists(socket) || server.HasExited, () => $"no socket from wl-headless: {server.OutputTail}", TimeSpan.FromSeconds(60));
        Assert.False(server.HasExited, server.OutputTail);

        // One popup shown: a second one shown beside it is dismissed.
        using (ManagedClient client = ManagedClient.Connect(socket))
        {
            TestWindow window = client.MapWindow("menus", client.SolidBuffer(100, 100, Argb.Blue));
            int done = 0;
            for (int i = 0; i < 2; i++)
            {
                TestPopup popup = TestPopup.Open(client, window, rules =>
                {
                    rules.SetSize(10, 10);
                    rules.SetAnchorRect(0, 0, 1, 1);
                });
                popup.Popup.PopupDone += _ => done++;
                popup.Show(client.SolidBuffer(10, 10, Argb.Yellow));
                client.Roundtrip();
                Assert.Equal(i, done);
            }
        }

        // Two sub-surfaces held: the third gets no_memory.
        using (ManagedClient client = ManagedClient.Connect(socket))
        {
            WlSubcompositor subcompositor = client.Own(client.Globals.Bind<WlSubcompositor>());
            WlSurface parent = client.Own(client.Compositor.CreateSurface());
            for (int i = 0; i < 3; i++)
            {
                client.Own(subcompositor.GetSubsurface(client.Own(client.Compositor.CreateSurface()), parent));
            }

            WaylandProtocolException error = client.ExpectProtocolError();
            Assert.Equal(("wl_display", 1u, (uint)WlDisplayError.NoMemory), (error.InterfaceName, error.ObjectId, error.Code));
        }

        // Two windows shown: the commit that would map a third gets no_memory.
        using (ManagedClient client = ManagedClient.Connect(socket))
        {
            client.MapWindow("one", client.SolidBuffer(10, 10, Argb.Blue));
            client.MapWindow("two", client.SolidBuffer(10, 10, Argb.Blue));
            TestWindow third = client.CreateWindow("three");
            third.Surface.Commit();
            client.DispatchUntil(() => third.Configures > 0, "the initial configure");
            third.Show(client.SolidBuffer(10, 10, Argb.Blue));
            WaylandProtocolException error = client.ExpectProtocolError();
            Assert.Equal(("wl_display", 1u, (uint)WlDisplayError.NoMemory), (error.InterfaceName, error.ObjectId, error.Code));
            Assert.Contains("hold 2 mapped windows", error.ErrorMessage, StringComparison.Ordinal);
        }

        Assert.False(server.HasExited, server.OutputTail);
    }

    [Fact]
    public void HelpExitsZeroWithTheOptionsOnStdout()
    {
        (int exit, string stdout, string stderr) = Run("--help");

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
        Assert.Contains("--exec <CMD>", stdout, StringComparison.Ordinal);
        Assert.Contains("--version", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void VersionPrintsThePackageVersion()
    {
        (int exit, string stdout, _) = Run("--version");

        Assert.Equal(0, exit);
        string expected = typeof(HeadlessCompositor).Assembly.GetName().Version!.ToString(3);
        Assert.StartsWith(expected, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingRuntimeDirectoryIsNamedAsSuch()
    {
        string missing = Path.Combine(_runtime.Path, "no-such-dir");
        (int exit, _, string stderr) = Run(new Dictionary<string, string> { ["XDG_RUNTIME_DIR"] = missing }, "--exec", "true");

        Assert.Equal(1, exit);
        Assert.Contains($"the directory {missing} does not exist", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("in use", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ASocketPathThatIsADirectoryIsRefusedAndLeftAlone()
    {
        string directory = Path.Combine(_runtime.Path, "a-directory");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "keep"), "data");
        (int exit, _, string stderr) = Run("--socket", directory, "--exec", "true");

        Assert.Equal(1, exit);
        Assert.Contains($"cannot listen on {directory}: it is a directory", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Address already in use", stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(directory, "keep")));
        Assert.False(File.Exists(directory + ".lock"), "lock file left behind");
    }

    [Fact]
    public void ASocketPathThatIsAFileIsRefusedAndNotDeleted()
    {
        string file = Path.Combine(_runtime.Path, "notes.txt");
        File.WriteAllText(file, "precious");
        (int exit, _, string stderr) = Run("--socket", file, "--exec", "true");

        Assert.Equal(1, exit);
        Assert.Contains($"cannot listen on {file}: it is a file that is not a socket", stderr, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("/nonexistent-wl-headless-dir/x.png", "Could not find a part of the path")]
    [InlineData(".", "it is a directory")]
    public void AnUnwritableScreenshotPathFailsBeforeTheRunStarts(string path, string reason)
    {
        // The command would leave a marker and keep the run going for a minute; neither may happen.
        Stopwatch clock = Stopwatch.StartNew();
        (int exit, _, string stderr) = Run("--screenshot", path, "--exec", "touch started; sleep 60");

        Assert.Equal(1, exit);
        Assert.Contains($"wl-headless: cannot write the screenshot {path}: ", stderr, StringComparison.Ordinal);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_runtime.Path, "started")), "the command ran");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(50), $"took {clock.Elapsed}");
    }

    [Fact]
    public void TheWritabilityCheckLeavesNoFileBehindForTheCommandToSee()
    {
        // The check creates the file and removes it again: the command does not see it; the real screenshot comes at exit.
        string png = Path.Combine(_runtime.Path, "later.png");
        (int exit, _, string stderr) = Run("--screenshot", png, "--exec", "test ! -e later.png");

        Assert.True(exit == 0, stderr);
        Assert.True(File.Exists(png), stderr);
    }

    [Fact]
    public void AClosedStandardErrorDoesNotStopIt()
    {
        // Nobody hears "listening on" and "stopping": the run ends as it would otherwise, by --timeout.
        (int exit, _, _) = RunProgram("/bin/sh", null, "-c", "exec \"$@\" 2>&-", "sh", "dotnet", CliPath, "--timeout", "1");

        Assert.Equal(124, exit);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("--version")]
    public void HelpOrVersionToAFullDiskExitsOneWithAMessage(string argument)
    {
        (int exit, string stdout, string stderr) = RunProgram("/bin/sh", null, "-c", "exec \"$@\" >/dev/full", "sh", "dotnet", CliPath, argument);

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Equal("wl-headless: cannot write to standard output: No space left on device\n", stderr);
    }

    /// <summary>The built CLI, of the same configuration as this test assembly (…/bin/&lt;Configuration&gt;/net10.0/).</summary>
    private static string CliPath
    {
        get
        {
            string configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
            string path = Path.Combine(NativePeers.RepositoryRoot, "tools", "Wayland.Compositor.Cli", "bin", configuration, "net10.0", "wl-headless.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"build tools/Wayland.Compositor.Cli ({configuration}) first", path);
        }
    }

    private (int Exit, string Stdout, string Stderr) Run(params string[] arguments) => Run(null, arguments);

    private (int Exit, string Stdout, string Stderr) Run(IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        RunProgram("dotnet", environment, [CliPath, .. arguments]);

    private (int Exit, string Stdout, string Stderr) RunProgram(string program, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        ProcessStartInfo info = new(program) { WorkingDirectory = _runtime.Path };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        _runtime.Apply(info);
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return ProcessRunner.Run(info, RunLimit);
    }

    /// <summary>
    /// One side's WAYLAND_DEBUG lines as "R text" (received) and "S text" (sent), seen from the client when
    /// <paramref name="server"/> (sent and received swapped): timestamps dropped (libwayland 1.21 pads its
    /// milliseconds-since-boot to 7 digits with spaces), libwayland 1.21's
    /// <c>iface@id</c> written <c>iface#id</c> as newer libwayland and ours write it, descriptor numbers masked.
    /// </summary>
    private static List<string> DebugLines(string log, bool server)
    {
        List<string> lines = [];
        foreach (string line in log.Split('\n'))
        {
            Match match = Regex.Match(line, @"^\[ *[0-9.:]+\] ( -> )?(\S.*)$");
            if (!match.Success)
            {
                continue;
            }

            bool sent = match.Groups[1].Success ^ server;
            string text = Regex.Replace(match.Groups[2].Value.Replace('@', '#'), @"\bfd \d+", "fd N");
            lines.Add((sent ? "S " : "R ") + text);
        }

        return lines;
    }

    /// <summary>Width and height from the IHDR chunk, after checking the PNG signature and that IHDR comes first.</summary>
    private static (int Width, int Height) ReadPngHeader(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 33, $"{path}: {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], bytes[..8]);
        Assert.Equal(13u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8)));
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        return ((int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)), (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20)));
    }

    /// <summary>libpng's view (tests/native/png-check) of a 20 × 20 grid of pixels; the last one is the bottom-right corner.</summary>
    private static IReadOnlyList<string> SamplePixels(string path, int width, int height)
    {
        List<(int X, int Y)> points = [];
        for (int row = 0; row < 20; row++)
        {
            for (int column = 0; column < 20; column++)
            {
                points.Add((column * width / 20, row * height / 20));
            }
        }

        points.Add((width - 1, height - 1));
        (string size, string[] pixels) = PngCheck.Decode(path, points);
        Assert.Equal($"{width}x{height}", size);
        return pixels;
    }
}
