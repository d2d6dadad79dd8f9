using Wayland.Interop;

namespace Wayland.Wire;

/// <summary>Helpers for spans of raw descriptors owned by the wire layer.</summary>
internal static class FdList
{
    /// <summary>Closes every descriptor in <paramref name="fds"/> that is not -1, and sets its slot to -1.</summary>
    internal static void CloseAll(Span<int> fds)
    {
        for (int i = 0; i < fds.Length; i++)
        {
            if (fds[i] >= 0)
            {
                LibC.Close(fds[i]);
                fds[i] = -1;
            }
        }
    }
}
