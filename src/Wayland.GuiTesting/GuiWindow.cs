using System.Runtime.CompilerServices;
using Wayland.Compositor;

namespace Wayland.GuiTesting;

/// <summary>
/// A window of a <see cref="GuiSession"/>, found by <see cref="GuiSession.WaitForWindowAsync"/>. Input coordinates are
/// relative to the window's top-left corner (its xdg geometry) and are turned into output coordinates where the
/// window is at the moment of the call. Coordinates and scroll amounts are finite numbers within ±<see cref="MaxCoordinate"/>,
/// the range of the 24.8 fixed-point numbers Wayland sends them in; others are refused before anything is sent.
/// Keyboard input activates the window first.
/// </summary>
public sealed class GuiWindow
{
    /// <summary>
    /// The largest coordinate or scroll amount input takes, either sign: Wayland's 24.8 fixed-point numbers end just
    /// above it. The pointer itself stops at the edge of the outputs.
    /// </summary>
    public const double MaxCoordinate = 8_388_607;

    /// <summary>
    /// The most steps a drag or swipe takes (<see cref="Drag"/>, <see cref="DragToAsync"/>, <see cref="Swipe"/>): far
    /// more motion events than a hand makes, and a bound on how long one call runs (each step of
    /// <see cref="DragToAsync"/> waits <see cref="GuiSessionOptions.PollInterval"/>).
    /// </summary>
    public const int MaxSteps = 1000;

    private WindowInfo _info;

    internal GuiWindow(GuiSession session, WindowInfo info)
    {
        Session = session;
        _info = info;
    }

    /// <summary>The session the window belongs to.</summary>
    public GuiSession Session { get; }

    /// <summary>The compositor's id for the window.</summary>
    public int Id => _info.Id;

    /// <summary>The window as last seen (see <see cref="Refresh"/>).</summary>
    public WindowInfo Info => _info;

    /// <summary>Looks the window up again; returns its current state.</summary>
    /// <exception cref="GuiTestException">The window is no longer mapped.</exception>
    public WindowInfo Refresh()
    {
        WindowInfo? now = Session.Compositor.GetWindows().FirstOrDefault(w => w.Id == Id);
        if (now is null)
        {
            (string message, IReadOnlyList<string> artifacts) = Session.Failure($"{this} is gone", "window-gone");
            throw new GuiTestException(message, artifacts);
        }

        _info = now;
        return now;
    }

    /// <summary>Moves the pointer to window-relative (<paramref name="x"/>, <paramref name="y"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is not finite or beyond ±<see cref="MaxCoordinate"/>.</exception>
    public void MovePointer(double x, double y)
    {
        CheckCoordinate(x);
        CheckCoordinate(y);
        (double outputX, double outputY) = ToOutput(x, y);
        Session.Compositor.MovePointer(outputX, outputY);
    }

    /// <summary>Clicks <paramref name="button"/> (evdev code, default left) at window-relative (<paramref name="x"/>, <paramref name="y"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is not finite or beyond ±<see cref="MaxCoordinate"/>.</exception>
    public void Click(double x, double y, uint button = Keys.ButtonLeft)
    {
        CheckCoordinate(x);
        CheckCoordinate(y);
        (double outputX, double outputY) = ToOutput(x, y);
        Session.Compositor.Click(outputX, outputY, button);
    }

    /// <summary>Two left clicks in a row at window-relative (<paramref name="x"/>, <paramref name="y"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is not finite or beyond ±<see cref="MaxCoordinate"/>.</exception>
    public void DoubleClick(double x, double y)
    {
        Click(x, y);
        Click(x, y);
    }

    /// <summary>A right click at window-relative (<paramref name="x"/>, <paramref name="y"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is not finite or beyond ±<see cref="MaxCoordinate"/>.</exception>
    public void RightClick(double x, double y) => Click(x, y, Keys.ButtonRight);

    /// <summary>
    /// Presses <paramref name="button"/> at window-relative (<paramref name="fromX"/>, <paramref name="fromY"/>), moves
    /// in <paramref name="steps"/> even steps (1 to <see cref="MaxSteps"/>) to (<paramref name="toX"/>, <paramref name="toY"/>)
    /// and releases there.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is not finite or beyond ±<see cref="MaxCoordinate"/>, or <paramref name="steps"/> is outside 1 to <see cref="MaxSteps"/>.</exception>
    public void Drag(double fromX, double fromY, double toX, double toY, int steps = 8, uint button = Keys.ButtonLeft)
    {
        CheckCoordinates(fromX, fromY, toX, toY);
        CheckSteps(steps);
        (double startX, double startY) = ToOutput(fromX, fromY);
        HeadlessCompositor compositor = Session.Compositor;
        compositor.MovePointer(startX, startY);
        compositor.PointerButton(button, pressed: true);
        for (int step = 1; step <= steps; step++)
        {
            compositor.MovePointer(startX + ((toX - fromX) * step / steps), startY + ((toY - fromY) * step / steps));
        }

        compositor.PointerButton(button, pressed: false);
    }

