using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using Wayland.Compositor.Web;
using Wayland.Tools;

namespace Wayland.Compositor.Cli;

/// <summary>The options of wl-headless (System.CommandLine), turned into <see cref="Settings"/>.</summary>
internal sealed class CommandLine
{
    /// <summary>Largest output side the compositor accepts (see HeadlessCompositorOptions).</summary>
    private const int MaxSide = 16384;

    /// <summary>Longest --timeout: the wait is counted in milliseconds, at most <see cref="int.MaxValue"/> (24.8 days).</summary>
    private const double MaxTimeoutSeconds = int.MaxValue / 1000.0;

    /// <summary>Highest refresh rate accepted; the frame timer has millisecond resolution.</summary>
    private const double MaxRefreshHertz = 1000;

    private readonly Option<string?> SocketOption = new("--socket")
    {
        HelpName = "NAME",
        Description = "Socket name in $XDG_RUNTIME_DIR, or an absolute path [default: first free wayland-N]",
    };

    private readonly Option<OutputSize> SizeOption = new("--size")
    {
        HelpName = "WxH",
        Description = "Output size in pixels",
        DefaultValueFactory = _ => new OutputSize(1024, 768),
        CustomParser = ParseSize,
    };

    private readonly Option<double> RefreshOption = new("--refresh")
    {
        HelpName = "HZ",
        Description = "Output refresh rate: the pace of repaints and frame callbacks",
        DefaultValueFactory = _ => 60,
        CustomParser = result => ParseNumber(result, 1, MaxRefreshHertz, $"a rate from 1 to {MaxRefreshHertz} Hz"),
    };

    private readonly Option<string?> ExecOption = new("--exec")
    {
        HelpName = "CMD",
        Description = "Run CMD with /bin/sh -c, WAYLAND_DISPLAY set to our socket; exit when it exits, with its status",
    };

    private readonly Option<string?> ExecSocketOption = new("--exec-socket")
    {
        HelpName = "CMD",
        Description = "As --exec, but hand CMD a connected socket as WAYLAND_SOCKET (one end of a socketpair)",
    };

    private readonly Option<string?> ScreenshotOption = new("--screenshot")
    {
        HelpName = "PATH",
        Description = "Write the output as PNG to PATH after --frames repaints, or on exit",
    };

    private readonly Option<int?> FramesOption = new("--frames")
    {
        HelpName = "N",
        CustomParser = result => (int)ParseNumber(result, 1, int.MaxValue, $"a whole number of frames from 1 to {int.MaxValue}", wholeNumber: true),
        Description = "Stop after N repaints of the output (writing --screenshot, ending the --exec command)",
    };

    private readonly Option<double?> TimeoutOption = new("--timeout")
    {
        HelpName = "SECONDS",
        CustomParser = result => ParseNumber(result, 0.001, MaxTimeoutSeconds, $"a number of seconds from 0.001 to {MaxTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}"),
        Description = "Give up after SECONDS (writing --screenshot, ending the --exec command) and exit 124",
    };

    private readonly Option<IPEndPoint?> WebOption = new("--web")
    {
        HelpName = "ADDR:PORT",
        Description = "Serve a page showing the output live, driven by the browser's pointer and keyboard (port 0: any free port); "
            + "the address with its access token is printed at start",
        CustomParser = ParseEndPoint,
    };

    private readonly Option<bool> WebPublicOption = new("--web-public")
    {
        Description = "Let --web listen on an address other than loopback (anyone who reaches it and has the token can type)",
    };

    private readonly Option<int> WebMaxConnectionsOption = new("--web-max-connections")
    {
        HelpName = "N",
        Description = "HTTP connections --web keeps open at once, viewers' WebSockets apart (one more is closed when accepted)",
        DefaultValueFactory = _ => new WebViewOptions().MaxConnections,
        CustomParser = ParsePositive,
    };

    private readonly Option<int> WebMaxViewersOption = new("--web-max-viewers")
    {
        HelpName = "N",
        Description = "Browsers watching --web at once (one more gets HTTP 503)",
        DefaultValueFactory = _ => new WebViewOptions().MaxViewers,
        CustomParser = ParsePositive,
    };

    private readonly Option<long> MaxContentBytesOption = new("--max-content-bytes")
    {
        HelpName = "BYTES",
        Description = "Surface content and region memory one client process may hold, all its connections together (a K, M or G suffix "
            + "counts KiB, MiB, GiB; 0: no limit); the request that would go over it gets no_memory",
        DefaultValueFactory = _ => HeadlessCompositorOptions.DefaultMaxContentBytesPerClient,
        CustomParser = ParseByteCount,
    };

    private readonly Option<int> MaxSubsurfacesOption = new("--max-subsurfaces")
    {
        HelpName = "N",
        Description = "Sub-surfaces one client process may hold at once, all its connections together (0: no limit); "
            + "get_subsurface over it gets no_memory",
        DefaultValueFactory = _ => HeadlessCompositorOptions.DefaultMaxSubsurfacesPerClient,
        CustomParser = ParseLimit,
    };

