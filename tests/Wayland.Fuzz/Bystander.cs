using System.Diagnostics;
using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;

namespace Wayland.Fuzz;

/// <summary>
/// An innocent client (our Wayland.Client) beside the hostile ones: it maps an xdg_toplevel with a sealed shm buffer,
/// then commits a redrawn frame and round-trips, over and over, for the whole run. Any exception is a failure, and so
/// is a roundtrip that takes longer than <see cref="StallLimit"/> (the main thread watches <see cref="Stalled"/>).
/// </summary>
internal sealed class Bystander(string socketPath)
{
    internal static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(1);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _inFlightSinceTicks = -1;
    private long _roundtrips;
    private long _maxTicks;

    internal long Roundtrips => Interlocked.Read(ref _roundtrips);

    internal TimeSpan Slowest => TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks));

    /// <summary>Why the bystander failed (null while it has not).</summary>
    internal string? Failure { get; private set; }

    /// <summary>True once a roundtrip has waited longer than <see cref="StallLimit"/>.</summary>
    internal bool Stalled
    {
        get
        {
            long since = Interlocked.Read(ref _inFlightSinceTicks);
            return since >= 0 && _clock.Elapsed - TimeSpan.FromTicks(since) > StallLimit;
        }
    }

    internal void Run(Func<bool> running)
    {
        try
        {
            using WaylandDisplay display = WaylandDisplay.Connect(socketPath);
            using WaylandGlobals globals = WaylandGlobals.Create(display);
            using WlCompositor compositor = globals.Bind<WlCompositor>(maxVersion: 4);
            using WlShm shm = globals.Bind<WlShm>();
            using XdgWmBase wmBase = globals.Bind<XdgWmBase>(maxVersion: 2);
            wmBase.Ping += (sender, serial) => sender.Pong(serial);
            using WlSurface surface = compositor.CreateSurface();
            using XdgSurface xdgSurface = wmBase.GetXdgSurface(surface);
            using XdgToplevel toplevel = xdgSurface.GetToplevel();
            toplevel.SetTitle("bystander");
            xdgSurface.Configure += (sender, serial) => sender.AckConfigure(serial);
            surface.Commit();
            Timed(display);

            // A keyboard when the seat has one, so that a compositor's keymap file exists before the baseline is taken.
            using WlSeat? seat = globals.Has<WlSeat>() ? globals.Bind<WlSeat>(maxVersion: 5) : null;
            WlSeatCapability capabilities = 0;
            if (seat is not null)
            {
                seat.Capabilities += (_, value) => capabilities = value;
                Timed(display);
            }

            using WlKeyboard? keyboard = capabilities.HasFlag(WlSeatCapability.Keyboard) ? seat!.GetKeyboard() : null;
            using ShmPool pool = ShmPool.Create(shm, 64 * 64 * 4);
            using ShmBuffer buffer = pool.CreateBuffer(0, 64, 64, 64 * 4, WlShmFormat.Argb8888);
            uint frame = 0;
            while (running())
            {
                buffer.Pixels.Fill(0xff000000 | frame++);
                surface.Attach(buffer.Buffer, 0, 0);
                surface.DamageBuffer(0, 0, 64, 64);
                surface.Commit();
                Timed(display);
                Thread.Sleep(1);
            }
        }
        catch (Exception e) when (e is WaylandConnectException or Wayland.Wire.WaylandException or InvalidOperationException)
        {
            Failure = e.ToString();
        }
    }

    private void Timed(WaylandDisplay display)
    {
        long start = _clock.Elapsed.Ticks;
        Interlocked.Exchange(ref _inFlightSinceTicks, start);
        display.Roundtrip();
        long took = _clock.Elapsed.Ticks - start;
        Interlocked.Exchange(ref _inFlightSinceTicks, -1);
        Interlocked.Increment(ref _roundtrips);
        if (took > Interlocked.Read(ref _maxTicks))
        {
            Interlocked.Exchange(ref _maxTicks, took);
        }
    }
}
