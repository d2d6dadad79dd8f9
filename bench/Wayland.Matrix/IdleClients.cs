using Wayland.Client;
using Wayland.Client.Protocol;

namespace Wayland.Matrix;

/// <summary>Server memory per idle connected client.</summary>
internal static class IdleClients
{
    /// <summary>Connects <paramref name="count"/> clients (registry and one roundtrip each), lets the server
    /// settle, and returns its resident set size before and after, in KiB.</summary>
    public static (long Before, long After) Measure(ServerProcess server, int count)
    {
        Thread.Sleep(500);
        long before = server.ResidentKiB();
        List<WaylandDisplay> clients = [];
        try
        {
            for (int i = 0; i < count; i++)
            {
                WaylandDisplay display = WaylandDisplay.Connect(server.Socket);
                clients.Add(display);
                using WlRegistry registry = display.GetRegistry();
                display.Roundtrip();
            }

            Thread.Sleep(1000);
            return (before, server.ResidentKiB());
        }
        finally
        {
            foreach (WaylandDisplay display in clients)
            {
                display.Dispose();
            }
        }
    }
}
