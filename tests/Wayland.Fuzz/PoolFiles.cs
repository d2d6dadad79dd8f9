using Microsoft.Win32.SafeHandles;
using Wayland.Wire;

namespace Wayland.Fuzz;

/// <summary>
/// Files handed to wl_shm.create_pool. Unsealed ones are plain unlinked files in /dev/shm (so the client may shrink
/// them at any time, as a hostile client would); sealed ones are memfds sealed against writing too. A truncator thread
/// keeps shrinking some unsealed files to 0 and growing them back while the server may be reading them.
/// </summary>
internal sealed class PoolFile : IDisposable
{
    private static readonly string Directory = System.IO.Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
    private static readonly List<PoolFile> Truncating = [];

    private readonly SafeFileHandle? _unsealed;
    private readonly SafeFdHandle? _sealed;
    private readonly Lock _lock = new();
    private bool _disposed;

    private PoolFile(SafeFileHandle? unsealed, SafeFdHandle? sealedFile, long size)
    {
        _unsealed = unsealed;
        _sealed = sealedFile;
        Size = size;
    }

    /// <summary>The descriptor to send.</summary>
    internal int Fd => _sealed?.Fd ?? (int)_unsealed!.DangerousGetHandle();

    /// <summary>The size the file is meant to have (the truncator restores it).</summary>
    internal long Size { get; private set; }

    /// <summary>An unsealed file of <paramref name="size"/> bytes (<paramref name="fileSize"/> really); the truncator
    /// works on it when <paramref name="truncate"/> is set.</summary>
    internal static PoolFile CreateUnsealed(long size, long fileSize, bool truncate)
    {
        string path = Path.Combine(Directory, $"wl-fuzz-{Environment.ProcessId}-{Guid.NewGuid():N}");
        SafeFileHandle handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        File.Delete(path);
        RandomAccess.SetLength(handle, fileSize);
        PoolFile file = new(handle, null, size);
        if (truncate)
        {
            lock (Truncating)
            {
                Truncating.Add(file);
            }
        }

        return file;
    }

    /// <summary>A memfd of <paramref name="size"/> bytes sealed against everything, writing included: a server cannot map
    /// it for writing and must refuse the pool with <c>invalid_fd</c>.</summary>
    internal static PoolFile CreateWriteSealed(int size) => new(null, SealedMemoryFile.Create("wl-fuzz", new byte[size]), size);

    /// <summary>Grows an unsealed file (before a wl_shm_pool.resize); sealed files cannot change.</summary>
    internal void Grow(long size)
    {
        lock (_lock)
        {
            if (!_disposed && _unsealed is not null && size > Size)
            {
                RandomAccess.SetLength(_unsealed, size);
                Size = size;
            }
        }
    }

    /// <summary>Runs until <paramref name="running"/> turns false: every ~millisecond, shrinks one truncating file to 0 and
    /// grows it back a little later.</summary>
    internal static void RunTruncator(Random random, Func<bool> running, FuzzStats stats)
    {
        while (running())
        {
            PoolFile? file = null;
            lock (Truncating)
            {
                if (Truncating.Count > 0)
                {
                    file = Truncating[random.Next(Truncating.Count)];
                }
            }

            if (file is null)
            {
                Thread.Sleep(5);
                continue;
            }

            file.Toggle(0);
            Thread.Sleep(random.Next(0, 2));
            file.Toggle(file.Size);
            stats.CountTruncation();
            Thread.Sleep(random.Next(0, 2));
        }
    }

    private void Toggle(long length)
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                RandomAccess.SetLength(_unsealed!, length);
            }
        }
    }

    public void Dispose()
    {
        lock (Truncating)
        {
            Truncating.Remove(this);
        }

        lock (_lock)
        {
            _disposed = true;
            _unsealed?.Dispose();
            _sealed?.Dispose();
        }
    }
}
