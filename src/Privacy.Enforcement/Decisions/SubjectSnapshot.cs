using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Policies;

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

    private readonly ConsentSpan[] _consents = [];
    private readonly LiveConsentGroups _live;
    private readonly int _liveCount;

    public ConsentSpan[] Consents
    {
        get => _consents;
        init
        {
            _consents = value;
            _liveCount = LiveConsentGroups.Fold(value, ref _live);
        }
    }

    public ObjectionSpan[] Objections { get; init; } = [];

    public EngagementSpan[] Engagements { get; init; } = [];

    /// <summary>When the subject's service agreement was terminated (ticks), or <see cref="Never"/> (<c>use.violator-termination</c>).</summary>
    public long TerminatedAt { get; init; } = Never;

    /// <summary>When the engagements of the third party with this id were terminated for a violation (ticks), or <see cref="Never"/> (<c>use.violator-termination</c>).</summary>
    public long ThirdPartyTerminatedAt { get; init; } = Never;

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
        var purposeBit = 1UL << purpose;
        if (only is null && recipient.IsAny && _liveCount > 0)
        {
            // Most decisions are answered by the folded open-ended consents, which sit in this object: no span scan.
            var live = Bits128.Empty;
            for (var i = 0; i < _liveCount; i++)
            {
                ref readonly var group = ref _live[i];
                if (group.Since <= at && (group.Purposes & purposeBit) != 0 && (group.Acts == 0 || (group.Acts & acts) != 0))
                {
                    live |= group.Categories;
                }
            }

            if (needed.IsSubsetOf(live))
            {
                return needed;
            }
        }

        var covered = Bits128.Empty;
        foreach (ref readonly var span in _consents.AsSpan())
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

    /// <summary>Gets whether the filter lets every consent through (no recipient named).</summary>
    public bool IsAny => _recipient is null;

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

/// <summary>
/// Granted consents that never end, folded by purposes and acts: a consent live from <see cref="Since"/> on for good
/// needs no time check per span, so the common decision reads a few words instead of scanning every span.
/// </summary>
internal struct LiveConsentGroup
{
    public ulong Purposes;
    public Bits128 Categories;
    public long Since;
    public int Acts;
}

/// <summary>Up to four <see cref="LiveConsentGroup"/>s kept inside the snapshot; consents beyond them are found by the scan.</summary>
[System.Runtime.CompilerServices.InlineArray(Capacity)]
internal struct LiveConsentGroups
{
    public const int Capacity = 4;

    private LiveConsentGroup _first;

    /// <summary>Folds the open-ended grants of <paramref name="spans"/> into <paramref name="groups"/>.</summary>
    /// <returns>The number of groups used.</returns>
    public static int Fold(ConsentSpan[] spans, ref LiveConsentGroups groups)
    {
        var count = 0;
        foreach (ref readonly var span in spans.AsSpan())
        {
            if (span.Refusal || span.End != SubjectSnapshot.Never)
            {
                continue;
            }

            var i = 0;
            while (i < count && (groups[i].Purposes != span.Purposes || groups[i].Acts != span.Acts))
            {
                i++;
            }

            if (i == count)
            {
                if (count == Capacity)
                {
                    continue;
                }

                groups[i] = new LiveConsentGroup { Purposes = span.Purposes, Acts = span.Acts, Since = span.Start };
                count++;
            }

            // A group is live once its latest consent is: the fold may only under-report, never over-report.
            groups[i].Categories |= span.Categories;
            groups[i].Since = Math.Max(groups[i].Since, span.Start);
        }

        return count;
    }
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
