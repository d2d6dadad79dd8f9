using System.Buffers;
using System.Text;

namespace Wayland.Trace.Output;

/// <summary>
/// Escapes what a peer controls (string arguments, a client's command name) for the text format, so that neither a
/// client nor the compositor can start a line of its own or send a terminal escape sequence through the trace:
/// <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\\</c>, other C0 controls, DEL and bytes that are not UTF-8 as <c>\xHH</c>, C1
/// controls (U+0080 to U+009F) as <c>\u00HH</c>. Other characters, ASCII and UTF-8, are written as they are.
/// </summary>
internal static class TextEscape
{
    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    /// <summary>Whether <paramref name="utf8"/> is written unchanged (printable ASCII without a backslash).</summary>
    public static bool IsPlain(ReadOnlySpan<byte> utf8)
    {
        foreach (byte b in utf8)
        {
            if (b is < 0x20 or >= 0x7f or (byte)'\\')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes <paramref name="utf8"/> to <paramref name="output"/>, escaped.</summary>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8)
    {
        while (utf8.Length > 0)
        {
            int plain = 0;
            while (plain < utf8.Length && utf8[plain] is >= 0x20 and < 0x7f and not (byte)'\\')
            {
                plain++;
            }

            if (plain > 0)
            {
                output.Write(utf8[..plain]);
                utf8 = utf8[plain..];
                continue;
            }

            byte first = utf8[0];
            if (first < 0x80)
            {
                WriteAscii(output, first);
                utf8 = utf8[1..];
                continue;
            }

            if (Rune.DecodeFromUtf8(utf8, out Rune rune, out int consumed) != OperationStatus.Done)
            {
                WriteHex(output, "\\x"u8, first);
                utf8 = utf8[1..];
                continue;
            }

            if (rune.Value <= 0x9f)
            {
                WriteHex(output, "\\u00"u8, (byte)rune.Value);
            }
            else
            {
                output.Write(utf8[..consumed]);
            }

            utf8 = utf8[consumed..];
        }
    }

    /// <summary><paramref name="text"/> escaped as <see cref="Write"/> does.</summary>
    public static string Escape(string text) => IsPlain(Encoding.UTF8.GetBytes(text)) ? text : Escape(Encoding.UTF8.GetBytes(text));

    /// <summary><paramref name="utf8"/> escaped as <see cref="Write"/> does.</summary>
    public static string Escape(ReadOnlySpan<byte> utf8)
    {
        ArrayBufferWriter<byte> buffer = new(Math.Max(1, utf8.Length * 2));
        Write(buffer, utf8);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteAscii(IBufferWriter<byte> output, byte b)
    {
        ReadOnlySpan<byte> named = b switch
        {
            (byte)'\n' => "\\n"u8,
            (byte)'\r' => "\\r"u8,
            (byte)'\t' => "\\t"u8,
            (byte)'\\' => "\\\\"u8,
            _ => default,
        };
        if (named.Length > 0)
        {
            output.Write(named);
        }
        else
        {
            WriteHex(output, "\\x"u8, b);
        }
    }

    private static void WriteHex(IBufferWriter<byte> output, ReadOnlySpan<byte> prefix, byte b)
    {
        Span<byte> span = output.GetSpan(prefix.Length + 2);
        prefix.CopyTo(span);
        span[prefix.Length] = HexDigits[b >> 4];
        span[prefix.Length + 1] = HexDigits[b & 15];
        output.Advance(prefix.Length + 2);
    }
}
