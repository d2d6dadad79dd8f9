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
}
