using System.Runtime.InteropServices;
using Wayland.Wire;

namespace Wayland.Server;

/// <summary>
/// The server's side of one protocol object of one client — what <c>wl_resource</c> is to libwayland-server.
/// Generated classes (<c>WlSurface</c>, <c>XdgToplevel</c>, …) derive from it: requests arrive through their
/// <c>Handler</c>, events are their <c>Send…</c> methods.
/// </summary>
/// <remarks>Used on the display's event-loop thread only.</remarks>
public abstract class Resource
{
    private Client? _client;

    /// <summary>Creates an unattached resource for <paramref name="descriptor"/>; the runtime attaches it.</summary>
    protected Resource(InterfaceDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        Interface = descriptor;
    }

    /// <summary>The protocol interface.</summary>
    public InterfaceDescriptor Interface { get; }

    /// <summary>The client that owns the object.</summary>
    /// <exception cref="InvalidOperationException">The resource was never attached to a client.</exception>
    public Client Client => _client ?? throw new InvalidOperationException("the resource is not attached to a client");

    /// <summary>Object id (0 until attached): chosen by the client, or from 0xff000000 when the server created it.</summary>
    public uint Id { get; private set; }

    /// <summary>Interface version the object was created with.</summary>
    public uint Version { get; private set; }

    /// <summary>Anything the compositor wants to attach to the resource.</summary>
    public object? UserData { get; set; }

    /// <summary>Whether the resource was destroyed (explicitly, by its destructor request, or with its client).</summary>
    public bool IsDestroyed { get; private set; }

    /// <summary>Raised once when the resource is destroyed, also when its client disconnects; the id is still
    /// registered while handlers run.</summary>
    public event Action<Resource>? Destroyed;

    /// <summary>The library's own cleanup, run after <see cref="Destroyed"/> whatever its handlers do.</summary>
    internal event Action<Resource>? Released;

    /// <summary>
    /// Destroys the resource (<c>wl_resource_destroy</c>): raises <see cref="Destroyed"/>, then frees the id —
    /// for an id the client chose, by sending <c>wl_display.delete_id</c> so the client may reuse it.
    /// Calling it again does nothing.
    /// </summary>
    public void Destroy()
    {
        if (IsDestroyed || _client is null)
        {
            return;
        }

        IsDestroyed = true;
        try
        {
            Destroyed?.Invoke(this);
        }
        finally
        {
            // The library's own cleanup (unmapping a pool, leaving the registry list) runs after the user's
            // handlers, like libwayland's destructor after the destroy signal, and also when one of them threw.
            Released?.Invoke(this);
            _client.Forget(this);
        }
    }

    /// <summary>
    /// Sends <c>wl_display.error</c> about this object to its client, which is then disconnected
    /// (<c>wl_resource_post_error</c>). Nothing is sent once the client has an error already. The message is
    /// cut to 127 bytes of UTF-8, as libwayland cuts it.
    /// </summary>
    /// <param name="code">An error code of this object's interface (for example <c>WlShmError</c>) or of <c>wl_display</c>.</param>
    /// <param name="message">Human-readable description.</param>
    public void PostError(uint code, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Client.PostError(this, code, message);
    }

    /// <summary>Sends the <c>no_memory</c> error to the client (<c>wl_resource_post_no_memory</c>).</summary>
    public void PostNoMemory() => Client.PostNoMemory();

    /// <inheritdoc/>
    public override string ToString() => $"{Interface.Name}#{Id}";

    /// <summary>
    /// Generated code: sends event <paramref name="opcode"/>. <paramref name="message"/> is the finished encoding
    /// (<see cref="MessageWriter.Finish"/>) addressed to <see cref="Id"/>; <paramref name="fds"/> are borrowed (duplicated
    /// when queued). Nothing is sent once the resource is destroyed or its client has failed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The event is newer than the resource's version.</exception>
    protected void SendEvent(ushort opcode, ReadOnlySpan<byte> message, ReadOnlySpan<int> fds)
    {
        if (IsDestroyed || _client is null)
        {
            return;
        }

        _client.SendEvent(this, opcode, message, fds);
    }

    /// <summary>
    /// Generated code: sends an event that creates an object of type <typeparamref name="T"/> with a server-allocated
    /// id (from 0xff000000), patched into <paramref name="message"/> at byte <paramref name="newIdOffset"/>. The new
    /// resource has this resource's version.
    /// </summary>
    protected T SendEventConstructor<T>(ushort opcode, Span<byte> message, ReadOnlySpan<int> fds, int newIdOffset)
        where T : Resource, IResourceFactory<T>
    {
        Client client = Client;
        T child = T.Create();
        uint id = client.AllocateServerId(child, Version);
        MemoryMarshal.Write(message[newIdOffset..], id); // host byte order, as the wire is
        SendEvent(opcode, message, fds);
        return child;
    }

    /// <summary>Generated code: the resource of an object argument, or null when the id is 0, unknown or of another type.</summary>
    protected T? ResolveObject<T>(uint id)
        where T : Resource => id == 0 || _client is null ? null : _client.GetObject(id) as T;

    /// <summary>Generated code: creates an unattached resource of a typed class (for <see cref="CreateRequestObject"/>).</summary>
    protected static T NewResource<T>()
        where T : Resource, IResourceFactory<T> => T.Create();

    /// <summary>
    /// Generated code: decodes request <paramref name="opcode"/> and calls the handler. The runtime has already
    /// validated the arguments (sizes, strings, object ids and their types) and registered the objects that new_id
    /// arguments create (find them with <see cref="ResolveObject{T}"/>); fds not taken are closed afterwards.
    /// </summary>
    protected virtual void DispatchRequest(ushort opcode, in MessageArguments args)
    {
    }

    /// <summary>Generated code: creates the unattached typed resource for new_id argument <paramref name="argument"/>
    /// of request <paramref name="opcode"/>; null for an untyped new_id (the runtime's business).</summary>
    protected virtual Resource? CreateRequestObject(ushort opcode, int argument) => null;

    /// <summary>The runtime's way in to <see cref="DispatchRequest"/> (generated overrides are protected, so
    /// that classes generated into other assemblies can override them).</summary>
    internal void Dispatch(ushort opcode, in MessageArguments args) => DispatchRequest(opcode, args);

    /// <summary>The runtime's way in to <see cref="CreateRequestObject"/>.</summary>
    internal Resource? NewRequestObject(ushort opcode, int argument) => CreateRequestObject(opcode, argument);

    internal void Attach(Client client, uint id, uint version)
    {
        _client = client;
        Id = id;
        Version = version;
    }
}
