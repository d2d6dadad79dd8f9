namespace Wayland.Compositor;

/// <summary>
/// Linux evdev key and button codes (<c>linux/input-event-codes.h</c>): what <c>wl_keyboard.key</c> and
/// <c>wl_pointer.button</c> carry. The compositor's keymap (<see cref="Keymap.UsText"/>) gives every key listed here a
/// symbol (the buttons are pointer buttons, not keys); XKB key codes are these plus 8. Letters and digits are named by
/// the key, not the character: <see cref="A"/> types "a" or "A" depending on Shift and Caps Lock.
/// </summary>
public static class Keys
{
    /// <summary>Esc (KEY_ESC).</summary>
    public const uint Escape = 1;

    /// <summary>The digit 1 on the main block (KEY_1).</summary>
    public const uint D1 = 2;

    /// <summary>The digit 2 on the main block (KEY_2).</summary>
    public const uint D2 = 3;

    /// <summary>The digit 3 on the main block (KEY_3).</summary>
    public const uint D3 = 4;

    /// <summary>The digit 4 on the main block (KEY_4).</summary>
    public const uint D4 = 5;

    /// <summary>The digit 5 on the main block (KEY_5).</summary>
    public const uint D5 = 6;

    /// <summary>The digit 6 on the main block (KEY_6).</summary>
    public const uint D6 = 7;

    /// <summary>The digit 7 on the main block (KEY_7).</summary>
    public const uint D7 = 8;

    /// <summary>The digit 8 on the main block (KEY_8).</summary>
    public const uint D8 = 9;

    /// <summary>The digit 9 on the main block (KEY_9).</summary>
    public const uint D9 = 10;

    /// <summary>The digit 0 on the main block (KEY_0).</summary>
    public const uint D0 = 11;

    /// <summary>- and _ (KEY_MINUS).</summary>
    public const uint Minus = 12;

    /// <summary>= and + (KEY_EQUAL).</summary>
    public const uint Equal = 13;

    /// <summary>Backspace (KEY_BACKSPACE).</summary>
    public const uint Backspace = 14;

    /// <summary>Tab (KEY_TAB).</summary>
    public const uint Tab = 15;

    /// <summary>The letter Q (KEY_Q).</summary>
    public const uint Q = 16;

    /// <summary>The letter W (KEY_W).</summary>
    public const uint W = 17;

    /// <summary>The letter E (KEY_E).</summary>
    public const uint E = 18;

    /// <summary>The letter R (KEY_R).</summary>
    public const uint R = 19;

    /// <summary>The letter T (KEY_T).</summary>
    public const uint T = 20;

    /// <summary>The letter Y (KEY_Y).</summary>
    public const uint Y = 21;

    /// <summary>The letter U (KEY_U).</summary>
    public const uint U = 22;

    /// <summary>The letter I (KEY_I).</summary>
    public const uint I = 23;

    /// <summary>The letter O (KEY_O).</summary>
    public const uint O = 24;

    /// <summary>The letter P (KEY_P).</summary>
    public const uint P = 25;

    /// <summary>[ and { (KEY_LEFTBRACE).</summary>
    public const uint LeftBracket = 26;

    /// <summary>] and } (KEY_RIGHTBRACE).</summary>
    public const uint RightBracket = 27;

    /// <summary>Enter / Return on the main block (KEY_ENTER).</summary>
    public const uint Enter = 28;

    /// <summary>Left Control (KEY_LEFTCTRL).</summary>
    public const uint LeftCtrl = 29;

    /// <summary>The letter A (KEY_A).</summary>
    public const uint A = 30;

    /// <summary>The letter S (KEY_S).</summary>
    public const uint S = 31;

    /// <summary>The letter D (KEY_D).</summary>
    public const uint D = 32;

    /// <summary>The letter F (KEY_F).</summary>
    public const uint F = 33;

    /// <summary>The letter G (KEY_G).</summary>
    public const uint G = 34;

    /// <summary>The letter H (KEY_H).</summary>
    public const uint H = 35;

    /// <summary>The letter J (KEY_J).</summary>
    public const uint J = 36;

    /// <summary>The letter K (KEY_K).</summary>
    public const uint K = 37;

    /// <summary>The letter L (KEY_L).</summary>
    public const uint L = 38;

    /// <summary>; and : (KEY_SEMICOLON).</summary>
    public const uint Semicolon = 39;

    /// <summary>' and " (KEY_APOSTROPHE).</summary>
    public const uint Apostrophe = 40;

    /// <summary>` and ~ (KEY_GRAVE).</summary>
    public const uint Grave = 41;

    /// <summary>Left Shift (KEY_LEFTSHIFT).</summary>
    public const uint LeftShift = 42;

    /// <summary>\ and | (KEY_BACKSLASH).</summary>
    public const uint Backslash = 43;

