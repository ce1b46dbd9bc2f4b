using Microsoft.Extensions.DependencyInjection;

namespace Privacy.Enforcement.PostgreSql.Tests;

/// <summary>A new schema in the shared test database per test, registered through <c>UsePostgreSql</c>.</summary>
public sealed class PostgresTestSchema : IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];
    private PostgresServer? _server;

    public string Schema { get; } = PostgresServer.NewSchema();

    public string ConnectionString => _server?.ConnectionString ?? throw new InvalidOperationException("Call NewInstanceAsync first.");

    /// <summary>Builds a new service provider (an application instance, with its own pool) over the schema.</summary>
    /// <param name="configure">Options set after the schema (the per-instance audit chain, for one).</param>
    /// <param name="applicationName">The connections' application name, so a test can find them in <c>pg_stat_activity</c>.</param>
    public async Task<ServiceProvider> NewInstanceAsync(Action<PostgreSqlStoreOptions>? configure = null, string? applicationName = null)
    {
        _server ??= await PostgresServer.GetAsync();
        var services = new ServiceCollection();
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)); // a host has logging
        var connectionString = applicationName is null
            ? _server.ConnectionString
            : new Npgsql.NpgsqlConnectionStringBuilder(_server.ConnectionString) { ApplicationName = applicationName }.ConnectionString;
        services.AddPrivacyEnforcement().UsePostgreSql(connectionString, o =>
        {
            o.Schema = Schema;
            configure?.Invoke(o);
        });
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    public async Task<T> GetAsync<T>()
        where T : notnull => (_providers.Count == 0 ? await NewInstanceAsync() : _providers[0]).GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }
}
