using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Tests.Shared;

/// <summary>
/// The audit query index kept behind the head (migration 6): every query the library runs on the trail returns
/// exactly the committed events that match, whatever part of the trail is indexed yet: nothing, part of it, all of it,
/// across page boundaries, after a crash between an append and its indexing, and on reopening.
/// </summary>
internal static class AuditIndexScenario
{
    /// <summary>More than two pages of the store's queries (500 rows), so the index and the tail meet inside a page and on its edge.</summary>
    private const int Count = 1_200;

    /// <summary>Index points tried after each append: none of it, across the page edge, part, all.</summary>
    private static readonly long[] Steps = [0, 250, 249, 1, 1, 99, 1_000];

    /// <summary>A chained trail shaped like a real one: a few subjects and recipients, mostly decisions, times rising.</summary>
    public static List<AuditEvent> Trail(int count = Count)
    {
        var events = new List<AuditEvent>(count);
        var head = AuditHashChain.GenesisHash;
        for (var i = 1; i <= count; i++)
        {
            var e = AuditHashChain.Seal(StoreTestData.AuditEvent(i) with
            {
                SubjectPseudonym = i % 11 == 0 ? null : "p-" + (i % 3),
                Recipient = i % 4 == 0 ? "r-a" : i % 4 == 1 ? "r-b" : null,
                Kind = i % 7 == 0 ? AuditEventKind.Objection : AuditEventKind.Decision,
                Timestamp = StoreTestData.Epoch.AddSeconds(i).AddTicks(1234),
            }, i, head);
            head = e.Hash;
            events.Add(e);
        }

        return events;
    }

    /// <summary>The queries the library runs (ledger, objections, recipient history, data map, change audit, tool) and a few more.</summary>
    public static AuditQuery[] Queries(IReadOnlyList<AuditEvent> events) =>
    [
        new() { SubjectPseudonym = "p-1", Kind = AuditEventKind.Decision },                       // the disclosure ledger
        new() { SubjectPseudonym = "p-2", Kind = AuditEventKind.Objection },                      // Global Privacy Control
        new() { Recipient = "r-a", Kind = AuditEventKind.Decision, From = events[100].Timestamp, To = events[900].Timestamp }, // a provider's receipts
        new() { Kind = AuditEventKind.Decision },                                                 // the data map
        new() { SubjectPseudonym = "p-0", Kind = AuditEventKind.Decision, From = events[629].Timestamp, To = events[629].Timestamp.AddTicks(1) }, // a change audited once
        new() { SubjectPseudonym = "p-2" },
        new() { Recipient = "r-b" },
        new() { From = events[480].Timestamp, To = events[1_100].Timestamp },
        new(),
    ];

    /// <summary>Appends in three batches with the index held, and after each batch moves the index step by step, checking every query at every step.</summary>
    public static async Task EveryQueryIsCompleteAtEveryIndexPointAsync(IServiceProvider instance)
    {
        var store = instance.GetRequiredService<RelationalAuditStore>();
        store.Index.IsAutomatic = false;
        var events = Trail();
        var queries = Queries(events);
        var reader = instance.GetRequiredService<IAuditTrailReader>();
        for (var from = 0; from < events.Count; from += 400)
        {
            (await store.AppendAsync(events.GetRange(from, 400), CancellationToken.None)).IsHeadMoved.Should().BeFalse();
            var appended = from + 400;
            foreach (var step in Steps)
            {
                await store.Index.CatchUpAsync(step, CancellationToken.None);
                var indexedTo = await store.Index.ReadIndexedToAsync(CancellationToken.None);
                await AssertCompleteAsync(reader, events.Take(appended).ToList(), queries, $"{appended} appended, indexed to {indexedTo}");
            }
        }

        (await store.Index.ReadIndexedToAsync(CancellationToken.None)).Should().Be(events.Count, "the steps reach the head");
    }

    /// <summary>
    /// An instance appends and stops before the index caught up (a crash between the append's commit and its indexing);
    /// a new instance over the same database finds every event by every query before it indexes anything, verifies the
    /// trail, and its next append brings the index to the head by itself.
    /// </summary>
    public static async Task AfterACrashBetweenAppendAndIndexEveryQueryIsCompleteOnReopeningAsync(IServiceProvider crashed, Func<Task<IServiceProvider>> reopen)
    {
        var events = Trail();
        var store = crashed.GetRequiredService<RelationalAuditStore>();
        store.Index.IsAutomatic = false;
        (await store.AppendAsync(events.GetRange(0, 1_000), CancellationToken.None)).IsHeadMoved.Should().BeFalse();
        await store.Index.CatchUpAsync(321, CancellationToken.None);

        var reopened = await reopen();
        var reader = reopened.GetRequiredService<IAuditTrailReader>();
        var written = events.Take(1_000).ToList();
        await AssertCompleteAsync(reader, written, Queries(events), "reopened, indexed to 321");
        AuditTrailVerifier.Verify(await reader.ReadAsync(1, CancellationToken.None).CollectAsync()).IsValid.Should().BeTrue("events past the index are not tampered with");

        var next = reopened.GetRequiredService<RelationalAuditStore>();
        next.Index.IsAutomatic.Should().BeTrue("the default");
        (await next.AppendAsync(events.GetRange(1_000, 200), CancellationToken.None)).IsHeadMoved.Should().BeFalse();
        await next.Index.IdleAsync();
        (await next.Index.ReadIndexedToAsync(CancellationToken.None)).Should().Be(events.Count, "the catch-up after an append indexes what the crashed instance left too");
        next.Index.Faults.Should().Be(0);
        await AssertCompleteAsync(reader, events, Queries(events), "caught up");
    }

    private static async Task AssertCompleteAsync(IAuditTrailReader reader, List<AuditEvent> written, AuditQuery[] queries, string because)
    {
        foreach (var query in queries)
        {
            var found = await reader.QueryAsync(query, CancellationToken.None).CollectAsync();
            found.Select(e => e.Sequence).Should().Equal(written.Where(query.Matches).Select(e => e.Sequence), "{0}: {1}", because, query);
            found.Select(e => e.Hash).Should().Equal(written.Where(query.Matches).Select(e => e.Hash));
        }
    }
}