    /// <summary>
    /// Drags from window-relative (<paramref name="fromX"/>, <paramref name="fromY"/>) of this window to
    /// (<paramref name="targetX"/>, <paramref name="targetY"/>) relative to <paramref name="target"/> with the left
    /// button held, so that a client that starts a drag-and-drop on the press (wl_data_device.start_drag) drops there.
    /// The pointer moves in <paramref name="steps"/> even steps (1 to <see cref="MaxSteps"/>) with <see cref="GuiSessionOptions.PollInterval"/> between
    /// them, giving the source time to start the drag and the target time to accept it; over the target it moves by a
    /// pixel and back before the release, as a hand does, so the target sees motion inside it.
    /// </summary>
    /// <exception cref="GuiTestException">Either window is no longer mapped.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is not finite or beyond ±<see cref="MaxCoordinate"/>, or <paramref name="steps"/> is outside 1 to <see cref="MaxSteps"/>.</exception>
    public async Task DragToAsync(double fromX, double fromY, GuiWindow target, double targetX, double targetY, int steps = 8,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        CheckCoordinates(fromX, fromY, targetX, targetY);
        CheckSteps(steps);
        (double startX, double startY) = ToOutput(fromX, fromY);
        (double endX, double endY) = target.ToOutput(targetX, targetY);
        HeadlessCompositor compositor = Session.Compositor;
        TimeSpan pause = Session.Options.PollInterval;
        compositor.MovePointer(startX, startY);
        compositor.PointerButton(Keys.ButtonLeft, pressed: true);
        try
        {
            for (int step = 1; step <= steps; step++)
            {
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                compositor.MovePointer(startX + ((endX - startX) * step / steps), startY + ((endY - startY) * step / steps));
            }

            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            compositor.MovePointer(endX + 1, endY);
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            compositor.MovePointer(endX, endY);
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            compositor.PointerButton(Keys.ButtonLeft, pressed: false);
        }
    }

    /// <summary>A touch point goes down and up at window-relative (<paramref name="x"/>, <paramref name="y"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is not finite or beyond ±<see cref="MaxCoordinate"/>.</exception>
    public void Tap(double x, double y)
    {
        CheckCoordinate(x);
        CheckCoordinate(y);
        (double outputX, double outputY) = ToOutput(x, y);
        Session.Compositor.Tap(outputX, outputY);
    }

    /// <summary>
    /// A touch point goes down at window-relative (<paramref name="fromX"/>, <paramref name="fromY"/>), moves in
    /// <paramref name="steps"/> even steps (1 to <see cref="MaxSteps"/>) to (<paramref name="toX"/>, <paramref name="toY"/>)
    /// and goes up there.
    /// </summary>
    /// <exception cref="InvalidOperationException">Touch point 0 is already down (see <see cref="TouchDown"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is not finite or beyond ±<see cref="MaxCoordinate"/>, or <paramref name="steps"/> is outside 1 to <see cref="MaxSteps"/>.</exception>
    public void Swipe(double fromX, double fromY, double toX, double toY, int steps = 8)
    {
        CheckCoordinates(fromX, fromY, toX, toY);
        CheckSteps(steps);
        TouchDown(0, fromX, fromY);
        for (int step = 1; step <= steps; step++)
        {
            TouchMove(0, fromX + ((toX - fromX) * step / steps), fromY + ((toY - fromY) * step / steps));
        }

        TouchUp(0);
    }

    /// <summary>
    /// Touch point <paramref name="id"/> goes down at window-relative (<paramref name="x"/>, <paramref name="y"/>); several
    /// points with different ids make a multi-touch gesture.
    /// </summary>
    /// <exception cref="InvalidOperationException">Point <paramref name="id"/> is already down.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is not finite or beyond ±<see cref="MaxCoordinate"/>.</exception>
    public void TouchDown(int id, double x, double y)
    {
        CheckCoordinate(x);
        CheckCoordinate(y);
        (double outputX, double outputY) = ToOutput(x, y);
        Session.Compositor.TouchDown(id, outputX, outputY);
    }

