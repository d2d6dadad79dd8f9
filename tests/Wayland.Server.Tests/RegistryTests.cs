using Wayland.Protocols;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>Globals, the registry and <c>wl_registry.bind</c> with libwayland's (1.25+) error texts.</summary>
public sealed class RegistryTests : IDisposable
{
    private const uint InvalidObject = (uint)WlDisplayError.InvalidObject;

    private readonly OpenFds.Snapshot _fdsBefore = OpenFds.Take();
    private readonly Display _display = new();
    private readonly List<TestResource> _bound = [];

    public void Dispose()
    {
        _display.Dispose();
        OpenFds.AssertUnchanged(_fdsBefore);
    }

    [Fact]
    public void Globals_are_announced_in_order_with_their_versions()
    {
        Global first = _display.CreateGlobal<TestResource>(3, _bound.Add);
        Global second = _display.CreateGlobal<TestResource>(1, _bound.Add);
        using RawClient client = RawClient.Attach(_display);
        uint registry = client.GetRegistry();
        List<WireMessage> events = client.Roundtrip(_display);
        Assert.Equal([(1u, TestProtocol.Name, 3u), (2u, TestProtocol.Name, 1u)], Globals(events, registry));
        Assert.Equal((1u, 2u), (first.Name, second.Name));

        // A global created later is announced to existing registries; removing it sends global_remove.
        Global third = _display.CreateGlobal<TestResource>(2, _bound.Add);
        events = client.Roundtrip(_display);
        Assert.Equal([(3u, TestProtocol.Name, 2u)], Globals(events, registry));
        third.Remove();
        events = client.Roundtrip(_display);
        WireMessage removed = Assert.Single(events, m => m.Sender == registry);
        Assert.Equal((WlRegistryInterface.Events.GlobalRemove, 3u), (removed.Opcode, removed.Word(0)));

        // A new registry no longer lists it, but a bind already on its way still succeeds.
        uint registry2 = client.GetRegistry();
        Assert.Equal([1u, 2u], Globals(client.Roundtrip(_display), registry2).Select(g => g.Name));
        client.Bind(registry, 3, TestProtocol.Name, 2);
        client.Roundtrip(_display);
        Assert.Equal(2u, Assert.Single(_bound).Version);
    }

    [Fact]
    public void Bind_creates_the_resource_at_the_requested_version()
    {
        Global global = _display.CreateGlobal<TestResource>(3, _bound.Add);
        using RawClient client = RawClient.Attach(_display, out Client server);
        uint registry = client.GetRegistry();
        uint id = client.Bind(registry, global.Name, TestProtocol.Name, 2);
        client.Roundtrip(_display);
        TestResource resource = Assert.Single(_bound);
        Assert.Equal((id, 2u), (resource.Id, resource.Version));
        Assert.Same(server, resource.Client);
        Assert.Same(resource, server.GetObject(id));
    }

    [Fact]
    public void Binding_an_unknown_name_is_an_error_on_the_registry()
    {
        _display.CreateGlobal<TestResource>(1, _bound.Add);
        using RawClient client = RawClient.Attach(_display);
        uint registry = client.GetRegistry();
        client.Bind(registry, 42, "wl_compositor", 4);
        client.ExpectError(_display, registry, InvalidObject, "global wl_compositor (42) is unavailable");
    }

    [Fact]
    public void Binding_with_the_wrong_interface_is_an_error()
    {
        Global global = _display.CreateGlobal<TestResource>(1, _bound.Add);
        using RawClient client = RawClient.Attach(_display);
        uint registry = client.GetRegistry();
        client.Bind(registry, global.Name, "wl_seat", 1);
        client.ExpectError(_display, registry, InvalidObject, $"invalid interface for global {global.Name}: expected wlt_server, got wl_seat");
    }

    [Fact]
    public void Binding_version_0_is_an_error()
    {
        Global global = _display.CreateGlobal<TestResource>(1, _bound.Add);
        using RawClient client = RawClient.Attach(_display);
        uint registry = client.GetRegistry();
        client.Bind(registry, global.Name, TestProtocol.Name, 0);
        client.ExpectError(_display, registry, InvalidObject, $"invalid version for global wlt_server ({global.Name}): 0 is not a valid version");
    }

    [Fact]
    public void Binding_above_the_global_version_is_an_error()
    {
        Global global = _display.CreateGlobal<TestResource>(2, _bound.Add);
        using RawClient client = RawClient.Attach(_display);
        uint registry = client.GetRegistry();
        client.Bind(registry, global.Name, TestProtocol.Name, 3);
        client.ExpectError(_display, registry, InvalidObject, $"invalid version for global wlt_server ({global.Name}): expected at most 2, got 3");
        Assert.Empty(_bound);
    }

