using Privacy.Enforcement.Relational;
using Privacy.Enforcement.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite stores.</summary>
public static class PrivacyEnforcementBuilderSqliteExtensions
{
    /// <summary>
    /// Stores consents, acceptances and objections, engagements, violations and sanctions, pseudonyms and the audit
    /// trail in one SQLite database (WAL mode, <c>synchronous=FULL</c>). The library creates and migrates the schema at
    /// start-up. Replaces any store registered before.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, for example <c>Data Source=privacy.db</c>.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder UseSqlite(this PrivacyEnforcementBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.AddRelationalStores(_ => new SqliteDatabase(connectionString));
        return builder;
    }
}
