using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Server.Protocol;

/// <summary><c>wl_shm</c>: shared-memory support — pools of client memory that buffers are cut from.
/// <see cref="Shm"/> implements it; use that rather than handling this class yourself.</summary>
public sealed partial class WlShm : Resource, IResourceFactory<WlShm>
{
    private WlShm()
        : base(WlShmInterface.Descriptor)
    {
    }

    /// <summary>Requests of <c>wl_shm</c>; every method does nothing unless implemented.</summary>
    public interface IHandler
    {
        /// <summary><c>create_pool</c>: create a pool of <paramref name="size"/> bytes backed by <paramref name="fd"/>.</summary>
        /// <param name="resource">The <c>wl_shm</c> the request was sent to.</param>
        /// <param name="id">The new pool, already registered; set its <see cref="WlShmPool.Handler"/>.</param>
        /// <param name="fd">The client's file; the handler owns it.</param>
        /// <param name="size">Pool size in bytes.</param>
        void CreatePool(WlShm resource, WlShmPool id, SafeFdHandle fd, int size)
        {
            fd.Dispose();
        }
    }

    /// <summary>Receives the requests.</summary>
    public IHandler? Handler { get; set; }

    static InterfaceDescriptor IResourceFactory<WlShm>.Interface => WlShmInterface.Descriptor;

    static WlShm IResourceFactory<WlShm>.Create() => new();

    /// <summary>Sends <c>format</c>: <paramref name="format"/> may be used for buffers.</summary>
    public void SendFormat(WlShmFormat format)
    {
        Span<byte> buffer = stackalloc byte[12];
        MessageWriter writer = new(buffer, Id, WlShmInterface.Events.Format);
        writer.WriteUInt((uint)format);
        SendEvent(WlShmInterface.Events.Format, writer.Finish(), default);
    }

    /// <inheritdoc/>
    protected internal override void DispatchRequest(ushort opcode, in MessageArguments args)
    {
        switch (opcode)
        {
            case WlShmInterface.Requests.CreatePool:
                if (Handler is { } handler)
                {
                    handler.CreatePool(this, ResolveObject<WlShmPool>(args.GetObjectId(0))!, args.TakeFd(1), args.GetInt(2));
                }

                break;
        }
    }

    /// <inheritdoc/>
    protected internal override Resource? CreateRequestObject(ushort opcode, int argument) => opcode switch
    {
        WlShmInterface.Requests.CreatePool => NewResource<WlShmPool>(),
        _ => null,
    };
}
