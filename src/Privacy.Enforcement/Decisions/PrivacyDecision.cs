using System.Text;
using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement;

/// <summary>
/// The answer to a <see cref="PrivacyRequest"/>: the outcome, the categories permitted and withheld ("all or part"),
/// the reasons for what was withheld, the clauses that decided it, the obligations the host must carry out, and the
/// policy version it was made under. A value type: deciding on cached state allocates nothing.
/// </summary>
public readonly struct PrivacyDecision : IEquatable<PrivacyDecision>
{
    // Kept small (about 80 bytes) because a decision is copied on its way out of every call; what few decisions carry
    // (a second reason, further reasons, an obligation deadline) lives in a details object made only when needed.
    private readonly CompiledPolicy? _policy;
    private readonly DecisionDetails? _details;
    private readonly Bits128 _permitted;
    private readonly Bits128 _withheld;
    private readonly Bits128 _clauses;
    private readonly int _reasonClause;
    private readonly ObligationFlags _obligations;
    private readonly byte _outcome;
    private readonly byte _reason;
    private readonly byte _act;
    private readonly byte _ground;

    internal PrivacyDecision(in DecisionDraft draft, CompiledPolicy? policy, DecisionOutcome outcome)
    {
        _policy = policy;
        _outcome = (byte)outcome;
        _act = (byte)draft.Act;
        _ground = (byte)draft.Ground;
        _permitted = outcome == DecisionOutcome.Deny ? Bits128.Empty : draft.Permitted;
        _withheld = outcome == DecisionOutcome.Deny ? draft.Requested.Except(draft.Exempt) | draft.Withheld : draft.Withheld;
        _clauses = draft.Clauses;
        _reason = (byte)draft.Reason0;
        _reasonClause = draft.Clause0;
        _obligations = draft.Obligations;
        if (draft.Reason1 != DecisionReason.None || draft.More is not null || draft.Deadline != default || draft.Engagement != default)
        {
            _details = new DecisionDetails(draft.Reason1, draft.Clause1, draft.Categories1, draft.More?.ToArray(), draft.Deadline, draft.Engagement);
        }
    }

    private DecisionOutcome OutcomeValue => (DecisionOutcome)_outcome;

    private DecisionReason ReasonValue => (DecisionReason)_reason;

    private DecisionReason SecondaryReason => _details?.Reason ?? DecisionReason.None;

    private Bits128 SecondaryCategories => _details?.Categories ?? Bits128.Empty;

    private DecisionReasonGroup[]? MoreReasons => _details?.More;

    /// <summary>Gets the outcome.</summary>
    public DecisionOutcome Outcome => OutcomeValue;

    /// <summary>Gets a value indicating whether the act may go ahead for <see cref="PermittedCategories"/> (Permit or NotApplicable).</summary>
    public bool IsPermitted => OutcomeValue != DecisionOutcome.Deny;

    /// <summary>Gets a value indicating whether every category asked for is permitted.</summary>
    public bool IsFullyPermitted => OutcomeValue != DecisionOutcome.Deny && _withheld.IsEmpty;

    /// <summary>Gets the act decided on.</summary>
    public ProcessingAct Act => (ProcessingAct)_act;

    /// <summary>Gets the disclosure ground relied on, for disclosures that named one.</summary>
    public DisclosureGround? Ground => _ground == 0 ? null : (DisclosureGround)_ground;

    /// <summary>Gets the policy version the decision was made under (<c>changes.replace</c>); <see langword="null"/> only when no policy could be read.</summary>
    public PolicyVersion? PolicyVersion => _policy?.Version;

    /// <summary>Gets the categories the act may concern: never more than the rule or ground allows.</summary>
    public CategorySet PermittedCategories => new(_policy, _permitted);

    /// <summary>Gets the categories asked for that are withheld.</summary>
    public CategorySet WithheldCategories => new(_policy, _withheld);

    /// <summary>Gets the clause ids that decided it.</summary>
    public ClauseSet Clauses => new(_policy, _clauses);

    /// <summary>Gets the obligations the host must carry out.</summary>
    public ObligationSet Obligations => new(_obligations, _details?.Deadline ?? default, _details?.Engagement ?? default);

    /// <summary>Gets the main reason for what was denied or withheld; <see cref="DecisionReason.None"/> when nothing was.</summary>
    public DecisionReason Reason => ReasonValue;

    /// <summary>Gets the clause behind <see cref="Reason"/>.</summary>
    public string? ReasonClause => ClauseName(_reasonClause);

    /// <summary>Gets every reason with its clause and the withheld categories it concerns.</summary>
    public IReadOnlyList<DecisionReasonEntry> Reasons
    {
        get
        {
            if (ReasonValue == DecisionReason.None)
            {
                return [];
            }

            var others = SecondaryCategories;
            var moreReasons = MoreReasons;
            var list = new List<DecisionReasonEntry>(2 + (moreReasons?.Length ?? 0));
            if (moreReasons is not null)
            {
                foreach (var group in moreReasons)
                {
                    others |= group.Categories;
                }
            }

            list.Add(new DecisionReasonEntry(ReasonValue, ClauseName(_reasonClause), new CategorySet(_policy, _withheld.Except(others))));
            if (_details is { Reason: not DecisionReason.None } details)
            {
                list.Add(new DecisionReasonEntry(details.Reason, ClauseName(details.Clause), new CategorySet(_policy, details.Categories & _withheld)));
            }

            if (moreReasons is not null)
            {
                foreach (var group in moreReasons)
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
            return _policy is null && OutcomeValue == DecisionOutcome.Deny ? ReasonValue : DecisionReason.None;
        }

        if (SecondaryCategories.Contains(index))
        {
            return SecondaryReason;
        }

        if (MoreReasons is { } moreReasons)
        {
            foreach (var group in moreReasons)
            {
                if (group.Categories.Contains(index))
                {
                    return group.Reason;
                }
            }
        }

        return ReasonValue;
    }

    internal CompiledPolicy? Policy => _policy;

    internal Bits128 ClauseBits => _clauses;

    internal int ReasonClauseIndex => _reasonClause;

    /// <inheritdoc />
    public bool Equals(PrivacyDecision other) =>
        _outcome == other._outcome && _act == other._act && _permitted == other._permitted && _withheld == other._withheld &&
        _clauses == other._clauses && _reason == other._reason && Obligations == other.Obligations && ReferenceEquals(_policy, other._policy);

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
        text.Append(OutcomeValue).Append(' ').Append(Act);
        if (_ground != 0)
        {
            text.Append(" (ground ").Append((DisclosureGround)_ground).Append(')');
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

        if (_obligations != 0)
        {
            text.Append("; obligations [").Append(Obligations.ToString()).Append(']');
        }

        return text.ToString();
    }

    private string? ClauseName(int index) => _policy is not null && index >= 0 ? _policy.ClauseNames[index] : null;
}

/// <summary>The parts of a decision few decisions have: a second reason, further reasons, an obligation's deadline and engagement.</summary>
internal sealed record DecisionDetails(DecisionReason Reason, int Clause, Bits128 Categories, DecisionReasonGroup[]? More, DateTimeOffset Deadline, EngagementId Engagement);

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
