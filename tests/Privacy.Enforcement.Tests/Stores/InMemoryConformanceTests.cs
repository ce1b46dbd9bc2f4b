using Privacy.Enforcement.InMemory;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Tests.Stores;

public sealed class InMemoryConsentStoreTests : ConsentStoreConformanceTests
{
    protected override Task<IConsentStore> CreateStoreAsync() => Task.FromResult<IConsentStore>(new InMemoryConsentStore());
}

public sealed class InMemoryAcceptanceStoreTests : AcceptanceStoreConformanceTests
{
    protected override Task<IAcceptanceStore> CreateStoreAsync() => Task.FromResult<IAcceptanceStore>(new InMemoryAcceptanceStore());
}

public sealed class InMemoryEngagementStoreTests : EngagementStoreConformanceTests
{
    protected override Task<IEngagementStore> CreateStoreAsync() => Task.FromResult<IEngagementStore>(new InMemoryEngagementStore());
}

public sealed class InMemoryViolationStoreTests : ViolationStoreConformanceTests
{
    protected override Task<IViolationStore> CreateStoreAsync() => Task.FromResult<IViolationStore>(new InMemoryViolationStore());
}

public sealed class InMemoryPseudonymStoreTests : PseudonymStoreConformanceTests
{
    protected override Task<IPseudonymStore> CreateStoreAsync() => Task.FromResult<IPseudonymStore>(new InMemoryPseudonymStore());
}

public sealed class InMemoryAuditStoreTests : AuditStoreConformanceTests
{
    protected override Task<(IAuditSink Sink, IAuditTrailReader Reader, ICheckpointSink Checkpoints)> CreateTrailAsync()
    {
        var sink = new InMemoryAuditSink();
        return Task.FromResult<(IAuditSink, IAuditTrailReader, ICheckpointSink)>((sink, sink, sink));
    }
}

public sealed class InMemorySubjectRightsRequestStoreConformanceTests : SubjectRightsRequestStoreConformanceTests
{
    protected override Task<ISubjectRightsRequestStore> CreateStoreAsync() => Task.FromResult<ISubjectRightsRequestStore>(new InMemorySubjectRightsRequestStore());
}

public sealed class InMemoryLegalHoldStoreTests : LegalHoldStoreConformanceTests
{
    protected override Task<ILegalHoldStore> CreateStoreAsync() => Task.FromResult<ILegalHoldStore>(new InMemoryLegalHoldStore());
}

public sealed class InMemorySubjectKeyStoreTests : SubjectKeyStoreConformanceTests
{
    protected override Task<ISubjectKeyStore> CreateStoreAsync() => Task.FromResult<ISubjectKeyStore>(new InMemorySubjectKeyStore());
}

public sealed class InMemoryAuditQueryTests : AuditQueryConformanceTests
{
    protected override Task<(IAuditSink Sink, IAuditTrailReader Reader)> CreateTrailAsync()
    {
        var sink = new InMemoryAuditSink();
        return Task.FromResult<(IAuditSink, IAuditTrailReader)>((sink, sink));
    }
}

public sealed class InMemorySharedAuditSinkTests : SharedAuditSinkConformanceTests
{
    protected override Task<(ISharedAuditSink Sink, IAuditTrailReader Reader)> CreateTrailAsync()
    {
        var sink = new InMemoryAuditSink();
        return Task.FromResult<(ISharedAuditSink, IAuditTrailReader)>((sink, sink));
    }
}
