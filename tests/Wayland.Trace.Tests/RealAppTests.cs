using System.Diagnostics;
using Wayland.Compositor;
using Wayland.Compositor.Tests;
using Wayland.Testing;
using Xunit.Abstractions;

namespace Wayland.Trace.Tests;

/// <summary>
/// Real apps through wl-trace, on weston's headless backend and on our compositor: the app works (it maps; on our
/// compositor its pixels are right in a screenshot) and the trace shows exactly what the app's own WAYLAND_DEBUG=1
/// log shows. No descriptor of the proxy is left open afterwards.
/// </summary>
public sealed class RealAppTests(ITestOutputHelper output)
{
    private static IReadOnlyDictionary<string, string?> GtkEnvironment => AppEnvironment.Gtk;

    [Fact]
    public void Weston_simple_shm_on_weston()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (HeadlessWeston weston = HeadlessWeston.Start())
        {
            ProcessStartInfo info = new("/usr/bin/weston-simple-shm");
            weston.ApplyClientEnvironment(info);
            (string trace, string appLog) = Trace(weston.SocketPath, weston.Runtime.Path, info, app => FrameCallbacks(app) > 20);
            Assert.Contains(" -> xdg_toplevel#", trace);
            output.WriteLine(DebugLines.AssertTraceMatches(appLog, trace));
        }

        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public void Weston_simple_shm_on_our_compositor_draws_its_pixels()
    {
        CompositorSession.Run("trace-simple-shm", session =>
        {
            ProcessStartInfo info = LaunchInfo(session, "/usr/bin/weston-simple-shm", []);
            (string trace, string appLog) = Trace(session.SocketPath, session.RuntimePath, info, app =>
            {
                if (FrameCallbacks(app) < 20 || session.Compositor.GetWindows().Count == 0)
                {
                    return false;
                }

                WindowInfo window = session.Compositor.GetWindows()[0];
                Assert.Equal((250, 250), (window.Bounds.Width, window.Bounds.Height));
                Image screen = session.Compositor.CaptureOutput();
                int drawn = Pixels.CountOtherThan(screen, window.Bounds, session.Options.Background);
                int colors = Pixels.DistinctColors(screen, window.Bounds);
                output.WriteLine($"{drawn} pixels drawn, {colors} colours");
                Assert.True(drawn > 250 * 250 * 9 / 10, $"only {drawn} pixels drawn ({CompositorSession.SaveForInspection(screen, "trace-simple-shm")})");
                Assert.True(colors > 16, $"only {colors} colours");
                return true;
            });
            session.AssertNoProtocolErrors();
            output.WriteLine(DebugLines.AssertTraceMatches(appLog, trace));
        });
    }

    [Fact]
    public void Gtk3_widget_factory_on_our_compositor()
    {
        CompositorSession.Run("trace-gtk3", new HeadlessCompositorOptions { Width = 1440, Height = 900 }, session =>
        {
            ProcessStartInfo info = LaunchInfo(session, "/usr/bin/gtk3-widget-factory", [], GtkEnvironment);
            (string trace, string appLog) = Trace(session.SocketPath, session.RuntimePath, info, app =>
            {
                if (session.Compositor.GetWindows().FirstOrDefault() is not { } window)
                {
                    return false;
                }

                Image screen = session.Compositor.CaptureOutput();
                Rect visible = window.Bounds.Intersect(new Rect(0, 0, screen.Width, screen.Height));
                int colors = Pixels.DistinctColors(screen, visible);
                int drawn = Pixels.CountOtherThan(screen, visible, session.Options.Background);
                output.WriteLine($"window {window}: {drawn} pixels drawn, {colors} colours");
                // The widget factory is a full window of widgets: many colours once it has drawn.
                return colors > 100 && drawn > visible.Width * visible.Height / 2;
            }, TimeSpan.FromSeconds(60));
            session.AssertNoProtocolErrors();
            Assert.Contains("xdg_toplevel#", trace);
            output.WriteLine(DebugLines.AssertTraceMatches(appLog, trace));
        });
    }

