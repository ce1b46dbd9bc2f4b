using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.Sqlite.Tests.Auditing;

/// <summary>
/// Finding 10: the audit table's indexed columns (what ledger queries filter on) were not checked by verification, so
/// rewriting them hid ledger entries while the trail verified. Verification now compares them with the hashed payload.
/// </summary>
public sealed class Finding10IndexedColumnsTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    [Theory]
    [InlineData("subject_pseudonym = 'p-someone-else'")]
    [InlineData("kind = 'PolicyPublished'")]
    [InlineData("recipient = 'r-elsewhere'")]
    [InlineData("recipient = NULL")]
    [InlineData("hash = '1111111111111111111111111111111111111111111111111111111111111111'")]
    public async Task Finding10_a_rewritten_indexed_column_fails_verification_at_its_event(string rewrite)
    {
        var instance = _database.NewInstance();
        var events = AuditBackfill.Chain();
        await instance.GetRequiredService<IAuditSink>().WriteBatchAsync(events, CancellationToken.None);
        var reader = instance.GetRequiredService<IAuditTrailReader>();
        AuditTrailVerifier.Verify(await reader.ReadAsync(1, CancellationToken.None).CollectAsync()).IsValid.Should().BeTrue();

        await using (var connection = new SqliteConnection(_database.ConnectionString))
        {
            await connection.OpenAsync();
            using var update = connection.CreateCommand();
            update.CommandText = $"UPDATE pe_audit_events SET {rewrite} WHERE sequence = 3";
            (await update.ExecuteNonQueryAsync()).Should().Be(1);
        }

        var result = await AuditTrailVerifier.VerifyAsync(reader.ReadAsync(1, CancellationToken.None), null, null, CancellationToken.None);

        result.IsValid.Should().BeFalse("the row as queries see it is not the event that was hashed");
        result.FirstBadIndex.Should().Be(2);
        result.Count.Should().Be(2);
    }

    public void Dispose() => _database.Dispose();
}
