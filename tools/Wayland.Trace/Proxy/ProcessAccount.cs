using Wayland.Trace.Decoding;

namespace Wayland.Trace.Proxy;

/// <summary>What one client process makes the proxy hold, over all its connections.</summary>
internal sealed class ProcessAccount(int key, TraceClient client)
{
    /// <summary>Its pid (<c>SO_PEERCRED</c>), or a negative key of its own when the pid is not known.</summary>
    public int Key { get; } = key;

    /// <summary>Its first connection still open: how notes name the process.</summary>
    public TraceClient Client { get; set; } = client;

    /// <summary>Its connections being proxied now (two descriptors each: the client's and the compositor's socket).</summary>
    public int Connections;

    /// <summary>Descriptors received on its connections, in either direction, and not passed on yet.</summary>
    public int HeldFds;

    /// <summary>Descriptors it makes the proxy hold.</summary>
    public int Descriptors => (2 * Connections) + HeldFds;
}
