using System.Buffers;
using System.Text;

namespace Wayland.Compositor;

/// <summary>Scripted input: pointer, keyboard and touch events delivered to clients as real wl_pointer / wl_keyboard / wl_touch events.</summary>
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

    /// <summary>
    /// Puts touch point <paramref name="id"/> down at (x, y) in output coordinates: the surface there gets
    /// wl_touch.down (surface-local coordinates) and frame, and its window is raised. The point stays with that surface
    /// until <see cref="TouchUp"/> or <see cref="TouchCancel"/>. Touching no surface is allowed and sends nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">Point <paramref name="id"/> is already down.</exception>
    public void TouchDown(int id, double x, double y) => Invoke(() =>
    {
        if (!_seat.TouchDown(id, x, y))
        {
            throw new InvalidOperationException($"touch point {id} is already down");
        }
    });

    /// <summary>Moves touch point <paramref name="id"/> to (x, y) in output coordinates: wl_touch.motion relative to the
    /// surface it went down on, and frame. A point that went down on no surface moves silently.</summary>
    /// <exception cref="InvalidOperationException">Point <paramref name="id"/> is not down.</exception>
    public void TouchMotion(int id, double x, double y) => Invoke(() =>
    {
        if (!_seat.TouchMotion(id, x, y))
        {
            throw new InvalidOperationException($"touch point {id} is not down");
        }
    });

    /// <summary>Lifts touch point <paramref name="id"/>: wl_touch.up and frame.</summary>
    /// <exception cref="InvalidOperationException">Point <paramref name="id"/> is not down.</exception>
    public void TouchUp(int id) => Invoke(() =>
    {
        if (!_seat.TouchUp(id))
        {
            throw new InvalidOperationException($"touch point {id} is not down");
        }
    });

    /// <summary>Cancels every touch point that is down (wl_touch.cancel): clients drop the gesture.</summary>
    public void TouchCancel() => Invoke(_seat.TouchCancel);

    /// <summary>Taps at (x, y) in output coordinates with touch point 0: down, then up.</summary>
    public void Tap(double x, double y)
    {
        TouchDown(0, x, y);
        TouchUp(0);
    }

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

    /// <summary>
    /// Types <paramref name="text"/>: printable ASCII, newline and tab on the US keymap's keys (with Shift where
    /// needed), and any other character (é, ✓, 日本, 🙂 …) on an extra key. For those the keymap grows: the seat sends
    /// every wl_keyboard a new keymap — the US one plus keys bound to those characters' keysyms, at most 64 at a time
    /// (longer variety is typed in runs, each with its own keymap) — before the first stroke that needs it, and keeps
    /// it while later text needs nothing new.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="text"/> holds a control character other than newline, tab and backspace, or an unpaired surrogate.
    /// </exception>
    public void TypeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // A stroke is a US key (Symbol 0) or a code point on an extra key.
        List<(uint Key, bool Shift, int Symbol)> strokes = new(text.Length);
        for (int i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int length) != OperationStatus.Done)
            {
                throw new ArgumentException($"unpaired surrogate U+{(int)text[i]:X4} at index {i}", nameof(text));
            }

            if (rune.IsBmp && Keymap.TryMapCharacter((char)rune.Value, out uint key, out bool shift))
            {
                strokes.Add((key, shift, 0));
            }
            else if (Rune.IsControl(rune))
            {
                throw new ArgumentException($"the control character U+{rune.Value:X4} at index {i} cannot be typed", nameof(text));
            }
            else
            {
                strokes.Add((0, false, rune.Value));
            }

            i += length;
        }

        Invoke(() =>
        {
            HashSet<int> run = [];
            int runStart = 0;
            for (int i = 0; i <= strokes.Count; i++)
            {
                // A run ends before the stroke that would need one extra symbol too many, or at the end.
                if (i == strokes.Count || (strokes[i].Symbol != 0 && !run.Contains(strokes[i].Symbol) && run.Count == Keymap.MaxExtraSymbols))
                {
                    _seat.EnsureSymbols(run);
                    for (int j = runStart; j < i; j++)
                    {
                        (uint key, bool shift, int symbol) = strokes[j];
                        Stroke(symbol != 0 ? _seat.KeyForSymbol(symbol) : key, shift);
                    }

                    run.Clear();
                    runStart = i;
                }

                if (i < strokes.Count && strokes[i].Symbol != 0)
                {
                    run.Add(strokes[i].Symbol);
                }
            }
        });
    }

    private void Stroke(uint key, bool shift)
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
}
