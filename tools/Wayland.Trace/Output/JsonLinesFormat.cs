using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Wayland.Trace.Decoding;
using Wayland.Wire;

namespace Wayland.Trace.Output;

/// <summary>
/// <c>--json</c>: one JSON object per message (JSON Lines) with time, direction, client, object, interface, message,
/// typed arguments (enum names where the XML gives them), descriptors, and for undecodable messages the raw bytes.
/// Written with <see cref="Utf8JsonWriter"/> straight into the output buffer: no reflection, nothing allocated per message.
/// </summary>
internal sealed class JsonLinesFormat : ITraceFormat
{
    private readonly TraceOutput _output;
    private readonly Utf8JsonWriter _json;
    private readonly byte[] _hex = new byte[2 * ConnectionTrace.MaxMessageSize];

    public JsonLinesFormat(TraceOutput output)
    {
        _output = output;
        _json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
    }

    public void Write(in TracedMessage message, DateTime time)
    {
        Utf8JsonWriter json = _json;
        json.WriteStartObject();
        json.WriteString("time"u8, time);
        json.WriteString("dir"u8, message.IsRequest ? "request"u8 : "event"u8);
        WriteClient(message.Client);
        if (message.Status is DecodeStatus.Unparseable or DecodeStatus.Incomplete)
        {
            json.WriteString("status"u8, message.Status == DecodeStatus.Unparseable ? "unparseable"u8 : "incomplete"u8);
        }
        else
        {
            json.WriteNumber("object"u8, message.ObjectId);
            if (message.Interface is not null)
            {
                json.WriteString("interface"u8, message.Interface.NameUtf8);
            }

            if (message.Message is not null)
            {
                json.WriteString("message"u8, message.Message.NameUtf8);
            }

            json.WriteNumber("opcode"u8, message.Opcode);
            if (message.Status == DecodeStatus.Decoded)
            {
                WriteArguments(message);
            }
            else
            {
                json.WriteString("status"u8, message.Status switch
                {
                    DecodeStatus.UnknownObject => "unknown_object"u8,
                    DecodeStatus.UnknownOpcode => "unknown_opcode"u8,
                    _ => "malformed"u8,
                });
            }
        }

        if (message.Problem is not null)
        {
            json.WriteString("problem"u8, message.Problem);
        }

        if (message.Status != DecodeStatus.Decoded)
        {
            WriteHex("raw"u8, message.Bytes);
        }

        json.WriteEndObject();
        EndLine();
    }

    public void Note(TraceClient? client, string text, DateTime time)
    {
        _json.WriteStartObject();
        _json.WriteString("time"u8, time);
        if (client is not null)
        {
            WriteClient(client);
        }

        _json.WriteString("note"u8, text);
        _json.WriteEndObject();
        EndLine();
    }

    /// <summary>Writes the summary as one more line.</summary>
    public void Write(Summary summary)
    {
        summary.WriteJson(_json);
        EndLine();
    }

    private void EndLine()
    {
        _json.Flush();
        _json.Reset();
        _output.Write((byte)'\n');
    }

    private void WriteClient(TraceClient client)
    {
        _json.WriteStartObject("client"u8);
        _json.WriteNumber("pid"u8, client.ProcessId);
        _json.WriteString("name"u8, client.CommandUtf8);
        _json.WriteEndObject();
    }

