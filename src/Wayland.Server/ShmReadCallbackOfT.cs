namespace Wayland.Server;

/// <summary>Reads a shared-memory buffer's bytes, with caller state (so no closure is allocated).</summary>
/// <typeparam name="TState">The caller's state.</typeparam>
/// <param name="pixels">The bytes read: all the buffer's <see cref="ShmBuffer.Size"/> bytes, or the rows asked for; valid during the call only.</param>
/// <param name="state">The state passed to <see cref="ShmBuffer.TryRead{TState}(TState, ShmReadCallback{TState})"/> or <see cref="ShmBuffer.TryRead{TState}(int, int, TState, ShmReadCallback{TState})"/>.</param>
public delegate void ShmReadCallback<in TState>(ReadOnlySpan<byte> pixels, TState state)
    where TState : allows ref struct;
