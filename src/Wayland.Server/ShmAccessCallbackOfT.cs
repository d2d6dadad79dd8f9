namespace Wayland.Server;

/// <summary>Reads or writes a shared-memory buffer's bytes, with caller state (so no closure is allocated).</summary>
/// <typeparam name="TState">The caller's state.</typeparam>
/// <param name="pixels">The buffer's <see cref="ShmBuffer.Size"/> bytes, valid during the call only.</param>
/// <param name="state">The state passed to <see cref="ShmBuffer.TryAccess{TState}"/>.</param>
public delegate void ShmAccessCallback<in TState>(Span<byte> pixels, TState state)
    where TState : allows ref struct;
