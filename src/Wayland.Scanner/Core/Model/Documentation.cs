namespace Wayland.Scanner.Model;

/// <summary>A <c>&lt;description summary="..."&gt;text&lt;/description&gt;</c> element, or a bare summary attribute.</summary>
internal sealed class Documentation
{
    public Documentation(string? summary, string? text)
    {
        Summary = summary;
        Text = text;
    }

    /// <summary>One-line summary, verbatim from the XML (may be null).</summary>
    public string? Summary { get; }

    /// <summary>Body text, verbatim from the XML (may be null).</summary>
    public string? Text { get; }
}
