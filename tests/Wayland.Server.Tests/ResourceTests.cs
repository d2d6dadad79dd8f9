using Wayland.Protocols;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>Resources, ids, serials, events, errors and clients' lifetimes.</summary>
public sealed class ResourceTests : IDisposable
{
    private readonly OpenFds.Snapshot _fdsBefore = OpenFds.Take();
    private readonly CollectingLogger _log = new();
    private readonly Display _display;
    private readonly List<TestResource> _bound = [];
    private readonly Global _global;

    public ResourceTests()
    {
        _display = new(_log);
        _global = _display.CreateGlobal<TestResource>(3, _bound.Add);
    }

    public void Dispose()
    {
        foreach (TestResource resource in _bound)
        {
            resource.Fds.ForEach(fd => fd.Dispose());
        }

        _display.Dispose();
        OpenFds.AssertUnchanged(_fdsBefore);
    }

    [Fact]
    public void Sync_sends_done_with_the_current_serial_then_delete_id()
    {
        using RawClient client = RawClient.Attach(_display);
        Assert.Equal(1u, _display.NextSerial());
        Assert.Equal(2u, _display.NextSerial());
        uint callback = client.Sync();
        client.Pump(_display, () => client.Received.Any(m => m.IsDeleteId));
        Assert.Equal(2, client.Received.Count);
        WireMessage done = client.Received[0];
        Assert.Equal((callback, WlCallbackInterface.Events.Done, 2u), (done.Sender, done.Opcode, done.Word(0)));
        Assert.Equal(callback, client.Received[1].Word(0));
        Assert.Equal(2u, _display.Serial);
    }

    [Fact]
    public void Client_ids_are_released_with_delete_id_and_server_ids_are_allocated_from_0xff000000()
    {
        TestResource resource = Bind(out RawClient client, out Client server);
        using (client)
        {
            TestResource created = resource.SendCreated();
            TestResource second = resource.SendCreated();
            Assert.Equal((0xff000000u, 0xff000001u), (created.Id, second.Id));
            Assert.Same(created, server.GetObject(0xff000000));
            created.Destroy();
            Assert.Equal(0xff000000u, resource.SendCreated().Id); // freed server ids are reused
            List<WireMessage> events = client.Roundtrip(_display);
            Assert.Equal(3, events.Count(m => m.Sender == resource.Id && m.Opcode == TestProtocol.Created));
            Assert.DoesNotContain(events, m => m.IsDeleteId && m.Word(0) >= 0xff000000); // no delete_id for server ids

            resource.Destroy();
            Assert.Null(server.GetObject(resource.Id));
            events = client.Roundtrip(_display);
            Assert.Contains(events, m => m.IsDeleteId && m.Word(0) == resource.Id);
        }
    }

    [Fact]
    public void A_destructor_request_destroys_the_resource_and_Destroyed_is_raised_once()
    {
        TestResource resource = Bind(out RawClient client, out _);
        using (client)
        {
            int destroyed = 0;
            resource.Destroyed += _ => destroyed++;
            client.Send(resource.Id, TestProtocol.Destroy);
            List<WireMessage> events = client.Roundtrip(_display);
            Assert.True(resource.IsDestroyed);
            Assert.Equal(1, destroyed);
            Assert.Contains(events, m => m.IsDeleteId && m.Word(0) == resource.Id);
            resource.Destroy();
            Assert.Equal(1, destroyed);
        }
    }

    [Fact]
    public void A_delete_id_alone_is_not_sent_until_the_next_event_or_a_page_of_them()
    {
        TestResource resource = Bind(out RawClient client, out Client server);
        using (client)
        {
            // As libwayland queues it: a destroy answered only by delete_id leaves nothing to read.
            uint first = client.NextId++;
            client.Send(resource.Id, TestProtocol.Create, (ref MessageWriter w) => w.WriteNewId(first));
            client.Roundtrip(_display);
            int before = client.Received.Count;
            client.Send(first, TestProtocol.Destroy);
            for (int i = 0; i < 3; i++)
            {
                _display.Dispatch(TimeSpan.Zero);
            }

            Assert.Null(server.GetObject(first));
            client.ReadAvailable();
            Assert.Equal(before, client.Received.Count);

            // The next event takes it along, ahead of itself.
            List<WireMessage> events = client.Roundtrip(_display);
            Assert.True(events[0].IsDeleteId && events[0].Word(0) == first, string.Join(", ", events));

            // A page of them goes without waiting for an event (libwayland flushes when its 4 KiB buffer is full).
            before = client.Received.Count;
            List<byte> batch = [];
            Span<byte> buffer = stackalloc byte[WireLimits.MaxMessageSize];
            for (int i = 0; i < 400; i++)
            {
                uint id = client.NextId++;
                MessageWriter create = new(buffer, resource.Id, TestProtocol.Create);
                create.WriteNewId(id);
                batch.AddRange(create.Finish());
                batch.AddRange(new MessageWriter(buffer, id, TestProtocol.Destroy).Finish());
            }

            client.SendRaw(batch.ToArray());

            client.Pump(_display, () => client.Received.Count - before >= WireLimits.DefaultBufferSize / 12);
            Assert.All(client.Received.Skip(before), m => Assert.True(m.IsDeleteId));
        }
    }

