using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Privacy.Enforcement.Auditing;

namespace Privacy.Enforcement;

/// <summary>
/// The one escaping rule, and the one time format, of the library's canonical JSON: the audit event and checkpoint
/// forms (<see cref="AuditHashChain"/>) and the policy document form hashed into <see cref="PolicyVersion.ContentHash"/>.
/// Stored trails and recorded acceptances depend on these bytes, so the rule is written here rather than taken from
/// System.Text.Json's default encoder, whose choices may change between releases; golden vectors pin the result.
/// </summary>
/// <remarks>
/// A string is written between double quotes, one UTF-16 code unit at a time:
/// <list type="bullet">
/// <item>printable ASCII (U+0020 to U+007E) as itself, except <c>" &amp; ' + &lt; &gt; `</c> and the backslash;</item>
/// <item>the backslash as <c>\\</c>; backspace, tab, line feed, form feed and carriage return as <c>\b \t \n \f \r</c>;</item>
/// <item>every other code unit (the HTML-sensitive characters above, other controls, DEL and everything outside ASCII)
/// as <c>\uXXXX</c> with upper-case hex; a character outside the Basic Multilingual Plane as its two surrogates, a
/// lone surrogate as <c>\uFFFD</c>.</item>
/// </list>
/// The output is therefore always ASCII. This is exactly what <c>JavaScriptEncoder.Default</c> wrote when the formats
/// were released.
/// </remarks>
internal static class CanonicalJson
{
    /// <summary>The length of <see cref="WriteTimestamp"/>'s output: <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>.</summary>
    internal const int TimestampLength = 28;

    private const int StackLimit = 512;

    private static ReadOnlySpan<byte> UpperHex => "0123456789ABCDEF"u8;

    /// <summary>Writes a member whose value is a string, escaped by the canonical rule.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="name">The member name (ASCII, needing no escape).</param>
    /// <param name="value">The value.</param>
    internal static void WriteString(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string value)
    {
        writer.WritePropertyName(name);
        WriteStringValue(writer, value);
    }

    /// <summary>Writes a string value, escaped by the canonical rule.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    internal static void WriteStringValue(Utf8JsonWriter writer, ReadOnlySpan<char> value)
    {
        var maxLength = (value.Length * 6) + 2;
        byte[]? rented = null;
        var buffer = maxLength <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxLength));
        try
        {
            var written = Escape(value, buffer);
            writer.WriteRawValue(buffer[..written], skipInputValidation: true);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Writes <paramref name="value"/> quoted and escaped into <paramref name="destination"/>, which holds at least six bytes per character plus two.</summary>
    /// <returns>The number of bytes written.</returns>
    internal static int Escape(ReadOnlySpan<char> value, Span<byte> destination)
    {
        var at = 0;
        destination[at++] = (byte)'"';
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is >= ' ' and <= '~' and not ('"' or '&' or '\'' or '+' or '<' or '>' or '`' or '\\'))
            {
                destination[at++] = (byte)c;
                continue;
            }

            var shortForm = c switch
            {
                '\\' => '\\',
                '\b' => 'b',
                '\t' => 't',
                '\n' => 'n',
                '\f' => 'f',
                '\r' => 'r',
                _ => '\0',
            };
            if (shortForm != '\0')
            {
                destination[at++] = (byte)'\\';
                destination[at++] = (byte)shortForm;
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                at += WriteUnicodeEscape(c, destination[at..]);
                c = value[++i];
            }
            else if (char.IsSurrogate(c))
            {
                c = '\uFFFD'; // a lone surrogate is not a character
            }

            at += WriteUnicodeEscape(c, destination[at..]);
        }

        destination[at++] = (byte)'"';
        return at;
    }

    /// <summary>
    /// Writes a time in UTC in the round-trip format (<c>"O"</c>) of a UTC <see cref="DateTime"/>:
    /// <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>, always seven fraction digits.
    /// </summary>
    /// <param name="value">The time (any offset; converted to UTC).</param>
    /// <param name="destination">At least <see cref="TimestampLength"/> bytes.</param>
    internal static void WriteTimestamp(DateTimeOffset value, Span<byte> destination)
    {
        if (!Utf8Formatter.TryFormat(value.UtcDateTime, destination, out var written, new StandardFormat('O')) || written != TimestampLength)
        {
            throw new FormatException("The time could not be written in the round-trip format.");
        }
    }

    private static int WriteUnicodeEscape(char c, Span<byte> destination)
    {
        destination[0] = (byte)'\\';
        destination[1] = (byte)'u';
        destination[2] = UpperHex[c >> 12];
        destination[3] = UpperHex[(c >> 8) & 0xF];
        destination[4] = UpperHex[(c >> 4) & 0xF];
        destination[5] = UpperHex[c & 0xF];
        return 6;
    }
}

/// <summary>Writes every string of a document by the <see cref="CanonicalJson"/> rule; reads strings as usual.</summary>
internal sealed class CanonicalStringJsonConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        CanonicalJson.WriteStringValue(writer, value);
    }
}
