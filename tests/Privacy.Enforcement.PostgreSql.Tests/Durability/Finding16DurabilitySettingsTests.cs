using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.PostgreSql.Tests.Durability;

/// <summary>
/// Finding 16: the crash tests prove durability across a process kill, not a power loss. This asserts the settings in
/// force on every connection the stores open: <c>fsync</c> on and <c>synchronous_commit</c> at a level that waits for the
/// local flush.
/// </summary>
public sealed class Finding16DurabilitySettingsTests : IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task Finding16_every_connection_the_stores_open_runs_with_fsync_and_a_flushing_synchronous_commit()
    {
        var database = await _schema.GetAsync<RelationalDatabase>();
        for (var round = 0; round < 2; round++)
        {
            var connections = new List<System.Data.Common.DbConnection>();
            for (var i = 0; i < 4; i++)
            {
                connections.Add(await database.OpenAsync(CancellationToken.None));
            }

            foreach (var connection in connections)
            {
                (await ShowAsync(connection, "fsync")).Should().Be("on");
                (await ShowAsync(connection, "synchronous_commit")).Should().BeOneOf("on", "remote_apply", "remote_write", "local");
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task<string?> ShowAsync(System.Data.Common.DbConnection connection, string setting)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SHOW " + setting;
        return (string?)await command.ExecuteScalarAsync();
    }
}
