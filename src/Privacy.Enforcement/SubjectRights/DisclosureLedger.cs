using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// The subject's disclosure ledger, read from the audit trail (<c>store.subject-access</c>): every permitted decision
/// about the subject's pseudonym that named a recipient.
/// </summary>
internal sealed class DisclosureLedger
{
    private readonly IAuditTrailReader? _reader;

    public DisclosureLedger(IAuditTrailReader? reader = null) => _reader = reader;

    /// <summary>Reads the ledger of a pseudonym, oldest first.</summary>
    /// <exception cref="InvalidOperationException">No audit trail reader is registered.</exception>
    public async ValueTask<List<ExportedDisclosure>> ReadAsync(string pseudonym, CancellationToken cancellationToken)
    {
        if (_reader is null)
        {
            throw new InvalidOperationException("No audit trail reader is registered: the disclosure ledger cannot be read.");
        }

        var ledger = new List<ExportedDisclosure>();
        var query = new AuditQuery { SubjectPseudonym = pseudonym, Kind = AuditEventKind.Decision };
        await foreach (var e in _reader.QueryAsync(query, cancellationToken).ConfigureAwait(false))
        {
            // The ledger: permitted decisions about this pseudonym that named a recipient (store.subject-access).
            if (e.Recipient is null || !string.Equals(e.Outcome, nameof(DecisionOutcome.Permit), StringComparison.Ordinal))
            {
                continue;
            }

            ledger.Add(new ExportedDisclosure
            {
                Sequence = e.Sequence,
                At = e.Timestamp,
                Recipient = e.Recipient,
                RecipientKind = e.RecipientKind,
                Categories = e.PermittedCategories.Count > 0 ? e.PermittedCategories : e.Categories,
                Ground = e.Ground,
                Purpose = e.Purpose,
                Clauses = e.ClauseIds,
                Evidence = e.EvidenceReferences,
                PolicyVersion = e.PolicyVersion,
            });
        }

        return ledger;
    }
}
