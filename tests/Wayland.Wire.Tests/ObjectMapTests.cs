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

    [Fact]
    public void A_peer_taking_a_fresh_id_for_every_object_costs_memory_for_what_it_holds_only()
    {
        // As a client sending wl_display.sync with a new id each time, never reusing the ids the server freed.
        ObjectMap<Item> server = new(MapSide.Server);
        Item item = new("callback");
        Assert.Equal(MapInsertResult.Ok, server.InsertPeer(1, new("display")));
        for (uint id = 2; id < 2000; id++)
        {
            Assert.Equal(MapInsertResult.Ok, server.InsertPeer(id, item));
            Assert.True(server.Remove(id));
        }

        // Counted without xunit's asserts in the loop (Assert.Equal allocates).
        int failures = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (uint id = 2000; id < 1_000_000; id++)
        {
            failures += server.InsertPeer(id, item) == MapInsertResult.Ok && server.Remove(id) ? 0 : 1;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, failures);

        // An array indexed by id allocated about 16 MB for these (twice the 8 MB its last size holds).
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated for a million ids used one at a time");
        Assert.Equal(1, server.Count);
        Assert.Equal(MapInsertResult.NotNext, server.InsertPeer(1_000_001, item));
        Assert.Equal(MapInsertResult.Ok, server.InsertPeer(123_456, item)); // a freed id may be used again
        Assert.Same(item, server.Get(123_456));
    }

    [Theory]
    [InlineData(MapSide.Server, 1)]
    [InlineData(MapSide.Server, 2)]
    [InlineData(MapSide.Client, 3)]
    [InlineData(MapSide.Client, 4)]
    public void The_peers_range_answers_as_a_plain_dictionary_would_through_growth_and_shrinking(MapSide side, int seed)
    {
        // Random requests against a model: phases that take fresh ids, phases that reuse freed ones and hold
        // thousands, and phases that destroy most of them, so that the array grows, shrinks and sets ids aside.
        Random random = new(seed);
        ObjectMap<Item> map = new(side);
        uint first = side == MapSide.Server ? 1u : WireLimits.ServerIdStart;
        Dictionary<uint, Item> model = [];
        uint next = first;
        for (int phase = 0; phase < 40; phase++)
        {
            int kind = random.Next(3);
            for (int step = 0; step < 3000; step++)
            {
                List<uint> live = [.. model.Keys];
                bool create = kind switch { 0 => true, 1 => random.Next(4) != 0, _ => random.Next(5) == 0 };
                if (create)
                {
                    // A fresh id, or one that is free below the next.
                    uint id = next;
                    if (kind != 0 && next > first && random.Next(2) == 0)
                    {
                        uint candidate = first + (uint)random.Next((int)(next - first));
                        if (!model.ContainsKey(candidate))
                        {
                            id = candidate;
                        }
                    }

                    Item item = new($"{phase}.{step}");
                    Assert.Equal(MapInsertResult.Ok, map.InsertPeer(id, item));
                    model[id] = item;
                    next = Math.Max(next, id + 1);
                    if (kind == 0 && live.Count > 0 && random.Next(8) != 0)
                    {
                        uint gone = live[random.Next(live.Count)];
                        Assert.True(map.Remove(gone));
                        model.Remove(gone);
                    }
                }
                else if (live.Count > 0)
                {
                    uint gone = live[random.Next(live.Count)];
                    Assert.True(map.Remove(gone));
                    model.Remove(gone);
                    Assert.False(map.Remove(gone));
                }

                if (live.Count > 0 && random.Next(16) == 0)
                {
                    uint held = live[random.Next(live.Count)];
                    if (model.ContainsKey(held))
                    {
                        Assert.Equal(MapInsertResult.InUse, map.InsertPeer(held, new("again")));
                        Item replacement = new("zombie");
                        map.Replace(held, replacement);
                        model[held] = replacement;
                    }
                }

                Assert.Equal(MapInsertResult.NotNext, map.InsertPeer(next + 1, new("gap")));
            }

            Assert.Equal(model.Count, map.Count);
            for (uint id = first; id <= next; id++)
            {
                Assert.Same(model.GetValueOrDefault(id), map.Get(id));
            }

            List<uint> visited = [];
            map.ForEach((id, item) =>
            {
                Assert.Same(model[id], item);
                visited.Add(id);
            });
            Assert.Equal(model.Keys.Order(), visited);
        }
    }
}
