namespace Wayland.Wire;

/// <summary>A protocol interface: name, highest version, requests and events.</summary>
public sealed class InterfaceDescriptor
{
    /// <summary>Creates an interface descriptor.</summary>
    public InterfaceDescriptor(string name, uint version, MessageDescriptor[] requests, MessageDescriptor[] events)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(events);
        if (version == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(version), "version starts at 1");
        }

        CheckOpcodes(name, requests, nameof(requests));
        CheckOpcodes(name, events, nameof(events));
        Name = name;
        Version = version;
        RequestArray = requests;
        EventArray = events;
    }

    /// <summary>Interface name (for example <c>wl_surface</c>).</summary>
    public string Name { get; }

    /// <summary>Highest version this descriptor describes.</summary>
    public uint Version { get; }

    /// <summary>Requests, indexed by opcode.</summary>
    public IReadOnlyList<MessageDescriptor> Requests => RequestArray;

    /// <summary>Events, indexed by opcode.</summary>
    public IReadOnlyList<MessageDescriptor> Events => EventArray;

    /// <summary><see cref="Requests"/> as the array it is, for the runtimes' hot paths (no interface dispatch).</summary>
    internal MessageDescriptor[] RequestArray { get; }

    /// <summary><see cref="Events"/> as the array it is.</summary>
    internal MessageDescriptor[] EventArray { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} v{Version}";

    private static void CheckOpcodes(string name, MessageDescriptor[] messages, string parameter)
    {
        for (int i = 0; i < messages.Length; i++)
        {
            if (messages[i] is null || messages[i].Opcode != i)
            {
                throw new ArgumentException($"interface '{name}': message {i} must have opcode {i}", parameter);
            }
        }
    }
}
