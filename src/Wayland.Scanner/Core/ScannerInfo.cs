namespace Wayland.Scanner;

/// <summary>Identity stamped on generated code.</summary>
internal static class ScannerInfo
{
    public const string Name = "Wayland.Scanner";

    /// <summary>Version of the emitted code's shape; bump when the output changes.</summary>
    public const string Version = "0.1.0";
}
