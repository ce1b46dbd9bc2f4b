using System.Diagnostics.CodeAnalysis;

namespace Privacy.Enforcement;

/// <summary>A data category of the policy's taxonomy, a dotted path such as <c>user.contact.phone</c> that lies within its parent <c>user.contact</c>.</summary>
public readonly partial struct DataCategory : IEquatable<DataCategory>, IComparable<DataCategory>
{
    private readonly string? _value;

    /// <summary>Creates the identifier, validating it with <see cref="Identifier.Validate"/>.</summary>
    /// <param name="value">The identifier text.</param>
    /// <exception cref="ArgumentException">The value is empty, too long or contains control characters.</exception>
    public DataCategory(string value) => _value = Identifier.Validate(value, nameof(DataCategory), nameof(value));

    /// <summary>Gets the identifier text; empty for the default value.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Gets a value indicating whether this is the default (unset) value.</summary>
    public bool IsEmpty => _value is null;

    /// <summary>Tries to create the identifier without throwing.</summary>
    /// <param name="value">The identifier text.</param>
    /// <param name="result">The identifier when valid.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a valid identifier.</returns>
    public static bool TryCreate([NotNullWhen(true)] string? value, out DataCategory result)
    {
        if (Identifier.Check(value) is null)
        {
            result = new DataCategory(value!);
            return true;
        }

        result = default;
        return false;
    }

    /// <inheritdoc />
    public bool Equals(DataCategory other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DataCategory other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <inheritdoc />
    public int CompareTo(DataCategory other) => string.CompareOrdinal(_value, other._value);

    /// <inheritdoc />
    public override string ToString() => Value;

    /// <summary>Compares two identifiers for equality.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(DataCategory left, DataCategory right) => left.Equals(right);

    /// <summary>Compares two identifiers for inequality.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(DataCategory left, DataCategory right) => !left.Equals(right);

    /// <summary>Orders two identifiers ordinally.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts first.</returns>
    public static bool operator <(DataCategory left, DataCategory right) => left.CompareTo(right) < 0;

    /// <summary>Orders two identifiers ordinally.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts last.</returns>
    public static bool operator >(DataCategory left, DataCategory right) => left.CompareTo(right) > 0;

    /// <summary>Orders two identifiers ordinally.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> does not sort last.</returns>
    public static bool operator <=(DataCategory left, DataCategory right) => left.CompareTo(right) <= 0;

    /// <summary>Orders two identifiers ordinally.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> does not sort first.</returns>
    public static bool operator >=(DataCategory left, DataCategory right) => left.CompareTo(right) >= 0;
}
