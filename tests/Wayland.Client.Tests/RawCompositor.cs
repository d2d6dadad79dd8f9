using Wayland.Wire;

namespace Wayland.Client.Tests;

/// <summary>
/// The compositor end of a socketpair, driven by hand: it writes exactly the events a test wants (to ids the
/// client never had, about objects the client destroyed, ...) and never reads what the client sends unless
/// asked to. The client end is connected with <see cref="WaylandDisplay.ConnectTo"/>.
/// </summary>
internal sealed class RawCompositor : IDisposable
{
    private readonly Connection _connection;

    private RawCompositor(WaylandDisplay display, SafeFdHandle socket)
    {
        Display = display;
        _connection = new Connection(socket, maxBufferSize: 0);
    }

    /// <summary>The client end, connected to this compositor.</summary>
    public WaylandDisplay Display { get; }

    /// <summary>A socketpair: the display on one end, the raw compositor on the other.</summary>
    public static RawCompositor Create(ProtocolLogger? logger = null)
    {
        (SafeFdHandle ours, SafeFdHandle theirs) = UnixSocket.CreatePair();
        return new RawCompositor(WaylandDisplay.ConnectTo(ours, logger), theirs);
    }

    /// <summary>Sends an event whose arguments are 32-bit words, with descriptors (borrowed; they are dup'ed).</summary>
    public void SendEvent(uint objectId, ushort opcode, ReadOnlySpan<uint> words, ReadOnlySpan<int> fds = default)
    {
        Span<byte> buffer = stackalloc byte[WireLimits.MaxMessageSize];
        Span<int> fdSlots = stackalloc int[Math.Max(1, fds.Length)];
        MessageWriter writer = new(buffer, objectId, opcode, fdSlots);
        foreach (uint word in words)
        {
            writer.WriteUInt(word);
        }

        foreach (int fd in fds)
        {
            writer.WriteFd(fd);
        }

        _connection.Enqueue(writer.Finish(), writer.Fds);
        Flush();
    }

    /// <summary>Sends <c>wl_display.error(object, code, message)</c>.</summary>
    public void SendError(uint objectId, uint code, string message)
    {
        Span<byte> buffer = stackalloc byte[WireLimits.MaxMessageSize];
        MessageWriter writer = new(buffer, 1, 0);
        writer.WriteObject(objectId);
        writer.WriteUInt(code);
        writer.WriteString(message);
        _connection.Enqueue(writer.Finish(), writer.Fds);
        Flush();
    }

    /// <summary>Sends <c>wl_display.delete_id(id)</c>.</summary>
    public void SendDeleteId(uint id) => SendEvent(1, 1, [id]);

    /// <summary>Sends <c>wl_callback.done(data)</c> to <paramref name="callbackId"/>.</summary>
    public void SendDone(uint callbackId, uint data = 0) => SendEvent(callbackId, 0, [data]);

    /// <summary>Waits until the client has sent something and reads it (the bytes are dropped).</summary>
    public void ReadSomething()
    {
        Assert.True(UnixSocket.Wait(_connection.Socket, writable: false, TimeSpan.FromSeconds(60)), "the client sent nothing");
        Assert.Equal(ReadResult.Data, _connection.Read());
    }

    /// <summary>Reads until <paramref name="count"/> bytes from the client have arrived in all (they are kept, not parsed).</summary>
    public void ReadUntil(int count)
    {
        while (_connection.IncomingBytes.Length < count)
        {
            Assert.True(UnixSocket.Wait(_connection.Socket, writable: false, TimeSpan.FromSeconds(60)), "the client stopped sending");
            Assert.Equal(ReadResult.Data, _connection.Read());
        }
    }

    /// <summary>Closes the compositor end only: the client sees end-of-file, or ECONNRESET when it had sent
    /// bytes that were never read.</summary>
    public void HangUp() => _connection.Dispose();

    /// <summary>Closes both ends.</summary>
    public void Dispose()
    {
        Display.Dispose();
        _connection.Dispose();
    }

    private void Flush() => Assert.Equal(FlushResult.Complete, _connection.Flush());
}
