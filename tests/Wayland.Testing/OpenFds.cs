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

    /// <summary>What is open now: descriptor numbers with what they point at, not counting assemblies and
    /// symbol files the runtime opens lazily (the first formatted stack trace opens .pdb files and keeps them).</summary>
    public static Snapshot Take()
    {
        Settle();
        Dictionary<string, string> open = [];
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            string? target = Target(fd);
            if (!IsRuntimeFile(target))
            {
                open[System.IO.Path.GetFileName(fd)] = target ?? "?";
            }
        }

        return new Snapshot(open, Wayland.Wire.SafeFdHandle.FinalizedCount);
    }

    /// <summary>
    /// Throws when a descriptor is open now that was not open when <paramref name="before"/> was taken (same
    /// number and same target) and stays open for two seconds. Descriptors that were open before and closed meanwhile — an
    /// earlier test's process pipes or loop threads finishing late — are not this test's leak and are ignored.
    /// </summary>
    public static void AssertUnchanged(Snapshot before)
    {
        ArgumentNullException.ThrowIfNull(before);
        // Tests of other classes run in parallel, and starting a process opens both ends of its pipes in this process
        // for a moment: a descriptor that shows up once may be theirs. A leak stays; so look again for a while, and
        // report only what is still open at the end.
        List<string> leaked = Leaked(before);
        for (int attempt = 0; leaked.Count > 0 && attempt < 20; attempt++)
        {
            Thread.Sleep(100);
            leaked = Leaked(before);
        }

        if (leaked.Count > 0)
        {
            throw new InvalidOperationException($"descriptor leak: {leaked.Count} opened and not closed: {string.Join(", ", leaked)}");
        }
    }

    private static List<string> Leaked(Snapshot before)
    {
        Snapshot after = Take();
        // "?": the descriptor was listed but closed before its link could be read (another thread's short-lived
        // descriptor), so it is not open now and not a leak.
        List<string> leaked = after.Open.Where(fd => fd.Value != "?")
            .Where(fd => !before.Open.TryGetValue(fd.Key, out string? target) || target != fd.Value)
            .Select(fd => $"{fd.Key}→{fd.Value}").ToList();
        long finalized = after.Finalized - before.Finalized;
        if (finalized > 0)
        {
            // Closed in the end, but only because a collection ran: in a program, open until then.
            leaked.Add($"{finalized} SafeFdHandle(s) not disposed, closed by the finalizer");
        }

        return leaked;
    }

    private static bool IsRuntimeFile(string? target) =>
        target is not null
        && (target.EndsWith(".dll", StringComparison.Ordinal)
            || target.EndsWith(".dll (deleted)", StringComparison.Ordinal)
            || target.EndsWith(".pdb", StringComparison.Ordinal));

    /// <summary>What descriptor <paramref name="fd"/> of this process points at now (a path, <c>socket:[…]</c>,
    /// <c>/memfd:name (deleted)</c>…), or null when it is closed.</summary>
    public static string? TargetOf(int fd) => Target($"/proc/self/fd/{fd}");

    private static string? Target(string fdPath)
    {
        try
        {
            return new FileInfo(fdPath).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The open descriptors at one moment.</summary>
    public sealed class Snapshot(IReadOnlyDictionary<string, string> open, long finalized)
    {
        public IReadOnlyDictionary<string, string> Open { get; } = open;

        /// <summary><see cref="Wayland.Wire.SafeFdHandle.FinalizedCount"/> when the snapshot was taken (after a full collection).</summary>
        public long Finalized { get; } = finalized;

        public int Count => Open.Count;
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
