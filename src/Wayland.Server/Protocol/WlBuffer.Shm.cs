namespace Wayland.Server.Protocol;

public sealed partial class WlBuffer
{
    /// <summary>The shared-memory buffer behind this resource when <see cref="Shm"/> created it.</summary>
    internal ShmBuffer? ShmBuffer { get; set; }
}
