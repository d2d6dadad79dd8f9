using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Wayland.Protocols;
using Wayland.Testing;
using Xunit.Abstractions;

namespace Wayland.Compositor.Tests;

/// <summary>
/// The shm truncation race against the compositor: a libwayland client (tests/native/shm-truncate) commits a buffer
/// from an unsealed memfd over and over while another thread truncates the file to 0 and grows it back, and the
/// compositor copies every committed buffer (<c>Surface.CopyBuffer</c>). It must live, answer a short file with
/// <c>wl_shm.error.invalid_fd</c> on the buffer and nothing else, serve a bystander throughout, and leave no
/// descriptor behind.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ShmTruncationTests(ITestOutputHelper output)
{
    /// <summary>Seconds per buffer size: 3 sizes make 10.5 s of racing.</summary>
    private const double SecondsPerSize = 3.5;

    [Fact]
    public void A_client_truncating_its_pool_while_committing_gets_invalid_fd_and_the_compositor_serves_everyone_else()
    {
        CompositorSession.Run("shm-truncate", session =>
        {
            long invalidFd = ShmTruncatePeer.RunEverySize(session.SocketPath, SecondsPerSize, output.WriteLine);

            Assert.True(invalidFd > 0, "no copy ever found the file short: the race was not run");
            IReadOnlyList<Wayland.Server.ClientError> errors = session.Compositor.Errors;
            Assert.NotEmpty(errors);
            Assert.All(errors, error => Assert.Equal(("wl_buffer", (uint)WlShmError.InvalidFd, "error accessing SHM buffer"),
                (error.Interface, error.Code, error.Message)));

            // Still serving: a new client gets its globals.
            using Client.WaylandDisplay display = Client.WaylandDisplay.Connect(session.SocketPath);
            display.Roundtrip();
        });
    }

    [Fact]
    public void Wl_headless_outlives_the_race_at_2048x2048_and_reports_the_protocol_errors()
    {
        // As a user meets it: wl-headless runs the hostile client with --exec. A crash would be exit 134; surviving,
        // it stops when the client is done (exit status 0: only invalid_fd, bystander served) and exits 2 because it
        // posted protocol errors.
        string configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
        string cli = Path.Combine(NativePeers.RepositoryRoot, "tools", "Wayland.Compositor.Cli", "bin", configuration, "net10.0", "wl-headless.dll");
        string peer = NativePeers.Path("shm-truncate");
        using RuntimeDirectory runtime = RuntimeDirectory.Create("shm-truncate-cli");
        ProcessStartInfo info = new("dotnet", [cli, "--exec", $"'{peer}' --socket \"$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY\" --size 2048x2048 --seconds {SecondsPerSize.ToString(CultureInfo.InvariantCulture)}"]);
        runtime.Apply(info);
        (int exit, string stdout, string stderr) = ProcessRunner.Run(info, TimeSpan.FromMinutes(2));
        output.WriteLine(stdout);
        string tail = stderr[Math.Max(0, stderr.Length - 3000)..];
        Assert.True(exit == 2, $"exit {exit}:\n{stdout}\n{tail}");
        Assert.Contains("wl-headless: stopping (the command exited with status 0)", stderr, StringComparison.Ordinal);
        Assert.Contains("wl_buffer@6: error 2: error accessing SHM buffer", stderr, StringComparison.Ordinal); // libwayland's client says so
        Match counts = Regex.Match(stdout, @"commits (\d+) .* invalid_fd (\d+) ");
        Assert.True(counts.Success, stdout);
        Assert.True(long.Parse(counts.Groups[1].Value, CultureInfo.InvariantCulture) > 0 && long.Parse(counts.Groups[2].Value, CultureInfo.InvariantCulture) > 0, stdout);
    }
}
