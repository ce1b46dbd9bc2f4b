using System.Text;

namespace Privacy.Enforcement;

/// <summary>
/// The answer to a <see cref="PrivacyRequest"/>: the outcome, the categories permitted and withheld ("all or part"),
/// the reasons for what was withheld, the clauses that decided it, the obligations the host must carry out, and the
/// policy version it was made under. A value type: deciding on cached state allocates nothing.
/// </summary>
public readonly struct PrivacyDecision : IEquatable<PrivacyDecision>
{
    private readonly CompiledPolicy? _policy;
    private readonly Bits128 _permitted;
    private readonly Bits128 _withheld;
    private readonly Bits128 _clauses;
    private readonly Bits128 _secondaryCategories;
    private readonly DecisionReasonGroup[]? _moreReasons;
    private readonly ObligationSet _obligations;
    private readonly int _reasonClause;
    private readonly int _secondaryClause;
    private readonly DecisionOutcome _outcome;
    private readonly DecisionReason _reason;
    private readonly DecisionReason _secondaryReason;
    private readonly ProcessingAct _act;
    private readonly DisclosureGround _ground;

    internal PrivacyDecision(in DecisionDraft draft, CompiledPolicy? policy, DecisionOutcome outcome)
    {
        _policy = policy;
        _outcome = outcome;
        _act = draft.Act;
        _ground = draft.Ground;
        _permitted = outcome == DecisionOutcome.Deny ? Bits128.Empty : draft.Permitted;
        _withheld = outcome == DecisionOutcome.Deny ? draft.Requested.Except(draft.Exempt) | draft.Withheld : draft.Withheld;
        _clauses = draft.Clauses;
        _reason = draft.Reason0;
        _reasonClause = draft.Clause0;
        _secondaryReason = draft.Reason1;
        _secondaryClause = draft.Clause1;
        _secondaryCategories = draft.Categories1;
        _moreReasons = draft.More?.ToArray();
        _obligations = new ObligationSet(draft.Obligations, draft.Deadline, draft.Engagement);
    }

    /// <summary>Gets the outcome.</summary>
    public DecisionOutcome Outcome => _outcome;

    /// <summary>Gets a value indicating whether the act may go ahead for <see cref="PermittedCategories"/> (Permit or NotApplicable).</summary>
    public bool IsPermitted => _outcome != DecisionOutcome.Deny;

    /// <summary>Gets a value indicating whether every category asked for is permitted.</summary>
    public bool IsFullyPermitted => _outcome != DecisionOutcome.Deny && _withheld.IsEmpty;

    /// <summary>Gets the act decided on.</summary>
    public ProcessingAct Act => _act;

    /// <summary>Gets the disclosure ground relied on, for disclosures that named one.</summary>
    public DisclosureGround? Ground => _ground == 0 ? null : _ground;

    /// <summary>Gets the policy version the decision was made under (<c>changes.replace</c>); <see langword="null"/> only when no policy could be read.</summary>
    public PolicyVersion? PolicyVersion => _policy?.Version;

    /// <summary>Gets the categories the act may concern: never more than the rule or ground allows.</summary>
    public CategorySet PermittedCategories => new(_policy, _permitted);

    /// <summary>Gets the categories asked for that are withheld.</summary>
    public CategorySet WithheldCategories => new(_policy, _withheld);

    /// <summary>Gets the clause ids that decided it.</summary>
    public ClauseSet Clauses => new(_policy, _clauses);

    /// <summary>Gets the obligations the host must carry out.</summary>
    public ObligationSet Obligations => _obligations;

    /// <summary>Gets the main reason for what was denied or withheld; <see cref="DecisionReason.None"/> when nothing was.</summary>
    public DecisionReason Reason => _reason;

    /// <summary>Gets the clause behind <see cref="Reason"/>.</summary>
    public string? ReasonClause => ClauseName(_reasonClause);

    /// <summary>Gets every reason with its clause and the withheld categories it concerns.</summary>
    public IReadOnlyList<DecisionReasonEntry> Reasons
    {
        get
        {
            if (_reason == DecisionReason.None)
            {
                return [];
            }

            var others = _secondaryCategories;
            var list = new List<DecisionReasonEntry>(2 + (_moreReasons?.Length ?? 0));
            if (_moreReasons is not null)
            {
                foreach (var group in _moreReasons)
                {
                    others |= group.Categories;
                }
            }

            list.Add(new DecisionReasonEntry(_reason, ClauseName(_reasonClause), new CategorySet(_policy, _withheld.Except(others))));
            if (_secondaryReason != DecisionReason.None)
            {
                list.Add(new DecisionReasonEntry(_secondaryReason, ClauseName(_secondaryClause), new CategorySet(_policy, _secondaryCategories & _withheld)));
            }

            if (_moreReasons is not null)
            {
                foreach (var group in _moreReasons)
                {
                    list.Add(new DecisionReasonEntry(group.Reason, ClauseName(group.Clause), new CategorySet(_policy, group.Categories & _withheld)));
                }
            }

            return list;
        }
    }

    /// <summary>Returns why a category was withheld.</summary>
    /// <param name="category">The category.</param>
    /// <returns>The reason; <see cref="DecisionReason.None"/> when it was not withheld.</returns>
    public DecisionReason GetReason(DataCategory category)
    {
        if (_policy is null || !_policy.CategoryIndex.TryGetValue(category.Value, out var index) || !_withheld.Contains(index))
        {
            return _policy is null && _outcome == DecisionOutcome.Deny ? _reason : DecisionReason.None;
        }

        if (_secondaryCategories.Contains(index))
        {
            return _secondaryReason;
        }

        if (_moreReasons is not null)
        {
            foreach (var group in _moreReasons)
            {
                if (group.Categories.Contains(index))
                {
                    return group.Reason;
                }
            }
        }

        return _reason;
    }

    internal CompiledPolicy? Policy => _policy;

    internal Bits128 ClauseBits => _clauses;

    internal int ReasonClauseIndex => _reasonClause;

    /// <inheritdoc />
    public bool Equals(PrivacyDecision other) =>
        _outcome == other._outcome && _act == other._act && _permitted == other._permitted && _withheld == other._withheld &&
        _clauses == other._clauses && _reason == other._reason && _obligations == other._obligations && ReferenceEquals(_policy, other._policy);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PrivacyDecision other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_outcome, _act, _permitted, _withheld, _clauses, _reason);

    /// <summary>Compares two decisions.</summary>
    /// <param name="left">The first decision.</param>
    /// <param name="right">The second decision.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(PrivacyDecision left, PrivacyDecision right) => left.Equals(right);

    /// <summary>Compares two decisions.</summary>
    /// <param name="left">The first decision.</param>
    /// <param name="right">The second decision.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(PrivacyDecision left, PrivacyDecision right) => !left.Equals(right);

    /// <summary>Returns a one-line description a person can hold against the policy.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(_outcome).Append(' ').Append(_act);
        if (_ground != 0)
        {
            text.Append(" (ground ").Append(_ground).Append(')');
        }

        text.Append(" under ").Append(PolicyVersion?.ToString() ?? "no policy");
        if (!_permitted.IsEmpty)
        {
            text.Append("; permitted [").Append(PermittedCategories.ToString()).Append(']');
        }

        foreach (var reason in Reasons)
        {
            text.Append("; withheld ").Append(reason.ToString());
        }

        if (!_clauses.IsEmpty)
        {
            text.Append("; clauses [").Append(Clauses.ToString()).Append(']');
        }

        if (!_obligations.IsEmpty)
        {
            text.Append("; obligations [").Append(_obligations.ToString()).Append(']');
        }

        return text.ToString();
    }

    private string? ClauseName(int index) => _policy is not null && index >= 0 ? _policy.ClauseNames[index] : null;
}

