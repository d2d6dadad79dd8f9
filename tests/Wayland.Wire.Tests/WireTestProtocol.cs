namespace Wayland.Wire.Tests;

/// <summary>Hand-written descriptor of tests/native/protocols/wire-test.xml (interface wlt_types).</summary>
internal static class WireTestProtocol
{
    internal const uint ProxyId = 2;

    internal static readonly InterfaceDescriptor Types = Build();

    private static InterfaceDescriptor Build()
    {
        InterfaceDescriptor? self = null;
        InterfaceDescriptor Self() => self!;
        ArgumentDescriptor Arg(string name, ArgumentType type, bool nullable = false, string? iface = null) =>
            new(name, type, nullable, iface, iface is null ? null : Self);
        MessageDescriptor Msg(string name, ushort opcode, params ArgumentDescriptor[] args) => new(name, opcode, 1, args);

        MessageDescriptor[] requests =
        [
            Msg("ints", 0, Arg("a", ArgumentType.Int), Arg("b", ArgumentType.Int), Arg("c", ArgumentType.Int), Arg("d", ArgumentType.Int)),
            Msg("uints", 1, Arg("a", ArgumentType.UInt), Arg("b", ArgumentType.UInt)),
            Msg("fixeds", 2, Arg("a", ArgumentType.Fixed), Arg("b", ArgumentType.Fixed), Arg("c", ArgumentType.Fixed), Arg("d", ArgumentType.Fixed)),
            Msg("str", 3, Arg("s", ArgumentType.String)),
            Msg("str_nullable", 4, Arg("s", ArgumentType.String, nullable: true)),
            Msg("obj", 5, Arg("o", ArgumentType.Object, iface: "wlt_types")),
            Msg("obj_nullable", 6, Arg("o", ArgumentType.Object, nullable: true, iface: "wlt_types")),
            Msg("new_typed", 7, Arg("id", ArgumentType.NewId, iface: "wlt_types")),
            Msg("new_untyped", 8, Arg("id", ArgumentType.NewId)),
            Msg("arr", 9, Arg("a", ArgumentType.Array)),
            Msg("fd", 10, Arg("f", ArgumentType.Fd)),
            Msg("mixed", 11, Arg("i", ArgumentType.Int), Arg("s", ArgumentType.String), Arg("f", ArgumentType.Fd),
                Arg("a", ArgumentType.Array), Arg("u", ArgumentType.UInt), Arg("g", ArgumentType.Fd)),
            Msg("nop", 12),
            new MessageDescriptor("destroy", 13, 1, [], isDestructor: true),
        ];
        self = new InterfaceDescriptor("wlt_types", 1, requests, []);
        return self;
    }
}
