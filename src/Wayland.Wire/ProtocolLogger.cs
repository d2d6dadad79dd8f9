using System.Globalization;
using System.Text;

namespace Wayland.Wire;

/// <summary>
/// Prints messages in libwayland's <c>WAYLAND_DEBUG</c> line format (upstream 1.26):
/// <c>[12:34:56.789012] {Default Queue}  -&gt; wl_display#1.get_registry(new id wl_registry#2)</c>.
/// The timestamp is the UTC time of day; the queue part appears only when a queue name is given
/// (servers never give one); each line is written with one call.
/// </summary>
public sealed class ProtocolLogger
{
    private readonly TextWriter _writer;
    private readonly TimeProvider _time;
    private readonly StringBuilder _line = new(256);
    private readonly Lock _lock = new();

    /// <summary>Creates a logger writing to <paramref name="writer"/>.</summary>
    /// <param name="writer">Where lines go (libwayland writes to stderr).</param>
    /// <param name="time">Clock for timestamps; the system clock by default.</param>
    public ProtocolLogger(TextWriter writer, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// A logger on stderr when <c>WAYLAND_DEBUG</c> asks for this side, else null. As libwayland 1.25+
    /// does, the variable is read as comma-separated tokens: <c>1</c> means both sides, <c>client</c>
    /// and <c>server</c> one side each.
    /// </summary>
    /// <param name="server">True for the server side, false for the client side.</param>
    public static ProtocolLogger? FromEnvironment(bool server) =>
        IsEnabled(Environment.GetEnvironmentVariable("WAYLAND_DEBUG"), server) ? new ProtocolLogger(Console.Error) : null;

    /// <summary>Whether a <c>WAYLAND_DEBUG</c> value enables logging for the given side.</summary>
    public static bool IsEnabled(string? value, bool server)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        foreach (Range part in value.AsSpan().Split(','))
        {
            ReadOnlySpan<char> token = value.AsSpan()[part];
            if (token.SequenceEqual("1") || token.SequenceEqual(server ? "server" : "client"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Logs one decoded message.</summary>
    /// <param name="message">The decoded message (sent or received).</param>
    /// <param name="target">Interface of the object the message is sent to or from.</param>
    /// <param name="targetId">That object's id.</param>
    /// <param name="sent">True for a message we send (printed with <c> -&gt; </c>).</param>
    /// <param name="discarded">True when the message is dropped (destroyed target, no handler).</param>
    /// <param name="queueName">Client event queue name, or null (always null on a server).</param>
    /// <param name="objectInterface">Interface name of an object id, or null when it is unknown or gone (printed <c>nil</c>).</param>
    public void Log(in MessageArguments message, string target, uint targetId, bool sent, bool discarded, string? queueName,
        Func<uint, string?> objectInterface)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(objectInterface);
        lock (_lock)
        {
            StringBuilder line = _line.Clear();
            AppendPrefix(line, queueName);
            if (discarded)
            {
                line.Append("discarded ");
            }

            if (sent)
            {
                line.Append(" -> ");
            }

            line.Append(target).Append('#').Append(targetId).Append('.').Append(message.Descriptor.Name).Append('(');
            AppendArguments(line, message, objectInterface);
            line.Append(")\n");
            _writer.Write(line.ToString());
            _writer.Flush();
        }
    }

    /// <summary>
    /// Logs a received event dropped before decoding because its target is a zombie or unknown,
    /// in libwayland's form: <c>discarded [zombie]#5.[event 1](1 fd, 12 byte)</c>.
    /// </summary>
    public void LogDiscardedUnknown(bool zombie, uint objectId, ushort opcode, int fdCount, int size)
    {
        lock (_lock)
        {
            StringBuilder line = _line.Clear();
            AppendPrefix(line, queueName: null);
            line.Append("discarded [").Append(zombie ? "zombie" : "unknown").Append("]#").Append(objectId)
                .Append(".[event ").Append(opcode).Append("](").Append(fdCount).Append(" fd, ").Append(size).Append(" byte)\n");
            _writer.Write(line.ToString());
            _writer.Flush();
        }
    }

    private void AppendPrefix(StringBuilder line, string? queueName)
    {
        DateTimeOffset now = _time.GetUtcNow();
        TimeSpan ofDay = now.UtcDateTime.TimeOfDay;
        long micros = ofDay.Ticks / 10 % 1_000_000;
        line.Append('[')
            .Append(ofDay.Hours.ToString("D2", CultureInfo.InvariantCulture)).Append(':')
            .Append(ofDay.Minutes.ToString("D2", CultureInfo.InvariantCulture)).Append(':')
            .Append(ofDay.Seconds.ToString("D2", CultureInfo.InvariantCulture)).Append('.')
            .Append(micros.ToString("D6", CultureInfo.InvariantCulture)).Append("] ");
        if (queueName is not null)
        {
            line.Append('{').Append(queueName).Append("} ");
        }
    }

    private static void AppendArguments(StringBuilder line, in MessageArguments message, Func<uint, string?> objectInterface)
    {
        Span<char> number = stackalloc char[32];
        IReadOnlyList<ArgumentDescriptor> arguments = message.Descriptor.Arguments;
        for (int i = 0; i < arguments.Count; i++)
        {
            if (i > 0)
            {
                line.Append(", ");
            }

            ArgumentDescriptor argument = arguments[i];
            switch (argument.Type)
            {
                case ArgumentType.Int:
                    line.Append(message.GetInt(i));
                    break;
                case ArgumentType.UInt:
                    line.Append(message.GetUInt(i));
                    break;
                case ArgumentType.Fixed:
                    message.GetFixed(i).TryFormat(number, out int written);
                    line.Append(number[..written]);
                    break;
                case ArgumentType.String:
                    AppendString(line, message, i);
                    break;
                case ArgumentType.Object:
                    uint id = message.GetObjectId(i);
                    string? name = id == 0 ? null : objectInterface(id);
                    if (name is null)
                    {
                        line.Append("nil");
                    }
                    else
                    {
                        line.Append(name).Append('#').Append(id);
                    }

                    break;
                case ArgumentType.NewId:
                    if (argument.IsUntypedNewId)
                    {
                        // On the wire: interface name, version, id; printed as three arguments.
                        AppendString(line, message, i);
                        line.Append(", ").Append(message.GetNewIdVersion(i)).Append(", ");
                    }

                    line.Append("new id ").Append(argument.InterfaceName ?? "[unknown]").Append('#');
                    line.Append(message.GetObjectId(i));
                    break;
                case ArgumentType.Array:
                    line.Append("array[").Append(message.GetArray(i).Length).Append(']');
                    break;
                case ArgumentType.Fd:
                    line.Append("fd ").Append(message.PeekFd(i));
                    break;
            }
        }
    }

    private static void AppendString(StringBuilder line, in MessageArguments message, int index)
    {
        if (message.IsNull(index))
        {
            line.Append("nil");
            return;
        }

        ReadOnlySpan<byte> utf8 = message.GetStringUtf8(index);
        Span<char> chars = utf8.Length <= 512 ? stackalloc char[utf8.Length] : new char[utf8.Length];
        int count = Encoding.UTF8.GetChars(utf8, chars);
        line.Append('"').Append(chars[..count]).Append('"');
    }
}
