using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.PostgreSql.Tests.Conformance;

/// <summary>The library's services on the PostgreSQL stores, a new schema per test in the shared test server.</summary>
public sealed class PostgreSqlServicesConformanceTests : PrivacyServicesConformanceTests, IAsyncLifetime
{
    private readonly string _schema = PostgresServer.NewSchema();
    private PostgresServer? _server;

    public async Task InitializeAsync() => _server = await PostgresServer.GetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    // A host has logging.
    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));

    protected override void AddStores(PrivacyEnforcementBuilder builder) =>
        builder.UsePostgreSql(_server!.ConnectionString, o => o.Schema = _schema);
}
