using System.Data.Common;

namespace Privacy.Enforcement.Relational;

/// <summary>
/// One numbered step of a store's schema. Once released, a migration is never edited: the
/// <see cref="MigrationRunner"/> records a checksum of <paramref name="Sql"/> when it applies it and refuses to start
/// when the text no longer matches. A change to the schema is a new migration.
/// </summary>
/// <param name="Version">The schema version it brings the database to: 1, 2, 3 and so on, without gaps.</param>
/// <param name="Description">What it does.</param>
/// <param name="Sql">The statements, tables prefixed with the dialect's <see cref="RelationalDialect.TablePrefix"/>.</param>
/// <param name="Then">
/// Work the statements cannot do (a keyed hash), run in the same transaction right after them. It is not part of the
/// checksum.
/// </param>
public sealed record Migration(int Version, string Description, string Sql, Func<DbConnection, DbTransaction, CancellationToken, Task>? Then = null);
