using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Wayland.Compositor.Tests;

/// <summary>Keys: every constant is the kernel's own number, read from linux/input-event-codes.h.</summary>
public sealed partial class KeysTests
{
    private const string Header = "/usr/include/linux/input-event-codes.h";

    /// <summary>Constants whose kernel name is not KEY_ + the upper-cased constant name.</summary>
    private static readonly Dictionary<string, string> KernelNames = new()
    {
        ["Escape"] = "KEY_ESC",
        ["LeftBracket"] = "KEY_LEFTBRACE",
        ["RightBracket"] = "KEY_RIGHTBRACE",
        ["LeftCtrl"] = "KEY_LEFTCTRL",
        ["RightCtrl"] = "KEY_RIGHTCTRL",
        ["Period"] = "KEY_DOT",
        ["LeftSuper"] = "KEY_LEFTMETA",
        ["RightSuper"] = "KEY_RIGHTMETA",
        ["Menu"] = "KEY_COMPOSE",
        ["ButtonLeft"] = "BTN_LEFT",
        ["ButtonRight"] = "BTN_RIGHT",
        ["ButtonMiddle"] = "BTN_MIDDLE",
        ["ButtonSide"] = "BTN_SIDE",
        ["ButtonExtra"] = "BTN_EXTRA",
    };

    [Fact]
    public void ConstantsMatchTheKernelHeader()
    {
        Assert.True(File.Exists(Header), $"{Header} is missing (package linux-libc-dev)");
        Dictionary<string, uint> kernel = [];
        foreach (Match match in Define().Matches(File.ReadAllText(Header)))
        {
            string value = match.Groups[2].Value;
            kernel[match.Groups[1].Value] = value.StartsWith("0x", StringComparison.Ordinal)
                ? uint.Parse(value.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                : uint.Parse(value, CultureInfo.InvariantCulture);
        }

        FieldInfo[] constants = typeof(Keys).GetFields(BindingFlags.Public | BindingFlags.Static);
        Assert.True(constants.Length > 80, $"only {constants.Length} constants");
        foreach (FieldInfo field in constants)
        {
            string name = KernelNames.GetValueOrDefault(field.Name)
                ?? "KEY_" + (field.Name.StartsWith('D') && field.Name.Length == 2 ? field.Name[1..] : field.Name.ToUpperInvariant());
            Assert.True(kernel.TryGetValue(name, out uint expected), $"{field.Name}: no {name} in {Header}");
            Assert.True(expected == (uint)field.GetValue(null)!, $"Keys.{field.Name} is {field.GetValue(null)}, {name} is {expected}");
        }
    }

    [GeneratedRegex(@"^#define\s+((?:KEY|BTN)_\w+)\s+(0x[0-9a-fA-F]+|\d+)\b", RegexOptions.Multiline)]
    private static partial Regex Define();
}