    [Fact]
    public void Foot_on_our_compositor()
    {
        CompositorSession.Run("trace-foot", session =>
        {
            Dictionary<string, string?> environment = new() { ["SHELL"] = "/bin/sh", ["ENV"] = null, ["PS1"] = "$ " };
            ProcessStartInfo info = LaunchInfo(session, "/usr/bin/foot", ["/bin/sh"], environment);
            (string trace, string appLog) = Trace(session.SocketPath, session.RuntimePath, info, app =>
            {
                if (session.Compositor.GetWindows().FirstOrDefault() is not { } window)
                {
                    return false;
                }

                Image screen = session.Compositor.CaptureOutput();
                int colors = Pixels.DistinctColors(screen, window.Bounds);
                int drawn = Pixels.CountOtherThan(screen, window.Bounds, session.Options.Background);
                output.WriteLine($"window {window}: {drawn} pixels drawn, {colors} colours");
                // A dark terminal with a prompt: the whole window is painted, with anti-aliased text.
                return drawn > window.Bounds.Width * window.Bounds.Height * 9 / 10 && colors > 2;
            }, TimeSpan.FromSeconds(40));
            session.AssertNoProtocolErrors();
            Assert.Contains("wl_keyboard#", trace);
            output.WriteLine(DebugLines.AssertTraceMatches(appLog, trace));
        });
    }

    /// <summary>
    /// foot on weston. Weston's headless backend offers no wl_seat (and Debian ships no test plugin that would add
    /// one), and foot refuses to start without a seat; weston's wayland backend takes its seat from its parent
    /// compositor. So: foot → wl-trace → weston (wayland backend, kiosk shell, pixman) → our compositor, whose
    /// screenshot shows foot's background in weston's window.
    /// </summary>
    [Fact]
    public void Foot_on_weston_nested_in_our_compositor()
    {
        OnNestedWeston("trace-foot-weston", (session, westonSocket) =>
        {
            Dictionary<string, string?> environment = new() { ["SHELL"] = "/bin/sh", ["ENV"] = null, ["PS1"] = "$ " };
            ProcessStartInfo info = LaunchInfo(session, "/usr/bin/foot", ["/bin/sh"], environment);
            // Kiosk shell: foot fills weston's output with its background, #111111, and a prompt.
            (string trace, string appLog) = Trace(westonSocket, session.RuntimePath, info,
                app => FillsWestonsOutput(session, app, 0xFF111111, 640 * 480 * 3 / 4, 2), TimeSpan.FromSeconds(60));
            Assert.Contains("wl_keyboard#", trace);
            Assert.Contains("xdg_toplevel#", trace);
            output.WriteLine(DebugLines.AssertTraceMatches(appLog, trace));
        });
    }

    [Fact]
    public void Weston_simple_shm_on_weston_nested_in_our_compositor_draws_its_pixels()
    {
        OnNestedWeston("trace-simple-shm-weston", (session, westonSocket) =>
        {
            // Weston's own picture first (steady: two captures alike), so that what changes after is the app's.
            Image before = session.Compositor.CaptureOutput();
            Poll.Until(() =>
            {
                Thread.Sleep(200);
                Image now = session.Compositor.CaptureOutput();
                bool steady = Pixels.CountDifferent(before, now) == 0;
                before = now;
                return steady;
            }, () => "weston's window to stop changing");
            ProcessStartInfo info = LaunchInfo(session, "/usr/bin/weston-simple-shm", []);
            (string trace, string appLog) = Trace(westonSocket, session.RuntimePath, info, app =>
            {
                if (FrameCallbacks(app) < 20)
                {
                    return false;
                }

                // The app's 250x250 window, composited by weston into its output, composited by us into ours.
                Image screen = session.Compositor.CaptureOutput();
                Rect changed = Pixels.DifferenceBounds(before, screen, new Rect(0, 0, screen.Width, screen.Height));
                int drawn = Pixels.CountDifferent(before, screen);
                int colors = Pixels.DistinctColors(screen, changed);
                output.WriteLine($"{drawn} pixels changed in {changed}, {colors} colours");
                return drawn > 250 * 250 * 9 / 10 && changed.Width <= 260 && changed.Height <= 260 && colors > 16;
            }, TimeSpan.FromSeconds(60));
            Assert.Contains(" -> xdg_toplevel#", trace);
            output.WriteLine(DebugLines.AssertTraceMatches(appLog, trace));
        });
    }

