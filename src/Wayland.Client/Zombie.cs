using Wayland.Wire;

namespace Wayland.Client;

/// <summary>
/// Stands in the object map for a proxy the client destroyed before the compositor confirmed it with
/// <c>delete_id</c>: events still addressed to it are parsed only far enough to close their fds, so the
/// fd stream never desynchronises.
/// </summary>
internal sealed class Zombie(InterfaceDescriptor descriptor)
{
    internal InterfaceDescriptor Interface { get; } = descriptor;

    internal int FdCount(ushort opcode) => opcode < Interface.Events.Count ? Interface.Events[opcode].FdCount : 0;
}
