using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Wayland.Compositor.Tests;
using Wayland.Testing;
using Xunit.Abstractions;

namespace Wayland.Trace.Tests;

/// <summary>
/// --listen mode: many clients at once, each line naming its client (pid from SO_PEERCRED, command name); and the
/// JSON, filter and summary outputs, checked on wayland-info (a libwayland client) through the proxy to our compositor.
/// </summary>
public sealed partial class ListenTests(ITestOutputHelper output)
{
    [Fact]
    public void Fifty_clients_at_once_each_named_by_pid_and_command()
    {
        const int count = 50;
        CompositorSession.Run("trace-fifty", session =>
        {
            using TraceHarness proxy = new(session.SocketPath, Path.Combine(session.RuntimePath, "wl-trace-listen"));
            List<Process> processes = [];
            try
            {
                for (int i = 0; i < count; i++)
                {
                    processes.Add(Process.Start(WaylandInfo(session, proxy))!);
                }

                Dictionary<int, string> outputs = [];
                foreach (Process process in processes)
                {
                    string text = process.StandardOutput.ReadToEnd();
                    Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "wayland-info did not finish");
                    Assert.True(process.ExitCode == 0, $"wayland-info exited with {process.ExitCode}: {process.StandardError.ReadToEnd()}");
                    Assert.Contains("wl_compositor", text);
                    outputs[process.Id] = text;
                }

                Wayland.Compositor.Tests.Poll.Until(() => proxy.Connections == 0, () => $"{proxy.Connections} connections still open");
                Assert.Equal(count, proxy.Clients);
                string trace = proxy.Stop();
                foreach (int pid in outputs.Keys)
                {
                    // Every client's own requests are tagged with it.
                    Assert.Contains($"{{wayland-info[{pid}]}}  -> wl_display#1.get_registry(new id wl_registry#2)", trace);
                    Assert.Contains($"{{wayland-info[{pid}]}} wl-trace: wayland-info[{pid}] disconnected", trace);
                }

                output.WriteLine($"{trace.Split('\n').Length} lines for {count} clients");
            }
            finally
            {
                foreach (Process process in processes)
                {
                    if (!process.HasExited)
                    {
                        process.Kill();
                    }

                    process.WaitForExit();
                    process.Dispose();
                }
            }
        });
    }

    [Fact]
    public void Json_lines_carry_typed_arguments_and_enum_names()
    {
        CompositorSession.Run("trace-json", session =>
        {
            string trace = RunWaylandInfo(session, json: true);
            int lines = 0;
            bool sawFormat = false;
            bool sawBind = false;
            foreach (string line in trace.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using JsonDocument document = JsonDocument.Parse(line);
                JsonElement root = document.RootElement;
                if (root.TryGetProperty("note", out _))
                {
                    continue;
                }

                lines++;
                Assert.True(root.GetProperty("time").GetDateTime() > DateTime.UtcNow.AddMinutes(-5));
                Assert.Equal("wayland-info", root.GetProperty("client").GetProperty("name").GetString());
                Assert.True(root.GetProperty("client").GetProperty("pid").GetInt32() > 0);
                string message = $"{root.GetProperty("interface").GetString()}.{root.GetProperty("message").GetString()}";
                string direction = root.GetProperty("dir").GetString()!;
                if (message == "wl_shm.format" && direction == "event")
                {
                    JsonElement format = root.GetProperty("args")[0];
                    Assert.Equal("uint", format.GetProperty("type").GetString());
                    Assert.Equal("wl_shm.format", format.GetProperty("enum").GetString());
                    if (format.GetProperty("value").GetUInt32() == 0)
                    {
                        Assert.Equal("argb8888", format.GetProperty("enum_name").GetString());
                        sawFormat = true;
                    }
                }

                if (message == "wl_registry.bind" && direction == "request")
                {
                    JsonElement id = root.GetProperty("args")[1];
                    Assert.Equal("new_id", id.GetProperty("type").GetString());
                    Assert.False(string.IsNullOrEmpty(id.GetProperty("interface").GetString()));
                    Assert.True(id.GetProperty("version").GetUInt32() >= 1);
                    sawBind = true;
                }
            }

            Assert.True(lines > 20, $"only {lines} messages");
            Assert.True(sawFormat, "no wl_shm.format(argb8888) event");
            Assert.True(sawBind, "no wl_registry.bind request");
        });
    }

    [Fact]
    public void Filter_with_negation_shows_only_what_it_names()
    {
        CompositorSession.Run("trace-filter", session =>
        {
            string trace = RunWaylandInfo(session, filter: "wl_registry.*,!wl_registry.global_remove,!wl_registry.bind");
            string[] lines = [.. trace.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("wl-trace:", StringComparison.Ordinal))];
            Assert.NotEmpty(lines);
            Assert.All(lines, line => Assert.Matches(WithoutClient(), line));
            Assert.Contains(lines, l => l.Contains("wl_registry#2.global(", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains(".bind(", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void Summary_counts_messages_per_direction()
    {
        CompositorSession.Run("trace-summary", session =>
        {
            string trace = RunWaylandInfo(session, summary: true);
            output.WriteLine(trace);
            Assert.Contains("wl-trace summary: 1 client(s)", trace);
            Assert.Matches(@"\n\s+1\s+12  -> wl_display\.get_registry\n", trace);
            Assert.Matches(@"requests: \d+ messages, \d+ bytes, 0 fds, 0 not decoded", trace);
            // wayland-info binds wl_seat, and our compositor sends its keymap as a descriptor.
            Assert.Matches(@"events  : \d+ messages, \d+ bytes, [1-9]\d* fds, 0 not decoded", trace);
            Assert.Contains("protocol errors: 0", trace);
            Assert.DoesNotContain("get_registry(", trace);
        });
    }

    private string RunWaylandInfo(CompositorSession session, bool json = false, string? filter = null, bool summary = false)
    {
        using TraceHarness proxy = new(session.SocketPath, Path.Combine(session.RuntimePath, "wl-trace-listen"), json, filter, summary);
        using (Process process = Process.Start(WaylandInfo(session, proxy))!)
        {
            string text = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)));
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("wl_compositor", text);
        }

        Wayland.Compositor.Tests.Poll.Until(() => proxy.Connections == 0, () => "the connection to close");
        string trace = proxy.Stop();
        output.WriteLine(trace.Length > 2000 ? trace[..2000] : trace);
        return trace;
    }

    private static ProcessStartInfo WaylandInfo(CompositorSession session, TraceHarness proxy)
    {
        ProcessStartInfo info = new("/usr/bin/wayland-info")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["XDG_RUNTIME_DIR"] = session.RuntimePath;
        info.Environment["WAYLAND_DISPLAY"] = proxy.ListenPath;
        info.Environment.Remove("WAYLAND_SOCKET");
        info.Environment.Remove("WAYLAND_DEBUG");
        return info;
    }

    [GeneratedRegex(@"^\[[0-9:.]+\] \{wayland-info\[\d+\]\} wl_registry#2\.global\(")]
    private static partial Regex WithoutClient();
}
