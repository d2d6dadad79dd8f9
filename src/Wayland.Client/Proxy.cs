using System.Runtime.InteropServices;
using Wayland.Wire;

namespace Wayland.Client;

/// <summary>
/// The client's handle on one protocol object. Generated classes (<c>WlSurface</c>, <c>XdgToplevel</c>, …)
/// derive from it: requests are their methods, events their C# events. Thread-safe: requests may be sent
/// from any thread; events are delivered on the thread that dispatches the proxy's <see cref="Queue"/>.
/// </summary>
public abstract class Proxy : IDisposable
{
    private WaylandDisplay? _display;
    private EventQueue? _queue;

    /// <summary>Creates an unattached proxy for <paramref name="descriptor"/>; the runtime attaches it.</summary>
    protected Proxy(InterfaceDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        Interface = descriptor;
    }

    /// <summary>The protocol interface.</summary>
    public InterfaceDescriptor Interface { get; }

    /// <summary>The connection this proxy belongs to.</summary>
    public WaylandDisplay Display => _display ?? throw new InvalidOperationException("the proxy is not attached to a display");

    /// <summary>Object id (0 until attached).</summary>
    public uint Id { get; private set; }

    /// <summary>Interface version the object was created with.</summary>
    public uint Version { get; private set; }

    /// <summary>Whether the proxy was destroyed (by a destructor request or <see cref="Dispose"/>).</summary>
    public bool IsDestroyed { get; internal set; }

    /// <summary>Whether this is a wrapper (<see cref="WaylandDisplay.CreateWrapper{T}"/>): it sends requests for the
    /// wrapped object and gives new objects its own queue, but never receives events.</summary>
    public bool IsWrapper { get; private set; }

    /// <summary>Whether the compositor sent delete_id for this (still alive) proxy's id.</summary>
    internal bool IdDeleted { get; set; }

    /// <summary>Anything the application wants to attach to the proxy.</summary>
    public object? UserData { get; set; }

    /// <summary>The queue this proxy's events are delivered to. Setting it moves the proxy (events already
    /// queued elsewhere stay there). New objects created through this proxy inherit its queue.</summary>
    public EventQueue Queue
    {
        get => _queue ?? throw new InvalidOperationException("the proxy is not attached to a display");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Display != Display)
            {
                throw new ArgumentException("the queue belongs to another display", nameof(value));
            }

