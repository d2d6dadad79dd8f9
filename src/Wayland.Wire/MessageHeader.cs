namespace Wayland.Wire;

/// <summary>The 8-byte header of every message.</summary>
/// <param name="ObjectId">Sender (events) or target (requests) object id.</param>
/// <param name="Opcode">Message opcode.</param>
/// <param name="Size">Whole message size in bytes, header included.</param>
public readonly record struct MessageHeader(uint ObjectId, ushort Opcode, int Size);
