using System.Buffers;
using System.Runtime.InteropServices;
using Wayland.Interop;
using Wayland.Protocols;
using Wayland.Server.Protocol;
using Wayland.Wire;

namespace Wayland.Server;

/// <summary>
/// The <c>wl_shm</c> global (<c>wl_display_init_shm</c>): clients share memory files with the compositor as pools
/// (<c>wl_shm_pool</c>, mapped with <c>mmap(MAP_SHARED)</c>, resizable but never shrinking) and cut buffers from
/// them (<c>wl_buffer</c>). Every request is validated as libwayland's <c>wayland-shm.c</c> does, with the same
/// error codes and texts. Read a buffer's pixels through <see cref="ShmBuffer"/>, which no client can make fault.
/// </summary>
/// <remarks>See docs/shm-safety.md for how a client that truncates its file is kept from crashing the compositor.</remarks>
public sealed class Shm : WlShm.IHandler
{
    /// <summary>Default of <see cref="MaxPoolsPerClient"/>.</summary>
    public const int DefaultMaxPoolsPerClient = 1024;

    private readonly List<WlShmFormat> _formats = [WlShmFormat.Argb8888, WlShmFormat.Xrgb8888];
    private int _maxPoolsPerClient = DefaultMaxPoolsPerClient;
    private int _maxPools = DefaultMaxPools();

    /// <summary>
    /// Memory for copies of unsealed pools. Its own pool, keeping one array per size class: the shared pool would
    /// keep many large arrays per core after a burst of big buffers, which hostile clients can cause at will.
    /// </summary>
    internal ArrayPool<byte> Staging { get; } = ArrayPool<byte>.Create(maxArrayLength: 1 << 30, maxArraysPerBucket: 1);

    /// <summary>Creates the global on <paramref name="display"/>, advertising ARGB8888, XRGB8888 and <paramref name="extraFormats"/>.</summary>
    /// <param name="display">The display.</param>
    /// <param name="version">Highest <c>wl_shm</c> version offered (default: the highest the bindings describe).</param>
    /// <param name="extraFormats">Formats beyond the two every compositor supports (<c>wl_display_add_shm_format</c>).</param>
    public Shm(Display display, uint version = WlShmInterface.Version, params IEnumerable<WlShmFormat> extraFormats)
    {
        ArgumentNullException.ThrowIfNull(display);
        ArgumentNullException.ThrowIfNull(extraFormats);
        Display = display;
        foreach (WlShmFormat format in extraFormats)
        {
            AddFormat(format);
        }

        Global = display.CreateGlobal<WlShm>(version, Bind);
    }

    /// <summary>The display.</summary>
    public Display Display { get; }

    /// <summary>The <c>wl_shm</c> global.</summary>
    public Global Global { get; }

    /// <summary>Formats announced to clients binding from now on, and accepted in <c>create_buffer</c>.</summary>
    public IReadOnlyList<WlShmFormat> Formats => _formats;

    /// <summary>Adds a format (<c>wl_display_add_shm_format</c>); clients that bound before are not told.</summary>
    public void AddFormat(WlShmFormat format)
    {
        if (!_formats.Contains(format))
        {
            _formats.Add(format);
        }
    }

    /// <summary>Whether buffers of <paramref name="format"/> are accepted.</summary>
    public bool IsSupported(WlShmFormat format) => _formats.Contains(format);

