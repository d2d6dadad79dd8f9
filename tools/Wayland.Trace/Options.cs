namespace Wayland.Trace;

/// <summary>The command line of wl-trace.</summary>
internal sealed class Options
{
    public const string Usage = """
        Usage: wl-trace [OPTIONS] -- APP [ARGS...]
               wl-trace [OPTIONS] --listen NAME

        A Wayland protocol tracing proxy. It sits between clients and the compositor, passes every byte and every
        file descriptor through unchanged, and prints each request and event decoded from the protocol XML.

        With APP, it runs APP on a private socket (WAYLAND_DISPLAY points at it; programs APP starts are traced too)
        and exits with APP's status once APP and its connections are gone. SIGINT and SIGTERM are passed on to APP
        and tracing goes on until it exits; a second one stops wl-trace at once. With --listen, it serves any number
        of clients on NAME until SIGINT or SIGTERM; each line then names its client: {command[pid]}.

        Options:
          --listen NAME        Listen on NAME (in $XDG_RUNTIME_DIR, or an absolute path) instead of running APP
          --display NAME       Compositor to proxy to [default: $WAYLAND_DISPLAY, else wayland-0]; without it, an
                               inherited $WAYLAND_SOCKET carries the first client, as libwayland would use it
          --socket-pair        Hand APP one end of a socket pair as WAYLAND_SOCKET instead of a private socket
                               (only APP's first connection is traced then)
          -o, --output FILE    Write the trace to FILE [default: standard error, as WAYLAND_DEBUG does]
          --json               JSON Lines: time, direction, client, object, interface, message, typed arguments,
                               fds and enum names
          --filter PATTERNS    Show only matching messages: comma-separated interface, interface.message,
                               interface#id or #id, with * and ? wildcards; a leading ! excludes.
                               Example: --filter 'wl_surface.*,!wl_surface.damage*'
          --summary            Instead of each message, print counts per interface.message, bytes, fds and
                               protocol errors at exit
          --protocols PATH     Also decode the protocol XML in PATH (a file or a directory; may be repeated);
                               it wins over the built-in and system XML
          --no-system-protocols  Do not read /usr/share/wayland and /usr/share/wayland-protocols
          --max-fds N          Keep descriptors numbered below N (at least 64): past it, every connection of the
                               client process holding the most is closed; one process may make the proxy hold a
                               quarter of N [default: RLIMIT_NOFILE soft limit less an eighth, at most 4096 less]
          -h, --help           Show this help
          --version            Show the version

        Output is libwayland's WAYLAND_DEBUG format. What cannot be decoded (an object the proxy never saw created,
        an opcode the XML does not have, a malformed message) is printed in hex and passed on all the same.

        Exit status: APP's (128+N when signal N ended it); with --listen, 0 after SIGINT or SIGTERM (1 when the
        trace could not be written); 64 for a bad command line; 1 when the proxy cannot start.
        """;

    public string? Listen { get; private set; }

    public string? Display { get; private set; }

    public bool SocketPair { get; private set; }

    public string? Output { get; private set; }

    public bool Json { get; private set; }

    public string? Filter { get; private set; }

    public bool Summary { get; private set; }

    public List<string> Protocols { get; } = [];

    public bool SystemProtocols { get; private set; } = true;

    /// <summary><c>--max-fds</c>; 0 for the default.</summary>
    public int MaxFds { get; private set; }

    public bool Help { get; private set; }

    public bool Version { get; private set; }

    /// <summary>APP and its arguments (everything after <c>--</c>).</summary>
    public List<string> Command { get; } = [];

    /// <summary>Parses <paramref name="args"/>; null with a message when they are wrong.</summary>
    public static Options? Parse(string[] args, out string? error)
    {
        Options options = new();
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? inlineValue = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is int eq and > 2)
            {
                inlineValue = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            switch (arg)
            {
                case "--":
                    options.Command.AddRange(args[(i + 1)..]);
                    i = args.Length;
                    break;
                case "-h" or "--help":
                    options.Help = true;
                    break;
                case "--version":
                    options.Version = true;
                    break;
                case "--json":
                    options.Json = true;
                    break;
                case "--summary":
                    options.Summary = true;
                    break;
                case "--socket-pair":
                    options.SocketPair = true;
                    break;
                case "--no-system-protocols":
                    options.SystemProtocols = false;
                    break;
                case "--listen" or "--display" or "-o" or "--output" or "--filter" or "--protocols" or "--max-fds":
                    string? value = inlineValue ?? (i + 1 < args.Length ? args[++i] : null);
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        // Only spaces is a mistake (an empty shell variable in quotes), not a file or socket to use.
                        error = value is null or "" ? $"{arg} needs a value" : $"{arg} needs a value, not '{value}'";
                        return null;
                    }

                    switch (arg)
                    {
                        case "--listen":
                            options.Listen = value;
                            break;
                        case "--display":
                            options.Display = value;
                            break;
                        case "--filter":
                            options.Filter = options.Filter is null ? value : $"{options.Filter},{value}";
                            break;
                        case "--protocols":
                            options.Protocols.Add(value);
                            break;
                        case "--max-fds":
                            if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int maxFds) || maxFds < 64)
                            {
                                error = $"--max-fds needs a number of at least 64, not {value}";
                                return null;
                            }

                            options.MaxFds = maxFds;
                            break;
                        default:
                            options.Output = value;
                            break;
                    }

                    break;
                default:
                    if (arg.StartsWith('-'))
                    {
                        error = $"unknown option {arg}";
                        return null;
                    }

                    // APP without "--": everything from here on is the command.
                    options.Command.AddRange(args[i..]);
                    i = args.Length;
                    break;
            }
        }

        if (options.Help || options.Version)
        {
            return options;
        }

        if (options.Listen is null && options.Command.Count == 0)
        {
            error = "give an APP to run (after --) or --listen NAME";
            return null;
        }

        if (options.Listen is not null && options.Command.Count > 0)
        {
            error = "--listen and APP cannot be used together";
            return null;
        }

        if (options.SocketPair && options.Command.Count == 0)
        {
            error = "--socket-pair needs an APP to run";
            return null;
        }

        return options;
    }
}
