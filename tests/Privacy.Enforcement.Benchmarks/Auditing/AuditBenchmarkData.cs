namespace Privacy.Enforcement.Benchmarks.Auditing;

internal static class AuditBenchmarkData
{
    public static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>A decision event of typical size (about 700 bytes stored).</summary>
    public static AuditEvent Decision(int i) => new()
    {
        Timestamp = Start.AddTicks(i),
        Kind = AuditEventKind.Decision,
        Action = "decision.disclose",
        SubjectPseudonym = "p-3f6c1a9e0b2d4c8f9a7e6d5c4b3a2918",
        Actor = "service:billing",
        Recipient = "acme-payments",
        RecipientKind = "Processor",
        Purpose = "transaction.fulfilment",
        Categories = ["contact.email", "payment.card"],
        PermittedCategories = ["contact.email", "payment.card"],
        Ground = "TransactionCounterparty",
        EvidenceReferences = ["order-8812731"],
        Outcome = "Permit",
        Reasons = ["Permitted"],
        ClauseIds = ["disclose.transaction"],
        PolicyVersion = "standard@1.0",
        CorrelationId = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    };

    public static string TempFile(string name) => Path.Combine(Path.GetTempPath(), "pe-bench-" + Environment.ProcessId + "-" + name);
}

/// <summary>Discards batches: isolates the pipeline's own cost.</summary>
internal sealed class NullAuditSink : IAuditSink
{
    public ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken) => default;
}
