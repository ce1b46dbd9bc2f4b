using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.PostgreSql.Tests.Auditing;

/// <summary>Three instances (service providers with their own pools) over one PostgreSQL schema share one audit trail.</summary>
public sealed class PostgreSqlSharedAuditTrailTests : IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    [StoreFact]
    public async Task Three_instances_deciding_concurrently_keep_one_verified_trail_with_every_decision_once()
    {
        var instances = new[] { await _schema.NewInstanceAsync(), await _schema.NewInstanceAsync(), await _schema.NewInstanceAsync() };

        await SharedAuditTrailScenario.RunAsync(instances, callersPerInstance: 3, decisionsPerCaller: 12);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();
}
