using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Server.Protocol;

/// <summary><c>wl_callback</c>: tells the client, once, that something is done.</summary>
public sealed partial class WlCallback : Resource, IResourceFactory<WlCallback>
{
    private WlCallback()
        : base(WlCallbackInterface.Descriptor)
    {
    }

    /// <summary>Requests of <c>wl_callback</c> (it has none).</summary>
    public interface IHandler
    {
    }

    /// <summary>Receives the requests.</summary>
    public IHandler? Handler { get; set; }

    static InterfaceDescriptor IResourceFactory<WlCallback>.Interface => WlCallbackInterface.Descriptor;

    static WlCallback IResourceFactory<WlCallback>.Create() => new();

    /// <summary>Sends <c>done</c>; <paramref name="callbackData"/> is request-specific (a serial for <c>sync</c>,
    /// a timestamp for frame callbacks). Destroy the callback afterwards.</summary>
    public void SendDone(uint callbackData)
    {
        Span<byte> buffer = stackalloc byte[12];
        MessageWriter writer = new(buffer, Id, WlCallbackInterface.Events.Done);
        writer.WriteUInt(callbackData);
        SendEvent(WlCallbackInterface.Events.Done, writer.Finish(), default);
    }
}
