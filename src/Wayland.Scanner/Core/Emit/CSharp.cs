using System.Globalization;
using System.Text;

namespace Wayland.Scanner.Emit;

/// <summary>Fragments of C# syntax the emitters share.</summary>
internal static class CSharp
{
    public const string Wire = "global::Wayland.Wire";
    public const string InterfaceDescriptor = Wire + ".InterfaceDescriptor";
    public const string MessageDescriptor = Wire + ".MessageDescriptor";
    public const string ArgumentDescriptor = Wire + ".ArgumentDescriptor";
    public const string ArgumentType = Wire + ".ArgumentType";

    /// <summary>The <c>[GeneratedCode]</c> attribute put on every generated type.</summary>
    public static string GeneratedCodeAttribute =>
        $"[global::System.CodeDom.Compiler.GeneratedCode({StringLiteral(ScannerInfo.Name)}, {StringLiteral(ScannerInfo.Version)})]";

    /// <summary>A regular C# string literal for any text.</summary>
    public static string StringLiteral(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                default:
                    if (c < ' ' || c == '\u0085' || c == '\u2028' || c == '\u2029' || c == '\u007f')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    public static string Number(uint value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";
}
