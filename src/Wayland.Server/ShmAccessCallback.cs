namespace Wayland.Server;

/// <summary>Reads or writes a shared-memory buffer's bytes during <see cref="ShmBuffer.TryAccess(ShmAccessCallback)"/>.</summary>
/// <param name="pixels">The buffer's <see cref="ShmBuffer.Size"/> bytes (rows <see cref="ShmBuffer.Stride"/> apart), valid during the call only.</param>
public delegate void ShmAccessCallback(Span<byte> pixels);
