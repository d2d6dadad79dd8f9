namespace Wayland.GuiTesting;

/// <summary>
/// A GUI check failed: a wait ran out of time, or a screenshot did not match its golden. The message says what was
/// there instead and lists the artifacts written (also in <see cref="Artifacts"/>).
/// </summary>
public class GuiTestException : Exception
{
    /// <summary>Creates the exception with the artifacts it refers to.</summary>
    public GuiTestException(string message, IReadOnlyList<string> artifacts)
        : base(message) => Artifacts = artifacts;

    /// <summary>Creates the exception without artifacts.</summary>
    public GuiTestException()
        : this("GUI check failed", [])
    {
    }

    /// <summary>Creates the exception without artifacts.</summary>
    public GuiTestException(string message)
        : this(message, [])
    {
    }

    /// <summary>Creates the exception without artifacts, wrapping <paramref name="inner"/>.</summary>
    public GuiTestException(string message, Exception inner)
        : base(message, inner) => Artifacts = [];

    /// <summary>Paths of the files written for this failure.</summary>
    public IReadOnlyList<string> Artifacts { get; }
}

/// <summary>A wait of a <see cref="GuiSession"/> ran out of time.</summary>
public sealed class GuiTimeoutException : GuiTestException
{
    /// <summary>Creates the exception with the artifacts it refers to.</summary>
    public GuiTimeoutException(string message, IReadOnlyList<string> artifacts)
        : base(message, artifacts)
    {
    }

    /// <summary>Creates the exception.</summary>
    public GuiTimeoutException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public GuiTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception, wrapping <paramref name="inner"/>.</summary>
    public GuiTimeoutException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
