using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Sqlite.Tests.Conformance;

public sealed class SqliteConsentStoreTests : ConsentStoreConformanceTests, IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<IConsentStore> CreateStoreAsync() => Task.FromResult(_database.Get<IConsentStore>());

    protected override Task<IConsentStore> OpenAnotherInstanceAsync(IConsentStore first) =>
        Task.FromResult(_database.NewInstance().GetRequiredService<IConsentStore>());

    public void Dispose() => _database.Dispose();
}

public sealed class SqliteAcceptanceStoreTests : AcceptanceStoreConformanceTests, IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<IAcceptanceStore> CreateStoreAsync() => Task.FromResult(_database.Get<IAcceptanceStore>());

    public void Dispose() => _database.Dispose();
}

public sealed class SqliteEngagementStoreTests : EngagementStoreConformanceTests, IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<IEngagementStore> CreateStoreAsync() => Task.FromResult(_database.Get<IEngagementStore>());

    public void Dispose() => _database.Dispose();
}

public sealed class SqliteViolationStoreTests : ViolationStoreConformanceTests, IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<IViolationStore> CreateStoreAsync() => Task.FromResult(_database.Get<IViolationStore>());

    public void Dispose() => _database.Dispose();
}

public sealed class SqlitePseudonymStoreTests : PseudonymStoreConformanceTests, IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<IPseudonymStore> CreateStoreAsync() => Task.FromResult(_database.Get<IPseudonymStore>());

    public void Dispose() => _database.Dispose();
}

public sealed class SqliteAuditStoreTests : AuditStoreConformanceTests, IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<(IAuditSink Sink, IAuditTrailReader Reader, ICheckpointSink Checkpoints)> CreateTrailAsync() =>
        Task.FromResult((_database.Get<IAuditSink>(), _database.Get<IAuditTrailReader>(), _database.Get<ICheckpointSink>()));

    public void Dispose() => _database.Dispose();
}

public sealed class SqliteSubjectRightsRequestStoreTests : SubjectRightsRequestStoreConformanceTests, IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<ISubjectRightsRequestStore> CreateStoreAsync() => Task.FromResult(_database.Get<ISubjectRightsRequestStore>());

    protected override Task<ISubjectRightsRequestStore> OpenAnotherInstanceAsync(ISubjectRightsRequestStore first) =>
        Task.FromResult(_database.NewInstance().GetRequiredService<ISubjectRightsRequestStore>());

    public void Dispose() => _database.Dispose();
}

public sealed class SqliteLegalHoldStoreTests : LegalHoldStoreConformanceTests, IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<ILegalHoldStore> CreateStoreAsync() => Task.FromResult(_database.Get<ILegalHoldStore>());

    public void Dispose() => _database.Dispose();
}

public sealed class SqliteSubjectKeyStoreTests : SubjectKeyStoreConformanceTests, IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<ISubjectKeyStore> CreateStoreAsync() => Task.FromResult(_database.Get<ISubjectKeyStore>());

    protected override Task<ISubjectKeyStore> OpenAnotherInstanceAsync(ISubjectKeyStore first) =>
        Task.FromResult(_database.NewInstance().GetRequiredService<ISubjectKeyStore>());

    public void Dispose() => _database.Dispose();
}

public sealed class SqliteAuditQueryTests : AuditQueryConformanceTests, IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<(IAuditSink Sink, IAuditTrailReader Reader)> CreateTrailAsync() =>
        Task.FromResult((_database.Get<IAuditSink>(), _database.Get<IAuditTrailReader>()));

    public void Dispose() => _database.Dispose();
}

public sealed class SqliteSharedAuditSinkTests : SharedAuditSinkConformanceTests, IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override Task<(ISharedAuditSink Sink, IAuditTrailReader Reader)> CreateTrailAsync() =>
        Task.FromResult(((ISharedAuditSink)_database.Get<IAuditSink>(), _database.Get<IAuditTrailReader>()));

    // Another instance: its own service provider and connections over the same file.
    protected override Task<ISharedAuditSink> OpenAnotherInstanceAsync(ISharedAuditSink first) =>
        Task.FromResult((ISharedAuditSink)_database.NewInstance().GetRequiredService<IAuditSink>());

    public void Dispose() => _database.Dispose();
}

public sealed class SqliteSubjectStateReaderTests : SubjectStateReaderConformanceTests, IDisposable
{
    private readonly SqliteTestDatabase _database = new();
    private readonly SqliteTestDatabase _other = new();

    protected override Task<IServiceProvider> CreateStoresAsync() => Task.FromResult<IServiceProvider>(_database.NewInstance());

    protected override Task<IServiceProvider> CreateOtherDatabaseAsync() => Task.FromResult<IServiceProvider>(_other.NewInstance());

    public void Dispose()
    {
        _database.Dispose();
        _other.Dispose();
    }
}
