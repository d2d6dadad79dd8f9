using System.Text;

namespace Wayland.Wire;

/// <summary>
/// A decoded message: its bytes, its descriptor, the decoded argument values and the file descriptors
/// it carries. The one decoded form used by dispatch and by the protocol logger alike.
/// Each fd can be taken once with <see cref="TakeFd"/>; whatever is not taken is closed by
/// <see cref="CloseUnclaimedFds"/>.
/// </summary>
public readonly ref struct MessageArguments
{
    private readonly ReadOnlySpan<byte> _message;
    private readonly ReadOnlySpan<ArgumentValue> _values;
    private readonly Span<int> _fds;

    /// <summary>Wraps a message that <see cref="WireParser.ParseArguments"/> accepted.</summary>
    /// <param name="message">The whole message, header included.</param>
    /// <param name="descriptor">Its descriptor.</param>
    /// <param name="values">Values from <see cref="WireParser.ParseArguments"/>.</param>
    /// <param name="fds">The message's descriptors in order; slots are set to -1 once taken or closed.</param>
    public MessageArguments(ReadOnlySpan<byte> message, MessageDescriptor descriptor, ReadOnlySpan<ArgumentValue> values, Span<int> fds)
    {
        _message = message;
        Descriptor = descriptor;
        _values = values[..descriptor.ArgumentArray.Length];
        _fds = fds;
    }

    /// <summary>The message's descriptor.</summary>
    public MessageDescriptor Descriptor { get; }

    /// <summary>The object id from the header.</summary>
    public uint ObjectId => WireParser.ReadWord(_message);

    /// <summary>Number of (descriptor) arguments.</summary>
    public int Count => _values.Length;

    /// <summary>The raw decoded value of argument <paramref name="index"/>.</summary>
    public ArgumentValue this[int index] => _values[index];

    /// <summary>A signed integer argument.</summary>
    public int GetInt(int index) => unchecked((int)_values[index].Value);

    /// <summary>An unsigned integer argument.</summary>
    public uint GetUInt(int index) => _values[index].Value;

    /// <summary>A fixed-point argument.</summary>
    public Fixed GetFixed(int index) => new(unchecked((int)_values[index].Value));

    /// <summary>An object id (0 for null) or a new id.</summary>
    public uint GetObjectId(int index) => _values[index].Value;

    /// <summary>Version of an untyped new_id argument.</summary>
    public uint GetNewIdVersion(int index) => _values[index].Version;

    /// <summary>Whether a string argument is null.</summary>
    public bool IsNull(int index) => _values[index].Length < 0;

    /// <summary>UTF-8 bytes of a string argument (or of an untyped new_id's interface name), without the NUL; empty when null.</summary>
    public ReadOnlySpan<byte> GetStringUtf8(int index)
    {
        ArgumentValue value = _values[index];
        return value.Length < 0 ? default : _message.Slice(value.Offset, value.Length);
    }

    /// <summary>A string argument as a .NET string (allocates), or null.</summary>
    public string? GetString(int index) => IsNull(index) ? null : Encoding.UTF8.GetString(GetStringUtf8(index));

    /// <summary>The bytes of an array argument.</summary>
    public ReadOnlySpan<byte> GetArray(int index)
    {
        ArgumentValue value = _values[index];
        return _message.Slice(value.Offset, value.Length);
    }

    /// <summary>The raw descriptor number of an fd argument, still owned by this message (-1 once taken).</summary>
    public int PeekFd(int index) => _fds[(int)_values[index].Value];

    /// <summary>Takes ownership of an fd argument. Each fd can be taken once.</summary>
    /// <exception cref="InvalidOperationException">The fd was already taken.</exception>
    public SafeFdHandle TakeFd(int index)
    {
        int slot = (int)_values[index].Value;
        int fd = _fds[slot];
        if (fd < 0)
        {
            throw new InvalidOperationException($"the fd of argument '{Descriptor.Arguments[index].Name}' was already taken");
        }

        _fds[slot] = -1;
        return new SafeFdHandle(fd);
    }

    /// <summary>Closes every fd of the message nobody took.</summary>
    public void CloseUnclaimedFds() => FdList.CloseAll(_fds);
}
