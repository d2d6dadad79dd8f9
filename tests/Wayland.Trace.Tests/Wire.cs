using System.Buffers.Binary;
using System.Text;
using Wayland.Wire;

namespace Wayland.Trace.Tests;

/// <summary>Hand-built messages and blocking socket reads for the raw-client tests.</summary>
internal static class Wire
{
    /// <summary>A message: header, then each argument (uint, int, or string with its length and padding).</summary>
    public static byte[] Message(uint objectId, ushort opcode, params object[] arguments)
    {
        List<byte> body = [];
        foreach (object argument in arguments)
        {
            switch (argument)
            {
                case uint u:
                    AddWord(body, u);
                    break;
                case int i:
                    AddWord(body, (uint)i);
                    break;
                case string s:
                    byte[] utf8 = Encoding.UTF8.GetBytes(s + "\0");
                    AddWord(body, (uint)utf8.Length);
                    body.AddRange(utf8);
                    while (body.Count % 4 != 0)
                    {
                        body.Add(0);
                    }

                    break;
                default:
                    throw new ArgumentException($"unsupported argument {argument}");
            }
        }

        List<byte> message = [];
        AddWord(message, objectId);
        AddWord(message, ((uint)(body.Count + 8) << 16) | opcode);
        message.AddRange(body);
        return [.. message];
    }

    private static void AddWord(List<byte> bytes, uint word)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(four, word);
        bytes.AddRange(four.ToArray());
    }

    /// <summary>Sends all of <paramref name="data"/> (fds with the first byte), waiting while the socket is full.</summary>
    public static void Send(SafeFdHandle socket, ReadOnlySpan<byte> data, ReadOnlySpan<int> fds = default)
    {
        while (data.Length > 0)
        {
            int sent = UnixSocket.Send(socket, data, fds);
            if (sent < 0)
            {
                Assert.True(UnixSocket.Wait(socket, writable: true, TimeSpan.FromSeconds(10)), "the socket stayed full");
                continue;
            }

            data = data[sent..];
            fds = default;
        }
    }

    /// <summary>Reads until <paramref name="count"/> bytes and <paramref name="fdCount"/> descriptors have arrived (or end of file).</summary>
    public static (byte[] Bytes, List<SafeFdHandle> Fds, bool Closed) Read(SafeFdHandle socket, int count, int fdCount = 0)
    {
        List<byte> bytes = [];
        List<SafeFdHandle> fds = [];
        byte[] buffer = new byte[65536];
        int[] received = new int[UnixSocket.MaxFdsPerReceive];
        while (bytes.Count < count || fds.Count < fdCount)
        {
            Assert.True(UnixSocket.Wait(socket, writable: false, TimeSpan.FromSeconds(20)),
                $"timed out with {bytes.Count} of {count} bytes and {fds.Count} of {fdCount} fds");
            int n = UnixSocket.Receive(socket, buffer, received, out int got);
            for (int i = 0; i < got; i++)
            {
                fds.Add(new SafeFdHandle(received[i]));
            }

            if (n == 0)
            {
                return ([.. bytes], fds, true);
            }

            if (n > 0)
            {
                bytes.AddRange(buffer.AsSpan(0, n).ToArray());
            }
        }

        return ([.. bytes], fds, false);
    }

    /// <summary>Waits for end of file, failing on any more data.</summary>
    public static void AssertClosed(SafeFdHandle socket)
    {
        (byte[] extra, List<SafeFdHandle> fds, bool closed) = Read(socket, int.MaxValue);
        fds.ForEach(f => f.Dispose());
        Assert.True(closed);
        Assert.Empty(extra);
    }
}
