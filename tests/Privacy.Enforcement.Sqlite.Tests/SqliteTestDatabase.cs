using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Privacy.Enforcement.Sqlite.Tests;

/// <summary>A throwaway SQLite file registered through <c>UseSqlite</c>, deleted with its WAL files at the end.</summary>
public sealed class SqliteTestDatabase : IDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    public SqliteTestDatabase()
    {
        Directory = Path.Combine(Path.GetTempPath(), "pe-sqlite-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        FilePath = Path.Combine(Directory, "privacy.db");
        ConnectionString = "Data Source=" + FilePath;
    }

    public string Directory { get; }

    public string FilePath { get; }

    public string ConnectionString { get; }

    /// <summary>Builds a new service provider (an "instance" of the host) over the file.</summary>
    public ServiceProvider NewInstance()
    {
        var services = new ServiceCollection();
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)); // a host has logging
        services.AddPrivacyEnforcement().UseSqlite(ConnectionString);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    public T Get<T>()
        where T : notnull => (_providers.Count == 0 ? NewInstance() : _providers[0]).GetRequiredService<T>();

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            // The audit pipeline flushes asynchronously on disposal.
            provider.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere is left to the temp folder's cleaner.
        }
    }
}
