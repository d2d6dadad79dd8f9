using System.Globalization;
using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Wire;

// wl-info: prints the compositor's globals like Debian's wayland-info, plus wl_shm formats, outputs and seats.
// Usage: wl-info [--display NAME_OR_PATH]
string? name = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] is "--display" or "-d" && i + 1 < args.Length)
    {
        name = args[++i];
    }
    else
    {
        Console.Error.WriteLine("usage: wl-info [--display NAME_OR_PATH]");
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

    List<string> details = [];
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
                details.Add("");
                display.Roundtrip();
                details[^1] = $"wl_shm formats: {string.Join(", ", formats)}";
                break;
            case "wl_output":
                WlOutput output = registry.Bind<WlOutput>(global, Math.Min(version, 2u));
                string geometry = "", mode = "", scale = "";
                output.Geometry += (_, x, y, w, h, _, make, model, _) => geometry = $"{make} {model} at {x},{y}, {w}x{h} mm";
                output.Mode += (_, flags, w, h, refresh) =>
                {
                    if (flags.HasFlag(WlOutputMode.Current))
                    {
                        mode = $"{w}x{h} @ {refresh / 1000.0:F3} Hz";
                    }
                };
                output.Scale += (_, factor) => scale = $"scale {factor}";
                bound.Add(output);
                display.Roundtrip();
                details.Add($"wl_output {global}: {geometry}; {mode}{(scale.Length > 0 ? "; " + scale : "")}");
                break;
            case "wl_seat":
                WlSeat seat = registry.Bind<WlSeat>(global, Math.Min(version, 2u));
                string seatName = "", capabilities = "";
                seat.Name += (_, value) => seatName = value;
                seat.Capabilities += (_, caps) => capabilities = caps.ToString();
                bound.Add(seat);
                display.Roundtrip();
                details.Add($"wl_seat {global}: {seatName} ({capabilities})");
                break;
        }
    }

    foreach ((uint global, string iface, uint version) in globals)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"interface: '{iface}',{new string(' ', Math.Max(1, 43 - iface.Length))}version: {version,2}, name: {global,2}"));
    }

    foreach (string line in details)
    {
        Console.WriteLine(line);
    }

    foreach (Proxy proxy in bound)
    {
        proxy.Dispose();
    }

    display.Roundtrip();
    return 0;
}
catch (WaylandException e)
{
    Console.Error.WriteLine($"wl-info: {e.Message}");
    return 1;
}