    private readonly Option<int> MaxPopupsOption = new("--max-popups")
    {
        HelpName = "N",
        Description = "Popups one client process may show at once, all its connections together (0: no limit); "
            + "a popup mapped over it is dismissed",
        DefaultValueFactory = _ => HeadlessCompositorOptions.DefaultMaxPopupsPerClient,
        CustomParser = ParseLimit,
    };

    private readonly Option<int> MaxWindowsOption = new("--max-windows")
    {
        HelpName = "N",
        Description = "Windows (xdg_toplevels) one client process may show at once, all its connections together (0: no limit); "
            + "the commit that would map one more gets no_memory",
        DefaultValueFactory = _ => HeadlessCompositorOptions.DefaultMaxWindowsPerClient,
        CustomParser = ParseLimit,
    };

    private readonly Option<bool> DebugOption = new("--debug")
    {
        Description = "Log every request and event in WAYLAND_DEBUG format to stderr (as WAYLAND_DEBUG=server)",
    };

    private const string Epilogue = """
        Exit status: with --exec, the command's (128+N when signal N killed it); without, 0 on SIGINT/SIGTERM.
        Overriding that: 0 after --frames, 124 after --timeout, and 2 when a protocol error was posted to any
        client (each one is printed on stderr as interface#id: error code: message); 64 for a bad command line,
        1 when the compositor cannot start or the screenshot cannot be written.
        """;

    /// <summary>Parses <paramref name="args"/> and runs the compositor; returns the process exit status.</summary>
    public static int Run(string[] args) => new CommandLine().Run(args, Console.Error);

    private int Run(string[] args, TextWriter error)
    {
        RootCommand root = Build();
        ParseResult result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (ParseError parseError in result.Errors)
            {
                error.WriteLine($"wl-headless: {parseError.Message}");
            }

            // What was wrong, not a screenful of help after it.
            error.WriteLine("Try 'wl-headless --help' for the options.");
            return ExitCodes.Usage;
        }

        // The root command has no action of its own: an action here is --help's or --version's.
        if (result.Action is not null)
        {
            try
            {
                return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Standard output closed (EBADF, thrown as "access denied" around the real reason) or a full disk.
                error.WriteLine($"wl-headless: cannot write to standard output: {StandardStreams.Describe(e)}");
                return ExitCodes.Failure;
            }
        }

