namespace Privacy.Enforcement.Storage;

/// <summary>One numbered step of a store's schema.</summary>
/// <param name="Version">The schema version it brings the database to.</param>
/// <param name="Description">What it does.</param>
/// <param name="Sql">The statements.</param>
internal sealed record Migration(int Version, string Description, string Sql);
