using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Server.Protocol;

/// <summary>
/// <c>wl_registry</c>: announces the display's globals to one client and binds them. Handled by the runtime
/// (see <see cref="Display.CreateGlobal{T}"/>).
/// </summary>
public sealed partial class WlRegistry : Resource, IResourceFactory<WlRegistry>
{
    private readonly HashSet<Global> _announced = [];

    private WlRegistry()
        : base(WlRegistryInterface.Descriptor)
    {
    }

    static InterfaceDescriptor IResourceFactory<WlRegistry>.Interface => WlRegistryInterface.Descriptor;

    static WlRegistry IResourceFactory<WlRegistry>.Create() => new();

    /// <summary>Sends <c>wl_registry.global</c>.</summary>
    public void SendGlobal(uint name, string @interface, uint version)
    {
        ArgumentNullException.ThrowIfNull(@interface);
        Span<byte> buffer = stackalloc byte[WireLimits.MaxMessageSize];
        MessageWriter writer = new(buffer, Id, WlRegistryInterface.Events.Global);
        writer.WriteUInt(name);
        writer.WriteString(@interface);
        writer.WriteUInt(version);
        SendEvent(WlRegistryInterface.Events.Global, writer.Finish(), default);
    }

    /// <summary>Sends <c>wl_registry.global_remove</c>.</summary>
    public void SendGlobalRemove(uint name)
    {
        Span<byte> buffer = stackalloc byte[12];
        MessageWriter writer = new(buffer, Id, WlRegistryInterface.Events.GlobalRemove);
        writer.WriteUInt(name);
        SendEvent(WlRegistryInterface.Events.GlobalRemove, writer.Finish(), default);
    }

    /// <inheritdoc/>
    protected override void DispatchRequest(ushort opcode, in MessageArguments args)
    {
        if (opcode == WlRegistryInterface.Requests.Bind)
        {
            Client.Display.Bind(this, args.GetUInt(0), args, newIdArgument: 1);
        }
    }

    internal void Announce(Global global)
    {
        _announced.Add(global);
        SendGlobal(global.Name, global.Interface.Name, global.Version);
    }

    internal void Withdraw(Global global)
    {
        if (_announced.Remove(global))
        {
            SendGlobalRemove(global.Name);
        }
    }
}
