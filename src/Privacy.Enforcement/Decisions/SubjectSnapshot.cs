namespace Privacy.Enforcement;

/// <summary>
/// A subject's state compiled against one policy version: consents as time spans, objections, engagements,
/// acceptance and termination, all in ticks and masks so a decision reads it without I/O or allocation.
/// </summary>
internal sealed class SubjectSnapshot
{
    public const long Never = long.MaxValue;

    public required CompiledPolicy Policy { get; init; }

    /// <summary>When the subject accepted the version in force (ticks), or <see cref="Never"/>.</summary>
    public long AcceptedCurrentAt { get; init; } = Never;

    /// <summary>Whether the subject accepted an older version of the policy only (<c>changes.replace</c>).</summary>
    public bool AcceptedOlderOnly { get; init; }

    public ConsentSpan[] Consents { get; init; } = [];

    public ObjectionSpan[] Objections { get; init; } = [];

    public EngagementSpan[] Engagements { get; init; } = [];

    /// <summary>When the subject's service agreement was terminated (ticks), or <see cref="Never"/> (<c>use.violator-termination</c>).</summary>
    public long TerminatedAt { get; init; } = Never;

    /// <summary>The earliest end of an engagement that had not ended when the snapshot was built, or <see cref="Never"/>:
    /// engagement ends are found by comparing this to the clock, not by polling the store.</summary>
    public long NextEngagementEnd { get; init; } = Never;

    /// <summary>Whether an engagement had already ended when the snapshot was built.</summary>
    public bool HasEndedEngagement { get; init; }

    /// <summary>Returns whether some engagement may have ended by <paramref name="at"/>: the precomputed next end is
    /// compared to the clock, so no engagement is scanned (and no store polled) on the way.</summary>
    public bool MayHaveEndedEngagement(long at) => HasEndedEngagement || at >= NextEngagementEnd;

    /// <summary>Whether nothing in the snapshot changes after it was built (no consent, objection or engagement
    /// boundary lies ahead): a decision about "now" then needs no clock reading.</summary>
    public bool TimeInvariant { get; init; }

    /// <summary>Returns the categories among <paramref name="needed"/> covered by a live consent at <paramref name="at"/>.</summary>
    public Bits128 Covered(Bits128 needed, int purpose, int acts, in RecipientFilter recipient, long at, ConsentId? only = null)
    {
        var covered = Bits128.Empty;
        var purposeBit = 1UL << purpose;
        foreach (ref readonly var span in Consents.AsSpan())
        {
            if (!span.Refusal && span.Start <= at && at < span.End && (span.Purposes & purposeBit) != 0 &&
                (span.Acts == 0 || (span.Acts & acts) != 0) && recipient.Matches(span) &&
                (only is null || only.Value.Value == span.Id))
            {
                covered |= span.Categories;
                if (needed.IsSubsetOf(covered))
                {
                    break;
                }
            }
        }

        return covered & needed;
    }

    /// <summary>Explains why no live consent covered <paramref name="category"/>.</summary>
    public DecisionReason WhyNotCovered(int category, int purpose, int acts, in RecipientFilter recipient, long at)
    {
        var purposeBit = 1UL << purpose;
        var latestStart = long.MinValue;
        var reason = DecisionReason.ConsentMissing;
        var later = false;
        foreach (ref readonly var span in Consents.AsSpan())
        {
            if ((span.Purposes & purposeBit) == 0 || !span.Categories.Contains(category) ||
                (span.Acts != 0 && (span.Acts & acts) == 0) || !recipient.Matches(span))
            {
                continue;
            }

            if (span.Start > at)
            {
                later = !span.Refusal || later;
                continue;
            }

            if (span.Start >= latestStart)
            {
                latestStart = span.Start;
                reason = span.Refusal ? DecisionReason.ConsentRefused : span.EndState switch
                {
                    ConsentState.Withdrawn => DecisionReason.ConsentWithdrawn,
                    ConsentState.Expired => DecisionReason.ConsentExpired,
                    ConsentState.Invalidated => DecisionReason.ConsentNeedsRenewal,
                    ConsentState.Refused => DecisionReason.ConsentRefused,
                    _ => DecisionReason.ConsentMissing,
                };
            }
        }

        // "obtained your permission in advance": a consent granted only after the act does not count.
        return latestStart == long.MinValue && later ? DecisionReason.ConsentNotPrior : reason;
    }

    /// <summary>Returns whether the consent with this id was ever granted for the purpose and the recipient (or its kind).</summary>
    public bool Names(ConsentId id, int purpose, in RecipientFilter recipient)
    {
        foreach (ref readonly var span in Consents.AsSpan())
        {
            if (span.Id == id.Value && !span.Refusal && (span.Purposes & (1UL << purpose)) != 0 && recipient.Matches(span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns whether a consent with this id exists at all.</summary>
    public bool HasConsent(ConsentId id)
    {
        foreach (ref readonly var span in Consents.AsSpan())
        {
            if (span.Id == id.Value)
            {
                return true;
            }
        }

        return false;
    }

    public bool Objected(int purpose, long at)
    {
        foreach (ref readonly var span in Objections.AsSpan())
        {
            if (span.Purpose == purpose && span.Start <= at && at < span.End)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Which recipient a consent must name: none for collection and use, the recipient or its kind for transfers.</summary>
internal readonly struct RecipientFilter
{
    private readonly string? _recipient;
    private readonly RecipientKind _kind;

    public RecipientFilter(string recipient, RecipientKind kind)
    {
        _recipient = recipient;
        _kind = kind;
    }

    public static RecipientFilter Any => default;

    public bool Matches(in ConsentSpan span) =>
        _recipient is null ||
        (span.Recipient is not null ? string.Equals(span.Recipient, _recipient, StringComparison.Ordinal) : span.Kind == (int)_kind);
}

/// <summary>One grant (or refusal) of a consent, as a span of time in ticks.</summary>
internal struct ConsentSpan
{
    public long Start;
    public long End;
    public ulong Purposes;
    public Bits128 Categories;
    public string? Recipient;
    public Guid Id;
    public int Acts;

    /// <summary>The recipient kind the consent names, or -1.</summary>
    public int Kind;
    public ConsentState EndState;
    public bool Refusal;
}

internal readonly record struct ObjectionSpan(int Purpose, long Start, long End);

internal readonly record struct EngagementSpan(
    EngagementId Id,
    string Provider,
    int Service,
    Bits128 Categories,
    long Start,
    long End)
{
    public bool IsActiveAt(long at) => Start <= at && at < End;
}
