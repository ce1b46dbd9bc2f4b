using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.Sqlite.Tests.Durability;

public sealed class SqliteCrashDurabilityTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    [Fact]
    public async Task Every_grant_acknowledged_before_a_SIGKILL_is_present_after_restart()
    {
        var acked = await CrashWriterRun.GrantAndKillAsync(["sqlite", _database.ConnectionString, "10000"], killAfterAcks: 300, TimeSpan.FromMinutes(2));

        // Restart: a new instance opens the file (recovering the WAL) and must hold every acknowledged fact.
        var store = _database.NewInstance().GetRequiredService<IConsentStore>();
        var stored = new HashSet<Guid>();
        await foreach (var subject in store.GetSubjectsAsync(CancellationToken.None))
        {
            foreach (var fact in await store.GetFactsAsync(subject, CancellationToken.None).CollectAsync())
            {
                stored.Add(fact.FactId);
            }
        }

        acked.Should().HaveCountGreaterThanOrEqualTo(300);
        stored.Should().Contain(acked);
    }

    public void Dispose() => _database.Dispose();
}
