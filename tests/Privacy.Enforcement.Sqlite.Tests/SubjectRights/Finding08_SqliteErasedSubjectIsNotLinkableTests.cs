using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.Sqlite.Tests.SubjectRights;

/// <summary>
/// Finding 8 (store.subject-delete): after an erasure completes, no row of any table of the SQLite store links the
/// subject id to its old pseudonym, not even through a request id the audit trail carries.
/// </summary>
public sealed class Finding08_SqliteErasedSubjectIsNotLinkableTests : IDisposable
{
    private static readonly SubjectId Dana = new("dana-41c9");

    private readonly SqliteTestDatabase _database = new();

    [Fact]
    public async Task Finding08_after_erasure_no_row_of_any_table_links_the_subject_id_to_its_old_pseudonym()
    {
        var instance = _database.NewInstance();
        await instance.GetRequiredService<IConsentStore>().AppendAsync(StoreTestData.Grant(Dana, ConsentId.New()), default);
        var rights = instance.GetRequiredService<ISubjectRightsService>();
        (await rights.AccessAsync(Dana, default)).Request.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        var pseudonyms = instance.GetRequiredService<IPseudonymStore>();
        var old = (await pseudonyms.FindAsync(Dana, default))!;

        var erasure = await rights.EraseAsync(Dana, default);

        erasure.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        (await pseudonyms.GetOrCreateAsync(Dana, default)).Should().NotBe(old, "a later decision gets a new random pseudonym");
        await instance.DisposeAsync(); // the audit pipeline has written every event

        var rows = await AllRowsAsync();
        rows.Should().Contain(r => r.Text.Contains(old, StringComparison.Ordinal), "the trail keeps the erasure's proof under the old pseudonym");
        SubjectLinkScan.Links(rows, Dana.Value, old).Should().BeEmpty();

        // The subject, presenting its id, is matched to the erasure and what it did.
        var again = _database.NewInstance();
        var mine = await again.GetRequiredService<ISubjectRightsRequestStore>().GetBySubjectAsync(Dana, default).CollectAsync();
        mine.Should().Contain(r => r.Id == erasure.Id && r.Subject.IsEmpty && r.SubjectHash != null && r.Steps.Count > 0);
    }

    public void Dispose() => _database.Dispose();

    private async Task<List<(string Where, string Text)>> AllRowsAsync()
    {
        var rows = new List<(string, string)>();
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            var n = 0;
            while (await reader.ReadAsync())
            {
                var text = new StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.GetValue(i) switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                    }).Append('|');
                }

                rows.Add(($"{table} row {n++}", text.ToString()));
            }
        }

        return rows;
    }
}
