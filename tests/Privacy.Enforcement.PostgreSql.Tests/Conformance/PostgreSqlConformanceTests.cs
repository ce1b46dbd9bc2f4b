using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.PostgreSql.Tests.Conformance;

public sealed class PostgreSqlConsentStoreTests : ConsentStoreConformanceTests, IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    protected override Task<IConsentStore> CreateStoreAsync() => _schema.GetAsync<IConsentStore>();

    // A second application instance: its own service provider and connection pool over the same schema.
    protected override async Task<IConsentStore> OpenAnotherInstanceAsync(IConsentStore first) =>
        (await _schema.NewInstanceAsync()).GetRequiredService<IConsentStore>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();
}

public sealed class PostgreSqlAcceptanceStoreTests : AcceptanceStoreConformanceTests, IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    protected override Task<IAcceptanceStore> CreateStoreAsync() => _schema.GetAsync<IAcceptanceStore>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();
}

public sealed class PostgreSqlEngagementStoreTests : EngagementStoreConformanceTests, IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    protected override Task<IEngagementStore> CreateStoreAsync() => _schema.GetAsync<IEngagementStore>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();
}

public sealed class PostgreSqlViolationStoreTests : ViolationStoreConformanceTests, IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    protected override Task<IViolationStore> CreateStoreAsync() => _schema.GetAsync<IViolationStore>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();
}

public sealed class PostgreSqlPseudonymStoreTests : PseudonymStoreConformanceTests, IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    protected override Task<IPseudonymStore> CreateStoreAsync() => _schema.GetAsync<IPseudonymStore>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();
}

public sealed class PostgreSqlAuditStoreTests : AuditStoreConformanceTests, IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    protected override async Task<(IAuditSink Sink, IAuditTrailReader Reader, ICheckpointSink Checkpoints)> CreateTrailAsync() =>
        (await _schema.GetAsync<IAuditSink>(), await _schema.GetAsync<IAuditTrailReader>(), await _schema.GetAsync<ICheckpointSink>());

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();
}

public sealed class PostgreSqlSubjectRightsRequestStoreTests : SubjectRightsRequestStoreConformanceTests, IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    protected override Task<ISubjectRightsRequestStore> CreateStoreAsync() => _schema.GetAsync<ISubjectRightsRequestStore>();

    protected override async Task<ISubjectRightsRequestStore> OpenAnotherInstanceAsync(ISubjectRightsRequestStore first) =>
        (await _schema.NewInstanceAsync()).GetRequiredService<ISubjectRightsRequestStore>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();
}

public sealed class PostgreSqlLegalHoldStoreTests : LegalHoldStoreConformanceTests, IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    protected override Task<ILegalHoldStore> CreateStoreAsync() => _schema.GetAsync<ILegalHoldStore>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();
}

public sealed class PostgreSqlSubjectKeyStoreTests : SubjectKeyStoreConformanceTests, IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    protected override Task<ISubjectKeyStore> CreateStoreAsync() => _schema.GetAsync<ISubjectKeyStore>();

    protected override async Task<ISubjectKeyStore> OpenAnotherInstanceAsync(ISubjectKeyStore first) =>
        (await _schema.NewInstanceAsync()).GetRequiredService<ISubjectKeyStore>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();
}

public sealed class PostgreSqlAuditQueryTests : AuditQueryConformanceTests, IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    protected override async Task<(IAuditSink Sink, IAuditTrailReader Reader)> CreateTrailAsync() =>
        (await _schema.GetAsync<IAuditSink>(), await _schema.GetAsync<IAuditTrailReader>());

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();
}

public sealed class PostgreSqlSharedAuditSinkTests : SharedAuditSinkConformanceTests, IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    protected override async Task<(ISharedAuditSink Sink, IAuditTrailReader Reader)> CreateTrailAsync() =>
        ((ISharedAuditSink)await _schema.GetAsync<IAuditSink>(), await _schema.GetAsync<IAuditTrailReader>());

    // Another instance: its own service provider and connection pool over the same schema.
    protected override async Task<ISharedAuditSink> OpenAnotherInstanceAsync(ISharedAuditSink first) =>
        (ISharedAuditSink)(await _schema.NewInstanceAsync()).GetRequiredService<IAuditSink>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();
}

public sealed class PostgreSqlSubjectStateReaderTests : SubjectStateReaderConformanceTests, IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();
    private readonly PostgresTestSchema _other = new();

    protected override async Task<IServiceProvider> CreateStoresAsync() => await _schema.NewInstanceAsync();

    protected override async Task<IServiceProvider> CreateOtherDatabaseAsync() => await _other.NewInstanceAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _schema.DisposeAsync();
        await _other.DisposeAsync();
    }
}
