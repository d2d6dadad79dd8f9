using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Server.Protocol;

/// <summary><c>wl_buffer</c>: content for a surface. For shared-memory buffers, see <see cref="ShmBuffer.FromResource"/>.</summary>
public sealed partial class WlBuffer : Resource, IResourceFactory<WlBuffer>
{
    private WlBuffer()
        : base(WlBufferInterface.Descriptor)
    {
    }

    /// <summary>Requests of <c>wl_buffer</c>; every method does nothing unless implemented.</summary>
    public interface IHandler
    {
        /// <summary><c>destroy</c> (destructor): the runtime destroys the resource after this returns.</summary>
        void Destroy(WlBuffer resource)
        {
        }
    }

    /// <summary>Receives the requests.</summary>
    public IHandler? Handler { get; set; }

    static InterfaceDescriptor IResourceFactory<WlBuffer>.Interface => WlBufferInterface.Descriptor;

    static WlBuffer IResourceFactory<WlBuffer>.Create() => new();

    /// <summary>Sends <c>release</c>: the compositor no longer reads the buffer.</summary>
    public void SendRelease()
    {
        Span<byte> buffer = stackalloc byte[8];
        MessageWriter writer = new(buffer, Id, WlBufferInterface.Events.Release);
        SendEvent(WlBufferInterface.Events.Release, writer.Finish(), default);
    }

    /// <inheritdoc/>
    protected internal override void DispatchRequest(ushort opcode, in MessageArguments args)
    {
        switch (opcode)
        {
            case WlBufferInterface.Requests.Destroy:
                Handler?.Destroy(this);
                break;
        }
    }
}