    /// <summary>The letter Z (KEY_Z).</summary>
    public const uint Z = 44;

    /// <summary>The letter X (KEY_X).</summary>
    public const uint X = 45;

    /// <summary>The letter C (KEY_C).</summary>
    public const uint C = 46;

    /// <summary>The letter V (KEY_V).</summary>
    public const uint V = 47;

    /// <summary>The letter B (KEY_B).</summary>
    public const uint B = 48;

    /// <summary>The letter N (KEY_N).</summary>
    public const uint N = 49;

    /// <summary>The letter M (KEY_M).</summary>
    public const uint M = 50;

    /// <summary>, and &lt; (KEY_COMMA).</summary>
    public const uint Comma = 51;

    /// <summary>. and &gt; (KEY_DOT).</summary>
    public const uint Period = 52;

    /// <summary>/ and ? (KEY_SLASH).</summary>
    public const uint Slash = 53;

    /// <summary>Right Shift (KEY_RIGHTSHIFT).</summary>
    public const uint RightShift = 54;

    /// <summary>Left Alt (KEY_LEFTALT).</summary>
    public const uint LeftAlt = 56;

    /// <summary>Space bar (KEY_SPACE).</summary>
    public const uint Space = 57;

    /// <summary>Caps Lock (KEY_CAPSLOCK).</summary>
    public const uint CapsLock = 58;

    /// <summary>Function key F1 (KEY_F1).</summary>
    public const uint F1 = 59;

    /// <summary>Function key F2 (KEY_F2).</summary>
    public const uint F2 = 60;

    /// <summary>Function key F3 (KEY_F3).</summary>
    public const uint F3 = 61;

    /// <summary>Function key F4 (KEY_F4).</summary>
    public const uint F4 = 62;

    /// <summary>Function key F5 (KEY_F5).</summary>
    public const uint F5 = 63;

    /// <summary>Function key F6 (KEY_F6).</summary>
    public const uint F6 = 64;

    /// <summary>Function key F7 (KEY_F7).</summary>
    public const uint F7 = 65;

    /// <summary>Function key F8 (KEY_F8).</summary>
    public const uint F8 = 66;

    /// <summary>Function key F9 (KEY_F9).</summary>
    public const uint F9 = 67;

    /// <summary>Function key F10 (KEY_F10).</summary>
    public const uint F10 = 68;

    /// <summary>Function key F11 (KEY_F11).</summary>
    public const uint F11 = 87;

    /// <summary>Function key F12 (KEY_F12).</summary>
    public const uint F12 = 88;

    /// <summary>Right Control (KEY_RIGHTCTRL).</summary>
    public const uint RightCtrl = 97;

    /// <summary>Right Alt (KEY_RIGHTALT).</summary>
    public const uint RightAlt = 100;

    /// <summary>Home (KEY_HOME).</summary>
    public const uint Home = 102;

    /// <summary>Arrow up (KEY_UP).</summary>
    public const uint Up = 103;

    /// <summary>Page Up (KEY_PAGEUP).</summary>
    public const uint PageUp = 104;

    /// <summary>Arrow left (KEY_LEFT).</summary>
    public const uint Left = 105;

    /// <summary>Arrow right (KEY_RIGHT).</summary>
    public const uint Right = 106;

    /// <summary>End (KEY_END).</summary>
    public const uint End = 107;

    /// <summary>Arrow down (KEY_DOWN).</summary>
    public const uint Down = 108;

    /// <summary>Page Down (KEY_PAGEDOWN).</summary>
    public const uint PageDown = 109;

    /// <summary>Insert (KEY_INSERT).</summary>
    public const uint Insert = 110;

    /// <summary>Delete (KEY_DELETE).</summary>
    public const uint Delete = 111;

    /// <summary>Left Super / Windows / Logo key (KEY_LEFTMETA).</summary>
    public const uint LeftSuper = 125;

    /// <summary>Right Super / Windows / Logo key (KEY_RIGHTMETA).</summary>
    public const uint RightSuper = 126;

    /// <summary>Menu / Compose (KEY_COMPOSE).</summary>
    public const uint Menu = 127;

    /// <summary>Left mouse button (BTN_LEFT), for wl_pointer.button.</summary>
    public const uint ButtonLeft = 0x110;

    /// <summary>Right mouse button (BTN_RIGHT), for wl_pointer.button.</summary>
    public const uint ButtonRight = 0x111;

    /// <summary>Middle mouse button (BTN_MIDDLE), for wl_pointer.button.</summary>
    public const uint ButtonMiddle = 0x112;

    /// <summary>Side (back) mouse button (BTN_SIDE), for wl_pointer.button.</summary>
    public const uint ButtonSide = 0x113;

    /// <summary>Extra (forward) mouse button (BTN_EXTRA), for wl_pointer.button.</summary>
    public const uint ButtonExtra = 0x114;
}
