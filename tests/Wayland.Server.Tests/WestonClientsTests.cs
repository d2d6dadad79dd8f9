using System.Diagnostics;
using Wayland.Testing;
using Xunit.Abstractions;

namespace Wayland.Server.Tests;

/// <summary>
/// Debian's weston demo clients (libwayland-client programs: weston-simple-shm, and weston-flower and weston-smoke
/// from weston's toytoolkit) against <see cref="MiniCompositor"/>, a compositor written only on the public
/// Wayland.Server API: each runs for three seconds with no protocol error and gets its frames presented.
/// </summary>
public sealed class WestonClientsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RunTime = TimeSpan.FromSeconds(3);

    /// <summary>Frames that prove a client keeps animating (a client that draws once, like flower, presents 1).
    /// Not a frame-rate check: under a loaded CI machine smoke has managed only 14 in 3 s.</summary>
    private const int AnimatingFrames = 5;

    [Fact]
    public void Weston_simple_shm_runs_and_animates_without_a_protocol_error()
    {
        Result result = RunClient("/usr/bin/weston-simple-shm", "simple-shm");
        output.WriteLine($"weston-simple-shm: {result.Frames} frames presented, {result.Commits} commits in {RunTime.TotalSeconds} s");
        // simple-shm redraws from every frame callback: about 60 a second.
        Assert.True(result.Frames >= AnimatingFrames, $"only {result.Frames} frames were presented\n{result.Stderr}");
        Assert.True(result.Commits >= AnimatingFrames, $"only {result.Commits} commits\n{result.Stderr}");
    }

    [Fact]
    public void Weston_flower_runs_without_a_protocol_error()
    {
        Result result = RunClient("/usr/bin/weston-flower", "flower");
        output.WriteLine($"weston-flower: {result.Frames} frames presented, {result.Commits} commits in {RunTime.TotalSeconds} s");
        // flower (toytoolkit) draws its window once and redraws only when something changes, so only its first
        // frame(s) are presented.
        Assert.True(result.Frames >= 1, $"no frame was presented\n{result.Stderr}");
        Assert.True(result.Commits >= 1, $"nothing was committed\n{result.Stderr}");
    }

    [Fact]
    public void Weston_smoke_runs_and_animates_without_a_protocol_error()
    {
        Result result = RunClient("/usr/bin/weston-smoke", "smoke");
        // smoke (toytoolkit, like flower) redraws from every frame callback.
        output.WriteLine($"weston-smoke: {result.Frames} frames presented, {result.Commits} commits in {RunTime.TotalSeconds} s");
        Assert.True(result.Frames >= AnimatingFrames, $"only {result.Frames} frames were presented\n{result.Stderr}");
    }

    [Fact]
    public async Task The_compositor_records_a_client_disconnected_for_a_protocol_error()
    {
        using RuntimeDirectory runtime = RuntimeDirectory.Create("weston-error");
        using Display display = new();
        MiniCompositor compositor = new(display);
        string socket = display.AddSocketCore("wayland-error", key => key == "XDG_RUNTIME_DIR" ? runtime.Path : null);
        Task server = display.RunAsync();
        using (RawClient bad = new(Wayland.Wire.UnixSocket.Connect(socket)))
        {
            bad.Send(1, 9); // wl_display has no request 9
            bad.Await(() => bad.Closed);
        }

        display.Terminate();
        await server.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Single(compositor.Errors);
    }

    private static Result RunClient(string program, string purpose)
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        Result result;
        using (RuntimeDirectory runtime = RuntimeDirectory.Create($"weston-{purpose}"))
        {
            Display display = new();
            MiniCompositor compositor = new(display);
            string socketName = $"wayland-{purpose}";
            display.AddSocketCore(socketName, key => key == "XDG_RUNTIME_DIR" ? runtime.Path : null);
            Task server = display.RunAsync();
            try
            {
                ProcessStartInfo info = new(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                runtime.Apply(info);
                info.Environment["WAYLAND_DISPLAY"] = socketName;
                using Process client = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
                Task<string> stdout = client.StandardOutput.ReadToEndAsync();
                Task<string> stderr = client.StandardError.ReadToEndAsync();
                bool exited = client.WaitForExit(RunTime);
                if (!exited)
                {
                    client.Kill(); // only the process this test started
                    client.WaitForExit();
                }

                result = new Result(compositor.FramesPresented, compositor.Commits, stderr.Result);
                string clientOutput = stdout.Result;
                client.StandardOutput.Dispose(); // Process.Dispose leaves streams read synchronously to the finalizer
                client.StandardError.Dispose();
                Assert.False(exited, $"{program} exited by itself with {(exited ? client.ExitCode : 0)}:\n{clientOutput}\n{result.Stderr}");
                Assert.DoesNotContain("protocol error", result.Stderr, StringComparison.OrdinalIgnoreCase);
            }
            finally
            {
                display.Terminate();
                Assert.True(server.Wait(TimeSpan.FromSeconds(10)));
                display.Dispose();
            }

            Assert.Empty(compositor.Errors);
            Assert.True(compositor.Pongs >= 1, "the client never answered xdg_wm_base.ping");
        }

        OpenFds.AssertUnchanged(fdsBefore);
        return result;
    }

    private sealed record Result(long Frames, long Commits, string Stderr);
}
