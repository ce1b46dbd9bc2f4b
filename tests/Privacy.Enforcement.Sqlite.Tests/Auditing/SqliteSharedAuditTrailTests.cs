using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.Sqlite.Tests.Auditing;

/// <summary>Three instances (service providers with their own connections) over one SQLite file share one audit trail.</summary>
public sealed class SqliteSharedAuditTrailTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    [Fact]
    public async Task Three_instances_deciding_concurrently_keep_one_verified_trail_with_every_decision_once()
    {
        var instances = new[] { _database.NewInstance(), _database.NewInstance(), _database.NewInstance() };

        await SharedAuditTrailScenario.RunAsync(instances, callersPerInstance: 3, decisionsPerCaller: 12);
    }

    public void Dispose() => _database.Dispose();
}
