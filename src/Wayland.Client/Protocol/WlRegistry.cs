using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Client.Protocol;

/// <summary><c>wl_registry</c>: announces the compositor's globals and binds them.</summary>
public sealed partial class WlRegistry : Proxy, IProxyFactory<WlRegistry>
{
    private WlRegistry()
        : base(WlRegistryInterface.Descriptor)
    {
    }

    /// <summary>Handler of <see cref="Global"/>.</summary>
    public delegate void GlobalHandler(WlRegistry sender, uint name, string @interface, uint version);

    /// <summary>Handler of <see cref="GlobalRemove"/>.</summary>
    public delegate void GlobalRemoveHandler(WlRegistry sender, uint name);

    /// <summary>A global is available: its numeric name, interface and highest version.</summary>
    public event GlobalHandler? Global;

    /// <summary>A global went away.</summary>
    public event GlobalRemoveHandler? GlobalRemove;

    static InterfaceDescriptor IProxyFactory<WlRegistry>.Interface => WlRegistryInterface.Descriptor;

    static WlRegistry IProxyFactory<WlRegistry>.Create() => new();

    /// <summary>Binds global <paramref name="name"/> as <typeparamref name="T"/> at <paramref name="version"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The version is 0 or above what <typeparamref name="T"/> supports.</exception>
    public T Bind<T>(uint name, uint version)
        where T : Proxy, IProxyFactory<T>
    {
        InterfaceDescriptor descriptor = T.Interface;
        if (version == 0 || version > descriptor.Version)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"{descriptor.Name} is supported up to version {descriptor.Version}");
        }

        Span<byte> buffer = stackalloc byte[WireLimits.MaxMessageSize];
        MessageWriter writer = new(buffer, Id, WlRegistryInterface.Requests.Bind);
        writer.WriteUInt(name);
        writer.WriteString(descriptor.Name);
        writer.WriteUInt(version);
        int newIdAt = writer.Length;
        writer.WriteNewId(0);
        writer.Finish();
        return SendConstructor<T>(WlRegistryInterface.Requests.Bind, buffer[..writer.Length], default, newIdAt, version);
    }

    /// <inheritdoc/>
    protected internal override void DispatchEvent(ushort opcode, in MessageArguments args)
    {
        switch (opcode)
        {
            case WlRegistryInterface.Events.Global:
                Global?.Invoke(this, args.GetUInt(0), args.GetString(1)!, args.GetUInt(2));
                break;
            case WlRegistryInterface.Events.GlobalRemove:
                GlobalRemove?.Invoke(this, args.GetUInt(0));
                break;
        }
    }
}
