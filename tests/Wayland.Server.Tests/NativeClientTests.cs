using System.Diagnostics;
using Wayland.Protocols;
using Wayland.Testing;

namespace Wayland.Server.Tests;

/// <summary>
/// tests/native/test-client — a libwayland-client program — against the C# server running on its own thread:
/// registry, roundtrips, fd passing (create_pool with a memfd), protocol errors with the right code, interface and
/// id, and a client that keeps working while another one is disconnected for a protocol error.
/// </summary>
public sealed class NativeClientTests : IDisposable
{
    private readonly OpenFds.Snapshot _fdsBefore = OpenFds.Take();
    private readonly RuntimeDirectory _runtime = RuntimeDirectory.Create("server-native");
    private readonly Display _display = new();
    private readonly string _socket;
    private readonly Task _server;

    public NativeClientTests()
    {
        _display.CreateGlobal<TestCompositor>(4, _ => { });
        _ = new Shm(_display, extraFormats: [WlShmFormat.Rgb565]);
        _display.CreateGlobal<TestOutput>(2, output => output.Describe());
        _socket = _display.AddSocketCore("wayland-native-client", key => key == "XDG_RUNTIME_DIR" ? _runtime.Path : null);
        _server = _display.RunAsync();
    }

    public void Dispose()
    {
        _display.Terminate();
        Assert.True(_server.Wait(TimeSpan.FromSeconds(10)));
        _display.Dispose();
        _runtime.Dispose();
        OpenFds.AssertUnchanged(_fdsBefore);
    }

    [Fact]
    public void Globals_are_listed_in_order()
    {
        Assert.Equal(["global 1 wl_compositor 4", "global 2 wl_shm 1", "global 3 wl_output 2"], Run("globals"));
    }

    [Fact]
    public void Roundtrips_complete()
    {
        Assert.Equal(["ok"], Run("roundtrips", "200"));
    }

    [Fact]
    public void A_pool_made_from_a_memfd_and_a_buffer_are_accepted()
    {
        Assert.Equal(["format 0", "format 1", $"format {(uint)WlShmFormat.Rgb565}", "ok"], Run("shm"));
    }

    [Fact]
    public void A_bad_stride_is_reported_as_weston_reports_it()
    {
        Assert.Equal(["format 0", "format 1", $"format {(uint)WlShmFormat.Rgb565}", "error 1 wl_shm_pool 4"], Run("shm-bad-stride"));
    }

    [Fact]
    public void A_bind_above_the_version_is_an_error_on_the_registry()
    {
        Assert.Equal(["error 0 wl_registry 2"], Run("bind-bad-version"));
    }

    [Fact]
    public async Task A_client_keeps_working_while_another_is_disconnected_for_a_protocol_error()
    {
        ProcessStartInfo info = Start("wait-then-roundtrip");
        info.RedirectStandardInput = true;
        using Process good = Process.Start(info)!;
        Task<string> stderr = good.StandardError.ReadToEndAsync();
        Assert.Equal("connected", await good.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));

        using (RawClient bad = new(Wayland.Wire.UnixSocket.Connect(_socket)))
        {
            bad.Send(1, 9); // wl_display has no request 9
            bad.Await(() => bad.Closed);
            WireMessage error = Assert.Single(bad.Received, m => m.IsDisplayError);
            Assert.Equal((1u, (uint)WlDisplayError.InvalidMethod, "invalid method 9, object wl_display#1"), (error.Word(0), error.Word(1), error.String(2)));
        }

        await good.StandardInput.WriteLineAsync("go");
        await good.StandardInput.FlushAsync();
        Assert.Equal("ok", await good.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        await good.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(good.ExitCode == 0, await stderr);
    }

    private string[] Run(params string[] scenario)
    {
        (int exit, string stdout, string stderr) = ProcessRunner.Run(Start(scenario), TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"test-client {string.Join(' ', scenario)} exited with {exit}:\n{stdout}\n{stderr}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private ProcessStartInfo Start(params string[] scenario)
    {
        ProcessStartInfo info = new(NativePeers.Path("test-client"));
        info.ArgumentList.Add("--socket");
        info.ArgumentList.Add(_socket);
        info.ArgumentList.Add("--scenario");
        foreach (string part in scenario)
        {
            info.ArgumentList.Add(part);
        }

        _runtime.Apply(info);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return info;
    }
}
