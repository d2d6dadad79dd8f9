using Wayland.Interop;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>Small raw-fd helpers for tests (over the OS layer).</summary>
internal static unsafe class TestSupport
{
    /// <summary>A memfd of <paramref name="size"/> bytes (named <paramref name="name"/>, as /proc lists it).</summary>
    internal static SafeFdHandle Memfd(long size, bool sealable = false, string name = "wl-test")
    {
        int fd = FileOps.MemfdCreate(name, Native.MFD_CLOEXEC | (sealable ? Native.MFD_ALLOW_SEALING : 0), out int errno);
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

    /// <summary>How many mappings of the memfd named <paramref name="name"/> this process has (/proc/self/maps).</summary>
    internal static int MappingsOf(string name) =>
        File.ReadLines("/proc/self/maps").Count(line => line.EndsWith($"/memfd:{name} (deleted)", StringComparison.Ordinal));

    /// <summary>How many descriptors of this process point at the memfd named <paramref name="name"/>.</summary>
    internal static int DescriptorsOf(string name)
    {
        int count = 0;
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget == $"/memfd:{name} (deleted)")
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // Closed meanwhile.
            }
        }

        return count;
    }
}
