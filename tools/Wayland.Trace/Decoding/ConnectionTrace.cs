using System.Buffers.Binary;
using System.Text;
using Wayland.Wire;

namespace Wayland.Trace.Decoding;

/// <summary>
/// Decodes the two byte streams of one proxied connection: splits them into messages, decodes each against the
/// objects it has seen created, hands it to the <see cref="Tracer"/>, then applies its effects (new ids, destructors,
/// <c>wl_display.delete_id</c>). Anything it cannot decode is passed on raw; it never throws on bad input.
/// </summary>
internal sealed class ConnectionTrace
{
    /// <summary>libwayland's header limit is 4096 bytes; the size field itself allows up to 65535.</summary>
    public const int MaxMessageSize = ushort.MaxValue;

    private readonly Tracer _tracer;
    private readonly TraceMessage? _deleteId;
    private readonly FdLog _requestFds = new();
    private readonly FdLog _eventFds = new();
    private bool _requestsBroken;
    private bool _eventsBroken;

    public ConnectionTrace(Tracer tracer, TraceClient client)
    {
        _tracer = tracer;
        Client = client;
        TraceInterface display = tracer.Protocols.Display;
        Objects = new ObjectTable(display);
        _deleteId = Array.Find(display.Events, m => m.Name == "delete_id");
    }

    public TraceClient Client { get; }

    public ObjectTable Objects { get; }

    /// <summary>Notes descriptors received in one direction, in order, so messages can print their numbers.</summary>
    public void AddFds(bool request, ReadOnlySpan<int> fds) => (request ? _requestFds : _eventFds).Add(fds);

    /// <summary>Decodes the complete messages at the start of <paramref name="data"/>.</summary>
    /// <returns>How many bytes were used; the rest is the start of a message still arriving.</returns>
    public int Decode(bool request, ReadOnlySpan<byte> data)
    {
        if (request ? _requestsBroken : _eventsBroken)
        {
            Raw(request, data, DecodeStatus.Unparseable, null);
            return data.Length;
        }

        int used = 0;
        while (data.Length - used >= WireLimits.HeaderSize)
        {
            ReadOnlySpan<byte> rest = data[used..];
            int size = (int)(ReadWord(rest[4..]) >> 16);
            if (size < WireLimits.HeaderSize)
            {
                // The stream cannot be split into messages any more: everything from here on is raw.
                if (request)
                {
                    _requestsBroken = true;
                }
                else
                {
                    _eventsBroken = true;
                }

                Raw(request, rest, DecodeStatus.Unparseable, $"message size {size} is less than 8");
                return data.Length;
            }

            if (size > rest.Length)
            {
                break;
            }

            DecodeOne(request, rest[..size]);
            used += size;
        }

        return used;
    }

    /// <summary>The connection ended with <paramref name="leftover"/> bytes of a message that never completed.</summary>
    public void End(bool request, ReadOnlySpan<byte> leftover)
    {
        if (leftover.Length > 0)
        {
            Raw(request, leftover, DecodeStatus.Incomplete, "connection closed in the middle of a message");
        }
    }

    private void DecodeOne(bool request, ReadOnlySpan<byte> message)
    {
        uint id = ReadWord(message);
        ushort opcode = (ushort)(ReadWord(message[4..]) & 0xffff);
        TraceInterface? type = Objects.Find(id, out _);
        if (type is null)
        {
            Emit(new TracedMessage { Client = Client, IsRequest = request, Status = DecodeStatus.UnknownObject, ObjectId = id, Opcode = opcode, Bytes = message, Objects = Objects });
            return;
        }

        TraceMessage[] messages = request ? type.Requests : type.Events;
        if (opcode >= messages.Length)
        {
            Emit(new TracedMessage { Client = Client, IsRequest = request, Status = DecodeStatus.UnknownOpcode, ObjectId = id, Opcode = opcode, Interface = type, Bytes = message, Objects = Objects });
            return;
        }

        TraceMessage traced = messages[opcode];
        Span<ArgumentValue> values = stackalloc ArgumentValue[WireLimits.MaxArguments];
        values = values[..traced.Arguments.Length];
        ParseStatus status = WireParser.ParseArguments(message, traced.Descriptor, int.MaxValue, values, out MalformedReason reason);
        if (status != ParseStatus.Complete)
        {
            Emit(new TracedMessage
            {
                Client = Client, IsRequest = request, Status = DecodeStatus.Malformed, ObjectId = id, Opcode = opcode, Interface = type,
                Message = traced, Bytes = message, Objects = Objects, Problem = $"malformed: {reason}",
            });
            return;
        }

        Span<int> fds = stackalloc int[WireLimits.MaxArguments];
        fds = fds[..traced.Descriptor.FdCount];
        (request ? _requestFds : _eventFds).Take(fds);
        Emit(new TracedMessage
        {
            Client = Client, IsRequest = request, Status = DecodeStatus.Decoded, ObjectId = id, Opcode = opcode, Interface = type,
            Message = traced, Bytes = message, Values = values, Fds = fds, Objects = Objects,
        });
        Apply(traced, id, message, values);
    }

    private void Apply(TraceMessage message, uint id, ReadOnlySpan<byte> bytes, ReadOnlySpan<ArgumentValue> values)
    {
        TraceArgument[] arguments = message.Arguments;
        for (int i = 0; i < arguments.Length; i++)
        {
            TraceArgument argument = arguments[i];
            if (argument.Type != ArgumentType.NewId)
            {
                continue;
            }

            if (argument.InterfaceName is null)
            {
                // wl_registry.bind and the like: the interface travels as a string.
                string name = Encoding.UTF8.GetString(bytes.Slice(values[i].Offset, Math.Max(0, values[i].Length)));
                Objects.Set(values[i].Value, _tracer.Protocols.Find(name), values[i].Version);
            }
            else
            {
                Objects.Set(values[i].Value, argument.Interface, Objects.VersionOf(id));
            }
        }

        if (ReferenceEquals(message, _deleteId))
        {
            Objects.Remove(values[0].Value);
        }
        else if (message.Descriptor.IsDestructor)
        {
            Objects.MarkDead(id);
        }
    }

    private void Raw(bool request, ReadOnlySpan<byte> data, DecodeStatus status, string? problem) =>
        Emit(new TracedMessage { Client = Client, IsRequest = request, Status = status, Bytes = data, Objects = Objects, Problem = problem });

    private void Emit(in TracedMessage message) => _tracer.Emit(message);

    private static uint ReadWord(ReadOnlySpan<byte> data) => BitConverter.IsLittleEndian
        ? BinaryPrimitives.ReadUInt32LittleEndian(data)
        : BinaryPrimitives.ReadUInt32BigEndian(data);

    /// <summary>Numbers of the descriptors received in one direction, waiting for the messages that carry them.</summary>
    private sealed class FdLog
    {
        private readonly int[] _fds = new int[256];
        private int _head;
        private int _count;

        public void Add(ReadOnlySpan<int> fds)
        {
            foreach (int fd in fds)
            {
                if (_count == _fds.Length)
                {
                    // Never claimed (an undecodable message carried them): forget the oldest.
                    _head = (_head + 1) % _fds.Length;
                    _count--;
                }

                _fds[(_head + _count) % _fds.Length] = fd;
                _count++;
            }
        }

        public void Take(Span<int> destination)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                if (_count > 0)
                {
                    destination[i] = _fds[_head];
                    _head = (_head + 1) % _fds.Length;
                    _count--;
                }
                else
                {
                    destination[i] = -1;
                }
            }
        }
    }
}
