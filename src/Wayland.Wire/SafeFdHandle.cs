using System.Runtime.InteropServices;
using Wayland.Interop;

namespace Wayland.Wire;

/// <summary>
/// An owned (or borrowed) POSIX file descriptor. Every descriptor received from a peer is handed
/// out exactly once as one of these; disposing it closes the descriptor.
/// </summary>
public sealed class SafeFdHandle : SafeHandle
{
    private static long s_finalized;
    private readonly bool _owns;

    /// <summary>Creates an invalid handle (descriptor -1).</summary>
    public SafeFdHandle()
        : base(new IntPtr(-1), ownsHandle: true)
    {
        _owns = true;
    }

    /// <summary>Wraps <paramref name="fd"/>; when <paramref name="ownsHandle"/> is true, disposing closes it.</summary>
    public SafeFdHandle(int fd, bool ownsHandle = true)
        : base(new IntPtr(-1), ownsHandle)
    {
        _owns = ownsHandle;
        SetHandle(new IntPtr(fd));
    }

    /// <summary>
    /// How many descriptors, process-wide, were closed by the finalizer because nobody disposed their handle. Each
    /// one is a leak: the descriptor stayed open until a garbage collection happened to run. A diagnostic for
    /// tests and long runs; it should stay 0.
    /// </summary>
    public static long FinalizedCount => Interlocked.Read(ref s_finalized);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (!disposing && _owns && !IsInvalid && !IsClosed)
        {
            Interlocked.Increment(ref s_finalized);
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The raw descriptor number; valid only while this handle is open.</summary>
    public int Fd => (int)handle.ToInt64();

    /// <summary>Duplicates the descriptor (close-on-exec). The caller owns the result.</summary>
    /// <exception cref="ObjectDisposedException">This handle is closed.</exception>
    /// <exception cref="WaylandIOException">dup failed (for example EMFILE).</exception>
    public SafeFdHandle Duplicate()
    {
        ObjectDisposedException.ThrowIf(IsClosed || IsInvalid, this);
        bool added = false;
        try
        {
            DangerousAddRef(ref added);
            int dup = FileOps.DupCloexec(Fd, out int errno);
            return dup < 0 ? throw new WaylandIOException(errno, "dup") : new SafeFdHandle(dup);
        }
        finally
        {
            if (added)
            {
                DangerousRelease();
            }
        }
    }

    /// <summary>Sets or clears close-on-exec. Clear it only on a descriptor meant for a child process
    /// (for example one end of a socketpair passed as <c>WAYLAND_SOCKET</c>).</summary>
    /// <exception cref="WaylandIOException">fcntl failed (for example EBADF).</exception>
    public void SetCloseOnExec(bool closeOnExec)
    {
        ObjectDisposedException.ThrowIf(IsClosed || IsInvalid, this);
        if (FileOps.SetCloseOnExec(Fd, closeOnExec, out int errno) < 0)
        {
            throw new WaylandIOException(errno, "fcntl(F_SETFD)");
        }
    }

    /// <summary>Closes raw descriptors this process owns (for example ones received with
    /// <see cref="UnixSocket.Receive"/> and passed on), skipping -1, and sets each slot to -1.</summary>
    public static void CloseAll(Span<int> fds) => FdList.CloseAll(fds);

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibC.Close(Fd) == 0;

    /// <inheritdoc/>
    public override string ToString() => IsClosed ? "fd (closed)" : $"fd {Fd}";
}
