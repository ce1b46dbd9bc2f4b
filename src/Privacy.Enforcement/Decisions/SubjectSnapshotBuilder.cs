using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement;

/// <summary>Compiles a subject's records into a <see cref="SubjectSnapshot"/> against one policy version.</summary>
internal static class SubjectSnapshotBuilder
{
    public static SubjectSnapshot Build(
        SubjectId subject,
        CompiledPolicy policy,
        IReadOnlyList<ConsentFact> facts,
        IReadOnlyList<PolicyAcceptance> acceptances,
        IReadOnlyList<ObjectionFact> objections,
        IReadOnlyList<ServiceEngagement> engagements,
        IReadOnlyList<Sanction> sanctions,
        DateTimeOffset? builtAt = null)
    {
        RequireOwn(subject, facts, acceptances, objections, engagements, sanctions);

        // intro.acceptance: the version in force must be accepted; an older version only is a changes.replace case.
        var acceptedAt = SubjectSnapshot.Never;
        var older = false;
        // Indexed loops throughout: a foreach over IReadOnlyList allocates an enumerator per list on every cold load.
        for (var i = 0; i < acceptances.Count; i++)
        {
            var acceptance = acceptances[i];
            if (acceptance.Policy.PolicyId != policy.Version.PolicyId)
            {
                continue;
            }

            if (acceptance.Policy.Version == policy.Version.Version)
            {
                acceptedAt = Math.Min(acceptedAt, acceptance.AcceptedAt.UtcTicks);
            }
            else if (acceptance.Policy.Version < policy.Version.Version)
            {
                older = true;
            }
        }

        var terminatedAt = SubjectSnapshot.Never;
        var thirdPartyTerminatedAt = SubjectSnapshot.Never;
        for (var i = 0; i < sanctions.Count; i++)
        {
            var sanction = sanctions[i];
            if (sanction.Kind == SanctionKind.ServiceAgreementTerminated)
            {
                terminatedAt = Math.Min(terminatedAt, sanction.ImposedAt.UtcTicks);
            }
            else if (sanction.Kind == SanctionKind.EngagementsTerminated)
            {
                // A third party's sanction, kept apart: a user whose id reads the same is not sanctioned by it.
                thirdPartyTerminatedAt = Math.Min(thirdPartyTerminatedAt, sanction.ImposedAt.UtcTicks);
            }
        }

        var spans = objections.Count == 0 ? null : new List<ObjectionSpan>();
        var open = objections.Count == 0 ? null : new Dictionary<int, long>();
        for (var i = 0; i < objections.Count; i++)
        {
            var objection = objections[i];
            if (!policy.PurposeIndex.TryGetValue(objection.Purpose.Value, out var purpose))
            {
                continue;
            }

            if (objection.State == ObjectionState.Raised)
            {
                open!.TryAdd(purpose, objection.RecordedAt.UtcTicks);
            }
            else if (open!.Remove(purpose, out var start))
            {
                spans!.Add(new ObjectionSpan(purpose, start, objection.RecordedAt.UtcTicks));
            }
        }

        if (open is not null)
        {
            foreach (var (purpose, start) in open)
            {
                spans!.Add(new ObjectionSpan(purpose, start, SubjectSnapshot.Never));
            }
        }

        ObjectionSpan[] objectionSpans = spans is null ? [] : [.. spans];

        var engagementSpans = new EngagementSpan[engagements.Count];
        var nextEnd = SubjectSnapshot.Never;
        var ended = false;
        var now = builtAt?.UtcTicks ?? long.MaxValue;
        for (var i = 0; i < engagements.Count; i++)
        {
            var engagement = engagements[i];
            var end = engagement.EffectiveEnd?.UtcTicks ?? SubjectSnapshot.Never;
            engagementSpans[i] = new EngagementSpan(
                engagement.Id,
                engagement.Provider.Value,
                policy.ServiceIndex.TryGetValue(engagement.Service.Value, out var service) ? service : -1,
                Mask(policy, engagement.Categories),
                engagement.StartsAt.UtcTicks,
                end);
            if (end > now && end < nextEnd)
            {
                nextEnd = end;
            }

            ended |= end != SubjectSnapshot.Never && end <= now;
        }

        var consents = ConsentSpans(policy, facts);
        var latest = Math.Max(acceptedAt == SubjectSnapshot.Never ? long.MinValue : acceptedAt, terminatedAt == SubjectSnapshot.Never ? long.MinValue : terminatedAt);
        latest = Math.Max(latest, thirdPartyTerminatedAt == SubjectSnapshot.Never ? long.MinValue : thirdPartyTerminatedAt);
        foreach (var span in consents)
        {
            latest = Math.Max(latest, Math.Max(span.Start, span.End == SubjectSnapshot.Never ? long.MinValue : span.End));
        }

        foreach (var span in objectionSpans)
        {
            latest = Math.Max(latest, Math.Max(span.Start, span.End == SubjectSnapshot.Never ? long.MinValue : span.End));
        }

        foreach (var span in engagementSpans)
        {
            latest = Math.Max(latest, Math.Max(span.Start, span.End == SubjectSnapshot.Never ? long.MinValue : span.End));
        }

        return new SubjectSnapshot
        {
            TimeInvariant = builtAt is not null && latest <= now,
            Policy = policy,
            AcceptedCurrentAt = acceptedAt,
            AcceptedOlderOnly = older && acceptedAt == SubjectSnapshot.Never,
            Consents = consents,
            Objections = objectionSpans,
            Engagements = engagementSpans,
            TerminatedAt = terminatedAt,
            ThirdPartyTerminatedAt = thirdPartyTerminatedAt,
            NextEngagementEnd = nextEnd,
            HasEndedEngagement = ended,
        };
    }

