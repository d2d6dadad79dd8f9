using System.Runtime.InteropServices;

namespace Wayland.Interop;

/// <summary>
/// <c>sendmsg</c>/<c>recvmsg</c> with SCM_RIGHTS, over spans. Returns the byte count or -1 with
/// errno in the out parameter; never throws.
/// </summary>
internal static unsafe class SocketIO
{
    /// <summary>Most fds that fit in one control message we build or accept.</summary>
    internal const int MaxFdsPerMessage = 28;

    private static int CMsgAlign(int length) => (length + sizeof(nuint) - 1) & ~(sizeof(nuint) - 1);

    private static int CMsgSpace(int dataLength) => CMsgAlign(sizeof(CMsgHdr)) + CMsgAlign(dataLength);

    private static int CMsgLength(int dataLength) => CMsgAlign(sizeof(CMsgHdr)) + dataLength;

    /// <summary>Control buffer size for <see cref="MaxFdsPerMessage"/> descriptors.</summary>
    internal static int ControlBufferSize => CMsgSpace(MaxFdsPerMessage * sizeof(int));

    /// <summary>Sends <paramref name="data"/> with <paramref name="fds"/> attached (at most 28), with
    /// <c>MSG_NOSIGNAL | MSG_DONTWAIT</c>, retrying on EINTR.</summary>
    internal static nint Send(int socket, ReadOnlySpan<byte> data, ReadOnlySpan<int> fds, out int errno)
    {
        if (fds.Length > MaxFdsPerMessage)
        {
            throw new ArgumentOutOfRangeException(nameof(fds));
        }

        byte* control = stackalloc byte[ControlBufferSize];
        fixed (byte* dataPtr = data)
        {
            IoVec iov = new() { Base = dataPtr, Length = (nuint)data.Length };
            MsgHdr msg = new() { Iov = &iov, IovLength = 1 };
            if (fds.Length > 0)
            {
                int dataLength = fds.Length * sizeof(int);
                CMsgHdr* header = (CMsgHdr*)control;
                header->Length = (nuint)CMsgLength(dataLength);
                header->Level = Native.SOL_SOCKET;
                header->Type = Native.SCM_RIGHTS;
                fds.CopyTo(new Span<int>(control + CMsgAlign(sizeof(CMsgHdr)), fds.Length));
                msg.Control = control;
                msg.ControlLength = (nuint)CMsgSpace(dataLength);
            }

            nint sent;
            do
            {
                sent = LibC.SendMsg(socket, &msg, Native.MSG_NOSIGNAL | Native.MSG_DONTWAIT);
                errno = sent < 0 ? Errno.Last : 0;
            }
            while (sent < 0 && errno == Errno.EINTR);
            return sent;
        }
    }

    /// <summary>
    /// Receives into <paramref name="data"/>; received descriptors (close-on-exec) are written to
    /// <paramref name="fds"/> (capacity at least <see cref="MaxFdsPerMessage"/> is enough for any peer
    /// that follows the protocol). Descriptors beyond the capacity of <paramref name="fds"/> are
    /// closed here and reported through <paramref name="fdOverflow"/>; <paramref name="truncated"/>
    /// is set when the kernel dropped control data (MSG_CTRUNC).
    /// </summary>
    internal static nint Receive(int socket, Span<byte> data, Span<int> fds, out int fdCount,
        out bool truncated, out bool fdOverflow, out int errno)
    {
        // Room for more than we accept, so that a peer sending a few too many is noticed
        // (and its fds closed) rather than silently truncated by the kernel.
        const int controlFds = 253; // SCM_MAX_FD
        int controlSize = CMsgSpace(controlFds * sizeof(int));
        byte* control = stackalloc byte[controlSize];
        fdCount = 0;
        truncated = false;
        fdOverflow = false;
        fixed (byte* dataPtr = data)
        {
            IoVec iov = new() { Base = dataPtr, Length = (nuint)data.Length };
            MsgHdr msg = new() { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)controlSize };
            nint received;
            do
            {
                msg.ControlLength = (nuint)controlSize;
                received = LibC.RecvMsg(socket, &msg, Native.MSG_DONTWAIT | Native.MSG_CMSG_CLOEXEC);
                errno = received < 0 ? Errno.Last : 0;
            }
            while (received < 0 && errno == Errno.EINTR);

            if (received < 0)
            {
                return received;
            }

            truncated = (msg.Flags & Native.MSG_CTRUNC) != 0;
            byte* end = control + (nint)msg.ControlLength;
            byte* cursor = control;
            int headerSize = CMsgAlign(sizeof(CMsgHdr));
            while (msg.ControlLength > 0 && cursor + headerSize <= end)
            {
                CMsgHdr* header = (CMsgHdr*)cursor;
                if (header->Length < (nuint)headerSize || cursor + (nint)header->Length > end)
                {
                    break;
                }

                if (header->Level == Native.SOL_SOCKET && header->Type == Native.SCM_RIGHTS)
                {
                    int count = (int)((header->Length - (nuint)headerSize) / sizeof(int));
                    int* incoming = (int*)(cursor + headerSize);
                    for (int i = 0; i < count; i++)
                    {
                        if (fdCount < fds.Length)
                        {
                            fds[fdCount++] = incoming[i];
                        }
                        else
                        {
                            LibC.Close(incoming[i]);
                            fdOverflow = true;
                        }
                    }
                }

                cursor += CMsgAlign((int)header->Length);
            }

            return received;
        }
    }
}
