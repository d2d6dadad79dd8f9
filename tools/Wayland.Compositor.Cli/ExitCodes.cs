namespace Wayland.Compositor.Cli;

/// <summary>wl-headless's own exit statuses; otherwise it exits with its client's.</summary>
internal static class ExitCodes
{
    /// <summary>Everything ran as asked.</summary>
    public const int Success = 0;

    /// <summary>The compositor could not start (socket in use, no XDG_RUNTIME_DIR) or the screenshot could not be written.</summary>
    public const int Failure = 1;

    /// <summary>A protocol error was posted to a client (it is printed on standard error).</summary>
    public const int ProtocolError = 2;

    /// <summary>Bad command line (EX_USAGE of sysexits.h).</summary>
    public const int Usage = 64;

    /// <summary>--timeout passed first (as timeout(1)).</summary>
    public const int Timeout = 124;

    /// <summary>Base of "killed by a signal" statuses, as a shell reports them (128 + signal number).</summary>
    public const int SignalBase = 128;
}
