using System.Diagnostics;
using System.Text.RegularExpressions;
using Wayland.Protocols;
using Wayland.Testing;

namespace Wayland.Server.Tests;

/// <summary>Real libwayland clients (Debian's wayland-info) against the C# server, run on its own thread.</summary>
public sealed partial class InteropTests : IDisposable
{
    private readonly OpenFds.Snapshot _fdsBefore = OpenFds.Take();
    private readonly RuntimeDirectory _runtime = RuntimeDirectory.Create("server-interop");
    private readonly Display _display = new();
    private readonly string _socketName;

    public InteropTests()
    {
        _display.CreateGlobal<TestCompositor>(4, _ => { });
        _display.CreateGlobal<TestSubcompositor>(1, _ => { });
        _ = new Shm(_display, extraFormats: [WlShmFormat.Rgb565, WlShmFormat.Abgr8888]);
        _display.CreateGlobal<TestOutput>(3, output => output.Describe());
        _display.CreateGlobal<TestWmBase>(2, _ => { });
        _socketName = Path.GetFileName(_display.AddSocketCore("wayland-interop", key => key == "XDG_RUNTIME_DIR" ? _runtime.Path : null));
    }

    public void Dispose()
    {
        _display.Dispose();
        _runtime.Dispose();
        OpenFds.AssertUnchanged(_fdsBefore);
    }

    [Fact]
    public async Task Wayland_info_lists_every_global_with_its_version_and_the_details_it_binds()
    {
        List<Client> clients = [];
        _display.ClientCreated += clients.Add;
        Task server = _display.RunAsync();
        (int exit, string stdout, string stderr) = RunClient("wayland-info");

        // wayland-info has exited; give the loop time to read its hang-up before stopping it.
        Assert.True(SpinWait.SpinUntil(() => clients.Count == 1 && clients[0].IsDestroyed, TimeSpan.FromSeconds(10)),
            "the server did not notice that wayland-info hung up");
        _display.Terminate();
        await server.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(exit == 0, $"wayland-info exited with {exit}:\n{stdout}\n{stderr}");
        Assert.Equal(
            [
                ("wl_compositor", 4u, 1u),
                ("wl_subcompositor", 1u, 2u),
                ("wl_shm", WlShmInterface.Version, 3u),
                ("wl_output", 3u, 4u),
                ("xdg_wm_base", 2u, 5u),
            ],
            InterfaceLines().Matches(stdout).Select(m => (m.Groups[1].Value, uint.Parse(m.Groups[2].Value), uint.Parse(m.Groups[3].Value))));

        // wl_shm: each format it was told, once (wayland-info prints them newest first).
        Assert.Equal(["AB24", "AR24", "RG16", "XR24"], FormatLines().Matches(stdout).Select(m => m.Groups[1].Value).Order());

        // wl_output: geometry, mode and scale as sent.
        Assert.Contains("x: 10, y: 20, scale: 2,", stdout);
        Assert.Contains("physical_width: 300 mm, physical_height: 200 mm,", stdout);
        Assert.Contains("make: 'Wayland.NET', model: 'Test Monitor',", stdout);
        Assert.Contains("width: 1024 px, height: 768 px, refresh: 60.000 Hz,", stdout);
        Assert.Contains("flags: current preferred", stdout);
        Assert.True(Assert.Single(clients).IsDestroyed);
    }

    [GeneratedRegex(@"interface: '([^']+)',\s+version:\s+(\d+),\s+name:\s+(\d+)")]
    private static partial Regex InterfaceLines();

    [GeneratedRegex(@"^\t\s*(?:0x[0-9a-f]{8}|\d+) = '(\w{4})'$", RegexOptions.Multiline)]
    private static partial Regex FormatLines();

    private (int ExitCode, string Stdout, string Stderr) RunClient(string program, params string[] arguments)
    {
        ProcessStartInfo info = new(program);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        _runtime.Apply(info);
        info.Environment["WAYLAND_DISPLAY"] = _socketName;
        return ProcessRunner.Run(info, TimeSpan.FromSeconds(30));
    }
}
