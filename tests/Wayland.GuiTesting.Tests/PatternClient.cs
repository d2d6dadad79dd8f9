using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;

namespace Wayland.GuiTesting.Tests;

/// <summary>
/// A deterministic client for golden images, written with Wayland.Client and run on a thread of its own: one
/// <see cref="Width"/> × <see cref="Height"/> toplevel showing four coloured quadrants. A left click paints a
/// <see cref="MarkerColor"/> square of side 5 centred where it landed; a key press paints the top row
/// <see cref="KeyColor"/>. With an <see cref="PatternAnimation"/> it commits every 15 ms the same buffer again, or
/// every <see cref="BlinkPeriod"/> a <see cref="BlinkSize"/> block at <see cref="BlinkX"/>, <see cref="BlinkY"/> that
/// alternates between the bottom-right quadrant's colour and <see cref="BlinkColor"/> (8 brighter in each channel).
/// </summary>
internal sealed class PatternClient : IDisposable
{
    public const int Width = 64;
    public const int Height = 48;
    public const uint MarkerColor = 0xFF00FF00;
    public const uint KeyColor = 0xFFFFFF00;
    public const uint BlinkColor = 0xFF181818;
    public const int BlinkX = 54;
    public const int BlinkY = 38;
    public const int BlinkSize = 4;

    /// <summary>How long the block stays in each state, in ms: longer than the longest gap between captures that a
    /// wait for idleness accepts (100 ms at the default polling), so that it sees every blink.</summary>
    public const int BlinkPeriod = 150;

    private readonly Thread _thread;
    private readonly string _socketPath;
    private readonly string _title;
    private readonly uint _topLeft;
    private readonly PatternAnimation _animation;
    private volatile bool _stop;
    private Exception? _failure;

    private PatternClient(string socketPath, string title, uint topLeft, PatternAnimation animation)
    {
        _socketPath = socketPath;
        _title = title;
        _topLeft = topLeft;
        _animation = animation;
        _thread = new Thread(Run) { IsBackground = true, Name = "pattern client" };
        _thread.Start();
    }

