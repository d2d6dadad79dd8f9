using Wayland.Testing;
using Xunit.Abstractions;

namespace Wayland.Server.Tests;

/// <summary>
/// The shm truncation race against a bare display: a libwayland client (tests/native/shm-truncate) commits a buffer
/// from an unsealed memfd over and over while another thread truncates the file to 0 and grows it back; the
/// <see cref="MiniCompositor"/> reads every committed buffer. The server must live, answer a short file with
/// <c>invalid_fd</c>, serve a bystander throughout, and end with the descriptors it started with.
/// </summary>
public sealed class ShmTruncationTests(ITestOutputHelper output)
{
    /// <summary>Seconds per buffer size: 3 sizes make 10.5 s of racing.</summary>
    private const double SecondsPerSize = 3.5;

    [Fact]
    public async Task A_client_truncating_its_pool_while_committing_gets_invalid_fd_and_everyone_else_is_served()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        CollectingLogger logger = new();
        using (RuntimeDirectory runtime = RuntimeDirectory.Create("shm-truncate"))
        using (Display display = new(logger))
        {
            MiniCompositor compositor = new(display);
            string socket = display.AddSocket(Path.Combine(runtime.Path, "wayland-truncate"));
            Task server = display.RunAsync();
            long invalidFd;
            try
            {
                invalidFd = ShmTruncatePeer.RunEverySize(socket, SecondsPerSize, output.WriteLine);
                Assert.False(server.IsCompleted, "the display stopped");
            }
            finally
            {
                display.Terminate();
                await server.WaitAsync(TimeSpan.FromSeconds(30));
            }

            output.WriteLine($"buffers read: {compositor.BuffersRead}; invalid_fd: {invalidFd}");
            Assert.True(invalidFd > 0, "no read ever found the file short: the race was not run");
            Assert.True(compositor.BuffersRead > 0, "no buffer was ever read whole");
            Assert.DoesNotContain(logger.Lines, line => line.Contains("threw", StringComparison.Ordinal));
        }

        OpenFds.AssertUnchanged(before);
    }
}
