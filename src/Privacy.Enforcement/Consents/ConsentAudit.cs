using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement.Consents;

/// <summary>Builds the audit events of this feature: categories, clause ids and references, never personal data.</summary>
internal static class ConsentAudit
{
    public static AuditEvent For(ConsentFact fact, ConsentTerms? terms, string action) => new()
    {
        Timestamp = fact.RecordedAt,
        Kind = AuditEventKind.ConsentFact,
        Action = action,
        Recipient = terms?.Recipient?.Value,
        RecipientKind = terms?.RecipientKind?.ToString(),
        Purpose = terms is null ? null : string.Join(",", terms.Purposes.Select(p => p.Value)),
        Categories = terms is null ? [] : [.. terms.Categories.Select(c => c.Value)],
        EvidenceReferences = terms?.EvidenceReference is { } evidence && fact.State == ConsentState.Given ? [evidence] : [],
        Reasons = fact.Reason is null ? [] : [fact.Reason],
        ClauseIds = ClausesOf(fact, terms),
        PolicyVersion = fact.Policy.ToString(),
        RecordId = fact.ConsentId.ToString(),
    };

    public static AuditEvent ForAcceptance(PolicyAcceptance acceptance) => new()
    {
        Timestamp = acceptance.AcceptedAt,
        Kind = AuditEventKind.PolicyAccepted,
        Action = acceptance.Kind == AcceptanceKind.Explicit ? "policy.accepted" : "policy.accepted.deemed",
        EvidenceReferences = [acceptance.CountedEvent],
        ClauseIds = [ClauseIds.IntroAcceptance],
        PolicyVersion = acceptance.Policy.ToString(),
    };

    public static AuditEvent ForObjection(ObjectionFact objection, PolicyVersion policy, PolicyDocument document) => new()
    {
        Timestamp = objection.RecordedAt,
        Kind = AuditEventKind.Objection,
        Action = objection.State == ObjectionState.Raised ? "objection.raised" : "objection.lifted",
        Purpose = objection.Purpose.Value,
        ClauseIds = ObjectionClausesOf(document, objection.Purpose.Value),
        PolicyVersion = policy.ToString(),
    };

    /// <summary>
    /// The clauses that govern objecting to <paramref name="purpose"/> under <paramref name="document"/>, as the evaluator cites
    /// them: its permit-unless-objected rules, or else the purpose's own clause.
    /// </summary>
    private static string[] ObjectionClausesOf(PolicyDocument document, string purpose)
    {
        string[] rules =
        [
            .. document.Rules
                .Where(r => r.Kind == RuleKind.PermitUnlessObjected && r.Purposes.Contains(purpose, StringComparer.Ordinal))
                .Select(r => r.Clause)
                .Distinct(StringComparer.Ordinal),
        ];
        if (rules.Length > 0)
        {
            return rules;
        }

        var own = document.Purposes.FirstOrDefault(p => string.Equals(p.Id, purpose, StringComparison.Ordinal))?.Clause;
        return own is null ? [] : [own];
    }

    private static string[] ClausesOf(ConsentFact fact, ConsentTerms? terms)
    {
        if (fact.State == ConsentState.Invalidated)
        {
            return [ClauseIds.ChangesNotice];
        }

        var clauses = new List<string>();
        if (terms is not null)
        {
            if (terms.Acts.Contains(ProcessingAct.Collect))
            {
                clauses.Add(ClauseIds.CollectConsent);
            }

            if (terms.Acts.Contains(ProcessingAct.Disclose))
            {
                clauses.Add(ClauseIds.UseThirdPartyPermission);
                clauses.Add(ClauseIds.DiscloseConsent);
            }

            if (terms.Purposes.Any(p => p.Value == StandardPurposes.PartnerMarketing))
            {
                clauses.Add(ClauseIds.UsePartnerMarketing);
            }
        }

        return [.. clauses];
    }
}
