using Wayland.Interop;
using Wayland.Testing;

namespace Wayland.Wire.Tests;

/// <summary>SealedMemoryFile: the data a peer maps is exactly what was given, and nobody can change it afterwards.</summary>
/// <remarks>Every test checks that the descriptors it opened are all closed when it ends.</remarks>
public sealed unsafe class SealedMemoryFileTests : IDisposable
{
    private readonly FdLeakCheck _leaks = new();

    public void Dispose() => _leaks.Dispose();

    private const int MapPrivate = 2;

    public static TheoryData<int> Sizes => [0, 1, 4095, 4096, 4097, 300_000];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ContentsReadBackExactly(int size)
    {
        byte[] contents = Pattern(size);
        using SafeFdHandle fd = SealedMemoryFile.Create("sealed-test", contents);

        Assert.Equal(size, SharedMemoryOps.FileSize(fd.Fd, out _));
        byte[] back = new byte[size + 16];
        long read = SharedMemoryOps.ReadAt(fd.Fd, back, 0, out int errno);
        Assert.True(read >= 0, $"pread failed: errno {errno}");
        Assert.Equal(size, read);
        Assert.Equal(contents, back[..size]);
    }

    [Fact]
    public void FileOffsetIsZero()
    {
        byte[] contents = Pattern(1000);
        using SafeFdHandle fd = SealedMemoryFile.Create("sealed-test", contents);

        // read(2), unlike pread, starts at the file offset: a reader that does not seek sees the data from its start.
        byte[] back = new byte[1000];
        fixed (byte* p = back)
        {
            Assert.Equal(1000, LibC.Read(fd.Fd, p, 1000));
        }

        Assert.Equal(contents, back);
    }

    [Fact]
    public void AllFourSealsAreSet()
    {
        using SafeFdHandle fd = SealedMemoryFile.Create("sealed-test", Pattern(64));

        int expected = Native.F_SEAL_SHRINK | Native.F_SEAL_GROW | Native.F_SEAL_WRITE | Native.F_SEAL_SEAL;
        Assert.Equal(expected, SharedMemoryOps.Seals(fd.Fd));
    }

    [Fact]
    public void WritingResizingAndSharedWritableMappingsAreRefused()
    {
        using SafeFdHandle fd = SealedMemoryFile.Create("sealed-test", Pattern(64));
        byte one = 1;

        Assert.Equal(-1, LibC.PWrite(fd.Fd, &one, 1, 0));
        Assert.Equal(Errno.EPERM, Errno.Last);
        Assert.Equal(-1, SharedMemoryOps.Truncate(fd.Fd, 0, out int errno));
        Assert.Equal(Errno.EPERM, errno);
        Assert.Equal(-1, SharedMemoryOps.Truncate(fd.Fd, 128, out errno));
        Assert.Equal(Errno.EPERM, errno);
        Assert.Equal(0, SharedMemoryOps.Map(fd.Fd, 64, out errno));
        Assert.Equal(Errno.EPERM, errno);
        Assert.Equal(-1, SharedMemoryOps.AddSeals(fd.Fd, Native.F_SEAL_WRITE, out errno));
        Assert.Equal(Errno.EPERM, errno);
    }

    [Fact]
    public void PrivateReadOnlyMappingSeesTheContents()
    {
        // What a wl_keyboard.keymap receiver does: mmap(PROT_READ, MAP_PRIVATE).
        byte[] contents = Pattern(10_000);
        using SafeFdHandle fd = SealedMemoryFile.Create("sealed-test", contents);

        void* address = LibC.Mmap(null, (nuint)contents.Length, Native.PROT_READ, MapPrivate, fd.Fd, 0);
        Assert.True(address != (void*)-1, $"mmap failed: errno {Errno.Last}");
        try
        {
            Assert.True(new ReadOnlySpan<byte>(address, contents.Length).SequenceEqual(contents));
        }
        finally
        {
            LibC.Munmap(address, (nuint)contents.Length);
        }
    }

    [Fact]
    public void DescriptorIsCloseOnExec()
    {
        using SafeFdHandle fd = SealedMemoryFile.Create("sealed-test", Pattern(8));

        int flags = LibC.Fcntl(fd.Fd, Native.F_GETFD, 0);
        Assert.True(flags >= 0);
        Assert.Equal(Native.FD_CLOEXEC, flags & Native.FD_CLOEXEC);
    }

    [Fact]
    public void LongAndNonAsciiNamesAreAccepted()
    {
        using SafeFdHandle fd = SealedMemoryFile.Create(new string('ü', 300) + "✓", Pattern(8));

        Assert.False(fd.IsInvalid);
    }

    [Fact]
    public void NoDescriptorIsLeaked()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        for (int i = 0; i < 20; i++)
        {
            using SafeFdHandle fd = SealedMemoryFile.Create("sealed-test", Pattern(4096));
        }

        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public void OpenDescriptorIsNoticedByTheLeakCheck()
    {
        // The leak check above must be able to fail: a descriptor kept open is reported.
        OpenFds.Snapshot before = OpenFds.Take();
        using SafeFdHandle fd = SealedMemoryFile.Create("sealed-test", Pattern(16));

        Assert.Throws<InvalidOperationException>(() => OpenFds.AssertUnchanged(before));
    }

    internal static byte[] Pattern(int size)
    {
        byte[] bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }
}

/// <summary>The leak check's finalizer count is process-wide: this test leaks on purpose, so it runs alone.</summary>
[CollectionDefinition(nameof(FinalizerLeakCheckTests), DisableParallelization = true)]
[Collection(nameof(FinalizerLeakCheckTests))]
public sealed class FinalizerLeakCheckTests
{
    [Fact]
    public void DescriptorLeftToTheFinalizerIsNoticedByTheLeakCheck()
    {
        // Closed by the garbage collector in the end, but never disposed: still a leak, and reported as one.
        OpenFds.Snapshot before = OpenFds.Take();
        Abandon();
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => OpenFds.AssertUnchanged(before));
        Assert.Contains("closed by the finalizer", error.Message, StringComparison.Ordinal);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static void Abandon() => _ = SealedMemoryFile.Create("sealed-test", SealedMemoryFileTests.Pattern(16));
    }
}
