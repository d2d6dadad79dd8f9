namespace Wayland.Compositor;

/// <summary>
/// Modifier bits of <c>wl_keyboard.modifiers</c> for the compositor's keymap (<see cref="Keymap.UsText"/>): bit n is the
/// real modifier with index n, and libxkbcommon fixes those indices (Shift 0, Lock 1, Control 2, Mod1 3, … Mod4 6).
/// </summary>
public static class ModifierMask
{
    /// <summary>Shift (held Shift_L or Shift_R).</summary>
    public const uint Shift = 1u << 0;

    /// <summary>Lock (Caps Lock, usually in the locked mask).</summary>
    public const uint Lock = 1u << 1;

    /// <summary>Control (held Control_L or Control_R).</summary>
    public const uint Control = 1u << 2;

    /// <summary>Mod1, which the keymap binds to Alt_L and Alt_R (the Alt virtual modifier).</summary>
    public const uint Mod1 = 1u << 3;

    /// <summary>Alt: the same bit as <see cref="Mod1"/>.</summary>
    public const uint Alt = Mod1;

    /// <summary>Mod4, which the keymap binds to Super_L and Super_R (the Super virtual modifier).</summary>
    public const uint Mod4 = 1u << 6;

    /// <summary>Super (logo key): the same bit as <see cref="Mod4"/>.</summary>
    public const uint Super = Mod4;
}
