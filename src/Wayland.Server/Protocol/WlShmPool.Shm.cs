namespace Wayland.Server.Protocol;

public sealed partial class WlShmPool
{
    /// <summary>The mapping behind this pool when <see cref="Shm"/> created it.</summary>
    internal ShmPool? Pool { get; set; }
}
