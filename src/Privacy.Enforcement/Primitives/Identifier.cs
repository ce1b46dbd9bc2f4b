using System.Globalization;

namespace Privacy.Enforcement;

/// <summary>
/// The rules every opaque identifier of the library follows: non-empty, at most
/// <see cref="MaxLength"/> UTF-16 code units, no control characters, no lone surrogates, and no invisible or
/// direction-changing characters (the Unicode categories Cf, Zl and Zp: zero-width space and joiners, bidirectional
/// overrides and isolates, the byte-order mark, soft hyphen, tag characters, line and paragraph separators), so two
/// identifiers that look alike are the same identifier.
/// </summary>
/// <remarks>
/// A stored identifier written before the last rule existed is not loaded under another name: turning it back into
/// an identifier throws the same <see cref="ArgumentException"/>, naming the type and the character.
/// </remarks>
public static class Identifier
{
    /// <summary>The longest identifier accepted, in UTF-16 code units.</summary>
    public const int MaxLength = 256;

    /// <summary>Checks <paramref name="value"/> and returns it, or throws an <see cref="ArgumentException"/> naming the type and the problem.</summary>
    /// <param name="value">The candidate identifier.</param>
    /// <param name="typeName">The identifier type, used in the error message (for example <c>SubjectId</c>).</param>
    /// <param name="paramName">The argument being checked.</param>
    /// <returns>The value, unchanged.</returns>
    internal static string Validate(string? value, string typeName, string paramName)
    {
        var problem = Check(value);
        if (problem is not null)
        {
            throw new ArgumentException($"{typeName} {problem}.", paramName);
        }

        return value!;
    }

    /// <summary>Returns <see langword="null"/> when the value is a valid identifier, otherwise a short description of the problem.</summary>
    /// <param name="value">The candidate identifier.</param>
    /// <returns>The problem, or <see langword="null"/>.</returns>
    internal static string? Check(string? value)
    {
        if (value is null)
        {
            return "is required but was null";
        }

        if (value.Length == 0 || string.IsNullOrWhiteSpace(value))
        {
            return "must not be empty or white space";
        }

        if (value.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters long but was {value.Length}";
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c))
            {
                return $"must not contain control characters (found one at position {i})";
            }

            int codePoint = c;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return $"must not contain a lone surrogate (position {i})";
                }

                codePoint = char.ConvertToUtf32(c, value[i + 1]);
            }
            else if (char.IsLowSurrogate(c))
            {
                return $"must not contain a lone surrogate (position {i})";
            }

            // Invisible and direction-changing characters make two different ids look alike (or one look reversed).
            var category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
            if (category is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return $"must not contain the invisible or direction-changing character U+{codePoint:X4} ({Abbreviation(category)}) (position {i})";
            }

            if (codePoint > char.MaxValue)
            {
                i++;
            }
        }

        return null;
    }

    private static string Abbreviation(UnicodeCategory category) => category switch
    {
        UnicodeCategory.Format => "format, Cf",
        UnicodeCategory.LineSeparator => "line separator, Zl",
        _ => "paragraph separator, Zp",
    };
}
