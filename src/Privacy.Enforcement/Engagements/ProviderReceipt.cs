namespace Privacy.Enforcement.Engagements;

/// <summary>
/// One permitted transfer to a provider during an engagement, as the audit trail recorded it: what the provider
/// received and may have to return or delete (<c>use.third-party.service-end</c>). The subject appears by pseudonym only.
/// </summary>
/// <param name="Sequence">The audit event's sequence number.</param>
/// <param name="At">When the transfer was permitted.</param>
/// <param name="SubjectPseudonym">The subject's pseudonym.</param>
/// <param name="Categories">The categories permitted.</param>
/// <param name="Purpose">The purpose of the transfer.</param>
/// <param name="Ground">The disclosure ground, when the transfer was a disclosure.</param>
public sealed record ProviderReceipt(
    long Sequence,
    DateTimeOffset At,
    string? SubjectPseudonym,
    IReadOnlyList<string> Categories,
    string? Purpose,
    string? Ground);