    /// <summary>
    /// A store that answers one subject's read with another subject's records is broken, and may as well have left
    /// out the subject's own (a withdrawal among them): a store fault, so the decision is Deny Indeterminate. The
    /// message names the kind of record only, never a subject.
    /// </summary>
    private static void RequireOwn(
        SubjectId subject,
        IReadOnlyList<ConsentFact> facts,
        IReadOnlyList<PolicyAcceptance> acceptances,
        IReadOnlyList<ObjectionFact> objections,
        IReadOnlyList<ServiceEngagement> engagements,
        IReadOnlyList<Sanction> sanctions)
    {
        for (var i = 0; i < facts.Count; i++)
        {
            var fact = facts[i];
            if (fact.Subject != subject)
            {
                throw ForeignRecord("consent store (IConsentStore)", "consent fact");
            }
        }

        for (var i = 0; i < acceptances.Count; i++)
        {
            var acceptance = acceptances[i];
            if (acceptance.Subject != subject)
            {
                throw ForeignRecord("acceptance store (IAcceptanceStore)", "policy acceptance");
            }
        }

        for (var i = 0; i < objections.Count; i++)
        {
            var objection = objections[i];
            if (objection.Subject != subject)
            {
                throw ForeignRecord("acceptance store (IAcceptanceStore)", "objection");
            }
        }

        for (var i = 0; i < engagements.Count; i++)
        {
            var engagement = engagements[i];
            if (!engagement.Covers(subject))
            {
                throw ForeignRecord("engagement store (IEngagementStore)", "engagement");
            }
        }

        for (var i = 0; i < sanctions.Count; i++)
        {
            var sanction = sanctions[i];
            if (sanction.Subject != subject)
            {
                throw ForeignRecord("violation store (IViolationStore)", "sanction");
            }
        }
    }

    private static PrivacyStoreException ForeignRecord(string store, string record) =>
        new($"The {store} returned a {record} of another subject when asked for one subject's records; the state cannot be trusted and the decision is denied as indeterminate.");

    /// <summary>Folds consent facts into spans: each grant opens one, the next withdrawal, expiry, invalidation, refusal or grant closes it.</summary>
    public static ConsentSpan[] ConsentSpans(CompiledPolicy policy, IReadOnlyList<ConsentFact> facts)
    {
        if (facts.Count == 0)
        {
            return [];
        }

        var spans = new ConsentSpan[facts.Count];
        var count = 0;
        var openByConsent = new Dictionary<ConsentId, int>();
        for (var i = 0; i < facts.Count; i++)
        {
            var fact = facts[i];
            var at = fact.RecordedAt.UtcTicks;
            if (openByConsent.Remove(fact.ConsentId, out var openIndex))
            {
                var span = spans[openIndex];
                if (at < span.End)
                {
                    span.End = at;
                    span.EndState = fact.State;
                }

                spans[openIndex] = span;
            }

            if (fact.State is not (ConsentState.Given or ConsentState.Refused) || fact.Terms is not { } terms)
            {
                continue;
            }

            var expires = terms.ExpiresAt?.UtcTicks ?? SubjectSnapshot.Never;
            openByConsent[fact.ConsentId] = count;
            spans[count++] = Span(policy, fact, terms, at, expires);
        }

        // At most one span per fact: trimmed only when some fact opened none (a withdrawal, an expiry).
        if (count < spans.Length)
        {
            Array.Resize(ref spans, count);
        }

        return spans;
    }

    public static ConsentSpan Span(CompiledPolicy policy, ConsentFact fact, ConsentTerms terms, long at, long expires)
    {
        ulong purposes = 0;
        foreach (var purpose in terms.Purposes)
        {
            if (policy.PurposeIndex.TryGetValue(purpose.Value, out var p))
            {
                purposes |= 1UL << p;
            }
        }

        var acts = 0;
        foreach (var act in terms.Acts)
        {
            acts |= 1 << (int)act;
        }

        return new ConsentSpan
        {
            Id = fact.ConsentId.Value,
            Start = at,
            End = expires,
            EndState = expires == SubjectSnapshot.Never ? ConsentState.Given : ConsentState.Expired,
            Refusal = fact.State == ConsentState.Refused,
            Purposes = purposes,
            Categories = Mask(policy, terms.Categories),
            Acts = acts,
            Recipient = terms.Recipient?.Value,
            Kind = terms.RecipientKind is { } kind ? (int)kind : -1,
        };
    }

    public static Bits128 Mask(CompiledPolicy policy, IReadOnlyList<DataCategory> categories)
    {
        var mask = Bits128.Empty;
        foreach (var category in categories)
        {
            if (policy.CategoryIndex.TryGetValue(category.Value, out var c))
            {
                mask |= policy.Within[c];
            }
        }

        return mask;
    }
}
