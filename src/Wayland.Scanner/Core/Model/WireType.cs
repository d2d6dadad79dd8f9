namespace Wayland.Scanner.Model;

/// <summary>Argument wire types; member names equal <c>Wayland.Wire.ArgumentType</c>'s, which the emitter relies on.</summary>
internal enum WireType
{
    Int,
    UInt,
    Fixed,
    String,
    Object,
    NewId,
    Array,
    Fd,
}
