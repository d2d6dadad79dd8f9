namespace Wayland.Testing;

/// <summary>Counts this process's open descriptors, to prove a test leaked none.</summary>
public static class OpenFds
{
    static OpenFds()
    {
        // The runtime opens a pipe for reaping children the first time any process is started, and keeps it;
        // start one now so that a test that starts the first process does not look like it leaked.
        using System.Diagnostics.Process? warmUp = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false });
        warmUp?.WaitForExit();
    }

    /// <summary>Open descriptors, not counting assemblies the runtime maps as it loads them lazily.</summary>
    public static int Count()
    {
        Settle();
        return Directory.GetFiles("/proc/self/fd").Count(f => !IsAssembly(f));
    }

    private static bool IsAssembly(string fdPath)
    {
        try
        {
            return new FileInfo(fdPath).LinkTarget?.EndsWith(".dll", StringComparison.Ordinal) == true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Throws when the count differs from <paramref name="before"/>, listing what is open now.</summary>
    public static void AssertUnchanged(int before)
    {
        int after = Count();
        if (after != before)
        {
            string open = string.Join(", ", Directory.GetFiles("/proc/self/fd").Where(f => !IsAssembly(f)).Select(f =>
            {
                try
                {
                    return $"{System.IO.Path.GetFileName(f)}→{new FileInfo(f).LinkTarget}";
                }
                catch (IOException)
                {
                    return System.IO.Path.GetFileName(f);
                }
            }));
            throw new InvalidOperationException($"descriptor leak: {before} open before, {after} after: {open}");
        }
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
