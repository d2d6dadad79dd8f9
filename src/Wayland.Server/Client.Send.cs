using System.Text;
using Microsoft.Extensions.Logging;
using Wayland.Server.Diagnostics;
using Wayland.Wire;

namespace Wayland.Server;

public sealed partial class Client
{
    /// <summary>Longest error text libwayland sends (it formats into a 128-byte buffer).</summary>
    private const int MaxErrorBytes = 127;

    /// <summary>Queues an event; a client whose buffer cannot take it has failed and will be disconnected.</summary>
    internal void SendEvent(Resource resource, ushort opcode, ReadOnlySpan<byte> message, ReadOnlySpan<int> fds)
    {
        if (opcode >= resource.Interface.Events.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(opcode), opcode, $"{resource.Interface.Name} has no event {opcode}");
        }

        MessageDescriptor descriptor = resource.Interface.Events[opcode];
        if (descriptor.Since > resource.Version)
        {
            throw new InvalidOperationException(
                $"{resource.Interface.Name}.{descriptor.Name} needs version {descriptor.Since}, but {resource} has version {resource.Version}; nothing was sent");
        }

        if (_failed || _destroying)
        {
            return;
        }

        if (Display.Logger is not null)
        {
            LogEvent(resource, descriptor, message, fds);
        }

        try
        {
            if (_connection.TryEnqueue(message, fds))
            {
                if (!fds.IsEmpty && _connection.HighestFdDuplicated >= Display.MaxDescriptors)
                {
                    // Descriptors waiting to be sent fill the table (a client asking for keymaps it never reads, over
                    // many connections): make room on the loop's next turn, not in the middle of sending an event.
                    Display.ScheduleMakeRoom();
                }

                WantFlush();
                Display.Metrics.MessagesSent.Add(1);
                Display.Metrics.BytesSent.Add(message.Length);
                return;
            }

            if (Display.ShouldLog(LogLevel.Warning, this))
            {
                ServerLog.EventDoesNotFit(Display.Log, ToString(), resource.ToString(), descriptor.Name, _connection.OutgoingBytes, MaxBufferSize);
            }
        }
        catch (WaylandException e)
        {
            if (Display.ShouldLog(LogLevel.Warning, this))
            {
                ServerLog.CannotQueueEvent(Display.Log, ToString(), resource.ToString(), descriptor.Name, e.Message);
            }
        }

        // As libwayland: the client has failed; later events are dropped and it is disconnected.
        Fail();
    }

    /// <summary>Sends <c>wl_display.error</c> about <paramref name="target"/>, then fails the client.</summary>
    internal void PostError(Resource target, uint code, string message)
    {
        if (_failed || _destroying)
        {
            return;
        }

        string text = Truncate(message);
        Error = new ClientError(target.Interface.Name, target.Id, code, text);
        Display.Metrics.ProtocolErrors.Add(1, new KeyValuePair<string, object?>("wayland.interface", target.Interface.Name));
        if (Display.ShouldLog(LogLevel.Debug, this))
        {
            ServerLog.ProtocolError(Display.Log, ToString(), code, target.Interface.Name, target.Id, text);
        }

        _displayResource.SendError(target.Id, code, text);
        Fail();
    }

    /// <summary>Marks the client failed; it is destroyed after its current request, or at the next
    /// <see cref="Display.FlushClients"/> (libwayland waits for the client's next request or hang-up).</summary>
    private void Fail()
    {
        _failed = true;
        QueueForFlush();
    }

    /// <summary>Something queued is to be sent at the next <see cref="Display.FlushClients"/>.</summary>
    private void WantFlush()
    {
        _wantFlush = true;
        QueueForFlush();
    }

    /// <summary>Puts the client on the display's list of clients <see cref="Display.FlushClients"/> visits (once),
    /// so that a loop turn costs nothing for idle connections, however many there are.</summary>
    private void QueueForFlush()
    {
        if (!QueuedForFlush)
        {
            QueuedForFlush = true;
            Display.QueueForFlush(this);
        }
    }

    /// <summary>Whether the client is on the display's list for the next <see cref="Display.FlushClients"/>.</summary>
    internal bool QueuedForFlush;

    private static string Truncate(string message)
    {
        if (Encoding.UTF8.GetByteCount(message) <= MaxErrorBytes)
        {
            return message;
        }

        byte[] utf8 = Encoding.UTF8.GetBytes(message);
        int cut = MaxErrorBytes;
        while (cut > 0 && (utf8[cut] & 0xc0) == 0x80)
        {
            cut--;
        }

        return Encoding.UTF8.GetString(utf8, 0, cut);
    }

    private void LogEvent(Resource resource, MessageDescriptor descriptor, ReadOnlySpan<byte> message, ReadOnlySpan<int> fds)
    {
        Span<ArgumentValue> values = stackalloc ArgumentValue[WireLimits.MaxArguments];
        if (WireParser.ParseArguments(message, descriptor, fds.Length, values, out _) != ParseStatus.Complete)
        {
            return;
        }

        Span<int> fdCopy = stackalloc int[fds.Length];
        fds.CopyTo(fdCopy);
        Display.Logger!.Log(new MessageArguments(message, descriptor, values, fdCopy), resource.Interface.Name, resource.Id, sent: true,
            discarded: false, queueName: null, _interfaceOf);
    }
}
