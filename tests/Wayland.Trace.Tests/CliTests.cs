using System.Diagnostics;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Trace.Tests;

/// <summary>wl-trace as a user runs it (<c>dotnet wl-trace.dll</c>): help, version, bad input, and APP runs on weston.</summary>
public sealed class CliTests
{
    private static readonly string Tool = Path.Combine(AppContext.BaseDirectory, "wl-trace.dll");

    [Fact]
    public void Help_and_version_exit_0_and_bad_options_exit_64()
    {
        (int code, string stdout, _) = Run(null, "--help");
        Assert.Equal(0, code);
        Assert.StartsWith("Usage: wl-trace [OPTIONS] -- APP [ARGS...]", stdout, StringComparison.Ordinal);
        Assert.Contains("--filter PATTERNS", stdout);

        (code, stdout, _) = Run(null, "--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^wl-trace \d+\.\d+\.\d+\n$", stdout);

        (code, _, string stderr) = Run(null, "--frobnicate");
        Assert.Equal(64, code);
        Assert.StartsWith("wl-trace: unknown option --frobnicate", stderr, StringComparison.Ordinal);

        (code, _, stderr) = Run(null);
        Assert.Equal(64, code);
        Assert.Contains("give an APP to run", stderr);

        (code, _, stderr) = Run(null, "--filter", "#x", "--", "true");
        Assert.Equal(64, code);
        Assert.Contains("object id", stderr);
    }

    [Fact]
    public void Failures_to_start_are_said_in_words_for_the_user()
    {
        // Not .NET's "Access to the path '/tmp' is denied.", "(Parameter 'path')" or "with working directory".
        using RuntimeDirectory runtime = RuntimeDirectory.Create("trace-words");
        string tooLong = "/tmp/" + new string('x', 120);
        (string[] Arguments, int Code, string Says)[] cases =
        [
            (["-o", runtime.Path, "--", "true"], 1, $"wl-trace: cannot write the trace to {runtime.Path}: it is a directory\n"),
            (["-o", "/nonexistent-wl-trace-dir/t.txt", "--", "true"], 1,
                "wl-trace: cannot write the trace to /nonexistent-wl-trace-dir/t.txt: the directory /nonexistent-wl-trace-dir does not exist\n"),
            (["--listen", tooLong], 1, $"wl-trace: socket path is too long for sun_path (107 bytes at most): {tooLong}\n"),
            (["-o", "/dev/null", "--", "/nonexistent-wl-trace-app"], 127, "wl-trace: cannot run /nonexistent-wl-trace-app: No such file or directory\n"),
        ];
        foreach ((string[] arguments, int expected, string says) in cases)
        {
            ProcessStartInfo info = Info(null, arguments);
            runtime.Apply(info);
            (int code, _, string stderr) = ProcessRunner.Run(info, TimeSpan.FromSeconds(60));
            Assert.Equal(expected, code);
            Assert.Equal(says, stderr);
        }

        // A note in the trace, too: the app cannot be connected.
        ProcessStartInfo noted = Info(null, "-o", "-", "--display", tooLong, "--", "wayland-info");
        runtime.Apply(noted);
        (_, string trace, _) = ProcessRunner.Run(noted, TimeSpan.FromSeconds(60));
        Assert.Contains($"to the compositor: socket path is too long for sun_path (107 bytes at most): {tooLong}\n", trace);
    }

    [Theory]
    [InlineData("--listen", "")]
    [InlineData("--listen", " ")]
    [InlineData("--display", " ")]
    [InlineData("-o", "")]
    [InlineData("-o", "  ")]
    [InlineData("--protocols", " ")]
    public void An_empty_or_blank_path_is_a_bad_command_line(string option, string value)
    {
        // Not a socket named " " to listen on (and wait for clients), nor a trace file named " ".
        using RuntimeDirectory runtime = RuntimeDirectory.Create("trace-blank");
        ProcessStartInfo info = Info(null, option == "--listen" ? [option, value] : [option, value, "--", "true"]);
        runtime.Apply(info);
        info.WorkingDirectory = runtime.Path;
        (int code, _, string stderr) = ProcessRunner.Run(info, TimeSpan.FromSeconds(60));
        Assert.Equal(64, code);
        Assert.StartsWith(value.Length == 0 ? $"wl-trace: {option} needs a value\n" : $"wl-trace: {option} needs a value, not '{value}'\n", stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(runtime.Path));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Runs_an_app_and_exits_with_its_status(bool socketPair)
    {
        using HeadlessWeston weston = HeadlessWeston.Start();
        string trace = Path.Combine(weston.Runtime.Path, "trace.txt");
        List<string> arguments = ["-o", trace];
        if (socketPair)
        {
            arguments.Add("--socket-pair");
        }

        arguments.AddRange(["--", "/bin/sh", "-c", "wayland-info > /dev/null && exit 3"]);
        (int code, _, string stderr) = Run(weston, [.. arguments]);
        Assert.True(code == 3, $"exit status {code}: {stderr}");
        string text = File.ReadAllText(trace);
        Assert.Contains(" -> wl_display#1.get_registry(new id wl_registry#2)", text);
        Assert.Contains("wl_registry#2.global(", text);
        // The private socket is gone afterwards.
        string[] left = [.. Directory.GetFileSystemEntries(weston.Runtime.Path).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal)];
        Assert.Equal(["trace.txt", "wayland-test", "wayland-test.lock"], left);
    }

