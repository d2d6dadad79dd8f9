using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Server.Protocol;

/// <summary><c>wl_shm_pool</c>: a client's shared-memory pool that buffers are cut from (see <see cref="Shm"/>).</summary>
public sealed partial class WlShmPool : Resource, IResourceFactory<WlShmPool>
{
    private WlShmPool()
        : base(WlShmPoolInterface.Descriptor)
    {
    }

    /// <summary>Requests of <c>wl_shm_pool</c>; every method does nothing unless implemented.</summary>
    public interface IHandler
    {
        /// <summary><c>create_buffer</c>: a buffer of <paramref name="width"/>×<paramref name="height"/> pixels at
        /// <paramref name="offset"/>, rows <paramref name="stride"/> bytes apart.</summary>
        void CreateBuffer(WlShmPool resource, WlBuffer id, int offset, int width, int height, int stride, WlShmFormat format)
        {
        }

        /// <summary><c>destroy</c> (destructor): the runtime destroys the resource after this returns.</summary>
        void Destroy(WlShmPool resource)
        {
        }

        /// <summary><c>resize</c>: the pool grows to <paramref name="size"/> bytes.</summary>
        void Resize(WlShmPool resource, int size)
        {
        }
    }

    /// <summary>Receives the requests.</summary>
    public IHandler? Handler { get; set; }

    static InterfaceDescriptor IResourceFactory<WlShmPool>.Interface => WlShmPoolInterface.Descriptor;

    static WlShmPool IResourceFactory<WlShmPool>.Create() => new();

    /// <inheritdoc/>
    protected internal override void DispatchRequest(ushort opcode, in MessageArguments args)
    {
        switch (opcode)
        {
            case WlShmPoolInterface.Requests.CreateBuffer:
                Handler?.CreateBuffer(this, ResolveObject<WlBuffer>(args.GetObjectId(0))!, args.GetInt(1), args.GetInt(2), args.GetInt(3),
                    args.GetInt(4), (WlShmFormat)args.GetUInt(5));
                break;
            case WlShmPoolInterface.Requests.Destroy:
                Handler?.Destroy(this);
                break;
            case WlShmPoolInterface.Requests.Resize:
                Handler?.Resize(this, args.GetInt(0));
                break;
        }
    }

    /// <inheritdoc/>
    protected internal override Resource? CreateRequestObject(ushort opcode, int argument) => opcode switch
    {
        WlShmPoolInterface.Requests.CreateBuffer => NewResource<WlBuffer>(),
        _ => null,
    };
}
