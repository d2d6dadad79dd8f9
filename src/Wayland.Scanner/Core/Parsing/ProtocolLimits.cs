namespace Wayland.Scanner.Parsing;

/// <summary>
/// Bounds on the protocol files the parser reads, far above what real protocols need, so that hostile or broken
/// input fails with a diagnostic instead of taking minutes or gigabytes. Every reader of protocol XML applies them:
/// the source generator, wayland-sharp-scanner and wl-trace.
/// </summary>
internal static class ProtocolLimits
{
    /// <summary>The largest protocol file read, in bytes of UTF-8: 16 MiB. The largest real one, wayland.xml, is
    /// 140 KiB; parsing takes about twelve times the file's size in memory.</summary>
    public const int MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>The deepest element nesting read: 256 levels, the default limit of libxml2 (which wayland-scanner
    /// validates with). Real protocols nest about 5 (protocol, interface, request, arg, description).</summary>
    public const int MaxDepth = 256;

    /// <summary>The diagnostic of a file above <see cref="MaxFileBytes"/>.</summary>
    public static string TooLargeMessage => "the file is larger than 16 MiB, the limit for protocol files (real ones are a few hundred KiB)";
}