    [Fact]
    public void With_a_relative_runtime_directory_the_app_gets_the_whole_path_of_the_private_socket()
    {
        // libwayland ignores a relative XDG_RUNTIME_DIR: the private socket is made elsewhere, and APP must be told
        // where, whole.
        using HeadlessWeston weston = HeadlessWeston.Start();
        ProcessStartInfo info = Info(weston, "-o", "/dev/null", "--display", weston.SocketPath, "--", "/bin/sh", "-c",
            "echo \"$WAYLAND_DISPLAY\"; wayland-info > /dev/null && exit 3");
        info.Environment["XDG_RUNTIME_DIR"] = "relative";
        info.WorkingDirectory = weston.Runtime.Path;
        (int code, string stdout, string stderr) = ProcessRunner.Run(info, TimeSpan.FromSeconds(120));
        Assert.True(code == 3, $"exit status {code}: {stdout}{stderr}");
        Assert.Matches(@"^/.+/wl-trace-\d+\n$", stdout);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_inherited_WAYLAND_SOCKET_is_the_first_connection_upstream_unless_display_is_given_and_app_never_gets_it(bool display)
    {
        // The inherited socket is connected to weston; WAYLAND_DISPLAY names no socket, so without --display only it
        // leads to weston. Either way the app (a shell, then wayland-info) must not inherit the descriptor.
        using HeadlessWeston weston = HeadlessWeston.Start();
        using SafeFdHandle upstream = UnixSocket.Connect(weston.SocketPath);
        List<string> arguments = ["-o", "/dev/null"];
        if (display)
        {
            arguments.AddRange(["--display", weston.SocketPath]);
        }

        arguments.AddRange(["--", "/bin/sh", "-c", $"[ ! -e /proc/$$/fd/{upstream.Fd} ] && wayland-info > /dev/null && exit 3"]);
        ProcessStartInfo info = Info(weston, [.. arguments]);
        info.Environment["WAYLAND_DISPLAY"] = "no-such-socket";
        info.Environment["WAYLAND_SOCKET"] = upstream.Fd.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (int code, string stdout, string stderr) result;
        upstream.SetCloseOnExec(false);
        try
        {
            result = ProcessRunner.Run(info, TimeSpan.FromSeconds(120));
        }
        finally
        {
            upstream.SetCloseOnExec(true);
        }

        Assert.True(result.code == 3, $"exit status {result.code}: {result.stdout}{result.stderr}");
        Assert.Equal("", result.stderr);
    }

    [Fact]
    public void Listen_serves_until_SIGTERM_and_writes_the_summary()
    {
        using HeadlessWeston weston = HeadlessWeston.Start();
        string trace = Path.Combine(weston.Runtime.Path, "trace.txt");
        ProcessStartInfo info = Info(weston, "--listen", "traced", "--summary", "-o", trace);
        using Process proxy = Process.Start(info)!;
        try
        {
            string socket = Path.Combine(weston.Runtime.Path, "traced");
            Wayland.Compositor.Tests.Poll.Until(() => File.Exists(socket), () => "the listening socket");
            for (int i = 0; i < 3; i++)
            {
                ProcessStartInfo client = new("wayland-info") { RedirectStandardOutput = true, UseShellExecute = false };
                weston.ApplyClientEnvironment(client);
                client.Environment["WAYLAND_DISPLAY"] = "traced";
                (int clientCode, string output, _) = ProcessRunner.Run(client, TimeSpan.FromSeconds(60));
                Assert.Equal(0, clientCode);
                Assert.Contains("wl_compositor", output);
            }

            Process.Start("kill", ["-TERM", proxy.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            Assert.True(proxy.WaitForExit(TimeSpan.FromSeconds(20)));
            Assert.Equal(0, proxy.ExitCode);
            Assert.False(File.Exists(socket), "the listening socket should be removed");
            string summary = File.ReadAllText(trace);
            Assert.Contains("wl-trace summary: 3 client(s)", summary);
            Assert.Matches(@"\n\s+3\s+36  -> wl_display\.get_registry\n", summary);
        }
        finally
        {
            if (!proxy.HasExited)
            {
                proxy.Kill();
                proxy.WaitForExit();
            }
        }
    }

    [Fact]
    public void Listen_takes_the_name_as_a_compositor_does()
    {
        using RuntimeDirectory runtime = RuntimeDirectory.Create("trace-names");
        string Name(string name) => Path.Combine(runtime.Path, name);

        // A file, a directory, a name whose lock is held: each refused, saying what is there, and left as it was.
        File.WriteAllText(Name("file"), "precious");
        Directory.CreateDirectory(Name("dir"));
        (string Name, string Says)[] refusals =
        [
            ("file", "it is a file that is not a socket"),
            ("dir", "it is a directory"),
            ("held", $"its lock file {Name("held")}.lock is held: a compositor or another wl-trace is using that name"),
        ];
        using (new FileStream(Name("held") + ".lock", FileMode.Create, FileAccess.ReadWrite, FileShare.None))
        {
            foreach ((string name, string says) in refusals)
            {
                ProcessStartInfo refused = Info(null, "--listen", name);
                runtime.Apply(refused);
                (int code, _, string stderr) = ProcessRunner.Run(refused, TimeSpan.FromSeconds(60));
                Assert.Equal(1, code);
                Assert.Equal($"wl-trace: cannot listen on {Name(name)}: {says}{(name == "held" ? "" : "; give the path of a socket to create")}\n", stderr);
            }
        }

        Assert.Equal("precious", File.ReadAllText(Name("file")));
        Assert.False(File.Exists(Name("file.lock")), "lock file left behind");

        // A socket nobody listens on any more (its lock is free): it is replaced, and both files go at exit.
        using (SafeFdHandle stale = UnixSocket.Listen(Name("stale")))
        {
        }

        ProcessStartInfo info = Info(null, "--listen", "stale", "-o", "/dev/null");
        runtime.Apply(info);
        using Process proxy = Process.Start(info)!;
        try
        {
            Wayland.Compositor.Tests.Poll.Until(() => Connects(Name("stale")), () => "wl-trace to listen on the stale socket's name");
            Assert.True(File.Exists(Name("stale.lock")));
            Assert.True(UnixProcess.Signal(proxy.Id, 15));
            Assert.True(proxy.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.True(proxy.ExitCode == 0, proxy.StandardError.ReadToEnd());
            Assert.False(File.Exists(Name("stale")), "socket left behind");
            Assert.False(File.Exists(Name("stale.lock")), "lock file left behind");
        }
        finally
        {
            if (!proxy.HasExited)
            {
                proxy.Kill();
                proxy.WaitForExit();
            }
        }

        static bool Connects(string path)
        {
            try
            {
                UnixSocket.Connect(path).Dispose();
                return true;
            }
            catch (WaylandIOException)
            {
                return false;
            }
        }
    }

    [Fact]
    public void A_trace_to_a_file_is_complete_and_in_order_at_exit()
    {
        // A file gets its lines in batches (not one write per message): none may be lost or reordered at exit.
        const int Roundtrips = 3000;
        using HeadlessWeston weston = HeadlessWeston.Start();
        string trace = Path.Combine(weston.Runtime.Path, "trace.txt");
        string client = NativePeers.Path("test-client");
        (int code, _, string stderr) = Run(weston, "-o", trace, "--", "/bin/sh", "-c",
            $"exec {client} --socket \"$WAYLAND_DISPLAY\" --scenario roundtrips {Roundtrips}");
        Assert.True(code == 0, $"exit status {code}: {stderr}");
        string text = File.ReadAllText(trace);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        // Every sync is followed by its done before the next sync, Roundtrips times, after the registry's roundtrip.
        string[] syncsAndDones = [.. text.Split('\n').Where(l => l.Contains("wl_display#1.sync(", StringComparison.Ordinal)
            || l.Contains(".done(", StringComparison.Ordinal)).Select(l => l.Contains(" -> ", StringComparison.Ordinal) ? "sync" : "done")];
        Assert.True(syncsAndDones.Length >= 2 * Roundtrips, $"{syncsAndDones.Length} sync and done lines");
        for (int i = 0; i < syncsAndDones.Length; i++)
        {
            Assert.True(syncsAndDones[i] == (i % 2 == 0 ? "sync" : "done"), $"line {i} of the syncs and dones is a {syncsAndDones[i]}");
        }
    }

    [Fact]
    public async Task A_trace_to_a_pipe_shows_lines_while_the_app_runs()
    {
        // A pipe gets its lines within the flush delay, not only at exit: here the app blocks on its stdin until the
        // test has seen the lines of wayland-info, which ran before it.
        using HeadlessWeston weston = HeadlessWeston.Start();
        string client = NativePeers.Path("test-client");
        ProcessStartInfo info = Info(weston, "-o", "-", "--", "/bin/sh", "-c",
            $"wayland-info > /dev/null && exec {client} --socket \"$WAYLAND_DISPLAY\" --scenario wait-then-roundtrip");
        info.RedirectStandardInput = true;
        using Process proxy = Process.Start(info)!;
        try
        {
            System.Text.StringBuilder seen = new();
            while (!seen.ToString().Contains("connected\n", StringComparison.Ordinal) || !seen.ToString().Contains("wl_registry#2.global(", StringComparison.Ordinal))
            {
                using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(30));
                string? line = await proxy.StandardOutput.ReadLineAsync(timeout.Token);
                Assert.True(line is not null, $"the output ended; so far:\n{seen}");
                seen.Append(line).Append('\n');
            }

            proxy.StandardInput.WriteLine("go");
            proxy.StandardInput.Close();
            string rest = await proxy.StandardOutput.ReadToEndAsync();
            Assert.True(proxy.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.Equal(0, proxy.ExitCode);
            // The app's roundtrip after the go, on the second connection (so tagged), and its reply.
            Assert.Matches(@"\{test-client\[\d+\]\}  -> wl_display#1\.sync\(new id wl_callback#\d+\)", rest);
            Assert.Contains("ok\n", rest);
        }
        finally
        {
            if (!proxy.HasExited)
            {
                proxy.Kill();
                proxy.WaitForExit();
            }
        }
    }

    [Fact]
    public void Exits_with_the_app_status_when_the_compositor_does_not_read_what_the_app_left()
    {
        // The "compositor" never accepts, so nothing sent to it is read. A client of the app (this test, on the app's
        // socket) sends until its socket is full and hangs up; then the app exits. What the proxy still holds for the
        // compositor is given up after a few seconds, and wl-trace exits with the app's status.
        using RuntimeDirectory runtime = RuntimeDirectory.Create("trace-stalled");
        string upstream = Path.Combine(runtime.Path, "stalled");
        using SafeFdHandle listener = UnixSocket.Listen(upstream);
        string trace = Path.Combine(runtime.Path, "trace.txt");
        ProcessStartInfo info = Info(null, "-o", trace, "--filter", "wl_shm", "--display", upstream, "--", "/bin/sh", "-c",
            "echo \"$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY\"; read line; exit 5");
        runtime.Apply(info);
        info.RedirectStandardInput = true;
        info.RedirectStandardError = false;
        using Process proxy = Process.Start(info)!;
        try
        {
            string? socket = proxy.StandardOutput.ReadLine();
            Assert.NotNull(socket);
            byte[] syncs = [.. Enumerable.Repeat(Wire.Message(1, 0, 2u), 1000).SelectMany(m => m)];
            int sent = 0;
            using (SafeFdHandle client = UnixSocket.Connect(socket))
            {
                while (true)
                {
                    int n = UnixSocket.Send(client, syncs, []);
                    if (n > 0)
                    {
                        sent += n;
                    }
                    else if (!UnixSocket.Wait(client, writable: true, TimeSpan.FromMilliseconds(500)))
                    {
                        break;
                    }
                }
            }

            proxy.StandardInput.Close();
            Assert.True(proxy.WaitForExit(TimeSpan.FromSeconds(30)), $"wl-trace still runs after the app exited ({sent} bytes sent)");
            Assert.Equal(5, proxy.ExitCode);
            Assert.Matches(@"wl-trace: [^ ]+\[\d+\] hung up, and the compositor has not read what it sent for 3 s: dropping \d+ bytes and 0 descriptors",
                File.ReadAllText(trace));
        }
        finally
        {
            if (!proxy.HasExited)
            {
                proxy.Kill(entireProcessTree: true);
                proxy.WaitForExit();
            }
        }
    }

    [Fact]
    public async Task SIGTERM_is_passed_on_to_the_app_and_wl_trace_exits_with_its_status()
    {
        // The app is no Wayland client: closing its connections would not stop it.
        using RuntimeDirectory runtime = RuntimeDirectory.Create("trace-sigterm");
        (Process proxy, int app) = StartWithApp(runtime, "trap 'exit 7' TERM");
        using (proxy)
        {
            try
            {
                Assert.True(UnixProcess.Signal(proxy.Id, 15));
                Assert.True(proxy.WaitForExit(TimeSpan.FromSeconds(30)), "wl-trace did not exit");
                Assert.Equal(7, proxy.ExitCode);
                Assert.Null(await ReadLine(proxy));
            }
            finally
            {
                Stop(proxy, app);
            }
        }
    }

    [Fact]
    public async Task A_second_signal_stops_wl_trace_when_the_app_does_not_exit()
    {
        using RuntimeDirectory runtime = RuntimeDirectory.Create("trace-sigterm2");
        (Process proxy, int app) = StartWithApp(runtime, "trap 'echo got TERM' TERM");
        using (proxy)
        {
            try
            {
                Assert.True(UnixProcess.Signal(proxy.Id, 15));
                Assert.Equal("got TERM", await ReadLine(proxy));
                Assert.False(proxy.HasExited, "wl-trace exited on the signal it passed on");
                Assert.True(UnixProcess.Signal(proxy.Id, 15));
                Assert.True(proxy.WaitForExit(TimeSpan.FromSeconds(30)), "wl-trace did not exit on the second signal");
                Assert.Equal(143, proxy.ExitCode);
                Assert.True(UnixProcess.Signal(app, 0), "the app should be left running");
            }
            finally
            {
                Stop(proxy, app);
            }
        }
    }

    /// <summary>wl-trace running a shell that runs <paramref name="trap"/>, prints its pid and waits.</summary>
    private static (Process Proxy, int App) StartWithApp(RuntimeDirectory runtime, string trap)
    {
        ProcessStartInfo info = Info(null, "-o", "/dev/null", "--", "/bin/sh", "-c", $"{trap}; echo $$; while :; do sleep 0.1; done");
        runtime.Apply(info);
        info.RedirectStandardError = false;
        Process proxy = Process.Start(info)!;
        string? pid = ReadLine(proxy).GetAwaiter().GetResult();
        Assert.True(pid is not null, "the app did not start");
        return (proxy, int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<string?> ReadLine(Process process)
    {
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(30));
        return await process.StandardOutput.ReadLineAsync(timeout.Token);
    }

    private static void Stop(Process proxy, int app)
    {
        UnixProcess.Signal(app, 9);
        if (!proxy.HasExited)
        {
            proxy.Kill();
            proxy.WaitForExit();
        }
    }

    [Fact]
    public void A_closed_or_full_standard_stream_is_reported_or_ignored_never_a_crash()
    {
        using HeadlessWeston weston = HeadlessWeston.Start();
        const string App = "wayland-info > /dev/null && exit 3";

        // Standard error closed: nobody hears the messages, nor the trace written there by default; the status holds.
        Assert.Equal(64, RunInShell(weston, "2>&-", "--frobnicate").Code);
        Assert.Equal(3, RunInShell(weston, "2>&-", "--", "/bin/sh", "-c", App).Code);

        // Standard output full: --help fails with a message; a trace written there says it was lost, the status holds.
        (int code, _, string stderr) = RunInShell(weston, ">/dev/full", "--help");
        Assert.Equal(1, code);
        Assert.Equal("wl-trace: cannot write to standard output: No space left on device\n", stderr);
        (code, _, stderr) = RunInShell(weston, ">/dev/full", "-o", "-", "--", "/bin/sh", "-c", App);
        Assert.Equal(3, code);
        Assert.Equal("wl-trace: writing the trace to standard output failed (No space left on device); the lines after that were lost\n", stderr);
    }

    /// <summary>wl-trace run by /bin/sh with <paramref name="redirection"/> (to close or replace a standard stream).</summary>
    private static (int Code, string Stdout, string Stderr) RunInShell(HeadlessWeston weston, string redirection, params string[] arguments)
    {
        ProcessStartInfo info = new("/bin/sh", ["-c", $"exec \"$@\" {redirection}", "sh", "dotnet", Tool, .. arguments]);
        weston.ApplyClientEnvironment(info);
        return ProcessRunner.Run(info, TimeSpan.FromSeconds(120));
    }

    private static (int Code, string Stdout, string Stderr) Run(HeadlessWeston? weston, params string[] arguments) =>
        ProcessRunner.Run(Info(weston, arguments), TimeSpan.FromSeconds(120));

    private static ProcessStartInfo Info(HeadlessWeston? weston, params string[] arguments)
    {
        ProcessStartInfo info = new("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Tool);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        weston?.ApplyClientEnvironment(info);
        return info;
    }
}
