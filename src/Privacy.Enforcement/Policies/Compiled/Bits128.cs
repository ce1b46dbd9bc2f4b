using System.Numerics;
using System.Runtime.CompilerServices;

namespace Privacy.Enforcement.Policies;

/// <summary>A set of up to 128 small integers (category, clause or purpose indexes of a compiled policy), held in two words.</summary>
internal readonly struct Bits128 : IEquatable<Bits128>
{
    public const int Capacity = 128;

    public readonly ulong Low;
    public readonly ulong High;

    public Bits128(ulong low, ulong high)
    {
        Low = low;
        High = high;
    }

    public static Bits128 Empty => default;

    public bool IsEmpty => (Low | High) == 0;

    public int Count => BitOperations.PopCount(Low) + BitOperations.PopCount(High);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Bits128 Of(int index) =>
        index < 64 ? new Bits128(1UL << index, 0) : new Bits128(0, 1UL << (index - 64));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(int index) =>
        (uint)index < Capacity && ((index < 64 ? Low >> index : High >> (index - 64)) & 1) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Bits128 With(int index) => this | Of(index);

    public bool Overlaps(Bits128 other) => ((Low & other.Low) | (High & other.High)) != 0;

    public bool IsSubsetOf(Bits128 other) => ((Low & ~other.Low) | (High & ~other.High)) == 0;

    /// <summary>Returns the smallest index in the set, or -1.</summary>
    public int First() =>
        Low != 0 ? BitOperations.TrailingZeroCount(Low) : High != 0 ? 64 + BitOperations.TrailingZeroCount(High) : -1;

    /// <summary>Returns the smallest index greater than <paramref name="after"/>, or -1.</summary>
    public int Next(int after)
    {
        var start = after + 1;
        if (start < 64)
        {
            var low = start == 0 ? Low : Low & (ulong.MaxValue << start);
            if (low != 0)
            {
                return BitOperations.TrailingZeroCount(low);
            }

            start = 64;
        }

        if (start < Capacity)
        {
            var high = High & (ulong.MaxValue << (start - 64));
            if (high != 0)
            {
                return 64 + BitOperations.TrailingZeroCount(high);
            }
        }

        return -1;
    }

    public static Bits128 operator |(Bits128 left, Bits128 right) => new(left.Low | right.Low, left.High | right.High);

    public static Bits128 operator &(Bits128 left, Bits128 right) => new(left.Low & right.Low, left.High & right.High);

    public static Bits128 operator ~(Bits128 value) => new(~value.Low, ~value.High);

    public static bool operator ==(Bits128 left, Bits128 right) => left.Equals(right);

    public static bool operator !=(Bits128 left, Bits128 right) => !left.Equals(right);

    public Bits128 Except(Bits128 other) => new(Low & ~other.Low, High & ~other.High);

    public bool Equals(Bits128 other) => Low == other.Low && High == other.High;

    public override bool Equals(object? obj) => obj is Bits128 other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Low, High);
}
