namespace Wayland.Wire.Tests;

public class ObjectMapTests
{
    private sealed class Item(string name)
    {
        public override string ToString() => name;
    }

    [Fact]
    public void Client_ids_start_at_1_and_server_ids_at_0xff000000()
    {
        ObjectMap<Item> client = new(MapSide.Client);
        Assert.Equal(1u, client.Allocate(new("display")));
        Assert.Equal(2u, client.Allocate(new("registry")));

        ObjectMap<Item> server = new(MapSide.Server);
        Assert.Equal(0xff000000u, server.Allocate(new("a")));
        Assert.Equal(0xff000001u, server.Allocate(new("b")));
    }

    [Fact]
    public void Freed_ids_are_reused_most_recently_freed_first()
    {
        ObjectMap<Item> map = new(MapSide.Client);
        for (int i = 0; i < 5; i++)
        {
            map.Allocate(new(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.True(map.Remove(2));
        Assert.True(map.Remove(4));
        Assert.Null(map.Get(2));
        Assert.Equal(4u, map.Allocate(new("x")));
        Assert.Equal(2u, map.Allocate(new("y")));
        Assert.Equal(6u, map.Allocate(new("z")));
        Assert.False(map.Remove(42));
    }

    [Fact]
    public void Peer_ids_must_be_next_or_free_and_in_the_peer_range()
    {
        ObjectMap<Item> server = new(MapSide.Server);
        Assert.Equal(MapInsertResult.Ok, server.InsertPeer(1, new("display")));
        Assert.Equal(MapInsertResult.Ok, server.InsertPeer(2, new("registry")));
        Assert.Equal(MapInsertResult.NotNext, server.InsertPeer(4, new("gap")));
        Assert.Equal(MapInsertResult.InUse, server.InsertPeer(2, new("again")));
        Assert.Equal(MapInsertResult.WrongRange, server.InsertPeer(0xff000000, new("ours")));
        Assert.Equal(MapInsertResult.WrongRange, server.InsertPeer(0, new("null")));
        Assert.Equal(MapInsertResult.Ok, server.InsertPeer(3, new("three")));

        // A client id the server destroyed becomes free for the client to use again.
        Assert.True(server.Remove(2));
        Assert.Equal(MapInsertResult.Ok, server.InsertPeer(2, new("reused")));
        Assert.Equal("reused", server.Get(2)!.ToString());

        ObjectMap<Item> client = new(MapSide.Client);
        Assert.Equal(MapInsertResult.Ok, client.InsertPeer(0xff000000, new("server object")));
        Assert.Equal(MapInsertResult.NotNext, client.InsertPeer(0xff000002, new("gap")));
        Assert.Equal(MapInsertResult.WrongRange, client.InsertPeer(5, new("client id")));
    }

    [Fact]
    public void Replace_keeps_the_id_and_count()
    {
        ObjectMap<Item> map = new(MapSide.Client);
        uint id = map.Allocate(new("live"));
        map.Replace(id, new("zombie"));
        Assert.Equal("zombie", map.Get(id)!.ToString());
        Assert.Equal(1, map.Count);
        Assert.Throws<InvalidOperationException>(() => map.Replace(99, new("none")));
    }

    [Fact]
    public void ForEach_visits_both_ranges()
    {
        ObjectMap<Item> map = new(MapSide.Client);
        map.Allocate(new("a"));
        map.InsertPeer(0xff000000, new("b"));
        List<uint> ids = [];
        map.ForEach((id, _) => ids.Add(id));
        Assert.Equal([1u, 0xff000000u], ids);
    }
}
