namespace Wayland.Demo;

/// <summary>Anonymous shared memory without P/Invoke in the demo: an unlinked file in /dev/shm.</summary>
internal static class SharedMemory
{
    internal static FileStream Create(int size)
    {
        string path = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"wayland-demo-{Guid.NewGuid():N}");
        FileStream stream = new(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        stream.SetLength(size);
        File.Delete(path);
        return stream;
    }
}
