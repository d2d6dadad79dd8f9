using System.Text;

namespace Wayland.Tools;

/// <summary>The tools' standard streams when nobody reads them (linked into wl-trace, wl-headless and wl-info).</summary>
internal static class StandardStreams
{
    /// <summary>Makes <see cref="Console.Error"/> a writer that cannot fail (see <see cref="QuietWriter"/>); returns it.</summary>
    public static TextWriter QuietStandardError()
    {
        Console.SetError(new QuietWriter(Console.Error));
        return Console.Error;
    }

    /// <summary>
    /// An exception's message as a user should read it: .NET throws EBADF (a closed descriptor) and EACCES as "Access to
    /// the path is denied" around the real reason, and appends "(Parameter 'path')" to an argument's message.
    /// </summary>
    public static string Describe(Exception e) => e switch
    {
        UnauthorizedAccessException { InnerException: IOException inner } => inner.Message,
        ArgumentException { ParamName: { } parameter } => e.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal),
        _ => e.Message,
    };
}

/// <summary>
/// Standard error for a tool's messages: a write that fails — standard error closed (<c>2&gt;&amp;-</c>: EBADF, which
/// .NET throws as <see cref="UnauthorizedAccessException"/>), or its reader gone (EPIPE) — drops that text and all
/// that follows instead of throwing. A tool must not fail because nobody reads its messages.
/// </summary>
internal sealed class QuietWriter : TextWriter
{
    private readonly TextWriter _inner;
    private volatile bool _failed;

    public QuietWriter(TextWriter inner)
        : base(inner.FormatProvider)
    {
        _inner = inner;
        CoreNewLine = inner.NewLine.ToCharArray();
    }

    public override Encoding Encoding => _inner.Encoding;

    public override void Write(char value)
    {
        if (!_failed)
        {
            try
            {
                _inner.Write(value);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _failed = true;
            }
        }
    }

    public override void Write(string? value)
    {
        if (!_failed)
        {
            try
            {
                _inner.Write(value);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _failed = true;
            }
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value)
    {
        // One write for the line and its end, as the console writer does it.
        Write(value + NewLine);
    }

    public override void Flush()
    {
        if (!_failed)
        {
            try
            {
                _inner.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _failed = true;
            }
        }
    }
}