    /// <summary>
    /// Most pools one client may have mapped at once: a pool stays mapped while its wl_shm_pool or any buffer made
    /// from it is alive. Each mapped pool costs the process one memory mapping and one descriptor, and both are
    /// limited for the whole process (<c>vm.max_map_count</c>, <c>RLIMIT_NOFILE</c>): without this bound one client
    /// could use them all up and make every later mmap, accept or thread start fail. A create_pool beyond it gets
    /// <c>wl_display.error</c> <c>no_memory</c> and disconnects that client only. 0 means no limit. Default 1024.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxPoolsPerClient
    {
        get => _maxPoolsPerClient;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxPoolsPerClient = value;
        }
    }

    /// <summary>
    /// Most pools all clients of the display together may have mapped at once. Each costs a memory mapping, and
    /// a process may have only <c>vm.max_map_count</c> of them (65 530 by default), the runtime's own included: a
    /// .NET process that cannot map memory cannot grow its heap or start a thread. <see cref="MaxPoolsPerClient"/>
    /// bounds one connection; this bounds a process with many. Default: half of <c>vm.max_map_count</c>, read when
    /// the <see cref="Shm"/> is created; 0 means no limit.
    /// </summary>
    /// <remarks>A <c>create_pool</c> that would go over it makes room as <see cref="Display.MaxDescriptors"/> does:
    /// every client of the process that has the most pools mapped is disconnected with <c>no_memory</c>, if that is
    /// at least a 64th of this limit (and at least 16); otherwise, or when that process is the requester's, the
    /// requester gets <c>no_memory</c>. A pool counts until it is unmapped: a big one (1 MiB or more) is unmapped on a
    /// thread of the display's own, a moment after its last user lets it go.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxPools
    {
        get => _maxPools;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxPools = value;
        }
    }

    /// <summary>The default of <see cref="MaxPools"/>: half of <c>vm.max_map_count</c> (65 530 when it cannot be read).</summary>
    private static int DefaultMaxPools()
    {
        try
        {
            string text = File.ReadAllText("/proc/sys/vm/max_map_count").Trim();
            if (int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out int count) && count > 0)
            {
                return Math.Max(1, count / 2);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux's procfs, or not readable: take the kernel's default.
        }

        return 65_530 / 2;
    }

    /// <summary><c>wl_shm.create_pool</c>: map the client's file.</summary>
    void WlShm.IHandler.CreatePool(WlShm resource, WlShmPool id, SafeFdHandle fd, int size)
    {
        bool kept = false;
        try
        {
            if (size <= 0)
            {
                resource.PostError((uint)WlShmError.InvalidStride, $"invalid size ({size})");
                return;
            }

            Client client = resource.Client;
            if (_maxPoolsPerClient > 0 && Volatile.Read(ref client.MappedShmPools) >= _maxPoolsPerClient)
            {
                client.PostNoMemory();
                return;
            }

            int mapped = Volatile.Read(ref client.Display.MappedShmPools);
            if (_maxPools > 0 && mapped >= _maxPools
                && !client.Display.MakeRoom(ProcessResource.ShmPools, _maxPools, client.ProcessKey, client, $"{mapped} of {_maxPools} mapped", "a new pool"))
            {
                client.PostNoMemory();
                return;
            }

            // A file sealed against shrinking and already large enough can never make an access fault.
            bool cannotShrink = (SharedMemoryOps.Seals(fd.Fd) & Native.F_SEAL_SHRINK) != 0
                && SharedMemoryOps.FileSize(fd.Fd, out _) >= size;
            nint address = SharedMemoryOps.Map(fd.Fd, size, out int errno);
            if (address == 0)
            {
                resource.PostError((uint)WlShmError.InvalidFd, $"failed mmap fd {fd.Fd}: {Marshal.GetPInvokeErrorMessage(errno)}");
                return;
            }

            // The pool keeps the descriptor (libwayland closes it): reads from an unsealed file go through pread,
            // never through the mapping.
            ShmPool pool = new(this, id, fd, address, size, cannotShrink);
            kept = true;
            id.Pool = pool;
            id.Handler = pool;
            id.Released += static resource => ((WlShmPool)resource).Pool!.ResourceDestroyed();
        }
        finally
        {
            if (!kept)
            {
                fd.Dispose();
            }
        }
    }

    private void Bind(WlShm resource)
    {
        resource.Handler = this;
        foreach (WlShmFormat format in _formats)
        {
            resource.SendFormat(format);
        }
    }
}
