using System.Text;
using Wayland.Wire;

namespace Wayland.Server;

/// <summary>
/// An object the display advertises to every client's registry (<c>wl_global</c>): an interface, a highest version
/// and what to do when a client binds it. Create one with <see cref="Display.CreateGlobal{T}"/>.
/// </summary>
public sealed class Global
{
    private readonly Action<Client, uint, uint> _bind;

    internal Global(Display display, InterfaceDescriptor descriptor, uint name, uint version, Action<Client, uint, uint> bind)
    {
        Display = display;
        Interface = descriptor;
        Name = name;
        Version = version;
        _bind = bind;
        InterfaceNameUtf8 = Encoding.UTF8.GetBytes(descriptor.Name);
    }

    /// <summary>The display that advertises it.</summary>
    public Display Display { get; }

    /// <summary>The interface clients bind.</summary>
    public InterfaceDescriptor Interface { get; }

    /// <summary>The numeric name in <c>wl_registry.global</c> (1, 2, … in creation order, never reused).</summary>
    public uint Name { get; }

    /// <summary>Highest version clients may bind.</summary>
    public uint Version { get; }

    /// <summary>Anything the compositor wants to attach to the global.</summary>
    public object? UserData { get; set; }

    /// <summary>Whether <see cref="Remove"/> was called: registries got <c>global_remove</c>, new ones do not see it.</summary>
    public bool IsRemoved { get; private set; }

    /// <summary>Whether <see cref="Destroy"/> was called: binding it is an error from then on.</summary>
    public bool IsDestroyed { get; private set; }

    internal byte[] InterfaceNameUtf8 { get; }

    /// <summary>Whether <paramref name="client"/> may see and bind this global (see <see cref="Display.GlobalFilter"/>).</summary>
    public bool IsVisibleTo(Client client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Display.GlobalFilter is not { } filter || filter(client, this);
    }

    /// <summary>
    /// Withdraws the global (<c>wl_global_remove</c>): every registry it was announced to gets
    /// <c>wl_registry.global_remove</c> and new registries do not list it, but binds already on their way still
    /// succeed. Call <see cref="Destroy"/> later (for example after a timeout) to forget it. Calling it again does nothing.
    /// </summary>
    public void Remove()
    {
        if (IsRemoved)
        {
            return;
        }

        IsRemoved = true;
        Display.Unpublish(this);
    }

    /// <summary>Removes the global if needed and forgets it (<c>wl_global_destroy</c>): binding its name is now an
    /// error. Resources already bound stay.</summary>
    public void Destroy()
    {
        if (IsDestroyed)
        {
            return;
        }

        Remove();
        IsDestroyed = true;
        Display.Forget(this);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Interface.Name} (global {Name}, v{Version})";

    internal void Bind(Client client, uint version, uint id) => _bind(client, version, id);
}
