using System.Runtime.InteropServices;
using Wayland.Client.Protocol;
using Wayland.Wire;

namespace Wayland.Client;

public sealed partial class WaylandDisplay
{
    private readonly Dictionary<InterfaceDescriptor, Zombie> _zombies = new(ReferenceEqualityComparer.Instance);

    /// <summary>Queues one request that creates no object. Its descriptors are either <paramref name="fds"/>
    /// (duplicated now) or those of <paramref name="handles"/> (referenced until sent); the other span is empty.</summary>
    internal void Send(Proxy proxy, ushort opcode, ReadOnlySpan<byte> message, ReadOnlySpan<int> fds, ReadOnlySpan<SafeHandle> handles) =>
        Send(proxy, opcode, message, fds, handles, child: null, newIdSlot: default, childVersion: 0, childQueue: null);

    /// <summary>Queues one request that creates <paramref name="child"/>: allocates its id and writes it into the
    /// message at <paramref name="newIdOffset"/>, atomically with queuing, so concurrent creators never send ids
    /// out of order.</summary>
    internal void Send(Proxy proxy, ushort opcode, Span<byte> message, ReadOnlySpan<int> fds, ReadOnlySpan<SafeHandle> handles, Proxy child,
        int newIdOffset, uint childVersion, EventQueue? childQueue = null) =>
        Send(proxy, opcode, message, fds, handles, child, message.Slice(newIdOffset, sizeof(uint)), childVersion, childQueue);

    private void Send(Proxy proxy, ushort opcode, ReadOnlySpan<byte> message, ReadOnlySpan<int> fds, ReadOnlySpan<SafeHandle> handles,
        Proxy? child, Span<byte> newIdSlot, uint childVersion, EventQueue? childQueue)
    {
        // A bad handle is the caller's mistake, refused before anything happens; it must not reach the connection,
        // which would fail (and so break the connection) on an invalid one.
        for (int i = 0; i < handles.Length; i++)
        {
            ObjectDisposedException.ThrowIf(handles[i].IsClosed, handles[i]);
            if (handles[i].IsInvalid)
            {
                throw new ArgumentException($"file descriptor argument {i} of the request has an invalid handle; nothing was sent");
            }
        }

        lock (_lock)
        {
            ThrowIfFailed();
            ObjectDisposedException.ThrowIf(proxy.IsDestroyed, proxy);
            if (opcode >= proxy.Interface.RequestArray.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(opcode), opcode, $"{proxy.Interface.Name} has no request {opcode}");
            }

            MessageDescriptor descriptor = proxy.Interface.RequestArray[opcode];
            if (descriptor.Since > proxy.Version)
            {
                throw new WaylandException(
                    $"{proxy.Interface.Name}.{descriptor.Name} needs version {descriptor.Since}, but {proxy} has version {proxy.Version}; nothing was sent");
            }

            if (descriptor.IsDestructor && proxy.IsWrapper)
            {
                throw new InvalidOperationException($"a wrapper cannot send the destructor {proxy.Interface.Name}.{descriptor.Name}");
            }

            uint childId = 0;
            if (child is not null)
            {
                childId = _objects.Allocate(child);
                child.Attach(this, childId, childVersion, childQueue ?? proxy.Queue);
                MemoryMarshal.Write(newIdSlot, childId); // host byte order, as the wire is
            }

            if (_logger is not null)
            {
                LogOutgoing(proxy, descriptor, message, fds, handles);
            }

            try
            {
                if (handles.IsEmpty)
                {
                    _connection.Enqueue(message, fds);
                }
                else
                {
                    _connection.EnqueueHandles(message, handles);
                }
            }
            catch (Exception e) when (e is WaylandException || child is not null)
            {
                if (child is not null)
                {
                    _objects.Remove(childId);
                    child.IsDestroyed = true;
                }

                // As in libwayland, a request that cannot be queued breaks the connection: the compositor
                // would otherwise see the following requests without it. (A handle disposed by another thread
                // since the check above is refused before anything is queued; the connection stays usable.)
                if (e is WaylandException failure)
                {
                    Fail(failure);
                }

                throw;
            }

            if (descriptor.IsDestructor)
            {
                DestroyLocked(proxy);
            }
        }
    }

    /// <summary>Destroys a proxy on the client side (no request is sent).</summary>
    internal void DestroyProxy(Proxy proxy)
    {
        lock (_lock)
        {
            DestroyLocked(proxy);
        }
    }

    private void DestroyLocked(Proxy proxy)
    {
        if (proxy.IsDestroyed)
        {
            return;
        }

        proxy.IsDestroyed = true;
        if (proxy.IsWrapper || _disposed)
        {
            return;
        }

        if (proxy.IdDeleted)
        {
            // The compositor already released the id (delete_id came first): it is free again.
            _objects.Remove(proxy.Id);
            if (proxy is WlCallback { IsPooled: true } pooled)
            {
                RecycleLocked(pooled);
            }
        }
        else if (proxy is not WlCallback { IsPooled: true })
        {
            // Keep the id reserved until delete_id, and keep enough to close fds of late events. (A pooled callback
            // stays in the map itself, destroyed: its done event carries no fds, and delete_id frees it.)
            _objects.Replace(proxy.Id, ZombieOf(proxy.Interface));
        }
    }

    /// <summary>The one zombie of an interface: zombies hold nothing else, so destroying a proxy allocates none.</summary>
    private Zombie ZombieOf(InterfaceDescriptor descriptor)
    {
        if (!_zombies.TryGetValue(descriptor, out Zombie? zombie))
        {
            _zombies[descriptor] = zombie = new Zombie(descriptor);
        }

        return zombie;
    }

    private void LogOutgoing(Proxy proxy, MessageDescriptor descriptor, ReadOnlySpan<byte> message, ReadOnlySpan<int> fds, ReadOnlySpan<SafeHandle> handles)
    {
        int fdCount = handles.IsEmpty ? fds.Length : handles.Length;
        Span<ArgumentValue> values = stackalloc ArgumentValue[WireLimits.MaxArguments];
        if (fdCount > WireLimits.MaxArguments || WireParser.ParseArguments(message, descriptor, fdCount, values, out _) != ParseStatus.Complete)
        {
            return;
        }

        Span<int> fdCopy = stackalloc int[fdCount];
        fds.CopyTo(fdCopy);
        for (int i = 0; i < handles.Length; i++)
        {
            fdCopy[i] = (int)handles[i].DangerousGetHandle();
        }

        _logger!.Log(new MessageArguments(message, descriptor, values, fdCopy), proxy.Interface.Name, proxy.Id, sent: true,
            discarded: false, proxy.Queue.Name, InterfaceNameOf);
    }

    private string? InterfaceNameOf(uint id) => (_objects.Get(id) as Proxy)?.Interface.Name;
}
