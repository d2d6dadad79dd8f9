using Wayland.Interop;
using Wayland.Wire;

namespace Wayland.Server;

/// <summary>
/// Unmaps a display's big shm pools and closes their files on a thread of its own (started on first use), so that the
/// loop goes on meanwhile. Both take time in proportion to the pages: unmapping clears the page table entries the
/// compositor's reads made, and closing the last descriptor of a file whose client has exited frees the file's
/// pages. Eight clients of 256 MiB killed at once held the loop 0.6 to 1.2 s on a loaded 2-core machine, about half
/// of it in close and half in munmap (part of that waiting for the address-space lock while freed content was
/// unmapped on another thread).
/// </summary>
/// <remarks>
/// A pool handed over still counts as mapped (<see cref="Client.MappedShmPools"/>, <see cref="Display.MappedShmPools"/>)
/// until it is unmapped, so <see cref="Shm.MaxPools"/> keeps bounding the mappings the process really has. Nothing
/// touches the address after the hand-off: the pool forgot it first. <see cref="Dispose"/> finishes what is pending,
/// and a pool freed after that (an access ending on another thread) is unmapped by its caller.
/// </remarks>
internal sealed class ShmUnmapper : IDisposable
{
    /// <summary>A pool whose mapping or file is this large or larger is unmapped here; smaller ones by their caller,
    /// which costs it microseconds.</summary>
    internal const long ElsewhereFrom = 1 << 20;

    private readonly object _gate = new();
    private readonly Queue<Mapping> _pending = new();
    private Thread? _thread;
    private bool _paused;
    private bool _disposed;

    /// <summary>A pool's mapping, its descriptor, and the client it is counted for.</summary>
    internal readonly record struct Mapping(nint Address, long Size, SafeFdHandle Fd, Client Client);

    /// <summary>Mappings handed over and not yet unmapped.</summary>
    internal int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>For tests: while true, the thread takes nothing, so that a hand-off can be seen before it is done
    /// (<see cref="Dispose"/> still finishes everything).</summary>
    internal bool Paused
    {
        get
        {
            lock (_gate)
            {
                return _paused;
            }
        }

        set
        {
            lock (_gate)
            {
                _paused = value;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Unmaps <paramref name="mapping"/>, closes its file and stops counting it: on the thread when it is big
    /// (never waiting for it), here when it is small or the unmapper is disposed.</summary>
    /// <remarks>The file's size is looked at only once its client is leaving, when all its pools go at once on the
    /// loop's time: a live client destroying a small pool over a big file pays for the close in its own dispatch
    /// time, and an fstat for every pool destroyed would add to the common case of small pools.</remarks>
    internal void Free(Mapping mapping)
    {
        if (mapping.Size >= ElsewhereFrom
            || (mapping.Client.IsLeaving && SharedMemoryOps.FileSize(mapping.Fd.Fd, out _) >= ElsewhereFrom))
        {
            lock (_gate)
            {
                if (!_disposed && StartedLocked())
                {
                    _pending.Enqueue(mapping);
                    Monitor.Pulse(_gate);
                    return;
                }
            }
        }

        Unmap(mapping);
    }

    /// <summary>Finishes the pending unmaps on the calling thread and waits for the one in progress: afterwards no
    /// mapping handed over is left, and every descriptor is closed.</summary>
    public void Dispose()
    {
        Thread? thread;
        lock (_gate)
        {
            _disposed = true;
            thread = _thread;
            Monitor.PulseAll(_gate);
        }

        while (TryTake(out Mapping mapping))
        {
            Unmap(mapping);
        }

        thread?.Join();
    }

    private static void Unmap(Mapping mapping)
    {
        SharedMemoryOps.Unmap(mapping.Address, mapping.Size);
        mapping.Fd.Dispose();
        Interlocked.Decrement(ref mapping.Client.MappedShmPools);
        Interlocked.Decrement(ref mapping.Client.Display.MappedShmPools);
    }

    /// <summary>Whether the thread runs, starting it if not; false if it cannot be started (the caller unmaps).</summary>
    private bool StartedLocked()
    {
        if (_thread is not null)
        {
            return true;
        }

        Thread thread = new(Run) { IsBackground = true, Name = "wayland-shm-unmap" };
        try
        {
            thread.Start();
        }
        catch (OutOfMemoryException)
        {
            return false;
        }

        _thread = thread;
        return true;
    }

    private bool TryTake(out Mapping mapping)
    {
        lock (_gate)
        {
            return _pending.TryDequeue(out mapping);
        }
    }

    private void Run()
    {
        while (true)
        {
            Mapping mapping;
            lock (_gate)
            {
                while (!_disposed && (_paused || _pending.Count == 0))
                {
                    Monitor.Wait(_gate);
                }

                if (_disposed)
                {
                    return; // Dispose finishes the rest
                }

                mapping = _pending.Dequeue();
            }

            Unmap(mapping);
        }
    }
}
