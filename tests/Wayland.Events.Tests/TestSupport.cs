using Wayland.Interop;
using Wayland.Wire;

namespace Wayland.Events.Tests;

/// <summary>Raw writes and signals for the loop's tests (over the OS layer).</summary>
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
}
