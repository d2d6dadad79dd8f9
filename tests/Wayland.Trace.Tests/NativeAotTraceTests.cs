using System.Diagnostics;
using System.Text.Json;
using Wayland.Testing;
using Xunit.Abstractions;

namespace Wayland.Trace.Tests;

/// <summary>
/// wl-trace as the NativeAOT executable scripts/publish-aot.sh builds (the decoder reads the protocol XML embedded
/// as resources, and writes JSON, with no reflection): it proxies real libwayland clients on weston, its trace shows
/// what the client's own WAYLAND_DEBUG=1 log shows, and it answers --help and --version as the JIT build does.
/// </summary>
public sealed class NativeAotTraceTests(ITestOutputHelper output)
{
    [Fact]
    public void Native_wl_trace_traces_real_clients_on_weston()
    {
        using NativeAotTool wlTrace = NativeAotTool.Get("tools/Wayland.Trace/Wayland.Trace.csproj", "wl-trace");
        // An ELF executable on its own: no managed wl-trace.dll beside it for a host to load.
        Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(wlTrace.Executable)[..4]);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(wlTrace.Executable)!, "wl-trace.dll")));

        OpenFds.Snapshot before = OpenFds.Take();
        using (HeadlessWeston weston = HeadlessWeston.Start())
        {
            // wayland-info's own log (libwayland's WAYLAND_DEBUG, on its standard error, which it shares with
            // wl-trace) against the proxy's trace of the same run.
            string trace = Path.Combine(weston.Runtime.Path, "trace.txt");
            ProcessStartInfo info = Info(wlTrace, weston, "-o", trace, "--", "wayland-info");
            info.Environment["WAYLAND_DEBUG"] = "1";
            (int code, string stdout, string appLog) = ProcessRunner.Run(info, TimeSpan.FromSeconds(60));
            Assert.True(code == 0, $"exit status {code}: {appLog}");
            Assert.Contains("interface: 'wl_compositor'", stdout);
            string text = File.ReadAllText(trace);
            Assert.Contains(" -> wl_display#1.get_registry(new id wl_registry#2)", text);
            output.WriteLine(DebugLines.AssertTraceMatches(appLog, text));

            // JSON Lines, with enum names from the embedded XML; a client that passes descriptors (wl_shm pools).
            string json = Path.Combine(weston.Runtime.Path, "trace.jsonl");
            (code, _, string errors) = ProcessRunner.Run(
                Info(wlTrace, weston, "--json", "-o", json, "--", "/bin/sh", "-c", "wayland-info > /dev/null && exit 3"), TimeSpan.FromSeconds(60));
            Assert.True(code == 3, $"exit status {code}: {errors}");
            string[] lines = File.ReadAllLines(json);
            Assert.NotEmpty(lines);
            bool sawFormat = false;
            foreach (string line in lines)
            {
                using JsonDocument document = JsonDocument.Parse(line);
                JsonElement root = document.RootElement;
                if (root.TryGetProperty("message", out JsonElement message) && message.GetString() == "format"
                    && root.GetProperty("interface").GetString() == "wl_shm" && root.GetProperty("args")[0].GetProperty("value").GetUInt32() == 0)
                {
                    Assert.Equal("argb8888", root.GetProperty("args")[0].GetProperty("enum_name").GetString());
                    sawFormat = true;
                }
            }

            Assert.True(sawFormat, "the wl_shm.format events should carry the enum name argb8888");
        }

        OpenFds.AssertUnchanged(before);

        (int helpCode, string help, _) = ProcessRunner.Run(Info(wlTrace, null, "--help"), TimeSpan.FromSeconds(30));
        Assert.Equal(0, helpCode);
        Assert.StartsWith("Usage: wl-trace [OPTIONS] -- APP [ARGS...]", help, StringComparison.Ordinal);
        (int versionCode, string version, _) = ProcessRunner.Run(Info(wlTrace, null, "--version"), TimeSpan.FromSeconds(30));
        Assert.Equal(0, versionCode);
        Assert.Matches(@"^wl-trace \d+\.\d+\.\d+\n$", version);
    }

    private static ProcessStartInfo Info(NativeAotTool tool, HeadlessWeston? weston, params string[] arguments)
    {
        ProcessStartInfo info = new(tool.Executable, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        weston?.ApplyClientEnvironment(info);
        return info;
    }
}
