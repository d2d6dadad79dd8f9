using System.Globalization;
using System.Text;

namespace Wayland.Compositor;

/// <summary>
/// The compositor's XKB keymap — US QWERTY, complete in itself (no includes) — and how to type a character on it.
/// Clients receive the keymap in <c>wl_keyboard.keymap</c>; key codes are <see cref="Keys"/> values and modifier masks
/// <see cref="ModifierMask"/> bits.
/// </summary>
public static class Keymap
{
    private const string UsResourceName = "Wayland.Compositor.Input.us.xkb";

    /// <summary>Set in a <see cref="AsciiKeys"/> entry when the character needs Shift; the low bits are the key.</summary>
    private const ushort ShiftBit = 0x8000;

    private static readonly ushort[] AsciiKeys = BuildAsciiKeys();

    private static string? s_usText;
    private static byte[]? s_usUtf8;

    /// <summary>The US keymap in XKB text format (<c>xkb_keymap { … }</c>), as libxkbcommon's <c>xkb_keymap_new_from_string</c> takes it.</summary>
    public static string UsText => s_usText ??= LoadResource(UsResourceName);

    /// <summary>
    /// <see cref="UsText"/> as UTF-8 followed by one NUL byte: the contents of the file to send in
    /// <c>wl_keyboard.keymap</c> (format <c>xkb_v1</c>, size = this length). Clients hand the mapped bytes to libxkbcommon
    /// as a C string, so the NUL must be inside the size they are given.
    /// </summary>
    public static ReadOnlySpan<byte> UsUtf8 => s_usUtf8 ??= NulTerminated(UsText);

    /// <summary>
    /// The key that types <paramref name="c"/> on the US keymap, and whether Shift must be held (with Caps Lock off).
    /// Covers printable ASCII (' ' to '~') and '\n' (Return), '\t' (Tab) and '\b' (BackSpace).
    /// </summary>
    /// <param name="c">The character.</param>
    /// <param name="evdevKey">The key's evdev code (a <see cref="Keys"/> value); 0 when there is none.</param>
    /// <param name="shift">Whether Shift must be held while the key is pressed.</param>
    /// <returns>False when no key types <paramref name="c"/>.</returns>
    public static bool TryMapCharacter(char c, out uint evdevKey, out bool shift)
    {
        ushort entry = c < AsciiKeys.Length ? AsciiKeys[c] : (ushort)0;
        evdevKey = (uint)(entry & ~ShiftBit);
        shift = (entry & ShiftBit) != 0;
        return entry != 0;
    }

    /// <summary>
    /// The evdev code of the first key <see cref="WithExtraSymbols"/> adds (XKB key code 192, named <c>&lt;I192&gt;</c>);
    /// extra symbol <c>i</c> is on key <c>FirstExtraKey + i</c>. The US keymap leaves these codes unbound.
    /// </summary>
    internal const uint FirstExtraKey = 184;

    /// <summary>How many extra symbols a keymap can carry: XKB key codes 192 to 255 (the keymap's maximum).</summary>
    internal const int MaxExtraSymbols = 64;

    /// <summary>
    /// The US keymap plus one key per code point in <paramref name="codePoints"/>, each bound to the keysym
    /// <c>U</c><i>hex</i> (libxkbcommon's name for the keysym of any Unicode code point) on the one level of the
    /// type <c>TEXT</c>, which consumes Shift and Caps Lock so that neither changes the character; as
    /// NUL-terminated UTF-8 for <c>wl_keyboard.keymap</c>. Code points must be Unicode scalar values that are not
    /// control characters.
    /// </summary>
    internal static byte[] WithExtraSymbols(ReadOnlySpan<int> codePoints)
    {
        if (codePoints.Length > MaxExtraSymbols)
        {
            throw new ArgumentException($"at most {MaxExtraSymbols} extra symbols fit in the keymap, not {codePoints.Length}", nameof(codePoints));
        }

        string us = UsText;
        int keycodesEnd = IndexOfOrThrow(us, "        indicator 1 ");
        int symbolsEnd = IndexOfOrThrow(us, "        modifier_map Shift ");
        StringBuilder text = new(us.Length + (codePoints.Length * 80));
        text.Append(us, 0, keycodesEnd);
        for (int i = 0; i < codePoints.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"        <I{FirstExtraKey + i + 8}> = {FirstExtraKey + i + 8};\n");
        }

        text.Append('\n').Append(us, keycodesEnd, symbolsEnd - keycodesEnd);
        for (int i = 0; i < codePoints.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"        key <I{FirstExtraKey + i + 8}> {{ type = \"TEXT\", [ U{codePoints[i]:X4} ] }};\n");
        }

        text.Append('\n').Append(us, symbolsEnd, us.Length - symbolsEnd);
        return NulTerminated(text.ToString());
    }

    private static int IndexOfOrThrow(string text, string value)
    {
        int index = text.IndexOf(value, StringComparison.Ordinal);
        return index >= 0 ? index : throw new InvalidOperationException($"the US keymap has no line starting \"{value.Trim()}\"");
    }

    private static ushort[] BuildAsciiKeys()
    {
        ushort[] table = new ushort[128];

        // evdev numbers each row of the main block left to right without gaps, so a row is its first key's code
        // and the characters on it, unshifted and shifted.
        AddRow(table, Keys.D1, "1234567890-=", "!@#$%^&*()_+");
        AddRow(table, Keys.Q, "qwertyuiop[]", "QWERTYUIOP{}");
        AddRow(table, Keys.A, "asdfghjkl;'`", "ASDFGHJKL:\"~");
        AddRow(table, Keys.Backslash, "\\zxcvbnm,./", "|ZXCVBNM<>?");
        table[' '] = (ushort)Keys.Space;
        table['\n'] = (ushort)Keys.Enter;
        table['\t'] = (ushort)Keys.Tab;
        table['\b'] = (ushort)Keys.Backspace;
        return table;
    }

    private static void AddRow(ushort[] table, uint firstKey, string plain, string shifted)
    {
        for (int i = 0; i < plain.Length; i++)
        {
            table[plain[i]] = (ushort)(firstKey + i);
            table[shifted[i]] = (ushort)((firstKey + i) | ShiftBit);
        }
    }

    private static string LoadResource(string name)
    {
        using Stream stream = typeof(Keymap).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the resource {name} is missing from {typeof(Keymap).Assembly.GetName().Name}");
        using StreamReader reader = new(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static byte[] NulTerminated(string text)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
