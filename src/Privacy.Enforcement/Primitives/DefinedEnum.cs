using System.Globalization;

namespace Privacy.Enforcement;

/// <summary>
/// Checks the enum values requests and facts carry where they are set: a value outside the enum (a cast such as
/// <c>(ProcessingAct)6</c>) is an <see cref="ArgumentException"/> naming the type, the member and the value, never a
/// value a rule might read as something it is not.
/// </summary>
internal static class DefinedEnum
{
    /// <summary>Returns <paramref name="value"/> when it is defined, otherwise throws.</summary>
    /// <param name="value">The value.</param>
    /// <param name="owner">The type that carries it (for example <c>UseRequest</c>).</param>
    /// <param name="member">The member that carries it (for example <c>UseAct</c>).</param>
    public static TEnum Require<TEnum>(TEnum value, string owner, string member)
        where TEnum : struct, Enum =>
        Enum.IsDefined(value) ? value : throw Undefined(value, $"{owner}.{member}", member);

    /// <summary>Returns <paramref name="value"/> when it is <see langword="null"/> or defined, otherwise throws.</summary>
    public static TEnum? Require<TEnum>(TEnum? value, string owner, string member)
        where TEnum : struct, Enum =>
        value is { } set ? Require(set, owner, member) : null;

    /// <summary>Returns a private copy of <paramref name="values"/> once every value is checked, or throws naming the first undefined one.</summary>
    public static IReadOnlyList<TEnum> RequireAll<TEnum>(IReadOnlyList<TEnum> values, string owner, string member)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(values, member);
        var copy = RequestList.Copy(values);
        for (var i = 0; i < copy.Count; i++)
        {
            if (!Enum.IsDefined(copy[i]))
            {
                throw Undefined(copy[i], $"{owner}.{member}[{i}]", member);
            }
        }

        return copy;
    }

    private static ArgumentException Undefined<TEnum>(TEnum value, string where, string member)
        where TEnum : struct, Enum =>
        new($"{where} is {Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)}, which is not a defined {typeof(TEnum).Name}; expected one of: {string.Join(", ", Enum.GetNames<TEnum>())}.", member);
}
