using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Server.Protocol;

/// <summary>
/// <c>wl_display</c>, object 1 of every client. Its requests (<c>sync</c>, <c>get_registry</c>) are handled by the
/// runtime; its events carry protocol errors and deleted ids.
/// </summary>
public sealed partial class WlDisplay : Resource, IResourceFactory<WlDisplay>
{
    private WlDisplay()
        : base(WlDisplayInterface.Descriptor)
    {
    }

    static InterfaceDescriptor IResourceFactory<WlDisplay>.Interface => WlDisplayInterface.Descriptor;

    static WlDisplay IResourceFactory<WlDisplay>.Create() => new();

    internal static WlDisplay CreateForClient() => new();

    /// <summary>Sends <c>wl_display.error</c> (use <see cref="Resource.PostError"/>, which also disconnects the client).</summary>
    internal void SendError(uint objectId, uint code, string message)
    {
        Span<byte> buffer = stackalloc byte[WireLimits.MaxMessageSize];
        MessageWriter writer = new(buffer, Id, WlDisplayInterface.Events.Error);
        writer.WriteObject(objectId);
        writer.WriteUInt(code);
        writer.WriteString(message);
        SendEvent(WlDisplayInterface.Events.Error, writer.Finish(), default);
    }

    /// <summary>Sends <c>wl_display.delete_id</c>: the client may reuse <paramref name="id"/>.</summary>
    internal void SendDeleteId(uint id)
    {
        Span<byte> buffer = stackalloc byte[12];
        MessageWriter writer = new(buffer, Id, WlDisplayInterface.Events.DeleteId);
        writer.WriteUInt(id);
        SendEvent(WlDisplayInterface.Events.DeleteId, writer.Finish(), default);
    }

    /// <inheritdoc/>
    protected override void DispatchRequest(ushort opcode, in MessageArguments args)
    {
        switch (opcode)
        {
            case WlDisplayInterface.Requests.Sync:
                // The callback fires at once with the current serial, then goes (and its id with delete_id).
                WlCallback callback = ResolveObject<WlCallback>(args.GetObjectId(0))!;
                callback.SendDone(Client.Display.Serial);
                callback.Destroy();
                break;
            case WlDisplayInterface.Requests.GetRegistry:
                Client.Display.AddRegistry(ResolveObject<WlRegistry>(args.GetObjectId(0))!);
                break;
        }
    }

    /// <inheritdoc/>
    protected override Resource? CreateRequestObject(ushort opcode, int argument) => opcode switch
    {
        WlDisplayInterface.Requests.Sync => NewResource<WlCallback>(),
        WlDisplayInterface.Requests.GetRegistry => NewResource<WlRegistry>(),
        _ => null,
    };
}
