using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Tests.Shared;

/// <summary>A trail stored before migration 3 (payload only), and what must hold once the migration filled its columns in.</summary>
internal static class AuditBackfill
{
    /// <summary>Five chained events of two subjects at instants with sub-millisecond parts.</summary>
    public static List<AuditEvent> Chain()
    {
        var events = new List<AuditEvent>();
        var head = AuditHashChain.GenesisHash;
        for (var i = 1; i <= 5; i++)
        {
            var e = AuditHashChain.Seal(StoreTestData.AuditEvent(i) with { SubjectPseudonym = "p-" + (i % 2), Recipient = "r-" + i, Timestamp = StoreTestData.Epoch.AddSeconds(i).AddTicks(4321) }, i, head);
            head = e.Hash;
            events.Add(e);
        }

        return events;
    }

    /// <summary>Queries find the old events, and the filled-in head hash lets a stale writer be told the head and a current one append.</summary>
    public static async Task AssertFilledInAsync(IServiceProvider instance, IReadOnlyList<AuditEvent> events)
    {
        var reader = instance.GetRequiredService<IAuditTrailReader>();
        (await reader.QueryAsync(new AuditQuery { SubjectPseudonym = "p-1", Kind = AuditEventKind.Decision }, CancellationToken.None).CollectAsync())
            .Select(e => e.Sequence).Should().Equal(1, 3, 5);
        (await reader.QueryAsync(new AuditQuery { From = events[1].Timestamp, To = events[3].Timestamp }, CancellationToken.None).CollectAsync())
            .Select(e => e.Sequence).Should().Equal(2, 3);
        (await reader.QueryAsync(new AuditQuery { Recipient = "r-4" }, CancellationToken.None).CollectAsync()).Select(e => e.Sequence).Should().Equal(4);

        var sink = (ISharedAuditSink)instance.GetRequiredService<IAuditSink>();
        (await sink.AppendAsync([AuditHashChain.Seal(events[4] with { CorrelationId = "stale" }, 5, events[3].Hash)], CancellationToken.None))
            .Should().Be(AuditAppendResult.HeadMoved(5, events[4].Hash, 0));
        (await sink.AppendAsync([AuditHashChain.Seal(events[4] with { CorrelationId = "next" }, 6, events[4].Hash)], CancellationToken.None)).IsHeadMoved.Should().BeFalse();
        AuditTrailVerifier.Verify(await reader.ReadAsync(1, CancellationToken.None).CollectAsync()).IsValid.Should().BeTrue();
    }
}
