using System.Diagnostics;
using System.Globalization;

namespace Wayland.Testing;

/// <summary>
/// tests/native/shm-truncate: a libwayland client that commits a buffer from an unsealed memfd over and over while
/// another of its threads truncates the file to 0 and grows it back, reconnecting after each protocol error, next to
/// a bystander connection that roundtrips the whole time.
/// </summary>
public static class ShmTruncatePeer
{
    /// <summary>The sizes every run covers, small to large: a page, a typical window, a 16 MB buffer.</summary>
    public static readonly (int Width, int Height)[] Sizes = [(64, 64), (512, 512), (2048, 2048)];

    /// <summary>
    /// Runs the peer at each of <see cref="Sizes"/> for <paramref name="secondsPerSize"/>, writing each run's summary to
    /// <paramref name="log"/>, and returns how many <c>invalid_fd</c> errors it got in all. Fails as <see cref="Run"/>
    /// does, and when a run did not race at all (no commit, no truncation, no bystander roundtrip).
    /// </summary>
    public static long RunEverySize(string socketPath, double secondsPerSize, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        long invalidFd = 0;
        foreach ((int width, int height) in Sizes)
        {
            Result result = Run(socketPath, width, height, secondsPerSize);
            log($"{width}x{height}: {result.Summary}");
            if (result.Commits == 0 || result.Truncations == 0 || result.BystanderRoundtrips == 0)
            {
                throw new InvalidOperationException($"shm-truncate {width}x{height} did not race: {result.Summary}");
            }

            invalidFd += result.InvalidFd;
        }

        return invalidFd;
    }

    /// <summary>Runs the peer against <paramref name="socketPath"/> (absolute) for <paramref name="seconds"/> and returns what it
    /// counted. Fails (with the peer's output) when it hit any error other than <c>invalid_fd</c> on a
    /// <c>wl_buffer</c>, or when the bystander failed a roundtrip.</summary>
    public static Result Run(string socketPath, int width, int height, double seconds)
    {
        ProcessStartInfo info = new(NativePeers.Path("shm-truncate"),
            ["--socket", socketPath, "--size", $"{width}x{height}", "--seconds", seconds.ToString(CultureInfo.InvariantCulture)]);
        info.Environment.Remove("WAYLAND_SOCKET"); // it would win over --socket
        info.Environment.Remove("WAYLAND_DEBUG");
        (int exit, string stdout, string stderr) = ProcessRunner.Run(info, TimeSpan.FromSeconds(seconds + 60));
        if (exit != 0)
        {
            throw new InvalidOperationException($"shm-truncate {width}x{height} exited with {exit}:\n{stdout}\n{Tail(stderr)}");
        }

        // "sessions S commits C releases R invalid_fd I other_errors O truncations T bystander_roundtrips B ..."
        string[] words = stdout.Trim().Split(' ');
        Dictionary<string, long> values = [];
        for (int i = 0; i + 1 < words.Length; i += 2)
        {
            values[words[i]] = long.Parse(words[i + 1], CultureInfo.InvariantCulture);
        }

        return new Result(values["sessions"], values["commits"], values["releases"], values["invalid_fd"], values["truncations"],
            values["bystander_roundtrips"], values["bystander_max_us"], stdout.Trim());
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    /// <summary>What one run counted.</summary>
    /// <param name="Sessions">Connections the hostile client made.</param>
    /// <param name="Commits">Commits it sent.</param>
    /// <param name="Releases"><c>wl_buffer.release</c> events it got (commits served).</param>
    /// <param name="InvalidFd"><c>wl_shm.error.invalid_fd</c> errors it got on its buffer.</param>
    /// <param name="Truncations">Shrink-and-grow cycles of its file.</param>
    /// <param name="BystanderRoundtrips">Roundtrips the bystander completed (none failed).</param>
    /// <param name="BystanderMaxMicroseconds">The bystander's slowest roundtrip.</param>
    /// <param name="Summary">The peer's own summary line.</param>
    public sealed record Result(long Sessions, long Commits, long Releases, long InvalidFd, long Truncations,
        long BystanderRoundtrips, long BystanderMaxMicroseconds, string Summary);
}
