using System.Reflection;
using Wayland.Compositor;

namespace Wayland.GuiTesting;

/// <summary>
/// Key chords written as text, such as <c>Ctrl+Shift+T</c>: names of <see cref="Keys"/> (case-insensitive), digits
/// <c>0</c>–<c>9</c>, and the modifiers <c>Ctrl</c>, <c>Shift</c>, <c>Alt</c>, <c>Super</c> (left keys), joined by
/// <c>+</c>. The last part is the key; the parts before it are held while it is pressed.
/// </summary>
public static class KeyChord
{
    private static readonly Dictionary<string, uint> Names = CreateNames();

    /// <summary>Parses <paramref name="chord"/> into the key and the modifiers to hold, as evdev codes.</summary>
    /// <exception cref="ArgumentException">The chord is empty or names an unknown key.</exception>
    public static (uint Key, uint[] Modifiers) Parse(string chord)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chord);
        string[] parts = chord.Split('+', StringSplitOptions.TrimEntries);
        uint[] codes = new uint[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!Names.TryGetValue(parts[i], out codes[i]))
            {
                throw new ArgumentException($"\"{parts[i]}\" in the chord \"{chord}\" is not a key name (see Wayland.Compositor.Keys)", nameof(chord));
            }
        }

        return (codes[^1], codes[..^1]);
    }

    private static Dictionary<string, uint> CreateNames()
    {
        Dictionary<string, uint> names = new(StringComparer.OrdinalIgnoreCase);
        foreach (FieldInfo field in typeof(Keys).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.IsLiteral && field.FieldType == typeof(uint) && !field.Name.StartsWith("Button", StringComparison.Ordinal))
            {
                names[field.Name] = (uint)field.GetRawConstantValue()!;
            }
        }

        for (int digit = 0; digit <= 9; digit++)
        {
            names[digit.ToString(System.Globalization.CultureInfo.InvariantCulture)] = names["D" + digit];
        }

        (string Alias, uint Key)[] aliases =
        [
            ("Ctrl", Keys.LeftCtrl), ("Control", Keys.LeftCtrl), ("Shift", Keys.LeftShift), ("Alt", Keys.LeftAlt),
            ("Super", Keys.LeftSuper), ("Meta", Keys.LeftSuper), ("Esc", Keys.Escape), ("Return", Keys.Enter),
            ("Del", Keys.Delete),
        ];
        foreach ((string alias, uint key) in aliases)
        {
            names[alias] = key;
        }

        return names;
    }
}
