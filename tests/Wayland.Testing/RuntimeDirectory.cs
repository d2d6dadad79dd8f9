using System.Diagnostics;

namespace Wayland.Testing;

/// <summary>A private XDG_RUNTIME_DIR (mode 0700) for one test, removed on dispose.</summary>
public sealed class RuntimeDirectory : IDisposable
{
    private RuntimeDirectory(string path) => Path = path;

    public string Path { get; }

    public static RuntimeDirectory Create(string purpose)
    {
        string path = Directory.CreateTempSubdirectory($"wl-{purpose}-").FullName;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new RuntimeDirectory(path);
    }

    /// <summary>Points a child process at this directory and clears inherited Wayland variables.</summary>
    public void Apply(ProcessStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.Environment["XDG_RUNTIME_DIR"] = Path;
        info.Environment.Remove("WAYLAND_DISPLAY");
        info.Environment.Remove("WAYLAND_SOCKET");
        info.Environment.Remove("WAYLAND_DEBUG");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
