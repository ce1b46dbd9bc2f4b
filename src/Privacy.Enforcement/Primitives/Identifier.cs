namespace Privacy.Enforcement;

/// <summary>
/// The rules every opaque identifier of the library follows: non-empty, at most
/// <see cref="MaxLength"/> UTF-16 code units, no control characters and no lone surrogates.
/// </summary>
public static class Identifier
{
    /// <summary>The longest identifier accepted, in UTF-16 code units.</summary>
    public const int MaxLength = 256;

    /// <summary>Checks <paramref name="value"/> and returns it, or throws an <see cref="ArgumentException"/> naming the type and the problem.</summary>
    /// <param name="value">The candidate identifier.</param>
    /// <param name="typeName">The identifier type, used in the error message (for example <c>SubjectId</c>).</param>
    /// <param name="paramName">The argument being checked.</param>
    /// <returns>The value, unchanged.</returns>
    public static string Validate(string? value, string typeName, string paramName)
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
    public static string? Check(string? value)
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

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return $"must not contain a lone surrogate (position {i})";
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return $"must not contain a lone surrogate (position {i})";
            }
        }

        return null;
    }
}