    [Fact]
    public void New_objects_of_requests_get_the_parent_version_and_are_announced()
    {
        TestResource resource = Bind(out RawClient client, out Client server, version: 2);
        using (client)
        {
            List<Resource> created = [];
            server.ResourceCreated += created.Add;
            uint id = client.NextId++;
            client.Send(resource.Id, TestProtocol.Create, (ref MessageWriter w) => w.WriteNewId(id));
            client.Roundtrip(_display);
            Resource child = Assert.Single(created, r => r.Id == id);
            Assert.Equal(2u, child.Version);
            Assert.Equal([$"create(wlt_server#{id})"], resource.Calls);
        }
    }

    [Fact]
    public void An_event_newer_than_the_resource_throws_and_sends_nothing()
    {
        TestResource resource = Bind(out RawClient client, out _, version: 2);
        using (client)
        {
            Assert.Throws<InvalidOperationException>(resource.SendSince3);
            Assert.DoesNotContain(client.Roundtrip(_display), m => m.Sender == resource.Id);
        }
    }

    [Fact]
    public void Fds_sent_with_events_are_duplicated_and_arrive()
    {
        TestResource resource = Bind(out RawClient client, out _);
        using (client)
        using (SafeFdHandle memfd = TestSupport.Memfd(8))
        {
            resource.SendFd(memfd.Fd);
            List<WireMessage> events = client.Roundtrip(_display);
            Assert.Equal(1, Assert.Single(events, m => m.Opcode == TestProtocol.FdEvent && m.Sender == resource.Id).FdCount);
        }
    }

    [Fact]
    public void An_error_posted_outside_a_request_disconnects_the_client_at_the_next_flush()
    {
        TestResource resource = Bind(out RawClient client, out Client server);
        using (client)
        {
            resource.PostError(7, "bad state");
            Assert.True(server.HasFailed);
            resource.SendBlob([1, 2, 3]); // dropped: the client has failed
            client.ExpectError(_display, resource.Id, 7, "bad state");
            Assert.True(server.IsDestroyed);
            Assert.DoesNotContain(client.Received, m => m.Sender == resource.Id);
        }
    }

    [Fact]
    public void PostNoMemory_and_PostImplementationError_use_wl_display_codes()
    {
        Bind(out RawClient client, out Client server);
        using (client)
        {
            server.PostNoMemory();
            client.ExpectError(_display, 1, (uint)WlDisplayError.NoMemory, "no memory");
        }

        Bind(out RawClient other, out Client otherServer);
        using (other)
        {
            otherServer.PostImplementationError("compositor bug");
            other.ExpectError(_display, 1, (uint)WlDisplayError.Implementation, "compositor bug");
        }
    }

    [Fact]
    public void Destroying_a_client_destroys_its_resources_without_delete_id()
    {
        TestResource resource = Bind(out RawClient client, out Client server);
        using (client)
        {
            List<string> order = [];
            server.UserData = "mine";
            server.Destroying += c => order.Add($"destroying {c.UserData} {resource.IsDestroyed}");
            resource.Destroyed += _ => order.Add("resource");
            server.Destroyed += c => order.Add($"destroyed {c.IsDestroyed}");
            int objects = 0;
            server.ForEachResource(_ => objects++);
            Assert.Equal(3, objects); // wl_display, wl_registry, wlt_server
            int before = client.Received.Count;
            server.Destroy();
            Assert.Equal(["destroying mine False", "resource", "destroyed True"], order);
            Assert.True(server.DisplayResource.IsDestroyed);
            client.ReadAvailable();
            Assert.True(client.Closed);
            Assert.DoesNotContain(client.Received.Skip(before), m => m.IsDeleteId);
        }
    }

    [Fact]
    public void Handlers_that_throw_during_teardown_are_reported_and_the_teardown_completes()
    {
        List<HandlerExceptionInfo> reported = [];
        _display.HandlerException += reported.Add;
        TestResource resource = Bind(out RawClient client, out Client server);
        using (client)
        {
            TestResource second = resource.SendCreated();
            bool secondDestroyed = false, clientDestroyed = false;
            server.Destroying += _ => throw new InvalidOperationException("destroying bug");
            resource.Destroyed += _ => throw new InvalidOperationException("resource bug");
            second.Destroyed += _ => secondDestroyed = true;
            server.Destroyed += _ => clientDestroyed = true;
            server.Destroyed += _ => throw new InvalidOperationException("destroyed bug");

            // The peer hangs up: the loop sees it and must come out of Dispatch normally.
            client.Dispose();
            DispatchUntil(_display, () => server.IsDestroyed);

            Assert.True(resource.IsDestroyed && secondDestroyed && clientDestroyed);
            Assert.Empty(_display.Clients);
            Assert.Equal(
                ["Client.Destroying handler", $"{resource}.Destroyed handler", "Client.Destroyed handler"],
                reported.Select(r => r.Context));
            Assert.Equal(
                ["destroying bug", "resource bug", "destroyed bug"],
                reported.Select(r => r.Exception.Message));
        }

        // The display still serves new clients (the fd check in Dispose proves the socket was closed).
        Bind(out RawClient next, out _);
        using (next)
        {
            Assert.NotEmpty(next.Roundtrip(_display));
        }
    }

