using Wayland.Protocols;
using Wayland.Server.Protocol;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>wl_shm: formats, pools, buffers, the checks and texts of libwayland's wayland-shm.c, and safe access.</summary>
public sealed class ShmTests : IDisposable
{
    private const uint InvalidFormat = (uint)WlShmError.InvalidFormat;
    private const uint InvalidStride = (uint)WlShmError.InvalidStride;
    private const uint InvalidFd = (uint)WlShmError.InvalidFd;

    private readonly OpenFds.Snapshot _fdsBefore = OpenFds.Take();
    private readonly Display _display = new();
    private readonly Shm _shm;
    private readonly RawClient _client;
    private readonly Client _server;
    private readonly uint _wlShm;
    private readonly List<WireMessage> _bindEvents;

    public ShmTests()
    {
        _shm = new Shm(_display, extraFormats: [WlShmFormat.Rgb565, WlShmFormat.Argb8888]);
        _client = RawClient.Attach(_display, out _server);
        uint registry = _client.GetRegistry();
        _client.Roundtrip(_display);
        _wlShm = _client.Bind(registry, _shm.Global.Name, "wl_shm", 1);
        _bindEvents = _client.Roundtrip(_display);
    }

    public void Dispose()
    {
        _client.Dispose();
        _display.Dispose();
        OpenFds.AssertUnchanged(_fdsBefore);
    }

    [Fact]
    public void Binding_announces_argb_xrgb_then_the_extra_formats()
    {
        Assert.Equal([WlShmFormat.Argb8888, WlShmFormat.Xrgb8888, WlShmFormat.Rgb565], _shm.Formats);
        Assert.Equal([0u, 1u, (uint)WlShmFormat.Rgb565],
            _bindEvents.Where(m => m.Sender == _wlShm && m.Opcode == WlShmInterface.Events.Format).Select(m => m.Word(0)));
        Assert.Equal("wl_shm", _shm.Global.Interface.Name);
    }

    [Fact]
    public void A_buffer_exposes_its_geometry_and_the_client_pixels()
    {
        using SafeFdHandle file = TestSupport.Memfd(4096);
        TestSupport.WriteAt(file, 100 + 16, [1, 2, 3, 4]);
        uint pool = CreatePool(file, 4096);
        uint buffer = CreateBuffer(pool, offset: 100, width: 4, height: 3, stride: 16, WlShmFormat.Xrgb8888);
        _client.Roundtrip(_display);

        ShmBuffer shm = Assert.IsType<ShmBuffer>(ShmBuffer.FromResource((WlBuffer)_server.GetObject(buffer)!));
        Assert.Equal((100, 4, 3, 16, WlShmFormat.Xrgb8888, 48), (shm.Offset, shm.Width, shm.Height, shm.Stride, shm.Format, shm.Size));
        Assert.False(shm.IsZeroCopy);
        byte[] seen = [];
        Assert.True(shm.TryRead(pixels => seen = pixels[16..20].ToArray()));
        Assert.Equal([1, 2, 3, 4], seen);
        byte[] copy = new byte[shm.Size];
        Assert.True(shm.TryCopyTo(copy));
        Assert.Equal([1, 2, 3, 4], copy[16..20]);
        Assert.True(shm.TryRead(0, static (pixels, _) => Assert.Equal(48, pixels.Length)));
        Assert.Null(ShmBuffer.FromResource(null));
    }

    [Fact]
    public void A_sealed_memfd_is_read_in_place()
    {
        using SafeFdHandle file = SealedMemfd(4096);
        uint pool = CreatePool(file, 4096);
        uint buffer = CreateBuffer(pool, 0, 16, 16, 64, WlShmFormat.Argb8888);
        _client.Roundtrip(_display);
        ShmBuffer shm = Buffer(buffer);
        Assert.True(shm.IsZeroCopy);

        // In place: a later write to the file shows through the same mapping.
        TestSupport.WriteAt(file, 8, [7]);
        byte seen = 0;
        Assert.True(shm.TryRead(pixels => seen = pixels[8]));
        Assert.Equal(7, seen);
        byte[] copy = new byte[shm.Size];
        Assert.True(shm.TryCopyTo(copy));
        Assert.Equal(7, copy[8]);
    }

