namespace Wayland.Testing;

/// <summary>The C test peers in tests/native, built on the real libwayland with make on first use.</summary>
public static class NativePeers
{
    private static readonly Lock BuildLock = new();
    private static bool s_built;

    /// <summary>The repository root (where Wayland.slnx is).</summary>
    public static string RepositoryRoot
    {
        get
        {
            string? directory = AppContext.BaseDirectory;
            while (directory is not null && !File.Exists(System.IO.Path.Combine(directory, "Wayland.slnx")))
            {
                directory = System.IO.Path.GetDirectoryName(directory);
            }

            return directory ?? throw new InvalidOperationException("cannot find the repository root (Wayland.slnx)");
        }
    }

    /// <summary>Path of program <paramref name="name"/>, building tests/native first if needed.</summary>
    public static string Path(string name)
    {
        string native = System.IO.Path.Combine(RepositoryRoot, "tests", "native");
        lock (BuildLock)
        {
            if (!s_built)
            {
                System.Diagnostics.ProcessStartInfo make = new("make", ["-s", "-C", native]);
                (int exit, string stdout, string stderr) = ProcessRunner.Run(make, TimeSpan.FromMinutes(5));
                if (exit != 0)
                {
                    throw new InvalidOperationException(
                        $"building the native test peers failed (needs gcc, make, pkg-config, libwayland-dev, libwayland-bin: scripts/install-deps.sh installs them):\n{stdout}{stderr}");
                }

                s_built = true;
            }
        }

        return System.IO.Path.Combine(native, "build", name);
    }
}