    [Fact]
    public void Without_a_subscriber_contained_exceptions_go_to_the_log()
    {
        Bind(out RawClient client, out Client server);
        using (client)
        {
            server.Destroyed += _ => throw new InvalidOperationException("teardown bug");
            server.Destroy();
        }

        Assert.Contains(_log.Lines, line => line.StartsWith("Client.Destroyed handler threw", StringComparison.Ordinal)
            && line.Contains("teardown bug", StringComparison.Ordinal));
    }

    [Fact]
    public void A_ClientCreated_handler_that_throws_disconnects_that_client_only()
    {
        string dir = Directory.CreateTempSubdirectory("wl-created-").FullName;
        try
        {
            using Display display = new();
            List<HandlerExceptionInfo> reported = [];
            display.HandlerException += reported.Add;
            string path = Path.Combine(dir, "wayland-t");
            display.AddSocket(path);
            bool fail = true;
            display.ClientCreated += _ =>
            {
                if (fail)
                {
                    fail = false;
                    throw new InvalidOperationException("setup bug");
                }
            };

            using RawClient first = new(UnixSocket.Connect(path));
            first.Pump(display, () => first.Closed);
            Assert.Equal(["Display.ClientCreated handler"], reported.Select(r => r.Context));
            Assert.Empty(display.Clients);

            using RawClient second = new(UnixSocket.Connect(path));
            Assert.NotEmpty(second.Roundtrip(display));
            Assert.Single(display.Clients);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void DispatchUntil(Display display, Func<bool> done)
    {
        System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "timed out");
            display.Dispatch(TimeSpan.FromMilliseconds(10));
        }
    }

    [Fact]
    public void Credentials_come_from_SO_PEERCRED()
    {
        Bind(out RawClient client, out Client server);
        using (client)
        {
            Assert.Equal(Environment.ProcessId, server.ProcessId);
            Assert.Equal(Wayland.Interop.LibC.GetUid(), server.UserId);
        }
    }

    [Fact]
    public void A_full_socket_is_waited_on_not_dropped()
    {
        TestResource resource = Bind(out RawClient client, out Client server);
        using (client)
        {
            server.MaxBufferSize = 4 << 20;
            byte[] blob = new byte[4000];
            const int count = 300; // ~1.2 MB: far more than the socket buffer
            for (int i = 0; i < count; i++)
            {
                blob[0] = (byte)i;
                resource.SendBlob(blob);
            }

            _display.FlushClients();
            Assert.False(server.HasFailed);
            client.Pump(_display, () => client.Received.Count(m => m.Sender == resource.Id) == count);
            List<WireMessage> blobs = client.Received.Where(m => m.Sender == resource.Id).ToList();
            Assert.Equal(Enumerable.Range(0, count).Select(i => (byte)i), blobs.Select(m => m.Body[4]));
            client.Roundtrip(_display);
        }
    }

    [Fact]
    public void A_client_that_lets_more_than_its_buffer_pile_up_is_disconnected()
    {
        TestResource resource = Bind(out RawClient client, out Client server);
        using (client)
        {
            byte[] blob = new byte[4000];
            for (int i = 0; i < 1000 && !server.HasFailed; i++)
            {
                resource.SendBlob(blob);
            }

            Assert.True(server.HasFailed);
            _display.FlushClients();
            Assert.True(server.IsDestroyed);
            Assert.Contains(_log.Lines, line => line.Contains("does not fit in the outgoing buffer", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_client_created_from_a_socketpair_serves_the_other_end()
    {
        (SafeFdHandle serverEnd, SafeFdHandle clientEnd) = UnixSocket.CreatePair();
        List<Client> created = [];
        _display.ClientCreated += created.Add;
        Client server = _display.CreateClient(serverEnd);
        Assert.Same(server, Assert.Single(created));
        using RawClient client = new(clientEnd);
        uint registry = client.GetRegistry();
        Assert.Contains(client.Roundtrip(_display), m => m.Sender == registry);
    }

    private TestResource Bind(out RawClient client, out Client server, uint version = 3)
    {
        RawClient raw = RawClient.Attach(_display, out Client created);
        uint registry = raw.GetRegistry();
        uint id = raw.Bind(registry, _global.Name, TestProtocol.Name, version);
        raw.Roundtrip(_display);
        client = raw;
        server = created;
        return _bound.Single(r => r.Id == id && r.Client == created);
    }
}
