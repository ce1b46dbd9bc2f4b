using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Storage;

using static Privacy.Enforcement.Testing.StoreTestData;

namespace Privacy.Enforcement.Testing;

/// <summary>
/// The contract of audit queries (<see cref="AuditQuery"/> through <see cref="AuditTrailReaderExtensions.QueryAsync"/>,
/// answered by <see cref="IAuditTrailQuery"/> when the reader has it): exactly the events matching every criterion, in
/// sequence order — enough to build a subject's disclosure ledger.
/// </summary>
public abstract class AuditQueryConformanceTests
{
    private static readonly string[] Subjects = ["p-alpha", "p-beta", "'; DROP TABLE pe_audit_events; --", "p-%"];
    private static readonly string?[] Recipients = ["acme-payments", null, "courier-co"];
    private static readonly AuditEventKind[] Kinds = [AuditEventKind.Decision, AuditEventKind.ConsentFact, AuditEventKind.Decision, AuditEventKind.Engagement];

    /// <summary>Gets a token that is not cancelled.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Creates an empty trail for one test.</summary>
    /// <returns>The sink and its reader (often one object).</returns>
    protected abstract Task<(IAuditSink Sink, IAuditTrailReader Reader)> CreateTrailAsync();

    [StoreFact]
    public async Task A_subjects_disclosure_ledger_is_its_decisions_in_sequence_order()
    {
        var (reader, events) = await WriteMixedTrailAsync(120);

        await AssertQueryAsync(reader, events, new AuditQuery { SubjectPseudonym = "p-alpha", Kind = AuditEventKind.Decision });
        await AssertQueryAsync(reader, events, new AuditQuery { SubjectPseudonym = "p-beta" });
    }

    [StoreFact]
    public async Task A_recipients_history_and_a_kind_are_answered_exactly()
    {
        var (reader, events) = await WriteMixedTrailAsync(120);

        await AssertQueryAsync(reader, events, new AuditQuery { Recipient = "acme-payments" });
        await AssertQueryAsync(reader, events, new AuditQuery { Recipient = "courier-co", Kind = AuditEventKind.Decision });
        await AssertQueryAsync(reader, events, new AuditQuery { Kind = AuditEventKind.Engagement });
        await AssertQueryAsync(reader, events, new AuditQuery());
    }

    [StoreFact]
    public async Task A_time_range_includes_its_start_and_excludes_its_end_to_the_tick()
    {
        var (reader, events) = await WriteMixedTrailAsync(120);

        await AssertQueryAsync(reader, events, new AuditQuery { From = events[10].Timestamp, To = events[20].Timestamp }, expectedCount: 10);
        await AssertQueryAsync(reader, events, new AuditQuery { From = events[10].Timestamp.AddTicks(1), To = events[20].Timestamp.AddTicks(1) }, expectedCount: 10);
        await AssertQueryAsync(reader, events, new AuditQuery { From = events[30].Timestamp.ToOffset(TimeSpan.FromHours(5)) });
        await AssertQueryAsync(reader, events, new AuditQuery { SubjectPseudonym = "p-alpha", Recipient = "acme-payments", Kind = AuditEventKind.Decision, From = events[5].Timestamp, To = events[100].Timestamp });
    }

    [StoreFact]
    public async Task Criteria_are_compared_exactly_never_as_patterns()
    {
        var (reader, events) = await WriteMixedTrailAsync(60);

        await AssertQueryAsync(reader, events, new AuditQuery { SubjectPseudonym = "'; DROP TABLE pe_audit_events; --" });
        await AssertQueryAsync(reader, events, new AuditQuery { SubjectPseudonym = "p-%" });
        (await reader.QueryAsync(new AuditQuery { SubjectPseudonym = "p-_lpha" }, None).CollectAsync()).Should().BeEmpty();
        (await reader.QueryAsync(new AuditQuery { SubjectPseudonym = "P-ALPHA" }, None).CollectAsync()).Should().BeEmpty();
        (await reader.QueryAsync(new AuditQuery { Recipient = "nobody" }, None).CollectAsync()).Should().BeEmpty();
        (await reader.ReadAsync(1, None).CollectAsync()).Should().HaveCount(60, "a hostile criterion changed nothing");
    }

    [StoreFact]
    public async Task A_ledger_longer_than_a_page_is_returned_whole()
    {
        var (sink, reader) = await CreateTrailAsync();
        var events = AuditBatch(1, 1100).Select(e => e with { SubjectPseudonym = e.Sequence % 10 == 0 ? "p-other" : "p-long" }).ToArray();
        await sink.WriteBatchAsync(events, None);

        await AssertQueryAsync(reader, events, new AuditQuery { SubjectPseudonym = "p-long" }, expectedCount: 990);
    }

    [StoreFact]
    public async Task A_cancelled_token_is_honoured()
    {
        var (reader, _) = await WriteMixedTrailAsync(5);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(async () => await reader.QueryAsync(new AuditQuery { SubjectPseudonym = "p-alpha" }, cancelled.Token).CollectAsync())
            .Should().ThrowAsync<OperationCanceledException>();
    }

    private static async Task AssertQueryAsync(IAuditTrailReader reader, IReadOnlyList<AuditEvent> events, AuditQuery query, int? expectedCount = null)
    {
        var expected = events.Where(query.Matches).ToList();
        if (expectedCount is not null)
        {
            expected.Should().HaveCount(expectedCount.Value, "the test data is built that way");
        }

        var actual = await reader.QueryAsync(query, None).CollectAsync();
        actual.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering(), "query {0}", query);
    }

    /// <summary>Events of several subjects, recipients and kinds, at instants with sub-millisecond parts.</summary>
    private async Task<(IAuditTrailReader Reader, AuditEvent[] Events)> WriteMixedTrailAsync(int count)
    {
        var (sink, reader) = await CreateTrailAsync();
        var events = AuditBatch(1, count).Select((e, i) => e with
        {
            Timestamp = Epoch.AddSeconds(i).AddTicks(i * 1237),
            SubjectPseudonym = i % 7 == 6 ? null : Subjects[i % Subjects.Length],
            Recipient = Recipients[i % Recipients.Length],
            Kind = Kinds[i % Kinds.Length],
        }).ToArray();
        await sink.WriteBatchAsync(events, None);
        return (reader, events);
    }
}