    [Fact]
    public void A_sealed_file_that_does_not_cover_the_pool_is_read_through_a_copy()
    {
        using SafeFdHandle file = SealedMemfd(4096);
        uint pool = CreatePool(file, 8192);
        uint buffer = CreateBuffer(pool, 0, 16, 16, 64, WlShmFormat.Argb8888);
        uint beyond = CreateBuffer(pool, 4096, 16, 16, 64, WlShmFormat.Argb8888);
        _client.Roundtrip(_display);
        Assert.False(Buffer(buffer).IsZeroCopy);
        Assert.True(Buffer(buffer).TryRead(_ => { }));

        // The second buffer lies past the end of the file: the mapping there would fault; the copy is refused.
        bool called = false;
        Assert.False(Buffer(beyond).TryRead(_ => called = true));
        Assert.False(called);
        _client.ExpectError(_display, beyond, InvalidFd, "error accessing SHM buffer");
    }

    [Fact]
    public void Growing_a_sealed_pool_past_its_file_turns_zero_copy_off()
    {
        using SafeFdHandle file = SealedMemfd(4096);
        uint pool = CreatePool(file, 4096);
        uint buffer = CreateBuffer(pool, 0, 16, 16, 64, WlShmFormat.Argb8888);
        _client.Roundtrip(_display);
        Assert.True(Buffer(buffer).IsZeroCopy);
        Resize(pool, 8192);
        _client.Roundtrip(_display);
        Assert.False(Buffer(buffer).IsZeroCopy);
        TestSupport.Truncate(file, 8192);
        Resize(pool, 8192); // same size: nothing to redo, still copied
        _client.Roundtrip(_display);
        Assert.True(Buffer(buffer).TryRead(_ => { }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(1024 - 1)] // one byte short
    public void A_truncated_file_is_refused_instead_of_crashing_and_the_client_gets_invalid_fd(int fileSize)
    {
        using SafeFdHandle file = TestSupport.Memfd(4096);
        uint pool = CreatePool(file, 4096);
        uint buffer = CreateBuffer(pool, 0, 16, 16, 64, WlShmFormat.Argb8888);
        _client.Roundtrip(_display);
        ShmBuffer shm = Buffer(buffer);
        Assert.True(shm.TryRead(_ => { }));
        TestSupport.Truncate(file, fileSize);
        bool called = false;
        Assert.False(shm.TryRead(_ => called = true));
        Assert.False(called);
        Assert.False(shm.TryCopyTo(new byte[shm.Size]));
        _client.ExpectError(_display, buffer, InvalidFd, "error accessing SHM buffer");
    }

    [Fact]
    public void Reading_an_unsealed_buffer_through_the_copy_allocates_nothing_in_steady_state()
    {
        const int side = 512;
        using SafeFdHandle file = TestSupport.Memfd(side * side * 4);
        TestSupport.WriteAt(file, (side * side * 4) - 1, [5]);
        uint pool = CreatePool(file, side * side * 4);
        uint buffer = CreateBuffer(pool, 0, side, side, side * 4, WlShmFormat.Argb8888);
        _client.Roundtrip(_display);
        ShmBuffer shm = Buffer(buffer);
        Assert.False(shm.IsZeroCopy);
        int[] last = new int[1];
        ReadRound(shm, last); // warm-up: JIT, the pooled staging array
        Assert.Equal(0, ReadRound(shm, last));
        Assert.Equal(5, last[0]);

        static long ReadRound(ShmBuffer shm, int[] last)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++)
            {
                Assert.True(shm.TryRead(last, static (pixels, last) => last[0] = pixels[^1]));
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TryRead_of_some_rows_gives_those_rows_from_a_sealed_or_unsealed_pool(bool sealedFile)
    {
        const int width = 4, height = 8, stride = 20;
        using SafeFdHandle file = sealedFile ? SealedMemfd(4096) : TestSupport.Memfd(4096);
        byte[] bytes = [.. Enumerable.Range(0, stride * height).Select(i => (byte)i)];
        TestSupport.WriteAt(file, 100, bytes);
        uint pool = CreatePool(file, 4096);
        uint buffer = CreateBuffer(pool, 100, width, height, stride, WlShmFormat.Argb8888);
        _client.Roundtrip(_display);
        ShmBuffer shm = Buffer(buffer);
        Assert.Equal(sealedFile, shm.IsZeroCopy);

        byte[]? seen = null;
        Assert.True(shm.TryRead(3, 2, 0, (pixels, _) => seen = pixels.ToArray()));
        Assert.Equal(bytes[(3 * stride)..(5 * stride)], seen);
        Assert.True(shm.TryRead(height, 0, 0, (pixels, _) => seen = pixels.ToArray()));
        Assert.Empty(seen!);
        Assert.True(shm.TryRead(0, height, 0, (pixels, _) => seen = pixels.ToArray()));
        Assert.Equal(bytes, seen);

        Assert.Throws<ArgumentOutOfRangeException>(() => shm.TryRead(7, 2, 0, (_, _) => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => shm.TryRead(-1, 1, 0, (_, _) => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => shm.TryRead(0, -1, 0, (_, _) => { }));
        Assert.False(_server.HasFailed);
    }

    [Fact]
    public void A_2_GB_buffer_over_a_4_KB_file_is_refused_without_taking_memory_for_it()
    {
        using SafeFdHandle file = TestSupport.Memfd(4096);
        uint pool = CreatePool(file, int.MaxValue);
        uint buffer = CreateBuffer(pool, 0, 16384, 32767, 65536, WlShmFormat.Argb8888);
        _client.Roundtrip(_display);
        ShmBuffer shm = Buffer(buffer);
        Assert.Equal(65536L * 32767, shm.Size);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.False(shm.TryRead(_ => { }));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4096, "a staging array was taken for a file that cannot fill it");
        _client.ExpectError(_display, buffer, InvalidFd, "error accessing SHM buffer");
    }

    [Fact]
    public void TryCopyTo_reads_the_file_and_needs_room_for_the_whole_buffer()
    {
        using SafeFdHandle file = TestSupport.Memfd(4096);
        uint pool = CreatePool(file, 4096);
        uint buffer = CreateBuffer(pool, 0, 2, 2, 8, WlShmFormat.Argb8888);
        _client.Roundtrip(_display);
        Assert.Throws<ArgumentException>(() => Buffer(buffer).TryCopyTo(new byte[15]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4096)]
    public void A_pool_size_of_zero_or_less_is_invalid_stride(int size)
    {
        using SafeFdHandle file = TestSupport.Memfd(4096);
        CreatePool(file, size);
        _client.ExpectError(_display, _wlShm, InvalidStride, $"invalid size ({size})");
    }

    [Fact]
    public void A_descriptor_that_cannot_be_mapped_is_invalid_fd()
    {
        (SafeFdHandle a, SafeFdHandle b) = UnixSocket.CreatePair();
        using (a)
        using (b)
        {
            CreatePool(a, 4096);
            WireMessage error = _client.ExpectError(_display);
            Assert.Equal((_wlShm, InvalidFd), (error.Word(0), error.Word(1)));
            Assert.Matches(@"^failed mmap fd \d+: .+$", error.String(2));
        }
    }

    [Fact]
    public void An_unsupported_format_is_invalid_format()
    {
        using SafeFdHandle file = TestSupport.Memfd(4096);
        uint pool = CreatePool(file, 4096);
        CreateBuffer(pool, 0, 4, 4, 16, WlShmFormat.Yuyv);
        _client.ExpectError(_display, pool, InvalidFormat, "invalid format 0x56595559");
    }

    [Theory]
    [InlineData(-1, 4, 4, 16)] // negative offset
    [InlineData(0, 0, 4, 16)] // empty width
    [InlineData(0, 4, 0, 16)] // empty height
    [InlineData(0, 4, 4, 3)] // stride < width
    [InlineData(0, 4, 4, 0)] // stride 0
    [InlineData(0, 1, int.MaxValue, 2)] // stride * height overflows
    [InlineData(4040, 4, 4, 16)] // runs past the pool
    [InlineData(0, 4, 257, 16)] // 4112 bytes > 4096
    public void Bad_geometry_is_invalid_stride(int offset, int width, int height, int stride)
    {
        using SafeFdHandle file = TestSupport.Memfd(4096);
        uint pool = CreatePool(file, 4096);
        CreateBuffer(pool, offset, width, height, stride, WlShmFormat.Argb8888);
        _client.ExpectError(_display, pool, InvalidStride, $"invalid width, height or stride ({width}x{height}, {(uint)stride})");
    }

    [Fact]
    public void A_buffer_that_exactly_fills_the_pool_is_valid()
    {
        using SafeFdHandle file = TestSupport.Memfd(4096);
        uint pool = CreatePool(file, 4096);
        CreateBuffer(pool, 4096 - 256, 16, 4, 64, WlShmFormat.Argb8888);
        _client.Roundtrip(_display);
    }

    [Fact]
    public void Shrinking_a_pool_is_invalid_fd()
    {
        using SafeFdHandle file = TestSupport.Memfd(4096);
        uint pool = CreatePool(file, 4096);
        Resize(pool, 4095);
        _client.ExpectError(_display, pool, InvalidFd, "shrinking pool invalid");
    }

    [Fact]
    public void A_grown_pool_takes_buffers_in_its_new_space()
    {
        using SafeFdHandle file = TestSupport.Memfd(8192);
        TestSupport.WriteAt(file, 8000, [42]);
        uint pool = CreatePool(file, 4096);
        Resize(pool, 8192);
        uint buffer = CreateBuffer(pool, 8000, 1, 1, 4, WlShmFormat.Argb8888);
        _client.Roundtrip(_display);
        byte first = 0;
        Assert.True(Buffer(buffer).TryRead(pixels => first = pixels[0]));
        Assert.Equal(42, first);

        // Each access checks the range against the mapping as it is now.
        ShmPool state = ((WlShmPool)_server.GetObject(pool)!).Pool!;
        Assert.Equal(ShmPool.AccessResult.OutOfBounds, state.BeginAccess(8193, out _, out _));
        Assert.Equal(ShmPool.AccessResult.Started, state.BeginAccess(8192, out _, out _));
        state.EndAccess();
    }

    [Fact]
    public async Task A_resize_waits_for_accesses_in_progress()
    {
        using SafeFdHandle file = SealedMemfd(8192); // zero copy: the access holds the mapping
        uint pool = CreatePool(file, 4096);
        uint buffer = CreateBuffer(pool, 0, 1, 1, 4, WlShmFormat.Argb8888);
        _client.Roundtrip(_display);
        ShmBuffer shm = Buffer(buffer);
        ShmPool state = ((WlShmPool)_server.GetObject(pool)!).Pool!;
        using SemaphoreSlim inside = new(0);
        using SemaphoreSlim release = new(0);
        Task<bool> access = Task.Run(() => shm.TryRead(_ =>
        {
            inside.Release();
            release.Wait();
        }));
        await inside.WaitAsync(TimeSpan.FromSeconds(10));
        Resize(pool, 8192);
        _client.Roundtrip(_display);
        Assert.Equal(4096, state.Size); // deferred: the mapping must not move under the access
        release.Release();
        Assert.True(await access.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(8192, state.Size);
    }

    [Fact]
    public void Buffers_outlive_their_pool_and_access_ends_with_the_buffer()
    {
        using SafeFdHandle file = TestSupport.Memfd(4096);
        uint pool = CreatePool(file, 4096);
        uint buffer = CreateBuffer(pool, 0, 1, 1, 4, WlShmFormat.Argb8888);
        _client.Send(pool, WlShmPoolInterface.Requests.Destroy);
        _client.Roundtrip(_display);
        ShmBuffer shm = Buffer(buffer);
        Assert.True(shm.TryRead(_ => { }));
        _client.Send(buffer, WlBufferInterface.Requests.Destroy);
        _client.Roundtrip(_display);
        Assert.False(shm.TryRead(_ => { }));
        Assert.False(shm.TryCopyTo(new byte[4]));
    }

    [Fact]
    public void Release_is_sent_on_the_buffer()
    {
        using SafeFdHandle file = TestSupport.Memfd(4096);
        uint pool = CreatePool(file, 4096);
        uint buffer = CreateBuffer(pool, 0, 1, 1, 4, WlShmFormat.Argb8888);
        _client.Roundtrip(_display);
        Buffer(buffer).Resource.SendRelease();
        Assert.Contains(_client.Roundtrip(_display), m => m.Sender == buffer && m.Opcode == WlBufferInterface.Events.Release);
    }

    /// <summary>A memfd sealed against shrinking, as weston's clients and ours send.</summary>
    private static SafeFdHandle SealedMemfd(long size)
    {
        SafeFdHandle file = TestSupport.Memfd(size, sealable: true);
        TestSupport.SealShrink(file);
        return file;
    }

    [Fact]
    public void A_client_over_its_mapped_pool_limit_gets_no_memory_and_a_buffer_keeps_its_pool_counted()
    {
        Assert.Equal(Shm.DefaultMaxPoolsPerClient, _shm.MaxPoolsPerClient);
        Assert.Throws<ArgumentOutOfRangeException>(() => _shm.MaxPoolsPerClient = -1);
        _shm.MaxPoolsPerClient = 2;
        using SafeFdHandle file = TestSupport.Memfd(4096);
        uint first = CreatePool(file, 4096);
        uint buffer = CreateBuffer(first, offset: 0, width: 4, height: 4, stride: 16, WlShmFormat.Argb8888);
        uint second = CreatePool(file, 4096);
        _client.Send(first, WlShmPoolInterface.Requests.Destroy);
        _client.Send(second, WlShmPoolInterface.Requests.Destroy);
        _client.Roundtrip(_display);
        Assert.Equal(1, _server.MappedShmPools); // the buffer keeps the first pool mapped; the second is gone

        CreatePool(file, 4096); // the second slot again
        _client.Roundtrip(_display);
        Assert.False(_server.HasFailed);
        Assert.Equal(2, _server.MappedShmPools);

        CreatePool(file, 4096); // a third mapping at once
        _client.ExpectError(_display, 1, (uint)WlDisplayError.NoMemory, "no memory");
        Assert.True(_server.IsDestroyed);
        Assert.NotEqual(0u, buffer);
        Assert.Equal(0, _server.MappedShmPools); // everything unmapped with the client
    }

    [Theory]
    [InlineData(1 << 20, 1 << 20, false)] // a big pool, destroyed
    [InlineData(4096, 8 << 20, true)] // a small pool over a big file, left by its client: closing the last descriptor frees the whole file
    public void A_big_pool_is_unmapped_and_its_file_closed_off_the_loop_and_counted_until_then(int poolSize, int fileSize, bool clientLeaves)
    {
        string name = $"wl-test-unmap-{Guid.NewGuid():N}";
        _display.ShmUnmapper.Paused = true;
        using (SafeFdHandle file = TestSupport.Memfd(fileSize, name: name))
        {
            uint pool = CreatePool(file, poolSize);
            uint buffer = CreateBuffer(pool, 0, 1, 1, 4, WlShmFormat.Argb8888);
            _client.Roundtrip(_display);
            Assert.Equal(1, TestSupport.MappingsOf(name));
            if (clientLeaves)
            {
                _client.Dispose();
                _display.Dispatch(TimeSpan.Zero);
                Assert.True(_server.IsDestroyed);
            }
            else
            {
                _client.Send(pool, WlShmPoolInterface.Requests.Destroy);
                _client.Send(buffer, WlBufferInterface.Requests.Destroy);
                _client.Roundtrip(_display);
            }
        }

        // Handed over, not unmapped on the loop's thread, and still counted: the process still has the mapping.
        Assert.Equal(1, _display.ShmUnmapper.Pending);
        Assert.Equal(1, TestSupport.MappingsOf(name));
        Assert.Equal(1, TestSupport.DescriptorsOf(name));
        Assert.Equal(1, _server.MappedShmPools);
        Assert.Equal(1, _display.MappedShmPools);

        _display.ShmUnmapper.Paused = false;
        Assert.True(SpinWait.SpinUntil(() => _display.MappedShmPools == 0, TimeSpan.FromSeconds(30)), "the pool was not unmapped");
        Assert.Equal(0, TestSupport.MappingsOf(name));
        Assert.Equal(0, TestSupport.DescriptorsOf(name));
        Assert.Equal(0, _server.MappedShmPools);
        Assert.Equal(0, _display.ShmUnmapper.Pending);
    }

    [Fact]
    public void A_small_pool_is_unmapped_at_once()
    {
        string name = $"wl-test-unmap-{Guid.NewGuid():N}";
        _display.ShmUnmapper.Paused = true;
        using SafeFdHandle file = TestSupport.Memfd(4096, name: name);
        uint pool = CreatePool(file, 4096);
        _client.Roundtrip(_display);
        Assert.Equal(1, TestSupport.MappingsOf(name));
        _client.Send(pool, WlShmPoolInterface.Requests.Destroy);
        _client.Roundtrip(_display);
        Assert.Equal(0, TestSupport.MappingsOf(name));
        Assert.Equal(1, TestSupport.DescriptorsOf(name)); // the client's own
        Assert.Equal(0, _server.MappedShmPools);
    }

    [Fact]
    public void Disposing_the_display_finishes_the_pending_unmaps_and_closes_their_files()
    {
        string name = $"wl-test-unmap-{Guid.NewGuid():N}";
        _display.ShmUnmapper.Paused = true;
        using (SafeFdHandle file = TestSupport.Memfd(2 << 20, name: name))
        {
            CreatePool(file, 1 << 20);
            CreatePool(file, 2 << 20);
            _client.Roundtrip(_display);
        }

        _client.Dispose(); // the client leaves with its pools
        _display.Dispatch(TimeSpan.Zero);
        Assert.True(_server.IsDestroyed);
        Assert.Equal(2, _display.ShmUnmapper.Pending);
        Assert.Equal(2, TestSupport.MappingsOf(name));
        _display.Dispose();
        Assert.Equal(0, TestSupport.MappingsOf(name));
        Assert.Equal(0, TestSupport.DescriptorsOf(name));
        Assert.Equal(0, _display.MappedShmPools);
    }

    private ShmBuffer Buffer(uint id) => ShmBuffer.FromResource((WlBuffer)_server.GetObject(id)!)!;

    private uint CreatePool(SafeFdHandle file, int size)
    {
        uint id = _client.NextId++;
        _client.Send(_wlShm, WlShmInterface.Requests.CreatePool, (ref MessageWriter w) =>
        {
            w.WriteNewId(id);
            w.WriteInt(size);
        }, [file.Fd]);
        return id;
    }

    private uint CreateBuffer(uint pool, int offset, int width, int height, int stride, WlShmFormat format)
    {
        uint id = _client.NextId++;
        _client.Send(pool, WlShmPoolInterface.Requests.CreateBuffer, (ref MessageWriter w) =>
        {
            w.WriteNewId(id);
            w.WriteInt(offset);
            w.WriteInt(width);
            w.WriteInt(height);
            w.WriteInt(stride);
            w.WriteUInt((uint)format);
        });
        return id;
    }

    private void Resize(uint pool, int size) =>
        _client.Send(pool, WlShmPoolInterface.Requests.Resize, (ref MessageWriter w) => w.WriteInt(size));
}
