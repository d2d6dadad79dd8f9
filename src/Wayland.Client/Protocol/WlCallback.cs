using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Client.Protocol;

/// <summary><c>wl_callback</c>: fires once, when the request that created it is done.</summary>
public sealed partial class WlCallback : Proxy, IProxyFactory<WlCallback>
{
    private WlCallback()
        : base(WlCallbackInterface.Descriptor)
    {
    }

    /// <summary>Handler of <see cref="Done"/>.</summary>
    public delegate void DoneHandler(WlCallback sender, uint callbackData);

    /// <summary>The related request is done; <c>callbackData</c> is request-specific.</summary>
    public event DoneHandler? Done;

    static InterfaceDescriptor IProxyFactory<WlCallback>.Interface => WlCallbackInterface.Descriptor;

    static WlCallback IProxyFactory<WlCallback>.Create() => new();

    /// <inheritdoc/>
    protected internal override void DispatchEvent(ushort opcode, in MessageArguments args)
    {
        switch (opcode)
        {
            case WlCallbackInterface.Events.Done:
                Done?.Invoke(this, args.GetUInt(0));
                break;
        }
    }
}
