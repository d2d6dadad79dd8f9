using System.Diagnostics;
using Wayland.Testing;

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
