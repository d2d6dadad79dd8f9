namespace Wayland.Compositor;

/// <summary>Scripted input: pointer and keyboard events delivered to clients as real wl_pointer / wl_keyboard events.</summary>
public sealed partial class HeadlessCompositor
{
    /// <summary>Current pointer position in output coordinates.</summary>
    public (double X, double Y) PointerPosition => Invoke(() => (_seat.PointerX, _seat.PointerY));

    /// <summary>Moves the pointer to (x, y) in output coordinates (clamped to the output): enter/leave/motion + frame.</summary>
    public void MovePointer(double x, double y) => Invoke(() => _seat.MovePointer(x, y));

    /// <summary>Presses or releases a button (evdev code, e.g. <see cref="Keys.ButtonLeft"/>) where the pointer is.</summary>
    /// <remarks>A press raises and focuses the window under the pointer and dismisses grabbing popups of other clients.</remarks>
    public void PointerButton(uint button, bool pressed) => Invoke(() => _seat.Button(button, pressed));

    /// <summary>Moves the pointer to (x, y) and clicks (press then release) <paramref name="button"/>.</summary>
    public void Click(double x, double y, uint button = Keys.ButtonLeft) => Invoke(() =>
    {
        _seat.MovePointer(x, y);
        _seat.Button(button, pressed: true);
        _seat.Button(button, pressed: false);
    });

    /// <summary>Scrolls by (dx, dy) surface-local units where the pointer is (wheel source).</summary>
    public void Scroll(double dx, double dy) => Invoke(() => _seat.Scroll(dx, dy));

    /// <summary>Presses or releases a key (evdev code, see <see cref="Keys"/>) for the focused window; modifiers follow.</summary>
    public void Key(uint key, bool pressed) => Invoke(() => _seat.Key(key, pressed));

    /// <summary>Presses and releases a key, optionally with modifier keys held (for example <see cref="Keys.LeftCtrl"/>).</summary>
    public void PressKey(uint key, params ReadOnlySpan<uint> modifiers)
    {
        uint[] held = modifiers.ToArray();
        Invoke(() =>
        {
            foreach (uint modifier in held)
            {
                _seat.Key(modifier, pressed: true);
            }

            _seat.Key(key, pressed: true);
            _seat.Key(key, pressed: false);
            for (int i = held.Length - 1; i >= 0; i--)
            {
                _seat.Key(held[i], pressed: false);
            }
        });
    }

    /// <summary>Types <paramref name="text"/> on the US keymap (printable ASCII, newline, tab), with Shift where needed.</summary>
    /// <exception cref="ArgumentException">A character cannot be typed on the keymap.</exception>
    public void TypeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<(uint Key, bool Shift)> strokes = new(text.Length);
        foreach (char c in text)
        {
            if (!Keymap.TryMapCharacter(c, out uint key, out bool shift))
            {
                throw new ArgumentException($"'{c}' (U+{(int)c:X4}) cannot be typed on the US keymap", nameof(text));
            }

            strokes.Add((key, shift));
        }

        Invoke(() =>
        {
            foreach ((uint key, bool shift) in strokes)
            {
                if (shift)
                {
                    _seat.Key(Keys.LeftShift, pressed: true);
                }

                _seat.Key(key, pressed: true);
                _seat.Key(key, pressed: false);
                if (shift)
                {
                    _seat.Key(Keys.LeftShift, pressed: false);
                }
            }
        });
    }
}