    [Fact]
    public void A_bind_with_a_bad_new_id_is_invalid_arguments()
    {
        Global global = _display.CreateGlobal<TestResource>(1, _bound.Add);
        using RawClient client = RawClient.Attach(_display);
        uint registry = client.GetRegistry();
        client.Send(registry, WlRegistryInterface.Requests.Bind, (ref MessageWriter w) =>
        {
            w.WriteUInt(global.Name);
            w.WriteUntypedNewId(TestProtocol.Name, 1, 40);
        });
        client.ExpectError(_display, 1, (uint)WlDisplayError.InvalidMethod, $"invalid arguments for wl_registry#{registry}.bind");
    }

    [Fact]
    public void A_filtered_global_is_hidden_and_cannot_be_bound_by_guessing()
    {
        using RawClient trusted = RawClient.Attach(_display, out Client trustedClient);
        using RawClient client = RawClient.Attach(_display);
        Global hidden = CreateHiddenFromAllBut(trustedClient);
        Global visible = _display.CreateGlobal<TestResource>(1, _bound.Add);
        Assert.True(hidden.IsVisibleTo(trustedClient));

        uint trustedRegistry = trusted.GetRegistry();
        Assert.Equal([hidden.Name, visible.Name], Globals(trusted.Roundtrip(_display), trustedRegistry).Select(g => g.Name));
        uint registry = client.GetRegistry();
        Assert.Equal([visible.Name], Globals(client.Roundtrip(_display), registry).Select(g => g.Name));
        client.Bind(registry, hidden.Name, TestProtocol.Name, 1);
        client.ExpectError(_display, registry, InvalidObject, $"global wlt_server ({hidden.Name}) is unavailable");
        trusted.Bind(trustedRegistry, hidden.Name, TestProtocol.Name, 1);
        trusted.Roundtrip(_display);
        Assert.Single(_bound);
    }

    [Fact]
    public void Global_remove_reaches_the_registries_that_were_shown_the_global_and_no_others()
    {
        using RawClient trusted = RawClient.Attach(_display, out Client trustedClient);
        using RawClient client = RawClient.Attach(_display);
        Global hidden = CreateHiddenFromAllBut(trustedClient);
        Global shared = _display.CreateGlobal<TestResource>(1, _bound.Add);
        uint trustedRegistry = trusted.GetRegistry();
        uint trustedRegistry2 = trusted.GetRegistry();
        trusted.Roundtrip(_display);
        uint registry = client.GetRegistry();
        Assert.Equal([shared.Name], Globals(client.Roundtrip(_display), registry).Select(g => g.Name));

        // Remove: every registry of the trusted client gets global_remove(hidden), byte for byte; the other client nothing.
        hidden.Remove();
        string hiddenName = Convert.ToHexString(BitConverter.GetBytes(hidden.Name));
        Assert.Equal([(trustedRegistry, hiddenName), (trustedRegistry2, hiddenName)], Removals(trusted.Roundtrip(_display)));
        Assert.Empty(Removals(client.Roundtrip(_display)));

        // Destroy without Remove first sends it too, to everyone it was shown to; destroying a removed global sends nothing.
        shared.Destroy();
        hidden.Destroy();
        string sharedName = Convert.ToHexString(BitConverter.GetBytes(shared.Name));
        Assert.Equal([(trustedRegistry, sharedName), (trustedRegistry2, sharedName)], Removals(trusted.Roundtrip(_display)));
        Assert.Equal([(registry, sharedName)], Removals(client.Roundtrip(_display)));
        Assert.Empty(_display.Globals);

        static List<(uint Registry, string Body)> Removals(List<WireMessage> events) =>
            events.Where(m => m.Opcode == WlRegistryInterface.Events.GlobalRemove && m.Sender != 1).Select(m => (m.Sender, Convert.ToHexString(m.Body))).ToList();
    }

    [Fact]
    public void A_destroyed_global_cannot_be_bound()
    {
        Global global = _display.CreateGlobal<TestResource>(1, _bound.Add);
        using RawClient client = RawClient.Attach(_display);
        uint registry = client.GetRegistry();
        client.Roundtrip(_display);
        global.Destroy();
        Assert.True(global.IsRemoved);
        Assert.DoesNotContain(global, _display.Globals);
        client.Bind(registry, global.Name, TestProtocol.Name, 1);
        client.ExpectError(_display, registry, InvalidObject, $"global wlt_server ({global.Name}) is unavailable");
    }

    [Fact]
    public void CreateGlobal_refuses_version_0_and_versions_above_the_interface()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _display.CreateGlobal<TestResource>(0, _ => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _display.CreateGlobal<TestResource>(4, _ => { }));
    }

    /// <summary>A global the display's filter shows to <paramref name="trusted"/> alone.</summary>
    private Global CreateHiddenFromAllBut(Client trusted)
    {
        Global hidden = _display.CreateGlobal<TestResource>(1, _bound.Add);
        _display.GlobalFilter = (c, g) => g != hidden || c == trusted;
        return hidden;
    }

    private static List<(uint Name, string Interface, uint Version)> Globals(List<WireMessage> events, uint registry) =>
        events.Where(m => m.Sender == registry && m.Opcode == WlRegistryInterface.Events.Global)
            .Select(m => (m.Word(0), m.String(1), m.Word(1 + 1 + (((int)m.Word(1) + 3) / 4))))
            .ToList();
}
