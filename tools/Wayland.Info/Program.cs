using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Tools;
using Wayland.Wire;

// wl-info: prints the compositor's globals like Debian's wayland-info, plus wl_shm formats, outputs and seats.
// The command line is parsed by hand: a parser library would cost more start-up time than the whole run.
const string Usage = """
    usage: wl-info [-d|--display NAME_OR_PATH]

    Prints the globals of a Wayland compositor as wayland-info does, then wl_shm formats, outputs and seats.

      -d, --display NAME_OR_PATH  socket name in $XDG_RUNTIME_DIR, or an absolute path
                                  [default: $WAYLAND_SOCKET, $WAYLAND_DISPLAY, wayland-0]
      -h, --help                  show this help and exit
      --version                   show the version and exit

    Exit status: 0, 1 when the compositor cannot be reached or fails or the output cannot be written, 2 for a bad
    command line.
    """;
const int StandardOutput = 1, StandardError = 2;
string? name = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "-h" or "--help" or "-?":
            return Print(Usage + "\n");
        case "--version":
            return Print($"wl-info {typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion}\n");
        case "--display" or "-d" when i + 1 < args.Length && !string.IsNullOrWhiteSpace(args[i + 1]):
            name = args[++i];
            break;
        default:
            Write(StandardError, (args[i] is "--display" or "-d" ? $"wl-info: {args[i]} needs a socket name or path{(i + 1 < args.Length ? $", not '{args[i + 1]}'" : "")}"
                : $"wl-info: unknown argument '{args[i]}'") + "\n" + Usage + "\n");
            return 2;
    }
}

try
{
    using WaylandDisplay display = WaylandDisplay.Connect(name);
    using WlRegistry registry = display.GetRegistry();
    List<(uint Name, string Interface, uint Version)> globals = [];
    registry.Global += (_, n, iface, version) => globals.Add((n, iface, version));
    display.Roundtrip();

    // Every global of interest is bound first and answered by one more roundtrip (not one roundtrip each), and the
    // report goes to standard output in one write: start-up time is most of what this tool costs.
    List<Func<string>> details = [];
    List<Proxy> bound = [];
    foreach ((uint global, string iface, uint version) in globals)
    {
        switch (iface)
        {
            case "wl_shm":
                WlShm shm = registry.Bind<WlShm>(global, 1);
                List<string> formats = [];
                // The generated name lookups are string literals; Enum.IsDefined and ToString would read reflection
                // metadata, which costs a NativeAOT run a fifth of its time in main.
                shm.Format += (_, format) => formats.Add(format.GetProtocolName()?.ToUpperInvariant() ?? $"0x{(uint)format:x8}");
                bound.Add(shm);
                details.Add(() => $"wl_shm formats: {string.Join(", ", formats)}");
                break;
            case "wl_output":
                WlOutput output = registry.Bind<WlOutput>(global, Math.Min(version, 2u));
                string geometry = "", mode = "", scale = "";
                output.Geometry += (_, x, y, w, h, _, make, model, _) => geometry = $"{make} {model} at {x},{y}, {w}x{h} mm";
                output.Mode += (_, flags, w, h, refresh) =>
                {
                    if (flags.HasFlag(WlOutputMode.Current))
                    {
                        mode = string.Create(CultureInfo.InvariantCulture, $"{w}x{h} @ {refresh / 1000.0:F3} Hz");
                    }
                };
                output.Scale += (_, factor) => scale = $"scale {factor}";
                bound.Add(output);
                details.Add(() => $"wl_output {global}: {geometry}; {mode}{(scale.Length > 0 ? "; " + scale : "")}");
                break;
            case "wl_seat":
                WlSeat seat = registry.Bind<WlSeat>(global, Math.Min(version, 2u));
                string seatName = "", capabilities = "";
                seat.Name += (_, value) => seatName = value;
                seat.Capabilities += (_, caps) => capabilities = Capitalized(caps.FormatProtocolNames(", "));
                bound.Add(seat);
                details.Add(() => $"wl_seat {global}: {seatName} ({capabilities})");
                break;
        }
    }

    if (bound.Count > 0)
    {
        display.Roundtrip();
    }

    StringBuilder report = new();
    foreach ((uint global, string iface, uint version) in globals)
    {
        report.Append(CultureInfo.InvariantCulture, $"interface: '{iface}',{new string(' ', Math.Max(1, 43 - iface.Length))}version: {version,2}, name: {global,2}\n");
    }

    foreach (Func<string> line in details)
    {
        report.Append(line()).Append('\n');
    }

    foreach (Proxy proxy in bound)
    {
        proxy.Dispose();
    }

    // The destroy requests go out before the connection closes; no answer is needed.
    display.Flush();
    return Print(report.ToString());
}
catch (WaylandException e)
{
    Write(StandardError, $"wl-info: {e.Message}\n");
    return 1;
}

// "pointer, keyboard" as "Pointer, Keyboard", the form wl-info has always printed (the enum's member names).
static string Capitalized(string names) => string.Create(names.Length, names, static (span, text) =>
{
    for (int i = 0; i < span.Length; i++)
    {
        span[i] = i == 0 || text[i - 1] == ' ' ? char.ToUpperInvariant(text[i]) : text[i];
    }
});

// What standard output is for: 0 when the text was written; when it cannot be (closed, a full disk, a reader that
// went away), the reason goes to standard error and the status is 1, as coreutils do.
static int Print(string text)
{
    if (Write(StandardOutput, text) is { } problem)
    {
        Write(StandardError, $"wl-info: cannot write to standard output: {problem}\n");
        return 1;
    }

    return 0;
}

// All output goes to file descriptors 1 and 2 directly, in one write each. System.Console would set up terminal
// handling first (a signal-handling thread, terminal queries, a pipe): more than a third of a run's system calls.
// Returns null, or why the text could not be written (standard error is not told: nobody may be listening).
static string? Write(int fd, string text)
{
    try
    {
        using FileStream stream = new(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        stream.Write(Encoding.UTF8.GetBytes(text));
        // A seekable descriptor (a file) is written at FileStream's own position; asking for the handle moves the
        // descriptor's shared offset past the text, so that whoever writes to it next (a shell) appends.
        _ = stream.SafeFileHandle;
        return null;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        return StandardStreams.Describe(e);
    }
}

