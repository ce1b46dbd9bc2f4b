using Privacy.Enforcement.Consents;

namespace Privacy.Enforcement.Policies;

/// <summary>
/// Which consents a new policy version affects (<c>changes.notice</c>). <b>Reading:</b> a consent stays valid unless
/// the new version changes its purpose, its recipient or its categories: a covered purpose removed or re-described;
/// a covered category (or one within it) added, removed or changed, or an enclosing category's flags changed; the named
/// recipient removed or changed; for a consent to a recipient kind, a recipient of that kind added, removed or changed.
/// Grounds, services and rules do not change what a consent covers.
/// </summary>
internal sealed class ConsentImpact
{
    private readonly PolicyDocument _from;
    private readonly PolicyDocument _to;

    public ConsentImpact(PolicyDocument from, PolicyDocument to)
    {
        _from = from;
        _to = to;
        Diff = PolicyDiff.Compute(from, to);
    }

    public PolicyDiff Diff { get; }

    /// <summary>Why the consent needs renewal; empty when it stays valid. Never personal data.</summary>
    public IReadOnlyList<string> Causes(ConsentTerms terms)
    {
        var causes = new List<string>();
        foreach (var change in Diff.Changes)
        {
            switch (change.Section)
            {
                case PolicySection.Purpose when AffectsPurpose(change, terms):
                case PolicySection.Category when AffectsCategories(change, terms):
                case PolicySection.Recipient when AffectsRecipient(change, terms):
                    causes.Add($"{change.Section.ToString().ToLowerInvariant()} '{change.Id}' {change.Kind.ToString().ToLowerInvariant()}");
                    break;
            }
        }

        return causes;
    }

    public static ConsentFact Invalidation(ConsentId consentId, SubjectId subject, PolicyVersion version, IReadOnlyList<string> causes, DateTimeOffset now) => new()
    {
        FactId = Guid.NewGuid(),
        ConsentId = consentId,
        Subject = subject,
        State = ConsentState.Invalidated,
        RecordedAt = now,
        Policy = version,
        Reason = $"policy {version} changed what the consent covers: {string.Join("; ", causes)}",
    };

    private static bool AffectsPurpose(PolicyChange change, ConsentTerms terms) =>
        terms.Purposes.Any(p => string.Equals(p.Value, change.Id, StringComparison.Ordinal))
        && (change.Kind != PolicyChangeKind.Changed || change.Fields.Any(f => f.Field is "Description" or "Basis"));

    private static bool AffectsCategories(PolicyChange change, ConsentTerms terms)
    {
        if (!DataCategory.TryCreate(change.Id, out var changed))
        {
            return false;
        }

        foreach (var covered in terms.Categories)
        {
            // The consent covers the category and everything within it: any change there changes its scope.
            if (changed.IsWithin(covered))
            {
                return true;
            }

            // Flags are inherited: an enclosing category's flags are the covered category's flags.
            if (covered.IsWithin(changed) && (change.Kind == PolicyChangeKind.Removed || change.Fields.Any(f => f.Field == "Flags")))
            {
                return true;
            }
        }

        return false;
    }

    private bool AffectsRecipient(PolicyChange change, ConsentTerms terms)
    {
        if (terms.Recipient is { } named)
        {
            return string.Equals(named.Value, change.Id, StringComparison.Ordinal);
        }

        if (terms.RecipientKind is not { } kind)
        {
            return false;
        }

        // A consent to "all partners" covers a different set of parties once a partner joins, leaves or changes.
        return KindOf(_from, change.Id) == kind || KindOf(_to, change.Id) == kind;
    }

    private static RecipientKind? KindOf(PolicyDocument document, string id) =>
        document.Recipients.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.Ordinal))?.Kind;
}
