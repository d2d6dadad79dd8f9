using System.Buffers.Text;
using System.Text;
using Wayland.Trace.Decoding;
using Wayland.Wire;

namespace Wayland.Trace.Output;

/// <summary>
/// libwayland's <c>WAYLAND_DEBUG</c> line format as a client prints it (upstream 1.23+):
/// <c>[12:34:56.789012]  -&gt; wl_display#1.get_registry(new id wl_registry#2)</c> for a request,
/// <c>[12:34:56.789101] wl_display#1.delete_id(3)</c> for an event. Where libwayland prints its queue name,
/// a tagged client is named instead: <c>{foot[1234]}</c>. What cannot be decoded is printed with its bytes in hex:
/// <c>[unknown]#12.[request 3](16 byte: 0c000000...)</c>. A protocol error gets a second line naming its error enum.
/// </summary>
internal sealed class WaylandDebugFormat : ITraceFormat
{
    private static ReadOnlySpan<byte> Arrow => " -> "u8;

    private readonly TraceOutput _output;
    private readonly byte[] _stamp = new byte[18];
    private long _stampTicks = -1;

    public WaylandDebugFormat(TraceOutput output) => _output = output;

    public void Write(in TracedMessage message, DateTime time)
    {
        TraceOutput output = _output;
        Prefix(message.Client, time);
        if (message.IsRequest)
        {
            output.Write(Arrow);
        }

        if (message.Status == DecodeStatus.Decoded)
        {
            output.Write(message.Interface!.NameUtf8);
            output.Write((byte)'#');
            WriteNumber(message.ObjectId);
            output.Write((byte)'.');
            output.Write(message.Message!.NameUtf8);
            output.Write((byte)'(');
            WriteArguments(message);
            output.Write(")\n"u8);
            if (message.Message.Owner.Name == "wl_display" && message.Message.Name == "error" && !message.IsRequest)
            {
                WriteErrorNote(message, time);
            }

            return;
        }

        WriteRaw(message);
    }

    public void Note(TraceClient? client, string text, DateTime time)
    {
        Prefix(client, time);
        _output.Write("wl-trace: ");
        _output.Write(text);
        _output.Write((byte)'\n');
    }

    private void Prefix(TraceClient? client, DateTime time)
    {
        if (time.Ticks != _stampTicks)
        {
            _stampTicks = time.Ticks;
            TimeSpan day = time.TimeOfDay;
            Span<byte> s = _stamp;
            s[0] = (byte)'[';
            TwoDigits(s[1..], day.Hours);
            s[3] = (byte)':';
            TwoDigits(s[4..], day.Minutes);
            s[6] = (byte)':';
            TwoDigits(s[7..], day.Seconds);
            s[9] = (byte)'.';
            Utf8Formatter.TryFormat(day.Ticks / 10 % 1_000_000, s[10..16], out _, new System.Buffers.StandardFormat('D', 6));
            s[16] = (byte)']';
            s[17] = (byte)' ';
        }

        _output.Write(_stamp);
        if (client is { Tagged: true })
        {
            _output.Write(client.TagUtf8);
        }
    }

    private static void TwoDigits(Span<byte> destination, int value)
    {
        destination[0] = (byte)('0' + (value / 10));
        destination[1] = (byte)('0' + (value % 10));
    }

    private void WriteArguments(in TracedMessage message)
    {
        TraceArgument[] arguments = message.Message!.Arguments;
        ReadOnlySpan<ArgumentValue> values = message.Values;
        ReadOnlySpan<byte> bytes = message.Bytes;
        int fd = 0;
        for (int i = 0; i < arguments.Length; i++)
        {
            if (i > 0)
            {
                _output.Write(", "u8);
            }

            TraceArgument argument = arguments[i];
            ArgumentValue value = values[i];
            switch (argument.Type)
            {
                case ArgumentType.Int:
                    WriteNumber((int)value.Value);
                    break;
                case ArgumentType.UInt:
                    WriteNumber(value.Value);
                    break;
                case ArgumentType.Fixed:
                    WriteFixed((int)value.Value);
                    break;
                case ArgumentType.String:
                    WriteString(bytes, value);
                    break;
                case ArgumentType.Object:
                    bool alive = false;
                    TraceInterface? target = value.Value == 0 ? null : message.Objects.Find(value.Value, out alive);
                    if (target is null || !alive)
                    {
                        _output.Write("nil"u8);
                    }
                    else
                    {
                        _output.Write(target.NameUtf8);
                        _output.Write((byte)'#');
                        WriteNumber(value.Value);
                    }

                    break;
                case ArgumentType.NewId:
                    if (argument.InterfaceName is null)
                    {
                        WriteString(bytes, value);
                        _output.Write(", "u8);
                        WriteNumber(value.Version);
                        _output.Write(", new id [unknown]#"u8);
                    }
                    else
                    {
                        _output.Write("new id "u8);
                        _output.Write(argument.Interface?.NameUtf8 ?? Encoding.UTF8.GetBytes(argument.InterfaceName));
                        _output.Write((byte)'#');
                    }

                    WriteNumber(value.Value);
                    break;
                case ArgumentType.Array:
                    _output.Write("array["u8);
                    WriteNumber(value.Length);
                    _output.Write((byte)']');
                    break;
                case ArgumentType.Fd:
                    _output.Write("fd "u8);
                    WriteNumber(fd < message.Fds.Length ? message.Fds[fd] : -1);
                    fd++;
                    break;
            }
        }
    }