        return Session.Run(ToSettings(result));
    }

    private RootCommand Build()
    {
        RootCommand root = new("A headless Wayland compositor: real clients connect to its socket, their shm buffers are composited "
            + "into an output that can be saved as PNG. Run a client with --exec to test it; its exit status becomes ours.\n\n" + Epilogue)
        {
            SocketOption, SizeOption, RefreshOption, ExecOption, ExecSocketOption, ScreenshotOption, FramesOption, TimeoutOption, WebOption, WebPublicOption,
            WebMaxConnectionsOption, WebMaxViewersOption, MaxContentBytesOption, MaxSubsurfacesOption, MaxPopupsOption, MaxWindowsOption,
            DebugOption,
        };

        // Keep --help and --version; drop the directives: a test tool has no use for [suggest] or [diagram].
        root.Directives.Clear();
        root.Validators.Add(Validate);
        return root;
    }

    /// <summary>Checks across options, and those of strings (numbers are checked by their parsers).</summary>
    private void Validate(CommandResult command)
    {
        if (command.GetResult(ExecOption) is not null && command.GetResult(ExecSocketOption) is not null)
        {
            command.AddError("--exec and --exec-socket cannot be used together");
        }

        foreach (Option option in (ReadOnlySpan<Option>)[WebPublicOption, WebMaxConnectionsOption, WebMaxViewersOption])
        {
            if (command.GetResult(option) is { Implicit: false } && command.GetResult(WebOption) is null)
            {
                command.AddError($"{option.Name} needs --web");
            }
        }

        if (command.GetResult(WebOption) is { Tokens.Count: 1 } web && command.GetResult(WebPublicOption) is null
            && IPEndPoint.TryParse(web.Tokens[0].Value, out IPEndPoint? endPoint) && !IPAddress.IsLoopback(endPoint.Address))
        {
            command.AddError($"--web {web.Tokens[0].Value} is not a loopback address: anyone who reaches it could watch and type; add --web-public to allow it");
        }

        foreach ((Option<string?> option, string what) in (ReadOnlySpan<(Option<string?>, string)>)[(ExecOption, "a command to run"),
            (ExecSocketOption, "a command to run"), (ScreenshotOption, "a file name"), (SocketOption, "a socket name or path")])
        {
            // Only spaces is a mistake (an empty shell variable in quotes), not a command, file or socket to use.
            if (command.GetResult(option) is { Tokens.Count: 1 } given && string.IsNullOrWhiteSpace(given.Tokens[0].Value))
            {
                command.AddError($"{option.Name} needs {what}, not '{given.Tokens[0].Value}'");
            }
        }
    }

    /// <summary>ADDR:PORT for --web: an IPv4 address, [IPv6] or localhost, and a port (0 for any free one).</summary>
    private static IPEndPoint? ParseEndPoint(ArgumentResult result)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            text = "127.0.0.1" + text["localhost".Length..];
        }

        int colon = text.LastIndexOf(':');
        if (colon > 0 && IPEndPoint.TryParse(text, out IPEndPoint? endPoint)
            && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return endPoint;
        }

        result.AddError($"--web must be ADDR:PORT (for example 127.0.0.1:8080, [::1]:8080 or localhost:0), not '{result.Tokens.FirstOrDefault()?.Value}'");
        return null;
    }

    /// <summary>The option's one value as a number in [<paramref name="min"/>, <paramref name="max"/>], or an error.</summary>
    private static double ParseNumber(ArgumentResult result, double min, double max, string expected, bool wholeNumber = false)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        NumberStyles style = wholeNumber ? NumberStyles.None : NumberStyles.AllowDecimalPoint;
        if (double.TryParse(text, style, CultureInfo.InvariantCulture, out double value) && value >= min && value <= max)
        {
            return value;
        }

        string option = result.Parent is OptionResult parent ? parent.Option.Name : "the option";
        result.AddError($"{option} must be {expected}, not '{text}'");
        return min;
    }

    /// <summary>A per-client limit: a whole number, 0 (no limit) or more.</summary>
    private static int ParsePositive(ArgumentResult result) =>
        (int)ParseNumber(result, 1, int.MaxValue, $"a whole number from 1 to {int.MaxValue}", wholeNumber: true);

    private static int ParseLimit(ArgumentResult result) =>
        (int)ParseNumber(result, 0, int.MaxValue, $"a whole number from 0 (no limit) to {int.MaxValue}", wholeNumber: true);

    /// <summary>A number of bytes, 0 (no limit) or more, with an optional K, M or G suffix (binary: 1K is 1024).</summary>
    private static long ParseByteCount(ArgumentResult result)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        int shift = text.Length == 0 ? 0 : char.ToUpperInvariant(text[^1]) switch { 'K' => 10, 'M' => 20, 'G' => 30, _ => 0 };
        ReadOnlySpan<char> digits = shift == 0 ? text : text.AsSpan(0, text.Length - 1);
        if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long count) && count <= long.MaxValue >> shift)
        {
            return count << shift;
        }

        string option = result.Parent is OptionResult parent ? parent.Option.Name : "the option";
        result.AddError($"{option} must be a whole number of bytes, 0 (no limit) or more, with an optional K, M or G suffix (for example 256M), not '{text}'");
        return 0;
    }

    private static OutputSize ParseSize(ArgumentResult result)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        int x = text.IndexOfAny(['x', 'X']);
        if (x > 0
            && int.TryParse(text.AsSpan(0, x), NumberStyles.None, CultureInfo.InvariantCulture, out int width)
            && int.TryParse(text.AsSpan(x + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int height)
            && width is >= 1 and <= MaxSide && height is >= 1 and <= MaxSide)
        {
            return new OutputSize(width, height);
        }

        result.AddError($"--size must be WIDTHxHEIGHT with each side from 1 to {MaxSide} (for example 1024x768), not '{text}'");
        return default;
    }

    private Settings ToSettings(ParseResult result)
    {
        OutputSize size = result.GetValue(SizeOption);
        string? exec = result.GetValue(ExecOption);
        string? execSocket = result.GetValue(ExecSocketOption);
        double? timeout = result.GetValue(TimeoutOption);
        return new Settings(
            Socket: result.GetValue(SocketOption),
            Width: size.Width,
            Height: size.Height,
            RefreshMilliHertz: (int)Math.Round(result.GetValue(RefreshOption) * 1000),
            Command: exec ?? execSocket,
            HandOverSocket: execSocket is not null,
            Screenshot: result.GetValue(ScreenshotOption),
            Frames: result.GetValue(FramesOption),
            Timeout: timeout is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            Debug: result.GetValue(DebugOption),
            Web: result.GetValue(WebOption),
            WebPublic: result.GetValue(WebPublicOption),
            WebMaxConnections: result.GetValue(WebMaxConnectionsOption),
            WebMaxViewers: result.GetValue(WebMaxViewersOption),
            MaxContentBytesPerClient: result.GetValue(MaxContentBytesOption),
            MaxSubsurfacesPerClient: result.GetValue(MaxSubsurfacesOption),
            MaxPopupsPerClient: result.GetValue(MaxPopupsOption),
            MaxWindowsPerClient: result.GetValue(MaxWindowsOption));
    }

    /// <summary>Value of --size (its text form is what help shows as the default).</summary>
    private readonly record struct OutputSize(int Width, int Height)
    {
        public override string ToString() => $"{Width}x{Height}";
    }
}
