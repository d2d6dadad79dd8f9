using System.Text.Json;

namespace Wayland.Compositor.Web;

/// <summary>What a viewer's message asks for.</summary>
internal enum ViewerInputKind
{
    /// <summary>The viewer drew the last frame and wants the next.</summary>
    Ack,

    /// <summary>Pointer moved to (X, Y) in output pixels.</summary>
    Move,

    /// <summary>Browser mouse button <see cref="ViewerInput.Button"/> (0 left, 1 middle, 2 right, 3 back, 4 forward) pressed or released.</summary>
    Button,

    /// <summary>Scroll by (X, Y) in wl_pointer axis units.</summary>
    Scroll,

    /// <summary>Key <see cref="ViewerInput.Code"/> (a KeyboardEvent.code) pressed or released.</summary>
    Key,
}

/// <summary>
/// One message from the page, a small JSON object: <c>{"t":"move","x":10,"y":20}</c>,
/// <c>{"t":"button","button":0,"down":true}</c>, <c>{"t":"scroll","dx":0,"dy":10}</c>,
/// <c>{"t":"key","code":"KeyA","down":true}</c> or <c>{"t":"ack"}</c>. Parsed with <see cref="Utf8JsonReader"/>
/// (no reflection) and checked against the output: anything malformed or out of range is a
/// <see cref="ViewerProtocolException"/>, which ends that viewer's connection.
/// </summary>
internal readonly record struct ViewerInput(ViewerInputKind Kind, double X, double Y, int Button, bool Down, string? Code)
{
    /// <summary>Largest scroll step accepted in one message, in axis units (a wheel notch is 10).</summary>
    public const double MaxScroll = 10_000;

    private const int MaxDepth = 2;

    /// <summary>Parses and checks one message for an output of <paramref name="width"/> by <paramref name="height"/>.</summary>
    /// <exception cref="ViewerProtocolException">The message is not one of the forms above, or a value is out of range.</exception>
    public static ViewerInput Parse(ReadOnlySpan<byte> json, int width, int height)
    {
        string? type = null;
        string? code = null;
        double? x = null;
        double? y = null;
        double? button = null;
        bool? down = null;
        try
        {
            Utf8JsonReader reader = new(json, new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ViewerProtocolException("a message must be a JSON object");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    throw new ViewerProtocolException("a message must be a flat JSON object");
                }

                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "t":
                        type = String(ref reader, name, 16);
                        break;
                    case "code":
                        code = String(ref reader, name, BrowserKeys.MaxCodeLength);
                        break;
                    case "x" or "dx":
                        x = Number(ref reader, name);
                        break;
                    case "y" or "dy":
                        y = Number(ref reader, name);
                        break;
                    case "button":
                        button = Number(ref reader, name);
                        break;
                    case "down":
                        down = reader.TokenType switch
                        {
                            JsonTokenType.True => true,
                            JsonTokenType.False => false,
                            _ => throw new ViewerProtocolException("\"down\" must be true or false"),
                        };
                        break;
                    default:
                        throw new ViewerProtocolException($"unknown field \"{Truncate(name)}\"");
                }
            }

            if (reader.Read())
            {
                throw new ViewerProtocolException("one JSON object per message");
            }
        }
        catch (JsonException e)
        {
            throw new ViewerProtocolException($"not JSON: {Truncate(e.Message)}");
        }

        switch (type)
        {
            case "ack":
                return new ViewerInput(ViewerInputKind.Ack, 0, 0, 0, false, null);
            case "move":
                double px = Required(x, "x");
                double py = Required(y, "y");
                if (px < 0 || px > width || py < 0 || py > height)
                {
                    throw new ViewerProtocolException($"pointer position ({px}, {py}) is outside the {width}x{height} output");
                }

                return new ViewerInput(ViewerInputKind.Move, px, py, 0, false, null);
            case "button":
                double b = Required(button, "button");
                if (b is < 0 or > 4 || b != Math.Floor(b))
                {
                    throw new ViewerProtocolException($"button must be 0 to 4, not {b}");
                }

                return new ViewerInput(ViewerInputKind.Button, 0, 0, (int)b, Required(down, "down"), null);
            case "scroll":
                double dx = Required(x, "dx");
                double dy = Required(y, "dy");
                if (Math.Abs(dx) > MaxScroll || Math.Abs(dy) > MaxScroll)
                {
                    throw new ViewerProtocolException($"scroll ({dx}, {dy}) is larger than {MaxScroll} in one step");
                }

                return new ViewerInput(ViewerInputKind.Scroll, dx, dy, 0, false, null);
            case "key":
                return new ViewerInput(ViewerInputKind.Key, 0, 0, 0, Required(down, "down"), code ?? throw new ViewerProtocolException("key needs \"code\""));
            case null:
                throw new ViewerProtocolException("a message needs a type \"t\"");
            default:
                throw new ViewerProtocolException($"unknown message type \"{Truncate(type)}\"");
        }
    }

    private static string String(ref Utf8JsonReader reader, string name, int maxLength)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new ViewerProtocolException($"\"{name}\" must be a string");
        }

        string value = reader.GetString()!;
        return value.Length <= maxLength ? value : throw new ViewerProtocolException($"\"{name}\" is longer than {maxLength} characters");
    }

    private static double Number(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            throw new ViewerProtocolException($"\"{name}\" must be a finite number");
        }

        return value;
    }

    private static T Required<T>(T? value, string name)
        where T : struct => value ?? throw new ViewerProtocolException($"the message needs \"{name}\"");

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

/// <summary>A viewer broke the page's protocol; its connection is closed with this message as the reason.</summary>
internal sealed class ViewerProtocolException(string message) : Exception(message);
