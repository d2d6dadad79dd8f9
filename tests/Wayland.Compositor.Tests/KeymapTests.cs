using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Wayland.Testing;

namespace Wayland.Compositor.Tests;

/// <summary>
/// The compositor's keymap as a client sees it: compiled by libxkbcommon (tests/native/xkb-check) with no include
/// paths, every character <see cref="Keymap.TryMapCharacter"/> maps types that character, and the modifier keys set the
/// <see cref="ModifierMask"/> bits the compositor sends.
/// </summary>
public sealed class KeymapTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("wayland-keymap-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void CompilesWithoutIncludesOrWarnings()
    {
        string withoutComments = Regex.Replace(Keymap.UsText, "(//|#)[^\n]*", "");
        Assert.DoesNotContain("include", withoutComments, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("xkb_symbols", withoutComments, StringComparison.Ordinal);

        (string first, _, string stderr) = Check([]);

        Assert.Equal("", stderr);
        Assert.Equal("Shift=0 Lock=1 Control=2 Mod1=3 Mod4=6", first);
    }

    [Fact]
    public void BrokenKeymapFailsToCompile()
    {
        // xkb-check must be able to fail: a keymap that leans on an include has nothing to include from.
        string path = Path.Combine(_directory, "broken.xkb");
        File.WriteAllText(path, Keymap.UsText.Replace("xkb_types \"wayland-dotnet\" {", "xkb_types \"wayland-dotnet\" { include \"complete\"", StringComparison.Ordinal));

        (int exit, _, _) = ProcessRunner.Run(new ProcessStartInfo(NativePeers.Path("xkb-check"), [path]), TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exit);
    }

    [Fact]
    public void EveryMappedCharacterTypesItself()
    {
        List<char> characters = [.. Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c), '\n', '\t', '\b'];
        List<string> arguments = [];
        foreach (char c in characters)
        {
            Assert.True(Keymap.TryMapCharacter(c, out uint key, out bool shift), $"no key for U+{(int)c:X4}");
            arguments.Add(Key(key, shift ? "+shift" : ""));
        }

        (_, string[] lines, _) = Check(arguments);

        for (int i = 0; i < characters.Count; i++)
        {
            char c = characters[i];

            // Return types a carriage return, as on every XKB keymap.
            string expected = c == '\n' ? "0d" : ((int)c).ToString("x2", CultureInfo.InvariantCulture);
            string[] fields = lines[i].Split(' ');
            Assert.True(fields[2] == expected, $"U+{(int)c:X4} mapped to {arguments[i]}, which types {lines[i]}");
        }
    }

    [Theory]
    [InlineData('é')]
    [InlineData('\0')]
    [InlineData('\r')]
    [InlineData('\x7f')]
    [InlineData('\u00a0')]
    public void UnmappedCharactersAreRefused(char c)
    {
        Assert.False(Keymap.TryMapCharacter(c, out uint key, out bool shift));
        Assert.Equal(0u, key);
        Assert.False(shift);
    }

    [Fact]
    public void CapsLockCapitalisesLettersOnly()
    {
        (_, string[] lines, _) = Check([
            Key(Keys.Q, "+lock"), Key(Keys.Q, "+shift+lock"), Key(Keys.M, "+lock"),
            Key(Keys.D1, "+lock"), Key(Keys.Semicolon, "+lock"), Key(Keys.D1, "+shift+lock")]);

        Assert.Equal(["Q", "q", "M", "1", "semicolon", "exclam"], lines.Select(line => line.Split(' ')[1]));
    }

    [Fact]
    public void NamedKeysGiveTheirKeysyms()
    {
        (uint Key, string Keysym)[] cases =
        [
            (Keys.Escape, "Escape"), (Keys.Enter, "Return"), (Keys.Backspace, "BackSpace"), (Keys.Tab, "Tab"),
            (Keys.Space, "space"), (Keys.Delete, "Delete"), (Keys.Insert, "Insert"), (Keys.Home, "Home"), (Keys.End, "End"),
            (Keys.PageUp, "Prior"), (Keys.PageDown, "Next"), (Keys.Up, "Up"), (Keys.Down, "Down"), (Keys.Left, "Left"),
            (Keys.Right, "Right"), (Keys.LeftShift, "Shift_L"), (Keys.RightShift, "Shift_R"), (Keys.LeftCtrl, "Control_L"),
            (Keys.RightCtrl, "Control_R"), (Keys.LeftAlt, "Alt_L"), (Keys.RightAlt, "Alt_R"), (Keys.CapsLock, "Caps_Lock"),
            (Keys.LeftSuper, "Super_L"), (Keys.RightSuper, "Super_R"), (Keys.Menu, "Menu"),
            (Keys.F1, "F1"), (Keys.F2, "F2"), (Keys.F3, "F3"), (Keys.F4, "F4"), (Keys.F5, "F5"), (Keys.F6, "F6"),
            (Keys.F7, "F7"), (Keys.F8, "F8"), (Keys.F9, "F9"), (Keys.F10, "F10"), (Keys.F11, "F11"), (Keys.F12, "F12"),
        ];

        (_, string[] lines, _) = Check([.. cases.Select(c => Key(c.Key, ""))]);

        Assert.Equal(cases.Select(c => c.Keysym), lines.Select(line => line.Split(' ')[1]));
    }

    [Fact]
    public void ModifierKeysSetTheMaskBitsAndDoNotRepeat()
    {
        (uint Key, uint Mask)[] modifiers =
        [
            (Keys.LeftShift, ModifierMask.Shift), (Keys.RightShift, ModifierMask.Shift),
            (Keys.LeftCtrl, ModifierMask.Control), (Keys.RightCtrl, ModifierMask.Control),
            (Keys.LeftAlt, ModifierMask.Alt), (Keys.RightAlt, ModifierMask.Alt),
            (Keys.LeftSuper, ModifierMask.Super), (Keys.RightSuper, ModifierMask.Super),
        ];
        List<string> arguments = [];
        foreach ((uint key, _) in modifiers)
        {
            arguments.Add(Key(key, ""));
            arguments.Add($"down:{key}");
            arguments.Add($"up:{key}");
        }

        (_, string[] lines, _) = Check(arguments);

        for (int i = 0; i < modifiers.Length; i++)
        {
            Assert.EndsWith(" - 0", lines[3 * i], StringComparison.Ordinal); // no text, no repeat
            Assert.Equal($"down:{modifiers[i].Key} depressed=0x{modifiers[i].Mask:x} latched=0x0 locked=0x0", lines[(3 * i) + 1]);
            Assert.Equal($"up:{modifiers[i].Key} depressed=0x0 latched=0x0 locked=0x0", lines[(3 * i) + 2]);
        }
    }

    [Fact]
    public void CapsLockKeyTogglesTheLockBit()
    {
        string caps = Keys.CapsLock.ToString(CultureInfo.InvariantCulture);

        (_, string[] lines, _) = Check([$"down:{caps}", $"up:{caps}", $"down:{Keys.A}", $"up:{Keys.A}", $"down:{caps}", $"up:{caps}"]);

        string locked = $"locked=0x{ModifierMask.Lock:x}";
        Assert.EndsWith(locked, lines[1], StringComparison.Ordinal);
        Assert.EndsWith(locked, lines[3], StringComparison.Ordinal);
        Assert.EndsWith("locked=0x0", lines[5], StringComparison.Ordinal);
    }

    [Fact]
    public void ShiftedModifiersCombine()
    {
        (_, string[] lines, _) = Check([$"down:{Keys.LeftCtrl}", $"down:{Keys.LeftShift}", $"down:{Keys.LeftAlt}", Key(Keys.A, "+shift+control")]);

        Assert.Equal($"down:{Keys.LeftAlt} depressed=0x{ModifierMask.Control | ModifierMask.Shift | ModifierMask.Alt:x} latched=0x0 locked=0x0", lines[2]);
        Assert.Equal($"{Keys.A}+shift+control A 01 1", lines[3]); // Ctrl+A is U+0001; letters repeat
    }

    [Fact]
    public void Utf8IsTheTextWithATerminatingNul()
    {
        byte[] utf8 = Keymap.UsUtf8.ToArray();

        Assert.Equal(0, utf8[^1]);
        Assert.Equal(-1, Array.IndexOf(utf8[..^1], (byte)0));
        Assert.Equal(Keymap.UsText, Encoding.UTF8.GetString(utf8, 0, utf8.Length - 1));
    }

    [Fact]
    public void ExtraSymbolsTypeTheirCharactersWhateverTheModifiers()
    {
        // Latin-1, BMP symbols and CJK, and characters beyond the BMP (one code point each, not UTF-16 halves).
        int[] codePoints = [.. "é✓日本🙂\u00a0Ω".EnumerateRunes().Select(r => r.Value)];
        byte[] keymap = Keymap.WithExtraSymbols(codePoints);
        List<string> arguments = [];
        for (int i = 0; i < codePoints.Length; i++)
        {
            arguments.Add(Key(Keymap.FirstExtraKey + (uint)i, ""));
            arguments.Add(Key(Keymap.FirstExtraKey + (uint)i, "+shift+lock"));
        }

        (string first, string[] lines, string stderr) = XkbCheck.Run(_directory, keymap, arguments);

        Assert.Equal("", stderr);
        Assert.Equal("Shift=0 Lock=1 Control=2 Mod1=3 Mod4=6", first);
        for (int i = 0; i < arguments.Count; i++)
        {
            string expected = Convert.ToHexStringLower(Encoding.UTF8.GetBytes(char.ConvertFromUtf32(codePoints[i / 2])));
            string[] fields = lines[i].Split(' ');
            Assert.True(fields[2] == expected && fields[3] == "1", $"U+{codePoints[i / 2]:X4} on {arguments[i]} gives {lines[i]}");
        }

        // The US keys are unchanged.
        (_, string[] us, _) = XkbCheck.Run(_directory, keymap, [Key(Keys.A, "+shift"), Key(Keys.Space, "")]);
        Assert.Equal(["41", "20"], us.Select(line => line.Split(' ')[2]));
    }

    [Fact]
    public void SixtyFourExtraSymbolsFitAndTheLastKeyIsTheKeymapsMaximum()
    {
        int[] codePoints = [.. Enumerable.Range(0x4E00, Keymap.MaxExtraSymbols)];
        byte[] keymap = Keymap.WithExtraSymbols(codePoints);

        (_, string[] lines, string stderr) = XkbCheck.Run(_directory, keymap, [Key(Keymap.FirstExtraKey + Keymap.MaxExtraSymbols - 1, "")]);

        Assert.Equal("", stderr);
        Assert.Equal(Convert.ToHexStringLower(Encoding.UTF8.GetBytes("\u4E3F")), lines[0].Split(' ')[2]);
        Assert.Equal(255u, Keymap.FirstExtraKey + Keymap.MaxExtraSymbols - 1 + 8);
        Assert.Throws<ArgumentException>(() => Keymap.WithExtraSymbols([.. Enumerable.Range(0x4E00, Keymap.MaxExtraSymbols + 1)]));
    }

    private static string Key(uint key, string modifiers) => key.ToString(CultureInfo.InvariantCulture) + modifiers;

    private (string First, string[] Lines, string Stderr) Check(List<string> arguments) => XkbCheck.Run(_directory, arguments);
}
