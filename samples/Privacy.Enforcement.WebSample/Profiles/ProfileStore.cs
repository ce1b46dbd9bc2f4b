using System.Text.Json;
using Microsoft.Data.Sqlite;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.WebSample.Profiles;

/// <summary>
/// The application's own user profiles, one row per subject and category in the <c>sample_profile</c> table of the
/// sample's SQLite file. The library reads, corrects and erases them through <see cref="IPersonalDataSource"/> for
/// export, rectification and erasure; the pages read them to show "my data". A real application would keep this in
/// its own model (an EF Core entity, say) behind the same small interface.
/// </summary>
public sealed class ProfileStore : IPersonalDataSource
{
    private readonly string _connectionString;

    /// <summary>Creates the store over the sample's database.</summary>
    /// <param name="database">Where the database lives.</param>
    public ProfileStore(SampleDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _connectionString = database.ConnectionString;
    }

    /// <inheritdoc />
    public string Name => "profile";

    /// <inheritdoc />
    // store.location: the application's own servers.
    public DataSourceOperator Operator => DataSourceOperator.Application;

    /// <inheritdoc />
    public IReadOnlyList<DataCategory> Categories { get; } =
        [new(StandardDataCategories.Name), new(StandardDataCategories.Email), new(StandardDataCategories.Address), new(StandardDataCategories.PurchaseHistory)];

    /// <summary>Creates the profile tables when they do not exist yet.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task.</returns>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS sample_profile (subject TEXT NOT NULL, category TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (subject, category));
            CREATE TABLE IF NOT EXISTS sample_seed (name TEXT NOT NULL PRIMARY KEY);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records that a seed ran; false when it had run before (the demo data is created once per database).</summary>
    /// <param name="name">The seed's name.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>True the first time.</returns>
    public async Task<bool> TryMarkSeededAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR IGNORE INTO sample_seed (name) VALUES ($name)";
        command.Parameters.AddWithValue("$name", name);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<DataCategory, JsonElement>> ReadAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT category, value FROM sample_profile WHERE subject = $subject ORDER BY category";
        command.Parameters.AddWithValue("$subject", subject.Value);
        var row = new Dictionary<DataCategory, JsonElement>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var value = JsonDocument.Parse(reader.GetString(1));
            row[new DataCategory(reader.GetString(0))] = value.RootElement.Clone();
        }

        return row;
    }

    /// <inheritdoc />
    public async ValueTask UpdateAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (category, value) in changes)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO sample_profile (subject, category, value) VALUES ($subject, $category, $value)
                ON CONFLICT (subject, category) DO UPDATE SET value = excluded.value
                """;
            command.Parameters.AddWithValue("$subject", subject.Value);
            command.Parameters.AddWithValue("$category", category.Value);
            command.Parameters.AddWithValue("$value", value.GetRawText());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DataCategory>> EraseAsync(SubjectId subject, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(categories);
        // A requested category covers the categories within it (user.contact covers user.contact.email).
        var held = await ReadAsync(subject, cancellationToken);
        var erased = held.Keys.Where(h => categories.Any(h.IsWithin)).ToList();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var category in erased)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM sample_profile WHERE subject = $subject AND category = $category";
            command.Parameters.AddWithValue("$subject", subject.Value);
            command.Parameters.AddWithValue("$category", category.Value);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return erased;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