    [Fact]
    public void Gtk3_widget_factory_on_weston_nested_in_our_compositor()
    {
        OnNestedWeston("trace-gtk3-weston", (session, westonSocket) =>
        {
            ProcessStartInfo info = LaunchInfo(session, "/usr/bin/gtk3-widget-factory", [], GtkEnvironment);
            // Kiosk shell: the widget factory fills weston's output, mostly Adwaita's window background, many colours.
            (string trace, string appLog) = Trace(westonSocket, session.RuntimePath, info,
                app => FillsWestonsOutput(session, app, 0xFFF6F5F4, 1440 * 900 / 4, 100), TimeSpan.FromSeconds(60));
            Assert.Contains(".configure(", trace);
            output.WriteLine(DebugLines.AssertTraceMatches(appLog, trace));
        }, 1440, 900);
    }

    /// <summary>Whether the app has mapped on nested weston and weston's window on our compositor shows more than
    /// <paramref name="minimum"/> pixels of <paramref name="color"/> and more than <paramref name="colors"/> colours.</summary>
    private bool FillsWestonsOutput(CompositorSession session, ClientProcess app, uint color, int minimum, int colors)
    {
        if (!app.Output.Contains("xdg_toplevel@", StringComparison.Ordinal) || FrameCallbacks(app) < 2)
        {
            return false;
        }

        WindowInfo window = session.Compositor.GetWindows()[0];
        Image screen = session.Compositor.CaptureOutput();
        Rect visible = window.Bounds.Intersect(new Rect(0, 0, screen.Width, screen.Height));
        int count = Pixels.CountOf(screen, visible, color);
        int distinct = Pixels.DistinctColors(screen, visible);
        output.WriteLine($"weston's window {window.Bounds}: {count} pixels of {Pixels.Hex(color)}, {distinct} colours");
        return count > minimum && distinct > colors;
    }

    /// <summary>Runs weston (wayland backend, kiosk shell, pixman, an output of the given size) in our compositor,
    /// then <paramref name="test"/> with weston's socket; weston must still be running afterwards.</summary>
    private static void OnNestedWeston(string purpose, Action<CompositorSession, string> test, int width = 640, int height = 480)
    {
        CompositorSession.Run(purpose, new HeadlessCompositorOptions { Width = width + 160, Height = height + 120 }, session =>
        {
            ProcessStartInfo westonInfo = LaunchInfo(session, "/usr/bin/weston",
                ["--backend=wayland-backend.so", "--use-pixman", "--shell=kiosk-shell.so", "--socket=weston-nested", "--no-config",
                    "--idle-time=0", $"--width={width}", $"--height={height}"],
                new Dictionary<string, string?> { ["WAYLAND_DISPLAY"] = session.SocketPath });
            using ClientProcess weston = ClientProcess.Start(westonInfo);
            string westonSocket = Path.Combine(session.RuntimePath, "weston-nested");
            Poll.Until(() => File.Exists(westonSocket) && session.Compositor.GetWindows().Count > 0 || weston.HasExited, () => weston.OutputTail);
            Assert.False(weston.HasExited, weston.Describe());
            test(session, westonSocket);
            Assert.False(weston.HasExited, weston.Describe());
        });
    }

    [Fact]
    public void Weston_headless_has_no_seat_so_foot_cannot_run_there()
    {
        // The evidence for the test above: wayland-info on weston's headless backend lists no wl_seat.
        using HeadlessWeston weston = HeadlessWeston.Start();
        ProcessStartInfo info = new("/usr/bin/wayland-info");
        weston.ApplyClientEnvironment(info);
        using ClientProcess wlInfo = ClientProcess.Start(info);
        Poll.Until(() => wlInfo.HasExited, () => wlInfo.OutputTail);
        Assert.Contains("'wl_compositor'", wlInfo.Output);
        Assert.DoesNotContain("'wl_seat'", wlInfo.Output);
    }

