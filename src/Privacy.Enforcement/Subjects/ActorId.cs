using System.Diagnostics.CodeAnalysis;

namespace Privacy.Enforcement;

/// <summary>Identifies who makes a request: a user, an affiliate or a third party (see <see cref="Actor"/>).</summary>
public readonly partial struct ActorId : IEquatable<ActorId>, IComparable<ActorId>
{
    private readonly string? _value;

    /// <summary>Creates the identifier, validating it with <see cref="Identifier.Validate"/>.</summary>
    /// <param name="value">The identifier text.</param>
    /// <exception cref="ArgumentException">The value is empty, too long or contains control characters.</exception>
    public ActorId(string value) => _value = Identifier.Validate(value, nameof(ActorId), nameof(value));

    /// <summary>Gets the identifier text; empty for the default value.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Gets a value indicating whether this is the default (unset) value.</summary>
    public bool IsEmpty => _value is null;

    /// <summary>Tries to create the identifier without throwing.</summary>
    /// <param name="value">The identifier text.</param>
    /// <param name="result">The identifier when valid.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a valid identifier.</returns>
    public static bool TryCreate([NotNullWhen(true)] string? value, out ActorId result)
    {
        if (Identifier.Check(value) is null)
        {
            result = new ActorId(value!);
            return true;
        }

        result = default;
        return false;
    }

    /// <inheritdoc />
    public bool Equals(ActorId other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ActorId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <inheritdoc />
    public int CompareTo(ActorId other) => string.CompareOrdinal(_value, other._value);

    /// <inheritdoc />
    public override string ToString() => Value;

    /// <summary>Compares two identifiers for equality.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(ActorId left, ActorId right) => left.Equals(right);

    /// <summary>Compares two identifiers for inequality.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(ActorId left, ActorId right) => !left.Equals(right);

    /// <summary>Orders two identifiers ordinally.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts first.</returns>
    public static bool operator <(ActorId left, ActorId right) => left.CompareTo(right) < 0;

    /// <summary>Orders two identifiers ordinally.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts last.</returns>
    public static bool operator >(ActorId left, ActorId right) => left.CompareTo(right) > 0;

    /// <summary>Orders two identifiers ordinally.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> does not sort last.</returns>
    public static bool operator <=(ActorId left, ActorId right) => left.CompareTo(right) <= 0;

    /// <summary>Orders two identifiers ordinally.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> does not sort first.</returns>
    public static bool operator >=(ActorId left, ActorId right) => left.CompareTo(right) >= 0;
}
