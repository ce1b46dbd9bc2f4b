using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Sqlite.Tests.Conformance;

/// <summary>The library's services on the SQLite stores, one throwaway file per test.</summary>
public sealed class SqliteServicesConformanceTests : PrivacyServicesConformanceTests, IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    // A host has logging.
    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));

    protected override void AddStores(PrivacyEnforcementBuilder builder) => builder.UseSqlite(_database.ConnectionString);

    public void Dispose() => _database.Dispose();
}
