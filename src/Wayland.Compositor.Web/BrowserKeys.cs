using System.Collections.Frozen;

namespace Wayland.Compositor.Web;

/// <summary>
/// Browser <c>KeyboardEvent.code</c> values (the physical key, whatever the browser's layout) to Linux evdev key
/// codes, which the compositor turns into characters through its own keymap. Keys the US keymap has no use for
/// (media keys, the numeric keypad) are not mapped and are ignored.
/// </summary>
internal static class BrowserKeys
{
    private static readonly FrozenDictionary<string, uint> Codes = Build().ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Longest code accepted; anything longer is hostile input rather than a key.</summary>
    public const int MaxCodeLength = 32;

    /// <summary>The evdev code of <paramref name="code"/>, or false when the key is not mapped.</summary>
    public static bool TryGetEvdev(string code, out uint key) => Codes.TryGetValue(code, out key);

    private static Dictionary<string, uint> Build()
    {
        Dictionary<string, uint> codes = new(StringComparer.Ordinal)
        {
            ["Escape"] = Keys.Escape,
            ["Minus"] = Keys.Minus,
            ["Equal"] = Keys.Equal,
            ["Backspace"] = Keys.Backspace,
            ["Tab"] = Keys.Tab,
            ["BracketLeft"] = Keys.LeftBracket,
            ["BracketRight"] = Keys.RightBracket,
            ["Enter"] = Keys.Enter,
            ["NumpadEnter"] = Keys.Enter,
            ["ControlLeft"] = Keys.LeftCtrl,
            ["Semicolon"] = Keys.Semicolon,
            ["Quote"] = Keys.Apostrophe,
            ["Backquote"] = Keys.Grave,
            ["ShiftLeft"] = Keys.LeftShift,
            ["Backslash"] = Keys.Backslash,
            ["Comma"] = Keys.Comma,
            ["Period"] = Keys.Period,
            ["Slash"] = Keys.Slash,
            ["ShiftRight"] = Keys.RightShift,
            ["AltLeft"] = Keys.LeftAlt,
            ["Space"] = Keys.Space,
            ["CapsLock"] = Keys.CapsLock,
            ["F11"] = Keys.F11,
            ["F12"] = Keys.F12,
            ["ControlRight"] = Keys.RightCtrl,
            ["AltRight"] = Keys.RightAlt,
            ["Home"] = Keys.Home,
            ["ArrowUp"] = Keys.Up,
            ["PageUp"] = Keys.PageUp,
            ["ArrowLeft"] = Keys.Left,
            ["ArrowRight"] = Keys.Right,
            ["End"] = Keys.End,
            ["ArrowDown"] = Keys.Down,
            ["PageDown"] = Keys.PageDown,
            ["Insert"] = Keys.Insert,
            ["Delete"] = Keys.Delete,
            ["MetaLeft"] = Keys.LeftSuper,
            ["MetaRight"] = Keys.RightSuper,
            ["ContextMenu"] = Keys.Menu,
        };

        // Digit1..Digit9 are evdev 2..10, Digit0 is 11; F1..F10 are 59..68.
        for (int digit = 1; digit <= 9; digit++)
        {
            codes[$"Digit{digit}"] = Keys.D1 + (uint)(digit - 1);
        }

        codes["Digit0"] = Keys.D0;
        for (int f = 1; f <= 10; f++)
        {
            codes[$"F{f}"] = Keys.F1 + (uint)(f - 1);
        }

        // Letters follow the QWERTY rows, not the alphabet.
        ReadOnlySpan<uint> letters =
        [
            Keys.A, Keys.B, Keys.C, Keys.D, Keys.E, Keys.F, Keys.G, Keys.H, Keys.I, Keys.J, Keys.K, Keys.L, Keys.M,
            Keys.N, Keys.O, Keys.P, Keys.Q, Keys.R, Keys.S, Keys.T, Keys.U, Keys.V, Keys.W, Keys.X, Keys.Y, Keys.Z,
        ];
        for (int i = 0; i < letters.Length; i++)
        {
            codes[$"Key{(char)('A' + i)}"] = letters[i];
        }

        return codes;
    }
}
