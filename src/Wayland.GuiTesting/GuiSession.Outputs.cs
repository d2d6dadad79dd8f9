using Wayland.Compositor;

namespace Wayland.GuiTesting;

/// <summary>Sessions with several outputs (<see cref="GuiSessionOptions.Outputs"/>) and the compositor options mapped with them.</summary>
public sealed partial class GuiSession
{
    /// <summary>How many outputs the session has.</summary>
    public int OutputCount => Compositor.OutputCount;

    /// <summary>What output <paramref name="index"/> (0 is the first, in <see cref="GuiSessionOptions.Outputs"/> order) shows now, in its own pixels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such output.</exception>
    public Image CaptureOutput(int index = 0) => Compositor.CaptureOutput(index);

    /// <summary>The compositor options that the session's constructor does not set itself.</summary>
    private HeadlessCompositorOptions WithMoreOptions(HeadlessCompositorOptions options)
    {
        options.DisconnectUnresponsiveClients = Options.DisconnectUnresponsiveClients;
        foreach (HeadlessOutputOptions output in Options.Outputs)
        {
            options.Outputs.Add(output);
        }

        return options;
    }
}
