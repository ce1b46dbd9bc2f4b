using Microsoft.Data.Sqlite;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Sqlite.Tests.Durability;

/// <summary>
/// Finding 16: the crash tests prove durability across a process kill, not a power loss. These assert the settings in
/// force on every connection the stores open: <c>synchronous = FULL</c> (2) and the WAL journal.
/// </summary>
public sealed class Finding16DurabilitySettingsTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    [Fact]
    public async Task Finding16_every_connection_the_stores_open_runs_with_synchronous_full_in_wal_mode()
    {
        var database = _database.Get<RelationalDatabase>();

        // Several physical connections at once, then the same ones again from the pool, then fresh ones after the pool
        // is cleared: the setting is per connection in SQLite, so each must carry it.
        for (var round = 0; round < 3; round++)
        {
            if (round == 2)
            {
                SqliteConnection.ClearAllPools();
            }

            var connections = new List<System.Data.Common.DbConnection>();
            for (var i = 0; i < 4; i++)
            {
                connections.Add(await database.OpenAsync(CancellationToken.None));
            }

            foreach (var connection in connections)
            {
                (await ScalarAsync(connection, "PRAGMA synchronous")).Should().Be(2L, "synchronous = FULL on connection {0} of round {1}", connections.IndexOf(connection), round);
                (await ScalarAsync(connection, "PRAGMA journal_mode")).Should().Be("wal");
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task<object?> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public void Dispose() => _database.Dispose();
}
