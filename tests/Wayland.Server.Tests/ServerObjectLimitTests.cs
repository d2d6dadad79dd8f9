using Wayland.Protocols;
using Wayland.Testing;

namespace Wayland.Server.Tests;

/// <summary>
/// Objects the server creates for a client (a compositor's <c>wl_data_offer</c> for each new selection) count toward
/// the client's object limit: a client that never destroys them is stopped there, not left to grow without bound.
/// </summary>
public sealed class ServerObjectLimitTests : IDisposable
{
    private readonly OpenFds.Snapshot _fdsBefore = OpenFds.Take();
    private readonly Display _display = new();
    private readonly List<TestResource> _bound = [];
    private readonly Global _global;

    public ServerObjectLimitTests() => _global = _display.CreateGlobal<TestResource>(3, _bound.Add);

    public void Dispose()
    {
        _display.Dispose();
        OpenFds.AssertUnchanged(_fdsBefore);
    }

    [Fact]
    public void A_client_that_keeps_every_server_created_object_gets_no_memory_at_its_limit_and_the_others_are_served()
    {
        _display.DefaultMaxObjects = 10;
        TestResource hog = Bind(out RawClient hogClient, out Client hogServer);
        TestResource bystander = Bind(out RawClient bystanderClient, out Client bystanderServer);
        using (hogClient)
        using (bystanderClient)
        {
            // wl_display, wl_registry and wlt_server, then 6 objects the server makes: 9, and room for a roundtrip's callback.
            for (int i = 0; i < 6; i++)
            {
                hog.SendCreated();
                bystander.SendCreated();
            }

            hogClient.Roundtrip(_display);
            Assert.Equal((9, false), (hogServer.ObjectCount, hogServer.HasFailed));

            // The 10th is the limit; the 11th is still sent (the event is on its way), but the client is told and dropped.
            hog.SendCreated();
            Assert.False(hogServer.HasFailed);
            hog.SendCreated();
            Assert.Equal((11, true), (hogServer.ObjectCount, hogServer.HasFailed));
            hogClient.ExpectError(_display, 1, (uint)WlDisplayError.NoMemory, "no memory");
            Assert.True(hogServer.IsDestroyed);

            // The bystander, below its limit, is served; it may take objects up to its limit and free them again.
            bystanderClient.Roundtrip(_display);
            bystander.SendCreated();
            Assert.Equal((10, false), (bystanderServer.ObjectCount, bystanderServer.HasFailed));
            bystanderServer.GetObject(0xff000000)!.Destroy();
            bystanderClient.Roundtrip(_display);
            Assert.Equal((9, false), (bystanderServer.ObjectCount, bystanderServer.HasFailed));
        }
    }

    [Fact]
    public void Without_a_limit_server_created_objects_are_not_refused()
    {
        _display.DefaultMaxObjects = 0;
        TestResource resource = Bind(out RawClient client, out Client server);
        using (client)
        {
            for (int i = 0; i < 1000; i++)
            {
                resource.SendCreated();
            }

            client.Roundtrip(_display);
            Assert.Equal((1003, false), (server.ObjectCount, server.HasFailed));
        }
    }

    [Fact]
    public void A_client_that_leaves_holding_thousands_of_objects_has_them_destroyed_a_share_per_turn()
    {
        // Destroying them all at once kept every other client waiting: 100 000 empty surfaces took 33 ms in a release
        // build of the compositor. The disconnect closes the socket at once; the objects go a share per loop turn, and
        // DestroyClients (as Dispose) finishes what is left.
        _display.DefaultMaxObjects = 0;
        TestResource resource = Bind(out RawClient client, out Client server);
        int total;
        using (client)
        {
            for (int i = 0; i < 3 * Client.MaxDestroyedPerTurn; i++)
            {
                resource.SendCreated();
            }

            client.Roundtrip(_display);
            total = server.ObjectCount;
        }

        int handlers = 0, destroyed = 0;
        server.ForEachResource(r => r.Destroyed += _ => handlers++);
        server.Destroyed += _ => destroyed++;
        for (int turn = 0; turn < 100 && server.ObjectCount == total; turn++)
        {
            _display.Loop.Dispatch(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal((total - Client.MaxDestroyedPerTurn, false, 0), (server.ObjectCount, server.IsDestroyed, destroyed));
        Assert.DoesNotContain(server, _display.Clients);
        _display.Loop.Dispatch(TimeSpan.FromMilliseconds(100));
        Assert.Equal((total - (2 * Client.MaxDestroyedPerTurn), false, 0), (server.ObjectCount, server.IsDestroyed, destroyed));

        _display.DestroyClients();
        Assert.Equal((0, true, 1, total), (server.ObjectCount, server.IsDestroyed, destroyed, handlers));
    }

    [Fact]
    public void Clients_that_leave_together_share_one_turn_of_destruction()
    {
        // A process spreads its objects over many connections, each under one turn's share, and all of them hang up
        // at once: 32 connections of 3000 empty surfaces kept other clients waiting 38-57 ms.
        _display.DefaultMaxObjects = 0;
        List<(RawClient Raw, Client Server)> clients = [];
        for (int c = 0; c < 3; c++)
        {
            TestResource resource = Bind(out RawClient raw, out Client server);
            for (int i = 0; i < Client.MaxDestroyedPerTurn - 10; i++)
            {
                resource.SendCreated();
            }

            raw.Roundtrip(_display);
            clients.Add((raw, server));
        }

        int total = clients.Sum(c => c.Server.ObjectCount);
        foreach ((RawClient raw, Client server) in clients)
        {
            server.Destroy();
            raw.Dispose();
        }

        Assert.Equal(total - Client.MaxDestroyedPerTurn, clients.Sum(c => c.Server.ObjectCount));
        Assert.Equal([true, false, false], clients.Select(c => c.Server.IsDestroyed));
        _display.Loop.Dispatch(TimeSpan.FromMilliseconds(100));
        Assert.Equal(total - (2 * Client.MaxDestroyedPerTurn), clients.Sum(c => c.Server.ObjectCount));
        _display.Loop.Dispatch(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, clients.Sum(c => c.Server.ObjectCount));
        Assert.All(clients, c => Assert.True(c.Server.IsDestroyed));
    }

    private TestResource Bind(out RawClient client, out Client server)
    {
        RawClient raw = RawClient.Attach(_display, out Client created);
        uint registry = raw.GetRegistry();
        uint id = raw.Bind(registry, _global.Name, TestProtocol.Name, 3);
        raw.Roundtrip(_display);
        client = raw;
        server = created;
        return _bound.Single(r => r.Id == id && r.Client == created);
    }
}
