namespace Wayland.Server;

/// <summary>A protocol error posted to a client with <c>wl_display.error</c>, as the client was told it.</summary>
/// <param name="Interface">Interface of the object the error is about.</param>
/// <param name="ObjectId">Id of that object.</param>
/// <param name="Code">Error code (an enum value of <paramref name="Interface"/>, or of wl_display).</param>
/// <param name="Message">Error text, truncated as sent.</param>
public sealed record ClientError(string Interface, uint ObjectId, uint Code, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Interface}#{ObjectId}: error {Code}: {Message}";
}
