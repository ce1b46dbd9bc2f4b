using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.Sqlite.Tests.Violations;

/// <summary>
/// A violation or sanction row whose stored enum is not a defined value (a number the current enum does not name, a
/// name of another version, a number in place of a name) is a store error, never a record read as something it is
/// not: a sanction of kind 7 read as "no measure" would let a terminated user act again.
/// </summary>
public sealed class FollowUp03_StoredUndefinedEnumTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    public static TheoryData<string> UndefinedKinds => ["7", "-1", "\"Suspended\"", "\"7\"", "\"serviceAgreementTerminated\"", "0"];

    [Theory]
    [MemberData(nameof(UndefinedKinds))]
    public async Task FollowUp03_a_stored_sanction_of_an_undefined_kind_denies_the_violators_request_as_indeterminate(string kind)
    {
        var instance = _database.NewInstance();
        var violator = StoreTestData.NewSubject();
        var (_, own) = await CollectionConsent.GrantAsync(instance, violator);
        var acting = new CollectionRequest(violator, own.Categories, own.Purpose, Actor.User(violator));
        (await instance.GetRequiredService<IPrivacyEnforcer>().DecideAsync(acting)).Outcome.Should().Be(DecisionOutcome.Permit);

        await InsertAsync("pe_sanctions", ("subject_id", violator.Value), ("payload", $$"""{"Subject":"{{violator.Value}}","Violation":"{{Guid.NewGuid()}}","Kind":{{kind}},"ImposedAt":"2026-01-01T00:00:00+00:00"}"""));
        instance.GetRequiredService<ISubjectStateCache>().Invalidate(violator);

        var decision = await instance.GetRequiredService<IPrivacyEnforcer>().DecideAsync(acting);
        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.Indeterminate);

        var read = async () => await instance.GetRequiredService<IViolationStore>().GetSanctionsAsync(violator, default).CollectAsync();
        var error = (await read.Should().ThrowAsync<PrivacyStoreException>()).Which;
        error.ToString().Should().Contain(nameof(SanctionKind)).And.NotContain(violator.Value);
    }

    [Theory]
    [InlineData("Kind", "9")]
    [InlineData("ViolatorKind", "2")]
    [InlineData("Status", "3")]
    [InlineData("Status", "\"Appealed\"")]
    [InlineData("Kind", "1")]
    public async Task FollowUp03_a_stored_violation_with_an_undefined_enum_is_a_store_error_on_every_read(string member, string value)
    {
        var instance = _database.NewInstance();
        var violation = StoreTestData.Violation(StoreTestData.NewSubject());
        var store = instance.GetRequiredService<IViolationStore>();
        await store.CreateAsync(violation, default);
        await using (var connection = new SqliteConnection(_database.ConnectionString))
        {
            await connection.OpenAsync();
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT payload FROM pe_violations WHERE id = $id";
            read.Parameters.AddWithValue("$id", violation.Id.ToString());
            var payload = (string)(await read.ExecuteScalarAsync())!;
            var json = System.Text.Json.Nodes.JsonNode.Parse(payload)!.AsObject();
            json[member] = System.Text.Json.Nodes.JsonNode.Parse(value);
            using var write = connection.CreateCommand();
            write.CommandText = "UPDATE pe_violations SET payload = $payload WHERE id = $id";
            write.Parameters.AddWithValue("$id", violation.Id.ToString());
            write.Parameters.AddWithValue("$payload", json.ToJsonString());
            (await write.ExecuteNonQueryAsync()).Should().Be(1);
        }

        var find = async () => await store.FindAsync(violation.Id, default);
        (await find.Should().ThrowAsync<PrivacyStoreException>()).Which.ToString().Should().NotContain(violation.Violator.Value);
        var list = async () => await store.GetByViolatorAsync(violation.Violator, default).CollectAsync();
        await list.Should().ThrowAsync<PrivacyStoreException>();
    }

    public void Dispose() => _database.Dispose();

    private async Task InsertAsync(string table, params (string Column, object Value)[] values)
    {
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO {table} ({string.Join(", ", values.Select(v => v.Column))}) VALUES ({string.Join(", ", values.Select(v => "$" + v.Column))})";
        foreach (var (column, value) in values)
        {
            insert.Parameters.AddWithValue("$" + column, value);
        }

        (await insert.ExecuteNonQueryAsync()).Should().Be(1);
    }
}
