using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.InMemory;
using Privacy.Enforcement.Tests.Engagements;
using static Privacy.Enforcement.Tests.Engagements.EngagementTestHost;

namespace Privacy.Enforcement.Tests.ViolationsAndSanctions;

/// <summary>
/// Violations and sanctions are audited before they are stored; a store that then refuses the write is answered by a
/// compensating "…aborted" event with the same record id, and a trail that refuses the event leaves nothing stored.
/// </summary>
public sealed class AlsoFound_AuditedBeforeStoredTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly SubjectId Mallory = new("mallory");

    private static ViolationReport Harvesting() => new()
    {
        Kind = ViolationKind.Harvesting,
        Violator = Mallory,
        EvidenceReference = "case-17",
        AffectedSubjects = [Alice],
        RelevantCategories = [Email],
    };

    [Fact]
    public async Task AlsoFound_Report_StoreFails_ACompensatingEventFollows_NoOrphan()
    {
        var store = new FailingViolationStore { FailCreate = true };
        await using var host = new EngagementTestHost(configure: s => s.AddSingleton<IViolationStore>(store));

        var act = async () => await host.Violations.ReportAsync(Harvesting(), None);

        await act.Should().ThrowAsync<PrivacyStoreException>();
        (await store.GetByViolatorAsync(Mallory, None).ToListAsync()).Should().BeEmpty();
        host.Audit.Events.Select(e => e.Action).Should().Equal("violation.reported", "violation.reported.aborted");
        host.Audit.Events[1].RecordId.Should().Be(host.Audit.Events[0].RecordId).And.NotBeNullOrEmpty();
        host.Audit.Events[1].SubjectPseudonym.Should().Be(host.Audit.Events[0].SubjectPseudonym);
    }

    [Fact]
    public async Task AlsoFound_Report_AuditFails_NothingIsStored()
    {
        var store = new FailingViolationStore();
        await using var host = new EngagementTestHost(configure: s => s.AddSingleton<IViolationStore>(store));
        host.Audit.FailWith = new AuditUnavailableException("down");

        var act = async () => await host.Violations.ReportAsync(Harvesting(), None);

        await act.Should().ThrowAsync<AuditUnavailableException>();
        store.Writes.Should().Be(0);
        host.Audit.Events.Should().BeEmpty();
    }

    [Fact]
    public async Task AlsoFound_Terminate_StoreFails_ACompensatingEventFollows_NoOrphan()
    {
        var store = new FailingViolationStore();
        await using var host = new EngagementTestHost(configure: s => s.AddSingleton<IViolationStore>(store));
        var violation = await host.Violations.ReportAsync(Harvesting(), None);
        await host.Violations.ConfirmAsync(violation.Id, None);
        store.FailSanction = true;

        var act = async () => await host.Violations.TerminateServiceAgreementAsync(violation.Id, None);

        await act.Should().ThrowAsync<PrivacyStoreException>();
        (await store.GetSanctionsAsync(Mallory, None).ToListAsync()).Should().BeEmpty();
        host.Audit.Events.Select(e => e.Action).Should().EndWith(["sanction.service-agreement-terminated", "sanction.service-agreement-terminated.aborted"]);
        host.Audit.Events[^1].RecordId.Should().Be(violation.Id.ToString());

        // The retry, with the store back, imposes the sanction once.
        store.FailSanction = false;
        await host.Violations.TerminateServiceAgreementAsync(violation.Id, None);
        (await store.GetSanctionsAsync(Mallory, None).ToListAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task AlsoFound_Terminate_AuditFails_NoSanctionIsStored()
    {
        var store = new FailingViolationStore();
        await using var host = new EngagementTestHost(configure: s => s.AddSingleton<IViolationStore>(store));
        var violation = await host.Violations.ReportAsync(Harvesting(), None);
        await host.Violations.ConfirmAsync(violation.Id, None);
        host.Audit.FailWith = new AuditUnavailableException("down");

        var act = async () => await host.Violations.TerminateServiceAgreementAsync(violation.Id, None);

        await act.Should().ThrowAsync<AuditUnavailableException>();
        (await store.GetSanctionsAsync(Mallory, None).ToListAsync()).Should().BeEmpty();
    }

    /// <summary>An in-memory violation store whose writes can be made to fail, as a broken database would.</summary>
    internal sealed class FailingViolationStore : IViolationStore
    {
        private readonly InMemoryViolationStore _inner = new();

        public bool FailCreate { get; set; }

        public bool FailSanction { get; set; }

        public int Writes { get; private set; }

        public ValueTask CreateAsync(Violation violation, CancellationToken cancellationToken)
        {
            Writes++;
            return FailCreate ? ValueTask.FromException(new PrivacyStoreException("The store is down.")) : _inner.CreateAsync(violation, cancellationToken);
        }

        public ValueTask<Violation?> FindAsync(ViolationId id, CancellationToken cancellationToken) => _inner.FindAsync(id, cancellationToken);

        public ValueTask<bool> TryUpdateAsync(Violation expected, Violation updated, CancellationToken cancellationToken)
        {
            Writes++;
            return _inner.TryUpdateAsync(expected, updated, cancellationToken);
        }

        public IAsyncEnumerable<Violation> GetByViolatorAsync(SubjectId violator, CancellationToken cancellationToken) => _inner.GetByViolatorAsync(violator, cancellationToken);

        public ValueTask AddSanctionAsync(Sanction sanction, CancellationToken cancellationToken)
        {
            Writes++;
            return FailSanction ? ValueTask.FromException(new PrivacyStoreException("The store is down.")) : _inner.AddSanctionAsync(sanction, cancellationToken);
        }

        public IAsyncEnumerable<Sanction> GetSanctionsAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.GetSanctionsAsync(subject, cancellationToken);
    }
}
