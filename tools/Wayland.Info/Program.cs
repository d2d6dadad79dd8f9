using System.Globalization;
using System.Reflection;
using System.Text;
using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;
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

    Exit status: 0, 1 when the compositor cannot be reached or fails, 2 for a bad command line.
    """;
string? name = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "-h" or "--help" or "-?":
            Console.Out.WriteLine(Usage);
            return 0;
        case "--version":
            Console.Out.WriteLine($"wl-info {typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion}");
            return 0;
        case "--display" or "-d" when i + 1 < args.Length:
            name = args[++i];
            break;
        default:
            Console.Error.WriteLine(args[i] is "--display" or "-d" ? $"wl-info: {args[i]} needs a value" : $"wl-info: unknown argument '{args[i]}'");
            Console.Error.WriteLine(Usage);
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
                shm.Format += (_, format) => formats.Add(Enum.IsDefined(format) ? format.ToString().ToUpperInvariant() : $"0x{(uint)format:x8}");
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
                seat.Capabilities += (_, caps) => capabilities = caps.ToString();
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
    using (Stream stdout = Console.OpenStandardOutput())
    {
        stdout.Write(Encoding.UTF8.GetBytes(report.ToString()));
    }

    return 0;
}
catch (WaylandException e)
{
    Console.Error.WriteLine($"wl-info: {e.Message}");
    return 1;
}

