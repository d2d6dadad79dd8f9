using Wayland.Wire;

namespace Wayland.Demo;

/// <summary>
/// Hand-written descriptors for the few core interfaces the wire-level demo uses. (The protocol
/// generator will produce these from wayland.xml; the demo keeps its own until the client library lands.)
/// </summary>
internal static class CoreProtocol
{
    internal static readonly InterfaceDescriptor Callback = new("wl_callback", 1, [],
        [new MessageDescriptor("done", 0, 1, [new ArgumentDescriptor("callback_data", ArgumentType.UInt)])]);

    internal static readonly InterfaceDescriptor Display = new("wl_display", 1,
        [
            new MessageDescriptor("sync", 0, 1, [new ArgumentDescriptor("callback", ArgumentType.NewId, interfaceName: "wl_callback")]),
            new MessageDescriptor("get_registry", 1, 1, [new ArgumentDescriptor("registry", ArgumentType.NewId, interfaceName: "wl_registry")]),
        ],
        [
            new MessageDescriptor("error", 0, 1,
                [new ArgumentDescriptor("object_id", ArgumentType.Object), new ArgumentDescriptor("code", ArgumentType.UInt), new ArgumentDescriptor("message", ArgumentType.String)]),
            new MessageDescriptor("delete_id", 1, 1, [new ArgumentDescriptor("id", ArgumentType.UInt)]),
        ]);

    internal static readonly InterfaceDescriptor Registry = new("wl_registry", 1,
        [new MessageDescriptor("bind", 0, 1, [new ArgumentDescriptor("name", ArgumentType.UInt), new ArgumentDescriptor("id", ArgumentType.NewId)])],
        [
            new MessageDescriptor("global", 0, 1,
                [new ArgumentDescriptor("name", ArgumentType.UInt), new ArgumentDescriptor("interface", ArgumentType.String), new ArgumentDescriptor("version", ArgumentType.UInt)]),
            new MessageDescriptor("global_remove", 1, 1, [new ArgumentDescriptor("name", ArgumentType.UInt)]),
        ]);

    internal static readonly InterfaceDescriptor ShmPool = new("wl_shm_pool", 1,
        [
            new MessageDescriptor("create_buffer", 0, 1,
                [
                    new ArgumentDescriptor("id", ArgumentType.NewId, interfaceName: "wl_buffer"), new ArgumentDescriptor("offset", ArgumentType.Int),
                    new ArgumentDescriptor("width", ArgumentType.Int), new ArgumentDescriptor("height", ArgumentType.Int),
                    new ArgumentDescriptor("stride", ArgumentType.Int), new ArgumentDescriptor("format", ArgumentType.UInt),
                ]),
            new MessageDescriptor("destroy", 1, 1, [], isDestructor: true),
        ],
        []);

    internal static readonly InterfaceDescriptor Shm = new("wl_shm", 1,
        [
            new MessageDescriptor("create_pool", 0, 1,
                [new ArgumentDescriptor("id", ArgumentType.NewId, interfaceName: "wl_shm_pool"), new ArgumentDescriptor("fd", ArgumentType.Fd), new ArgumentDescriptor("size", ArgumentType.Int)]),
        ],
        [new MessageDescriptor("format", 0, 1, [new ArgumentDescriptor("format", ArgumentType.UInt)])]);
}
