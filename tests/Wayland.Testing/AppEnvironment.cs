namespace Wayland.Testing;

/// <summary>Environment variables for real apps started by tests (a null value removes the variable).</summary>
public static class AppEnvironment
{
    /// <summary>GTK 3 on Wayland only, with no accessibility bus, no dconf, no user configuration.</summary>
    public static IReadOnlyDictionary<string, string?> Gtk { get; } = new Dictionary<string, string?>
    {
        ["GDK_BACKEND"] = "wayland",
        ["NO_AT_BRIDGE"] = "1",
        ["GTK_A11Y"] = "none",
        ["GSETTINGS_BACKEND"] = "memory",
        ["GTK_THEME"] = "Adwaita",
        ["GTK_CSD"] = null,
        ["GTK_MODULES"] = null,
        ["GTK_IM_MODULE"] = "gtk-im-context-simple",
    };
}
