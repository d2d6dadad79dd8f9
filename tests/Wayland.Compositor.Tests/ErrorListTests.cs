using System.Net.Sockets;

namespace Wayland.Compositor.Tests;

/// <summary>
/// <see cref="HeadlessCompositor.Errors"/> keeps the first <see cref="HeadlessCompositor.MaxKeptErrors"/> protocol errors
/// and <see cref="HeadlessCompositor.ErrorCount"/> counts them all: a process that connects over and over and gets each
/// connection refused must not make the compositor's memory grow without end.
/// </summary>
public sealed class ErrorListTests
{
    [Fact]
    public void The_first_errors_are_kept_and_all_are_counted()
    {
        using CompositorSession session = new("error-list");
        const int Connections = HeadlessCompositor.MaxKeptErrors + 5;
        for (int i = 0; i < Connections; i++)
        {
            using Socket socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(session.SocketPath));
            socket.ReceiveTimeout = 10_000;

            // A request on object 7 + i, which does not exist: wl_display.error invalid_object, then the hang-up.
            byte[] request = [.. BitConverter.GetBytes(7u + (uint)i), 0, 0, 8, 0];
            socket.Send(request);
            byte[] buffer = new byte[256];
            while (socket.Receive(buffer) > 0)
            {
            }
        }

        session.WaitUntil(() => session.Compositor.ErrorCount == Connections, () => $"{Connections} errors recorded (got {session.Compositor.ErrorCount})");
        IReadOnlyList<Wayland.Server.ClientError> kept = session.Compositor.Errors;
        Assert.Equal(HeadlessCompositor.MaxKeptErrors, kept.Count);
        Assert.Equal("invalid object 7", kept[0].Message);
        Assert.Equal($"invalid object {7 + HeadlessCompositor.MaxKeptErrors - 1}", kept[^1].Message);
    }
}
