namespace Wayland.Client.Protocol;

/// <summary><c>wl_callback</c>; the runtime's own part.</summary>
public sealed partial class WlCallback
{
    /// <summary>Set by the roundtrip's <c>done</c> handler, so a roundtrip needs no closure.</summary>
    internal bool RoundtripDone { get; set; }
}
