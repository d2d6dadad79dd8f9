namespace Wayland.Scanner.Parsing;

/// <summary>
/// Bounds on the protocol files the parser reads, far above what real protocols need, so that hostile or broken
/// input fails with a diagnostic instead of taking minutes or gigabytes. Every reader of protocol XML applies them:
/// the source generator, wayland-sharp-scanner and wl-trace.
/// </summary>
internal static class ProtocolLimits
{
    /// <summary>The deepest element nesting read: 256 levels, the default limit of libxml2 (which wayland-scanner
    /// validates with). Real protocols nest about 5 (protocol, interface, request, arg, description).</summary>
    public const int MaxDepth = 256;
}
