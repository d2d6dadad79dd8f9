using Wayland.Testing;
using Wayland.Wire;
using ClientDisplay = Wayland.Client.WaylandDisplay;
using ClientRegistry = Wayland.Client.Protocol.WlRegistry;

namespace Wayland.Server.Tests;

/// <summary>The managed client (Wayland.Client) against the managed server, each on its own thread.</summary>
public sealed class ManagedClientTests
{
    [Fact]
    public async Task The_managed_client_sees_the_globals_and_roundtrips()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (Display display = new())
        {
            display.CreateGlobal<TestCompositor>(4, _ => { });
            _ = new Shm(display);
            (SafeFdHandle serverEnd, SafeFdHandle clientEnd) = UnixSocket.CreatePair();
            display.CreateClient(serverEnd);
            Task server = display.RunAsync();
            try
            {
                using ClientDisplay client = ClientDisplay.ConnectTo(clientEnd);
                ClientRegistry registry = client.GetRegistry();
                List<string> globals = [];
                registry.Global += (_, name, iface, version) => globals.Add($"{name} {iface} {version}");
                client.Roundtrip();
                Assert.Equal(["1 wl_compositor 4", "2 wl_shm 1"], globals);
                for (int i = 0; i < 50; i++)
                {
                    client.Roundtrip();
                }
            }
            finally
            {
                display.Terminate();
                await server.WaitAsync(TimeSpan.FromSeconds(10));
            }
        }

        OpenFds.AssertUnchanged(before);
    }
}
