using Wayland.Client.Tests.WireTest.Client;
using Wayland.Testing;

namespace Wayland.Client.Tests;

/// <summary>Our client connected to tests/native/test-server (libwayland-server) with its wlt_peer bound.</summary>
internal sealed class NativePeerSession : IDisposable
{
    private NativePeerSession(NativeTestServer server, WaylandDisplay display)
    {
        Server = server;
        Display = display;
        Peer = NativeServerInteropTests.BindPeer(display);
    }

    public NativeTestServer Server { get; }

    public WaylandDisplay Display { get; }

    /// <summary>The wlt_peer, on the default queue.</summary>
    public WltPeer Peer { get; }

    public static NativePeerSession Start()
    {
        NativeTestServer server = NativeTestServer.Start();
        try
        {
            return new NativePeerSession(server, WaylandDisplay.Connect(server.SocketPath));
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Display.Dispose();
        Server.Dispose();
    }
}