    [Fact]
    public void Gtk3_widget_factory_on_weston()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (HeadlessWeston weston = HeadlessWeston.Start("--width=1440", "--height=900"))
        {
            ProcessStartInfo info = new("/usr/bin/gtk3-widget-factory");
            weston.ApplyClientEnvironment(info);
            foreach ((string key, string? value) in GtkEnvironment)
            {
                if (value is null)
                {
                    info.Environment.Remove(key);
                }
                else
                {
                    info.Environment[key] = value;
                }
            }

            string home = Path.Combine(weston.Runtime.Path, "home");
            Directory.CreateDirectory(home);
            info.Environment["HOME"] = home;
            info.Environment["XDG_CONFIG_HOME"] = Path.Combine(home, ".config");
            info.Environment["XDG_CACHE_HOME"] = Path.Combine(home, ".cache");
            info.Environment.Remove("DISPLAY");
            info.Environment.Remove("DBUS_SESSION_BUS_ADDRESS");
            // Mapped on weston: the toplevel was configured and a buffer committed after that.
            (string trace, string appLog) = Trace(weston.SocketPath, weston.Runtime.Path, info,
                app => app.Output.Contains("xdg_toplevel@", StringComparison.Ordinal) && FrameCallbacks(app) > 3, TimeSpan.FromSeconds(60));
            Assert.Contains(".configure(", trace);
            output.WriteLine(DebugLines.AssertTraceMatches(appLog, trace));
        }

        OpenFds.AssertUnchanged(before);
    }

    /// <summary>
    /// Runs the app through an in-process proxy to <paramref name="upstream"/> with WAYLAND_DEBUG=1 until
    /// <paramref name="working"/> says it works, kills it, waits for the proxy to close its side, and returns the
    /// trace and the app's log.
    /// </summary>
    private static (string Trace, string AppLog) Trace(string upstream, string runtime, ProcessStartInfo info, Func<ClientProcess, bool> working,
        TimeSpan? timeout = null)
    {
        using TraceHarness proxy = new(upstream, Path.Combine(runtime, "wl-trace-test"));
        info.Environment["WAYLAND_DISPLAY"] = proxy.ListenPath;
        info.Environment["WAYLAND_DEBUG"] = "1";
        string appLog;
        using (ClientProcess app = ClientProcess.Start(info))
        {
            Poll.Until(() => working(app) || app.HasExited, () => app.OutputTail, timeout);
            Assert.False(app.HasExited, app.Describe());
            app.Dispose();
            appLog = app.Output;
        }

        Poll.Until(() => proxy.Connections == 0, () => "the proxy to close the connection of the killed app");
        Assert.True(proxy.Clients >= 1);
        return (proxy.Stop(), appLog);
    }

    private static int FrameCallbacks(ClientProcess app) => app.Output.Split(".done(").Length - 1;

    private static ProcessStartInfo LaunchInfo(CompositorSession session, string program, string[] arguments,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        // As CompositorSession.Launch prepares a client, without starting it (the proxy goes in between).
        ProcessStartInfo info = new(program);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["XDG_RUNTIME_DIR"] = session.RuntimePath;
        info.Environment.Remove("WAYLAND_SOCKET");
        string home = Path.Combine(session.RuntimePath, "home");
        Directory.CreateDirectory(home);
        info.Environment["HOME"] = home;
        info.Environment["XDG_CONFIG_HOME"] = Path.Combine(home, ".config");
        info.Environment["XDG_CACHE_HOME"] = Path.Combine(home, ".cache");
        info.Environment["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share");
        info.Environment.Remove("DISPLAY");
        info.Environment.Remove("DBUS_SESSION_BUS_ADDRESS");
        info.Environment.Remove("XDG_CURRENT_DESKTOP");
        foreach ((string key, string? value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        return info;
    }
}