    /// <summary>Touch point <paramref name="id"/> moves to window-relative (<paramref name="x"/>, <paramref name="y"/>) of this window.</summary>
    /// <exception cref="InvalidOperationException">Point <paramref name="id"/> is not down.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is not finite or beyond ±<see cref="MaxCoordinate"/>.</exception>
    public void TouchMove(int id, double x, double y)
    {
        CheckCoordinate(x);
        CheckCoordinate(y);
        (double outputX, double outputY) = ToOutput(x, y);
        Session.Compositor.TouchMotion(id, outputX, outputY);
    }

    /// <summary>Touch point <paramref name="id"/> goes up.</summary>
    /// <exception cref="InvalidOperationException">Point <paramref name="id"/> is not down.</exception>
    public void TouchUp(int id) => Session.Compositor.TouchUp(id);

    /// <summary>Moves the window so its top-left corner is at (<paramref name="x"/>, <paramref name="y"/>) in output coordinates (any output of the session).</summary>
    /// <exception cref="GuiTestException">The window is no longer mapped.</exception>
    public void MoveTo(int x, int y)
    {
        if (!Session.Compositor.MoveWindow(Id, x, y))
        {
            Refresh();
        }
    }

    /// <summary>Moves the pointer to window-relative (<paramref name="x"/>, <paramref name="y"/>) and scrolls by (<paramref name="dx"/>, <paramref name="dy"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate or amount is not finite or beyond ±<see cref="MaxCoordinate"/>.</exception>
    public void Scroll(double x, double y, double dx, double dy)
    {
        CheckCoordinates(x, y, dx, dy);
        MovePointer(x, y);
        Session.Compositor.Scroll(dx, dy);
    }

    /// <summary>Activates the window and types <paramref name="text"/> (see <see cref="HeadlessCompositor.TypeText"/> for what can be typed).</summary>
    public void TypeText(string text)
    {
        Activate();
        Session.Compositor.TypeText(text);
    }

    /// <summary>Activates the window and presses <paramref name="key"/> with <paramref name="modifiers"/> held (evdev codes, see <see cref="Keys"/>).</summary>
    public void PressKey(uint key, params ReadOnlySpan<uint> modifiers)
    {
        Activate();
        Session.Compositor.PressKey(key, modifiers);
    }

    /// <summary>Activates the window and presses a chord written as text, such as <c>Ctrl+Shift+T</c> (see <see cref="KeyChord"/>).</summary>
    /// <exception cref="ArgumentException">The chord names an unknown key.</exception>
    public void PressChord(string chord)
    {
        (uint key, uint[] modifiers) = KeyChord.Parse(chord);
        PressKey(key, modifiers);
    }

    /// <summary>Raises the window and gives it keyboard focus.</summary>
    /// <exception cref="GuiTestException">The window is no longer mapped.</exception>
    public void Activate()
    {
        if (!Session.Compositor.ActivateWindow(Id))
        {
            Refresh();
        }
    }

    /// <summary>The window as it looks now (its surfaces only, transparent around them).</summary>
    /// <exception cref="GuiTestException">The window is no longer mapped.</exception>
    public Image Capture()
    {
        if (Session.Compositor.CaptureWindow(Id) is { } image)
        {
            return image;
        }

        Refresh();
        return Session.Compositor.CaptureWindow(Id) ?? throw new GuiTestException($"{this} is gone");
    }

    /// <inheritdoc/>
    public override string ToString() => $"window #{_info.Id} \"{_info.Title}\" ({_info.AppId})";

    /// <summary>Refuses a step count outside 1 to <see cref="MaxSteps"/>.</summary>
    private static void CheckSteps(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(steps, MaxSteps);
    }

    /// <summary>Refuses a coordinate or amount that is not a finite number within ±<see cref="MaxCoordinate"/>, naming its parameter.</summary>
    private static void CheckCoordinate(double value, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (!double.IsFinite(value) || Math.Abs(value) > MaxCoordinate)
        {
            throw new ArgumentOutOfRangeException(name, value,
                $"Input coordinates and amounts are finite numbers within ±{MaxCoordinate} (Wayland's 24.8 fixed-point range).");
        }
    }

    private static void CheckCoordinates(double first, double second, double third, double fourth,
        [CallerArgumentExpression(nameof(first))] string firstName = "", [CallerArgumentExpression(nameof(second))] string secondName = "",
        [CallerArgumentExpression(nameof(third))] string thirdName = "", [CallerArgumentExpression(nameof(fourth))] string fourthName = "")
    {
        CheckCoordinate(first, firstName);
        CheckCoordinate(second, secondName);
        CheckCoordinate(third, thirdName);
        CheckCoordinate(fourth, fourthName);
    }

    private (double X, double Y) ToOutput(double x, double y)
    {
        Rect bounds = Refresh().Bounds;
        return (bounds.X + x, bounds.Y + y);
    }
}