    /// <summary>Starts the client; <paramref name="topLeft"/> colours the top-left quadrant (change it to make a window differ).</summary>
    public static PatternClient Start(GuiSession session, string title = "pattern", uint topLeft = 0xFFC03030,
        PatternAnimation animation = PatternAnimation.None) =>
        new(session.SocketPath, title, topLeft, animation);

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        if (_failure is not null)
        {
            throw new InvalidOperationException("the pattern client failed", _failure);
        }
    }

    private void Run()
    {
        List<IDisposable> owned = [];
        try
        {
            WaylandDisplay display = Own(owned, WaylandDisplay.Connect(_socketPath));
            WaylandGlobals globals = Own(owned, WaylandGlobals.Create(display));
            display.Roundtrip();
            WlCompositor compositor = Own(owned, globals.Bind<WlCompositor>(maxVersion: 6));
            WlShm shm = Own(owned, globals.Bind<WlShm>());
            XdgWmBase wmBase = Own(owned, globals.Bind<XdgWmBase>());
            WlSeat seat = Own(owned, globals.Bind<WlSeat>(maxVersion: 5));
            wmBase.Ping += (sender, serial) => sender.Pong(serial);
            WlSurface surface = Own(owned, compositor.CreateSurface());
            XdgSurface xdgSurface = Own(owned, wmBase.GetXdgSurface(surface));
            XdgToplevel toplevel = Own(owned, xdgSurface.GetToplevel());
            toplevel.SetTitle(_title);
            toplevel.SetAppId("wayland.guitesting.pattern");
            bool configured = false;
            xdgSurface.Configure += (sender, serial) =>
            {
                sender.AckConfigure(serial);
                configured = true;
            };

            uint[] pixels = new uint[Width * Height];
            for (int y = 0; y < Height; y++)
            {
                for (int x = 0; x < Width; x++)
                {
                    pixels[(y * Width) + x] = (x < Width / 2, y < Height / 2) switch
                    {
                        (true, true) => _topLeft,
                        (false, true) => 0xFF3060C0,
                        (true, false) => 0xFFF0F0F0,
                        _ => 0xFF101010,
                    };
                }
            }

            ShmBuffer Draw(uint[] content)
            {
                ShmPool pool = Own(owned, ShmPool.Create(shm, Width * Height * 4));
                ShmBuffer buffer = Own(owned, pool.CreateBuffer(0, Width, Height, Width * 4));
                content.CopyTo(buffer.Pixels);
                return buffer;
            }

            void Attach(ShmBuffer buffer)
            {
                surface.Attach(buffer.Buffer, 0, 0);
                surface.DamageBuffer(0, 0, Width, Height);
                surface.Commit();
            }

            void Show() => Attach(Draw(pixels));

            // The animation's two looks, drawn once and never written again, so reusing them needs no release.
            ShmBuffer? steady = null;
            ShmBuffer? blinking = null;
            if (_animation != PatternAnimation.None)
            {
                steady = Draw(pixels);
                uint[] blink = (uint[])pixels.Clone();
                for (int y = BlinkY; y < BlinkY + BlinkSize; y++)
                {
                    blink.AsSpan((y * Width) + BlinkX, BlinkSize).Fill(BlinkColor);
                }

                blinking = Draw(blink);
            }

            System.Diagnostics.Stopwatch sinceFrame = System.Diagnostics.Stopwatch.StartNew();
            bool on = false;
            bool shown = false;

            (double X, double Y) at = (0, 0);
            WlPointer pointer = Own(owned, seat.GetPointer());
            pointer.Enter += (_, _, _, x, y) => at = (x, y);
            pointer.Motion += (_, _, x, y) => at = (x, y);
            pointer.Button += (_, _, _, _, state) =>
            {
                if (state == WlPointerButtonState.Pressed)
                {
                    for (int y = (int)at.Y - 2; y <= (int)at.Y + 2; y++)
                    {
                        for (int x = (int)at.X - 2; x <= (int)at.X + 2; x++)
                        {
                            if (x >= 0 && y >= 0 && x < Width && y < Height)
                            {
                                pixels[(y * Width) + x] = MarkerColor;
                            }
                        }
                    }

                    Show();
                }
            };
            WlKeyboard keyboard = Own(owned, seat.GetKeyboard());
            keyboard.Keymap += (_, _, fd, _) => fd.Dispose();
            keyboard.Key += (_, _, _, _, state) =>
            {
                if (state == WlKeyboardKeyState.Pressed)
                {
                    pixels.AsSpan(0, Width).Fill(KeyColor);
                    Show();
                }
            };

            surface.Commit();
            while (!_stop)
            {
                display.Dispatch(TimeSpan.FromMilliseconds(_animation == PatternAnimation.None ? 20 : 5));
                if (configured)
                {
                    configured = false;
                    shown = true;
                    Show();
                }
                else if (shown && steady is not null && sinceFrame.ElapsedMilliseconds >= (_animation == PatternAnimation.Blink ? BlinkPeriod : 15))
                {
                    sinceFrame.Restart();
                    on = _animation == PatternAnimation.Blink && !on;
                    Attach(on ? blinking! : steady);
                    display.Flush();
                }
            }
        }
        catch (Exception error)
        {
            _failure = error;
        }
        finally
        {
            for (int i = owned.Count - 1; i >= 0; i--)
            {
                owned[i].Dispose();
            }
        }
    }

    private static T Own<T>(List<IDisposable> owned, T resource)
        where T : IDisposable
    {
        owned.Add(resource);
        return resource;
    }
}

/// <summary>What <see cref="PatternClient"/> does on its own after it is shown.</summary>
internal enum PatternAnimation
{
    /// <summary>Nothing: it commits only when configured, clicked or typed into.</summary>
    None,

    /// <summary>Commits the same unchanged picture again every 15 ms.</summary>
    Repeat,

    /// <summary>Blinks a small block every <see cref="PatternClient.BlinkPeriod"/>, like a text cursor.</summary>
    Blink,
}