    private void WriteString(ReadOnlySpan<byte> bytes, ArgumentValue value)
    {
        if (value.Length < 0)
        {
            _output.Write("nil"u8);
            return;
        }

        // Escaped: a peer's string must not start a line of its own or reach a terminal as an escape sequence.
        _output.Write((byte)'"');
        TextEscape.Write(_output, bytes.Slice(value.Offset, value.Length));
        _output.Write((byte)'"');
    }

    /// <summary>The second line of a protocol error: <c>wl-trace: protocol error: xdg_wm_base#7: invalid_surface_state (4): "..."</c>.</summary>
    private void WriteErrorNote(in TracedMessage message, DateTime time)
    {
        Prefix(message.Client, time);
        _output.Write("wl-trace: protocol error: "u8);
        uint objectId = message.Values[0].Value;
        TraceInterface? target = message.Objects.Find(objectId, out _);
        _output.Write(target?.NameUtf8 ?? "[unknown]"u8);
        _output.Write((byte)'#');
        WriteNumber(objectId);
        _output.Write(": "u8);
        string? name = ErrorName(target, message.Values[1].Value);
        if (name is not null)
        {
            _output.Write(name);
            _output.Write(" ("u8);
            WriteNumber(message.Values[1].Value);
            _output.Write((byte)')');
        }
        else
        {
            _output.Write("error "u8);
            WriteNumber(message.Values[1].Value);
        }

        _output.Write(": "u8);
        WriteString(message.Bytes, message.Values[2]);
        _output.Write((byte)'\n');
    }

    /// <summary>The name of a <c>wl_display.error</c> code: an entry of the object's interface's <c>error</c> enum.</summary>
    public static string? ErrorName(TraceInterface? target, uint code) =>
        target is not null && target.Enums.TryGetValue("error", out TraceEnum? errors) ? errors.NameOf(code) : null;

    private void WriteRaw(in TracedMessage message)
    {
        switch (message.Status)
        {
            case DecodeStatus.Unparseable:
                _output.Write("[unparseable]("u8);
                break;
            case DecodeStatus.Incomplete:
                _output.Write("[incomplete]("u8);
                break;
            default:
                if (message.Interface is null)
                {
                    _output.Write("[unknown]"u8);
                }
                else
                {
                    _output.Write(message.Interface.NameUtf8);
                }

                _output.Write((byte)'#');
                WriteNumber(message.ObjectId);
                _output.Write((byte)'.');
                if (message.Message is null)
                {
                    _output.Write(message.IsRequest ? "[request "u8 : "[event "u8);
                    WriteNumber(message.Opcode);
                    _output.Write((byte)']');
                }
                else
                {
                    _output.Write(message.Message.NameUtf8);
                }

                _output.Write((byte)'(');
                break;
        }

        if (message.Problem is not null)
        {
            _output.Write(message.Problem);
            _output.Write("; "u8);
        }

        WriteNumber(message.Bytes.Length);
        _output.Write(" byte: "u8);
        Hex(message.Bytes);
        _output.Write(")\n"u8);
    }

    private void Hex(ReadOnlySpan<byte> bytes)
    {
        Span<byte> span = _output.GetSpan(bytes.Length * 2);
        for (int i = 0; i < bytes.Length; i++)
        {
            span[2 * i] = (byte)"0123456789abcdef"[bytes[i] >> 4];
            span[(2 * i) + 1] = (byte)"0123456789abcdef"[bytes[i] & 15];
        }

        _output.Advance(bytes.Length * 2);
    }

    private void WriteNumber(int value)
    {
        Span<byte> span = _output.GetSpan(11);
        Utf8Formatter.TryFormat(value, span, out int written);
        _output.Advance(written);
    }

    private void WriteNumber(uint value)
    {
        Span<byte> span = _output.GetSpan(10);
        Utf8Formatter.TryFormat(value, span, out int written);
        _output.Advance(written);
    }

    /// <summary>As <see cref="Fixed.TryFormat"/>: integer part, '.', eight exact decimals.</summary>
    private void WriteFixed(int raw)
    {
        Span<byte> span = _output.GetSpan(24);
        int written = 0;
        long magnitude = raw;
        if (magnitude < 0)
        {
            span[written++] = (byte)'-';
            magnitude = -magnitude;
        }

        Utf8Formatter.TryFormat(magnitude / 256, span[written..], out int n);
        written += n;
        span[written++] = (byte)'.';
        Utf8Formatter.TryFormat(390625 * (magnitude % 256), span[written..], out n, new System.Buffers.StandardFormat('D', 8));
        written += n;
        _output.Advance(written);
    }
}
