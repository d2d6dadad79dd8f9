namespace Wayland.Wire;

/// <summary>A request or an event of an interface.</summary>
public sealed class MessageDescriptor
{
    /// <summary>Creates a message descriptor.</summary>
    /// <param name="name">Message name as in the XML.</param>
    /// <param name="opcode">Index of the message among its interface's requests or events.</param>
    /// <param name="since">Interface version that introduced it (1 for the first).</param>
    /// <param name="arguments">Arguments in wire order; at most <see cref="WireLimits.MaxArguments"/>
    /// (an untyped new_id counts as three, as in libwayland).</param>
    /// <param name="isDestructor">Whether the message destroys the object it is sent to.</param>
    public MessageDescriptor(string name, ushort opcode, uint since, ArgumentDescriptor[] arguments, bool isDestructor = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(arguments);
        if (since == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(since), "since starts at 1");
        }

        int wireArguments = 0;
        int fds = 0;
        int minimumSize = WireLimits.HeaderSize;
        foreach (ArgumentDescriptor argument in arguments)
        {
            ArgumentNullException.ThrowIfNull(argument, nameof(arguments));
            wireArguments += argument.IsUntypedNewId ? 3 : 1;
            fds += argument.Type == ArgumentType.Fd ? 1 : 0;
            minimumSize += argument.Type switch
            {
                ArgumentType.Fd => 0,
                ArgumentType.NewId when argument.IsUntypedNewId => 12,
                _ => 4,
            };
        }

        if (wireArguments > WireLimits.MaxArguments)
        {
            throw new ArgumentException($"message '{name}' has {wireArguments} wire arguments; at most {WireLimits.MaxArguments} are allowed", nameof(arguments));
        }

        Name = name;
        Opcode = opcode;
        Since = since;
        Arguments = arguments;
        ArgumentArray = arguments;
        IsDestructor = isDestructor;
        FdCount = fds;
        MinimumSize = minimumSize;
        Signature = (since > 1 ? since.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty)
            + string.Concat(arguments.Select(a => a.Signature));
    }

    /// <summary>Message name.</summary>
    public string Name { get; }

    /// <summary>Opcode on the wire.</summary>
    public ushort Opcode { get; }

    /// <summary>Interface version that introduced the message.</summary>
    public uint Since { get; }

    /// <summary>Arguments in wire order.</summary>
    public IReadOnlyList<ArgumentDescriptor> Arguments { get; }

    /// <summary>The arguments as an array, for the hot paths (never exposed for mutation).</summary>
    internal ArgumentDescriptor[] ArgumentArray { get; }

    /// <summary>Whether the message is a destructor.</summary>
    public bool IsDestructor { get; }

    /// <summary>How many file descriptors the message carries.</summary>
    public int FdCount { get; }

    /// <summary>Smallest possible encoded size including the header (every string, array and new_id at its minimum).</summary>
    public int MinimumSize { get; }

    /// <summary>libwayland's signature string (for example <c>"2?sun"</c>).</summary>
    public string Signature { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}({Signature})";
}