            lock (Display.SyncRoot)
            {
                _queue = value;
            }
        }
    }

    /// <summary>
    /// Destroys the proxy. Generated classes whose interface has a destructor request send it (when the
    /// object's version has it); otherwise only the client-side proxy is destroyed, as
    /// <c>wl_proxy_destroy</c> does. Events still on their way are dropped, their fds closed.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA1816:Dispose methods should call SuppressFinalize",
        Justification = "Proxies have no finalizer, and the call is a runtime transition per destroyed proxy (a tenth of a pipelined sync's cost).")]
    public virtual void Dispose()
    {
        if (_display is not null && !IsDestroyed)
        {
            bool sent = false;
            if (!IsWrapper && _display.Error is null)
            {
                try
                {
                    sent = TrySendDestructor();
                }
                catch (WaylandException)
                {
                    // The connection failed meanwhile; destroying locally is all that is left.
                }
            }

            if (!sent)
            {
                _display.DestroyProxy(this);
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Interface.Name}#{Id}";

    /// <summary>Generated code: sends the interface's destructor request when this object's version has one;
    /// returns false when there is none (then only the proxy is destroyed).</summary>
    protected virtual bool TrySendDestructor() => false;

    /// <summary>Generated code: a new, unattached proxy of type <typeparamref name="T"/>.</summary>
    protected static T NewProxy<T>()
        where T : Proxy, IProxyFactory<T> => T.Create();

    /// <summary>Generated code: sends a request that creates no object. <paramref name="message"/> is the
    /// finished encoding (<see cref="MessageWriter.Finish"/>); <paramref name="fds"/> are borrowed (duplicated
    /// at once, so the caller may close them after the call).</summary>
    protected void SendRequest(ushort opcode, ReadOnlySpan<byte> message, ReadOnlySpan<int> fds) =>
        Display.Send(this, opcode, message, fds, default);

    /// <summary>Generated code: sends a request that creates no object and carries the descriptors of
    /// <paramref name="fds"/>. They are not duplicated: the connection holds a reference on each handle until its
    /// descriptor is sent, so the caller may dispose them after the call (the descriptor closes once it is sent).</summary>
    /// <exception cref="ObjectDisposedException">A handle is closed; nothing was sent.</exception>
    /// <exception cref="ArgumentException">A handle is invalid; nothing was sent.</exception>
    protected void SendRequestWithFds(ushort opcode, ReadOnlySpan<byte> message, ReadOnlySpan<SafeHandle> fds) =>
        Display.Send(this, opcode, message, default, fds);

    /// <summary>
    /// Generated code: sends a request that creates an object of type <typeparamref name="T"/>. The message
    /// has a placeholder new id at byte <paramref name="newIdOffset"/>; the id is allocated and patched in
    /// atomically with queuing the message, so concurrent creators never send ids out of order.
    /// </summary>
    /// <param name="opcode">Request opcode.</param>
    /// <param name="message">The encoded request (writable: the id is patched into it).</param>
    /// <param name="fds">Borrowed fds of the request.</param>
    /// <param name="newIdOffset">Byte offset of the new_id word.</param>
    /// <param name="version">Version of the new object; null for this proxy's version (typed new_id).</param>
    protected T SendConstructor<T>(ushort opcode, Span<byte> message, ReadOnlySpan<int> fds, int newIdOffset, uint? version = null)
        where T : Proxy, IProxyFactory<T>
    {
        T child = T.Create();
        Display.Send(this, opcode, message, fds, default, child, newIdOffset, version ?? Version);
        return child;
    }

    /// <summary>Generated code: as <see cref="SendConstructor{T}(ushort, Span{byte}, ReadOnlySpan{int}, int, uint?)"/>,
    /// for a request that carries the descriptors of <paramref name="fds"/>, referenced until they are sent (as
    /// <see cref="SendRequestWithFds"/>).</summary>
    /// <param name="opcode">Request opcode.</param>
    /// <param name="message">The encoded request (writable: the id is patched into it).</param>
    /// <param name="fds">The handles of the request's fd arguments.</param>
    /// <param name="newIdOffset">Byte offset of the new_id word.</param>
    /// <param name="version">Version of the new object; null for this proxy's version (typed new_id).</param>
    /// <exception cref="ObjectDisposedException">A handle is closed; nothing was sent and no object was created.</exception>
    /// <exception cref="ArgumentException">A handle is invalid; nothing was sent and no object was created.</exception>
    protected T SendConstructorWithFds<T>(ushort opcode, Span<byte> message, ReadOnlySpan<SafeHandle> fds, int newIdOffset, uint? version = null)
        where T : Proxy, IProxyFactory<T>
    {
        T child = T.Create();
        Display.Send(this, opcode, message, default, fds, child, newIdOffset, version ?? Version);
        return child;
    }

    /// <summary>Generated code: the proxy of an object argument, or null when the id is 0, unknown,
    /// destroyed, or of another type.</summary>
    protected T? ResolveObject<T>(uint id)
        where T : Proxy => id == 0 ? null : Display.Lookup(id) as T;

    /// <summary>Generated code: decodes event <paramref name="opcode"/> and raises the matching C# event.
    /// Fds not taken by a handler are closed by the runtime afterwards.</summary>
    protected virtual void DispatchEvent(ushort opcode, in MessageArguments args)
    {
    }

    /// <summary>Generated code: creates the typed proxy for a new_id argument of an event (for example
    /// <c>wl_data_device.data_offer</c>); the runtime registers it under the id the compositor chose.</summary>
    protected virtual Proxy? CreateEventObject(ushort opcode, int argument) => null;

    /// <summary>The runtime's way in to <see cref="DispatchEvent"/>.</summary>
    internal void RaiseEvent(ushort opcode, in MessageArguments args) => DispatchEvent(opcode, args);

    /// <summary>The runtime's way in to <see cref="CreateEventObject"/>.</summary>
    internal Proxy? NewEventObject(ushort opcode, int argument) => CreateEventObject(opcode, argument);

    internal void Attach(WaylandDisplay display, uint id, uint version, EventQueue queue, bool wrapper = false)
    {
        _display = display;
        Id = id;
        Version = version;
        _queue = queue;
        IsWrapper = wrapper;
    }
}
