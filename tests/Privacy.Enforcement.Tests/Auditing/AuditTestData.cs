namespace Privacy.Enforcement.Tests.Auditing;

internal static class AuditTestData
{
    public static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static AuditEvent Event(int i, string? subject = null, string? recipient = null) => new()
    {
        Timestamp = Start.AddSeconds(i),
        Kind = AuditEventKind.Decision,
        Action = "decision.disclose",
        SubjectPseudonym = subject ?? "p-" + (i % 7).ToString("x32", System.Globalization.CultureInfo.InvariantCulture),
        Actor = "service:billing",
        Recipient = recipient ?? (i % 2 == 0 ? "acme-payments" : "courier-co"),
        RecipientKind = "Processor",
        Purpose = "transaction.fulfilment",
        Categories = ["contact.email", "payment.card"],
        PermittedCategories = ["contact.email"],
        Ground = "TransactionCounterparty",
        EvidenceReferences = ["order-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        Outcome = "Permit",
        Reasons = ["Permitted"],
        ClauseIds = ["disclose.transaction"],
        Obligations = [],
        PolicyVersion = "standard@1.0",
        CorrelationId = "c-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Builds a sealed chain of <paramref name="count"/> events.</summary>
    public static List<AuditEvent> Chain(int count)
    {
        var events = new List<AuditEvent>(count);
        var head = AuditHashChain.GenesisHash;
        for (var i = 1; i <= count; i++)
        {
            var e = AuditHashChain.Seal(Event(i), i, head);
            head = e.Hash;
            events.Add(e);
        }

        return events;
    }

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pe-audit-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
