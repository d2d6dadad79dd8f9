using Wayland.Client.Protocol;
using Wayland.Testing;
using Wayland.Wire;
using ServerDisplay = Wayland.Server.Display;
using ServerOutput = Wayland.Server.Protocol.WlOutput;

namespace Wayland.Client.Tests;

/// <summary>Our client against our server, in one process over a socketpair.</summary>
public class OwnServerTests
{
    [Fact]
    public async Task Globals_that_go_away_are_reported_and_forgotten()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (ServerDisplay server = new())
        {
            Wayland.Server.Global output = server.CreateGlobal<ServerOutput>(2, _ => { });
            (SafeFdHandle ours, SafeFdHandle theirs) = UnixSocket.CreatePair();
            server.CreateClient(theirs);
            Task loop = server.RunAsync();
            try
            {
                using WaylandDisplay display = WaylandDisplay.ConnectTo(ours);
                using WaylandGlobals globals = WaylandGlobals.Create(display);
                Assert.True(globals.Has<WlOutput>());
                GlobalInfo? removed = null;
                globals.Removed += info => removed = info;

                server.Loop.Post(output.Remove);
                for (int i = 0; i < 100 && removed is null; i++)
                {
                    display.Dispatch(TimeSpan.FromMilliseconds(50));
                }

                Assert.Equal("wl_output", removed?.Interface);
                Assert.False(globals.Has<WlOutput>());
                Assert.Throws<InvalidOperationException>(() => globals.Bind<WlOutput>());
            }
            finally
            {
                server.Terminate();
                await loop.WaitAsync(TimeSpan.FromSeconds(10));
            }
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }
}
