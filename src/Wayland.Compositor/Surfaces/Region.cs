using Wayland.Server.Protocol;

namespace Wayland.Compositor.Surfaces;

/// <summary>
/// A wl_region: the union of added rectangles minus the subtracted ones, kept as the sequence of operations
/// (regions are small; a point test walks the list backwards).
/// </summary>
internal sealed class Region : WlRegion.IHandler
{
    private readonly List<(Rect Rect, bool Add)> _operations = [];

    public void Add(Rect rect) => _operations.Add((rect, true));

    public void Subtract(Rect rect) => _operations.Add((rect, false));

    public bool Contains(int x, int y)
    {
        for (int i = _operations.Count - 1; i >= 0; i--)
        {
            (Rect rect, bool add) = _operations[i];
            if (rect.Contains(x, y))
            {
                return add;
            }
        }

        return false;
    }

    /// <summary>A snapshot: wl_surface.set_input_region copies the region at the time of the request.</summary>
    public Region Clone()
    {
        Region copy = new();
        copy._operations.AddRange(_operations);
        return copy;
    }

    void WlRegion.IHandler.Add(WlRegion resource, int x, int y, int width, int height) => Add(new Rect(x, y, width, height));

    void WlRegion.IHandler.Subtract(WlRegion resource, int x, int y, int width, int height) => Subtract(new Rect(x, y, width, height));
}
