using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement;

/// <summary>
/// Decides whether a request dated with <see cref="PrivacyRequest.OccursAt"/> may be judged at that time. A time in the
/// future is refused (facts may still change), and so is a time before the newest change of the state the decision
/// reads: a fact recorded or a boundary the clock passed (a consent given, withdrawn, expired or invalidated, an
/// objection raised or lifted, the acceptance of the version in force, an engagement's start or end, a sanction, a
/// violation decided, the publication of the version in force). Between the newest change and now the state is the
/// same, so a past-dated answer equals the present one and can never authorise more than a present decision would.
/// </summary>
internal static class PastAct
{
    /// <summary>Returns whether the act's time may not be judged.</summary>
    /// <param name="occursAt">The time of the act.</param>
    /// <param name="now">The library's clock.</param>
    /// <param name="policy">The version in force.</param>
    /// <param name="subject">The subject's state.</param>
    /// <param name="actor">A user actor's state, if the decision reads it.</param>
    /// <param name="violation">The violation the evidence names, if the decision reads it.</param>
    public static bool IsRefused(DateTimeOffset occursAt, DateTimeOffset now, CompiledPolicy policy, SubjectSnapshot subject, SubjectSnapshot? actor, Violation? violation)
    {
        var at = occursAt.UtcTicks;
        var until = now.UtcTicks;
        if (at > until)
        {
            return true;
        }

        if (at == until)
        {
            return false;
        }

        var changed = After(policy.Version.PublishedAt.UtcTicks, at, until) || ChangedSince(subject, at, until) || (actor is not null && ChangedSince(actor, at, until));
        if (!changed && violation is not null)
        {
            changed = After(violation.ReportedAt.UtcTicks, at, until) || (violation.DecidedAt is { } decided && After(decided.UtcTicks, at, until));
        }

        return changed;
    }

    private static bool ChangedSince(SubjectSnapshot state, long at, long until)
    {
        if (After(state.AcceptedCurrentAt, at, until) || After(state.TerminatedAt, at, until))
        {
            return true;
        }

        foreach (ref readonly var span in state.Consents.AsSpan())
        {
            if (After(span.Start, at, until) || After(span.End, at, until))
            {
                return true;
            }
        }

        foreach (ref readonly var span in state.Objections.AsSpan())
        {
            if (After(span.Start, at, until) || After(span.End, at, until))
            {
                return true;
            }
        }

        foreach (ref readonly var span in state.Engagements.AsSpan())
        {
            if (After(span.Start, at, until) || After(span.End, at, until))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A change at <paramref name="ticks"/> lies after the act and has already happened (<see cref="SubjectSnapshot.Never"/> never has).</summary>
    private static bool After(long ticks, long at, long until) => ticks > at && ticks <= until;
}