    private void WriteArguments(in TracedMessage message)
    {
        Utf8JsonWriter json = _json;
        TraceArgument[] arguments = message.Message!.Arguments;
        ReadOnlySpan<byte> bytes = message.Bytes;
        json.WriteStartArray("args"u8);
        for (int i = 0; i < arguments.Length; i++)
        {
            TraceArgument argument = arguments[i];
            ArgumentValue value = message.Values[i];
            json.WriteStartObject();
            json.WriteString("name"u8, argument.NameUtf8);
            switch (argument.Type)
            {
                case ArgumentType.Int:
                    json.WriteString("type"u8, "int"u8);
                    json.WriteNumber("value"u8, (int)value.Value);
                    WriteEnum(argument, value.Value);
                    break;
                case ArgumentType.UInt:
                    json.WriteString("type"u8, "uint"u8);
                    json.WriteNumber("value"u8, value.Value);
                    WriteEnum(argument, value.Value);
                    break;
                case ArgumentType.Fixed:
                    json.WriteString("type"u8, "fixed"u8);
                    json.WriteNumber("value"u8, (int)value.Value / 256.0);
                    break;
                case ArgumentType.String:
                    json.WriteString("type"u8, "string"u8);
                    WriteText("value"u8, bytes, value);
                    break;
                case ArgumentType.Object:
                    json.WriteString("type"u8, "object"u8);
                    json.WriteNumber("value"u8, value.Value);
                    TraceInterface? target = value.Value == 0 ? null : message.Objects.Find(value.Value, out _);
                    if (target is not null)
                    {
                        json.WriteString("interface"u8, target.NameUtf8);
                    }

                    break;
                case ArgumentType.NewId:
                    json.WriteString("type"u8, "new_id"u8);
                    json.WriteNumber("value"u8, value.Value);
                    if (argument.InterfaceName is null)
                    {
                        WriteText("interface"u8, bytes, value);
                        json.WriteNumber("version"u8, value.Version);
                    }
                    else
                    {
                        json.WriteString("interface"u8, argument.InterfaceName);
                    }

                    break;
                case ArgumentType.Array:
                    json.WriteString("type"u8, "array"u8);
                    WriteHex("value"u8, bytes.Slice(value.Offset, value.Length));
                    break;
                case ArgumentType.Fd:
                    json.WriteString("type"u8, "fd"u8);
                    int index = (int)value.Value;
                    json.WriteNumber("value"u8, index < message.Fds.Length ? message.Fds[index] : -1);
                    break;
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (message.Message.Name == "error" && message.Message.Owner.Name == "wl_display" && !message.IsRequest)
        {
            TraceInterface? target = message.Objects.Find(message.Values[0].Value, out _);
            if (WaylandDebugFormat.ErrorName(target, message.Values[1].Value) is { } name)
            {
                json.WriteString("error_name"u8, name);
            }
        }

        if (message.Fds.Length > 0)
        {
            json.WriteStartArray("fds"u8);
            foreach (int fd in message.Fds)
            {
                json.WriteNumberValue(fd);
            }

            json.WriteEndArray();
        }
    }

    private void WriteEnum(TraceArgument argument, uint value)
    {
        if (argument.Enum is null)
        {
            return;
        }

        _json.WriteString("enum"u8, argument.Enum.QualifiedName);
        Span<char> name = stackalloc char[512];
        if (argument.Enum.TryDescribe(value, name, out int written))
        {
            _json.WriteString("enum_name"u8, name[..written]);
        }
    }

    private void WriteText(ReadOnlySpan<byte> property, ReadOnlySpan<byte> bytes, ArgumentValue value)
    {
        if (value.Length < 0)
        {
            _json.WriteNull(property);
            return;
        }

        ReadOnlySpan<byte> text = bytes.Slice(value.Offset, value.Length);
        if (Utf8.IsValid(text))
        {
            _json.WriteString(property, text);
        }
        else
        {
            // Not UTF-8: JSON cannot hold it as a string.
            _json.WriteNull(property);
            WriteHex("value_hex"u8, text);
        }
    }

    private void WriteHex(ReadOnlySpan<byte> property, ReadOnlySpan<byte> bytes)
    {
        int length = Math.Min(bytes.Length, _hex.Length / 2);
        for (int i = 0; i < length; i++)
        {
            _hex[2 * i] = (byte)"0123456789abcdef"[bytes[i] >> 4];
            _hex[(2 * i) + 1] = (byte)"0123456789abcdef"[bytes[i] & 15];
        }

        _json.WriteString(property, _hex.AsSpan(0, 2 * length));
    }
}
