namespace Wayland.Server;

/// <summary>Reads a shared-memory buffer's bytes during <see cref="ShmBuffer.TryRead(ShmReadCallback)"/>.</summary>
/// <param name="pixels">The buffer's <see cref="ShmBuffer.Size"/> bytes (rows <see cref="ShmBuffer.Stride"/> apart), valid during the call only.</param>
public delegate void ShmReadCallback(ReadOnlySpan<byte> pixels);
