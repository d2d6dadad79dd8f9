using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Client.Protocol;

/// <summary><c>wl_display</c>, object 1. Its events (errors, deleted ids) are handled by <see cref="WaylandDisplay"/>.</summary>
public sealed partial class WlDisplay : Proxy, IProxyFactory<WlDisplay>
{
    internal const ushort ErrorEvent = WlDisplayInterface.Events.Error;
    internal const ushort DeleteIdEvent = WlDisplayInterface.Events.DeleteId;

    private WlDisplay()
        : base(WlDisplayInterface.Descriptor)
    {
    }

    static InterfaceDescriptor IProxyFactory<WlDisplay>.Interface => WlDisplayInterface.Descriptor;

    static WlDisplay IProxyFactory<WlDisplay>.Create() => new();

    /// <summary>Asks for a callback that fires once every request sent before has been handled.</summary>
    public WlCallback Sync() => Sync(null);

    /// <summary>Gets the global registry; its events list the compositor's globals.</summary>
    public WlRegistry GetRegistry() => GetRegistry(null);

    /// <summary>wl_display is never destroyed by the client: disposing it does nothing; dispose the
    /// <see cref="WaylandDisplay"/> instead.</summary>
    public override void Dispose() => GC.SuppressFinalize(this);

    internal static WlDisplay CreateUnattached() => new();

    internal WlCallback Sync(EventQueue? queue) => Constructor(WlDisplayInterface.Requests.Sync, NewProxy<WlCallback>(), queue);

    /// <summary>Sends <c>wl_display.sync</c> with a callback proxy the caller provides (the display's pooled ones).</summary>
    internal WlCallback Sync(WlCallback callback, EventQueue? queue) => Constructor(WlDisplayInterface.Requests.Sync, callback, queue);

    internal WlRegistry GetRegistry(EventQueue? queue) => Constructor(WlDisplayInterface.Requests.GetRegistry, NewProxy<WlRegistry>(), queue);

    private T Constructor<T>(ushort opcode, T child, EventQueue? queue)
        where T : Proxy
    {
        Span<byte> buffer = stackalloc byte[12];
        MessageWriter writer = new(buffer, Id, opcode);
        int newIdAt = writer.Length;
        writer.WriteNewId(0);
        writer.Finish();
        Display.Send(this, opcode, buffer, default, default, child, newIdAt, 1, queue);
        return child;
    }
}
