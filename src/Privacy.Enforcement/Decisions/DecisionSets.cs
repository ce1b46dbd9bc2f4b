using System.Collections;
using System.Text;
using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement;

/// <summary>
/// A set of data categories of a compiled taxonomy held as a bitset: copying or testing it allocates nothing;
/// enumerating it yields the categories in taxonomy order.
/// </summary>
public readonly struct CategorySet : IReadOnlyCollection<DataCategory>, IEquatable<CategorySet>
{
    private readonly CompiledPolicy? _policy;
    private readonly Bits128 _bits;

    internal CategorySet(CompiledPolicy? policy, Bits128 bits)
    {
        _policy = policy;
        _bits = bits;
    }

    /// <summary>Gets the number of categories.</summary>
    public int Count => _bits.Count;

    /// <summary>Gets a value indicating whether the set is empty.</summary>
    public bool IsEmpty => _bits.IsEmpty;

    internal Bits128 Bits => _bits;

    /// <summary>Returns whether the set holds <paramref name="category"/>.</summary>
    /// <param name="category">The category.</param>
    /// <returns><see langword="true"/> when held.</returns>
    public bool Contains(DataCategory category) =>
        _policy is not null && _policy.CategoryIndex.TryGetValue(category.Value, out var index) && _bits.Contains(index);

    /// <summary>Returns an enumerator over the categories in taxonomy order.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(_policy, _bits);

    IEnumerator<DataCategory> IEnumerable<DataCategory>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(CategorySet other) => _bits == other._bits && ReferenceEquals(_policy, other._policy);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CategorySet other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _bits.GetHashCode();

    /// <summary>Compares two sets.</summary>
    /// <param name="left">The first set.</param>
    /// <param name="right">The second set.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(CategorySet left, CategorySet right) => left.Equals(right);

    /// <summary>Compares two sets.</summary>
    /// <param name="left">The first set.</param>
    /// <param name="right">The second set.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(CategorySet left, CategorySet right) => !left.Equals(right);

    /// <summary>Returns the categories, comma separated.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Join(", ", this);

    /// <summary>Enumerates a <see cref="CategorySet"/> without allocating.</summary>
    public struct Enumerator : IEnumerator<DataCategory>
    {
        private readonly CompiledPolicy? _policy;
        private readonly Bits128 _bits;
        private int _index;

        internal Enumerator(CompiledPolicy? policy, Bits128 bits)
        {
            _policy = policy;
            _bits = bits;
            _index = -1;
        }

        /// <inheritdoc />
        public readonly DataCategory Current => _policy!.CategoryList[_index];

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc />
        public bool MoveNext()
        {
            if (_policy is null)
            {
                return false;
            }

            _index = _index < 0 ? _bits.First() : _bits.Next(_index);
            return _index >= 0;
        }

        /// <inheritdoc />
        public void Reset() => _index = -1;

        /// <inheritdoc />
        public readonly void Dispose()
        {
        }
    }
}

/// <summary>The clause ids behind a decision, held as a bitset over the compiled clause table.</summary>
public readonly struct ClauseSet : IReadOnlyCollection<string>, IEquatable<ClauseSet>
{
    private readonly CompiledPolicy? _policy;
    private readonly Bits128 _bits;

    internal ClauseSet(CompiledPolicy? policy, Bits128 bits)
    {
        _policy = policy;
        _bits = bits;
    }

    /// <summary>Gets the number of clauses.</summary>
    public int Count => _bits.Count;

    /// <summary>Gets a value indicating whether no clause is cited.</summary>
    public bool IsEmpty => _bits.IsEmpty;

    /// <summary>Returns whether the clause is cited.</summary>
    /// <param name="clauseId">The clause id (see <see cref="ClauseIds"/>).</param>
    /// <returns><see langword="true"/> when cited.</returns>
    public bool Contains(string clauseId) =>
        clauseId is not null && _policy is not null && _policy.ClauseIndex.TryGetValue(clauseId, out var index) && _bits.Contains(index);

    /// <summary>Returns an enumerator over the clause ids in clause-table order.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(_policy, _bits);

    IEnumerator<string> IEnumerable<string>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(ClauseSet other) => _bits == other._bits && ReferenceEquals(_policy, other._policy);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ClauseSet other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _bits.GetHashCode();

    /// <summary>Compares two sets.</summary>
    /// <param name="left">The first set.</param>
    /// <param name="right">The second set.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(ClauseSet left, ClauseSet right) => left.Equals(right);

    /// <summary>Compares two sets.</summary>
    /// <param name="left">The first set.</param>
    /// <param name="right">The second set.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(ClauseSet left, ClauseSet right) => !left.Equals(right);

    /// <summary>Returns the clause ids, comma separated.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Join(", ", this);

    /// <summary>Enumerates a <see cref="ClauseSet"/> without allocating.</summary>
    public struct Enumerator : IEnumerator<string>
    {
        private readonly CompiledPolicy? _policy;
        private readonly Bits128 _bits;
        private int _index;

        internal Enumerator(CompiledPolicy? policy, Bits128 bits)
        {
            _policy = policy;
            _bits = bits;
            _index = -1;
        }

        /// <inheritdoc />
        public readonly string Current => _policy!.ClauseNames[_index];

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc />
        public bool MoveNext()
        {
            if (_policy is null)
            {
                return false;
            }

            _index = _index < 0 ? _bits.First() : _bits.Next(_index);
            return _index >= 0;
        }

        /// <inheritdoc />
        public void Reset() => _index = -1;

        /// <inheritdoc />
        public readonly void Dispose()
        {
        }
    }
}

