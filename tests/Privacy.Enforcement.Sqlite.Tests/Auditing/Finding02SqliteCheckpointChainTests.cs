using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Sqlite.Tests.Auditing;

/// <summary>Finding 2 on the SQL checkpoint store: checkpoints carry their chain link, and a stale link is refused.</summary>
public sealed class Finding02SqliteCheckpointChainTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    [Fact]
    public async Task Finding02_sql_checkpoints_are_chained_and_a_deleted_one_is_found()
    {
        var signer = new HmacSha256CheckpointSigner("k1", new byte[32]);
        var services = new ServiceCollection();
        services.AddPrivacyEnforcement().UseSqlite(_database.ConnectionString).UseAuditCheckpointSigner(signer)
            .ConfigureAuditTrail(o => { o.CheckpointEveryEvents = 3; o.CheckpointInterval = TimeSpan.Zero; o.MaxBatchSize = 1; });
        await using (var provider = services.BuildServiceProvider())
        {
            var trail = provider.GetRequiredService<IAuditTrail>();
            for (var i = 1; i <= 9; i++)
            {
                await trail.RecordAsync(StoreTestData.AuditEvent(i) with { Sequence = 0, PreviousHash = string.Empty, Hash = string.Empty }, CancellationToken.None);
            }
        }

        var instance = _database.NewInstance();
        var reader = instance.GetRequiredService<IAuditTrailReader>();
        var checkpoints = (IAuditCheckpointReader)instance.GetRequiredService<ICheckpointSink>();
        var stored = await checkpoints.ReadCheckpointsAsync(CancellationToken.None).CollectAsync();
        stored.Select(c => c.Size).Should().Equal(3, 6, 9);
        stored[0].PreviousCheckpointHash.Should().Be(AuditHashChain.GenesisHash);
        stored[2].PreviousCheckpointHash.Should().Be(AuditHashChain.GetCheckpointHash(stored[1]));
        var options = new AuditVerificationOptions { Signer = signer };
        (await AuditTrailVerifier.VerifyAsync(reader.ReadAsync(1, CancellationToken.None), stored, options, CancellationToken.None)).IsValid.Should().BeTrue();

        // A checkpoint onto a stale newest one is refused as one step.
        await instance.GetRequiredService<ICheckpointSink>().Invoking(s => s.WriteAsync(stored[2] with { Size = 10 }, CancellationToken.None).AsTask())
            .Should().ThrowAsync<PrivacyStoreException>().WithMessage("*does not link*");

        await using (var connection = new SqliteConnection(_database.ConnectionString))
        {
            await connection.OpenAsync();
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM pe_audit_checkpoints WHERE size = 6";
            (await delete.ExecuteNonQueryAsync()).Should().Be(1);
        }

        var cut = await checkpoints.ReadCheckpointsAsync(CancellationToken.None).CollectAsync();
        (await AuditTrailVerifier.VerifyAsync(reader.ReadAsync(1, CancellationToken.None), cut, options, CancellationToken.None)).Failure.Should().Be(AuditVerificationFailure.CheckpointChainBroken);
    }

    public void Dispose() => _database.Dispose();
}