/// <summary>A reason beyond the two a decision holds inline (rare: more than two distinct reasons in one decision).</summary>
internal readonly record struct DecisionReasonGroup(DecisionReason Reason, int Clause, Bits128 Categories);

/// <summary>The mutable draft the rules write into while deciding; becomes a <see cref="PrivacyDecision"/>.</summary>
internal struct DecisionDraft
{
    public ProcessingAct Act;
    public DisclosureGround Ground;
    public Bits128 Requested;
    public Bits128 Exempt;
    public Bits128 Permitted;
    public Bits128 Withheld;
    public Bits128 Clauses;
    public DecisionReason Reason0;
    public int Clause0;
    public DecisionReason Reason1;
    public int Clause1;
    public Bits128 Categories1;
    public List<DecisionReasonGroup>? More;
    public ObligationFlags Obligations;
    public DateTimeOffset Deadline;
    public EngagementId Engagement;
    public bool Refused;

    public DecisionDraft(ProcessingAct act)
    {
        Act = act;
        Clause0 = -1;
        Clause1 = -1;
    }

    public void Cite(int clause)
    {
        if (clause >= 0)
        {
            Clauses = Clauses.With(clause);
        }
    }

    public void Oblige(ObligationKind kind) => Obligations |= ObligationSet.Flag(kind);

    /// <summary>Refuses the whole request: nothing is permitted, every category asked for is withheld.</summary>
    public void Refuse(DecisionReason reason, int clause)
    {
        Refused = true;
        Cite(clause);
        if (Reason0 == DecisionReason.None)
        {
            Reason0 = reason;
            Clause0 = clause;
        }
        else if (Reason0 != reason && Reason1 == DecisionReason.None)
        {
            // A second whole-request reason: recorded without categories of its own.
            Reason1 = reason;
            Clause1 = clause;
        }
    }

    /// <summary>Withholds categories; a category already withheld keeps its first reason (rules run in precedence order).</summary>
    public void Withhold(Bits128 categories, DecisionReason reason, int clause)
    {
        var fresh = categories.Except(Withheld);
        if (fresh.IsEmpty)
        {
            return;
        }

        Cite(clause);
        Withheld |= fresh;
        Permitted = Permitted.Except(fresh);
        if (Reason0 == DecisionReason.None || (Reason0 == reason && Clause0 == clause))
        {
            Reason0 = reason;
            Clause0 = clause;
        }
        else if (Reason1 == DecisionReason.None || (Reason1 == reason && Clause1 == clause))
        {
            Reason1 = reason;
            Clause1 = clause;
            Categories1 |= fresh;
        }
        else
        {
            More ??= [];
            More.Add(new DecisionReasonGroup(reason, clause, fresh));
        }
    }
}