/// <summary>One obligation the host must carry out because of a decision.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Deadline">By when, for <see cref="ObligationKind.ReturnOrDelete"/>.</param>
/// <param name="Engagement">The engagement concerned, for <see cref="ObligationKind.ReturnOrDelete"/>.</param>
public readonly record struct Obligation(ObligationKind Kind, DateTimeOffset? Deadline = null, EngagementId? Engagement = null)
{
    /// <inheritdoc />
    public override string ToString() => Deadline is { } deadline
        ? $"{Kind} by {deadline.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}" + (Engagement is { } e ? $" (engagement {e})" : string.Empty)
        : Kind.ToString();
}

/// <summary>Bits over <see cref="ObligationKind"/> values.</summary>
[Flags]
internal enum ObligationFlags
{
    None = 0,
}

/// <summary>The obligations of a decision, held as flags with the details of the return-or-delete obligation.</summary>
public readonly struct ObligationSet : IReadOnlyCollection<Obligation>, IEquatable<ObligationSet>
{
    private readonly ObligationFlags _flags;
    private readonly DateTimeOffset _deadline;
    private readonly EngagementId _engagement;

    internal ObligationSet(ObligationFlags flags, DateTimeOffset deadline, EngagementId engagement)
    {
        _flags = flags;
        _deadline = deadline;
        _engagement = engagement;
    }

    /// <summary>Gets the number of obligations.</summary>
    public int Count => System.Numerics.BitOperations.PopCount((uint)_flags);

    /// <summary>Gets a value indicating whether there is none.</summary>
    public bool IsEmpty => _flags == ObligationFlags.None;

    internal ObligationFlags Flags => _flags;

    internal static ObligationFlags Flag(ObligationKind kind) => (ObligationFlags)(1 << (int)kind);

    /// <summary>Returns whether the decision carries the obligation.</summary>
    /// <param name="kind">The obligation.</param>
    /// <returns><see langword="true"/> when carried.</returns>
    public bool Contains(ObligationKind kind) => (_flags & Flag(kind)) != 0;

    /// <summary>Finds an obligation with its details.</summary>
    /// <param name="kind">The obligation.</param>
    /// <returns>The obligation, or <see langword="null"/>.</returns>
    public Obligation? Find(ObligationKind kind) => Contains(kind) ? Make(kind) : null;

    /// <summary>Returns an enumerator over the obligations.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Obligation> IEnumerable<Obligation>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(ObligationSet other) => _flags == other._flags && _deadline == other._deadline && _engagement == other._engagement;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ObligationSet other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_flags, _deadline, _engagement);

    /// <summary>Compares two sets.</summary>
    /// <param name="left">The first set.</param>
    /// <param name="right">The second set.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(ObligationSet left, ObligationSet right) => left.Equals(right);

    /// <summary>Compares two sets.</summary>
    /// <param name="left">The first set.</param>
    /// <param name="right">The second set.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(ObligationSet left, ObligationSet right) => !left.Equals(right);

    /// <summary>Returns the obligations, comma separated.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Join(", ", this);

    private Obligation Make(ObligationKind kind) => kind == ObligationKind.ReturnOrDelete
        ? new Obligation(kind, _deadline, _engagement)
        : new Obligation(kind);

    /// <summary>Enumerates an <see cref="ObligationSet"/> without allocating.</summary>
    public struct Enumerator : IEnumerator<Obligation>
    {
        private readonly ObligationSet _set;
        private int _kind;

        internal Enumerator(ObligationSet set)
        {
            _set = set;
            _kind = 0;
        }

        /// <inheritdoc />
        public readonly Obligation Current => _set.Make((ObligationKind)_kind);

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc />
        public bool MoveNext()
        {
            while (++_kind < 32)
            {
                if (((int)_set._flags & (1 << _kind)) != 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <inheritdoc />
        public void Reset() => _kind = 0;

        /// <inheritdoc />
        public readonly void Dispose()
        {
        }
    }
}

/// <summary>A reason a decision gives for what it denied or withheld, with the clause behind it and the categories it concerns.</summary>
/// <param name="Reason">The machine-readable reason.</param>
/// <param name="Clause">The clause id behind it.</param>
/// <param name="Categories">The categories withheld for this reason (empty when the whole request was refused before categories were judged).</param>
public readonly record struct DecisionReasonEntry(DecisionReason Reason, string? Clause, CategorySet Categories)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder(Reason.ToString());
        if (Clause is not null)
        {
            text.Append(" (").Append(Clause).Append(')');
        }

        if (!Categories.IsEmpty)
        {
            text.Append(": ").Append(Categories.ToString());
        }

        return text.ToString();
    }
}
