using Wayland.Events;
using Wayland.Interop;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>Small raw-fd helpers for tests (over the wire core's interop layer).</summary>
internal static unsafe class TestSupport
{
    internal const int SIGUSR1 = 10;
    internal const int SIGUSR2 = 12;

    internal static void Write(SafeFdHandle fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            nint written = LibC.Write(fd.Fd, p, (nuint)data.Length);
            Assert.Equal(data.Length, (int)written);
        }
    }

    internal static void WriteInt(SafeFdHandle fd, int value) => Write(fd, BitConverter.GetBytes(value));

    internal static void Kill(int signal) => Assert.Equal(0, LibC.Kill(LibC.GetPid(), signal));

    internal static void RaiseOnThisThread(int signal) => Assert.Equal(0, EventLoopOps.RaiseOnThisThread(signal, out _));

    /// <summary>A memfd of <paramref name="size"/> bytes.</summary>
    internal static SafeFdHandle Memfd(long size, bool sealable = false)
    {
        int fd = FileOps.MemfdCreate("wl-test", Native.MFD_CLOEXEC | (sealable ? Native.MFD_ALLOW_SEALING : 0), out int errno);
        Assert.True(fd >= 0, $"memfd_create: errno {errno}");
        SafeFdHandle handle = new(fd);
        Truncate(handle, size);
        return handle;
    }

    internal static void Truncate(SafeFdHandle fd, long size) => Assert.Equal(0, SharedMemoryOps.Truncate(fd.Fd, size, out _));

    internal static void SealShrink(SafeFdHandle fd) => Assert.Equal(0, SharedMemoryOps.AddSeals(fd.Fd, Native.F_SEAL_SHRINK, out _));

    internal static void WriteAt(SafeFdHandle fd, long offset, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            Assert.Equal(data.Length, (int)LibC.PWrite(fd.Fd, p, (nuint)data.Length, offset));
        }
    }
}
