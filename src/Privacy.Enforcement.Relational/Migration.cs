using System.Data.Common;

namespace Privacy.Enforcement.Storage;

/// <summary>One numbered step of a store's schema.</summary>
/// <param name="Version">The schema version it brings the database to.</param>
/// <param name="Description">What it does.</param>
/// <param name="Sql">The statements.</param>
/// <param name="Then">Work the statements cannot do (a keyed hash), run in the same transaction right after them.</param>
internal sealed record Migration(int Version, string Description, string Sql, Func<DbConnection, DbTransaction, CancellationToken, Task>? Then = null);
