using System.Runtime.InteropServices;

namespace Wayland.Wire;

/// <summary>A system call failed; <see cref="Errno"/> holds the POSIX error number.</summary>
public sealed class WaylandIOException : WaylandException
{
    /// <summary>Creates the exception for <paramref name="errno"/> returned by <paramref name="operation"/>.</summary>
    public WaylandIOException(int errno, string operation)
        : base($"{operation} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
    {
        Errno = errno;
        Operation = operation;
    }

    /// <summary>Creates the exception with a message of the caller's.</summary>
    public WaylandIOException(int errno, string operation, string message)
        : base(message)
    {
        Errno = errno;
        Operation = operation;
    }

    /// <summary>The POSIX error number.</summary>
    public int Errno { get; }

    /// <summary>The operation that failed (for example <c>sendmsg</c>).</summary>
    public string Operation { get; }
}
