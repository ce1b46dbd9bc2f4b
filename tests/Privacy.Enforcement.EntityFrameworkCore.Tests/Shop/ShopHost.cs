using System.Data.Common;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Privacy.Enforcement.PostgreSql.Tests;

namespace Privacy.Enforcement.EntityFrameworkCore.Tests;

public enum ShopDatabase
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// A host with the library on in-memory stores, subject key encryption, and <see cref="ShopContext"/> on a fresh SQLite
/// (in memory) or PostgreSQL (a new database on the throwaway server) database, with its data source and interceptor.
/// </summary>
public sealed class ShopHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly SqliteConnection? _keepAlive;

    private ShopHost(ServiceProvider provider, SqliteConnection? keepAlive, string connectionString, ShopDatabase database)
    {
        _provider = provider;
        _keepAlive = keepAlive;
        ConnectionString = connectionString;
        Database = database;
    }

    public IServiceProvider Services => _provider;

    public string ConnectionString { get; }

    public ShopDatabase Database { get; }

    /// <summary>Gets the commands sent to the database by the contexts of this host.</summary>
    public CommandCounter Commands => _provider.GetRequiredService<CommandCounter>();

    public IPersonalDataSource Source => _provider.GetServices<IPersonalDataSource>().Single();

    public static async Task<ShopHost> StartAsync(ShopDatabase database, Action<EntityFrameworkDataSourceOptions>? configure = null)
    {
        string connectionString;
        SqliteConnection? keepAlive = null;
        if (database == ShopDatabase.Sqlite)
        {
            connectionString = $"Data Source=file:shop-{Guid.NewGuid():N}?mode=memory&cache=shared";
            keepAlive = new SqliteConnection(connectionString);
            await keepAlive.OpenAsync();
        }
        else
        {
            var server = await PostgresServer.GetAsync();
            connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "shop_" + Guid.NewGuid().ToString("N") }.ConnectionString;
        }

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddFakeLogging());
        services.AddSingleton<CommandCounter>();
        services.AddPrivacyEnforcement()
            .UseInMemoryStores()
            .UseSubjectKeyEncryption(_ => new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [1] = RandomNumberGenerator.GetBytes(32) }, 1))
            .AddEntityFrameworkDataSource<ShopContext>(configure);
        services.AddDbContext<ShopContext>((sp, options) =>
        {
            if (database == ShopDatabase.Sqlite)
            {
                options.UseSqlite(connectionString);
            }
            else
            {
                options.UseNpgsql(connectionString);
            }

            options.UsePrivacyEnforcement(sp).AddInterceptors(sp.GetRequiredService<CommandCounter>());
        });
        var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ShopContext>().Database.EnsureCreatedAsync();
        }

        return new ShopHost(provider, keepAlive, connectionString, database);
    }

    /// <summary>The subject accepts the policy and consents to the collection of these categories for service provision.</summary>
    public async Task GrantAsync(SubjectId subject, params string[] categories)
    {
        var policy = _provider.GetRequiredService<IPolicyProvider>().Current.Version;
        var now = _provider.GetRequiredService<TimeProvider>().GetUtcNow();
        await _provider.GetRequiredService<IAcceptanceStore>().AppendAcceptanceAsync(new PolicyAcceptance(subject, policy, AcceptanceKind.Explicit, now.AddMinutes(-10), "sign-up"), CancellationToken.None);
        await _provider.GetRequiredService<IConsentStore>().AppendAsync(new ConsentFact
        {
            FactId = Guid.NewGuid(),
            ConsentId = ConsentId.New(),
            Subject = subject,
            State = ConsentState.Given,
            RecordedAt = now.AddMinutes(-5),
            Policy = policy,
            Terms = new ConsentTerms
            {
                Purposes = [new PurposeId(StandardPurposes.ServiceProvision)],
                Categories = [.. categories.Select(c => new DataCategory(c))],
                Acts = [ProcessingAct.Collect],
            },
        }, CancellationToken.None);

        // Written to the store directly, as another instance would: the decision cache is told.
        _provider.GetService<ISubjectStateCache>()?.Invalidate(subject);
    }

    /// <summary>Runs <paramref name="work"/> with a new context in a new scope.</summary>
    public async Task<T> WithContextAsync<T>(Func<ShopContext, Task<T>> work)
    {
        await using var scope = _provider.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ShopContext>());
    }

    /// <summary>Runs <paramref name="work"/> with a new context in a new scope.</summary>
    public Task WithContextAsync(Func<ShopContext, Task> work) => WithContextAsync(async c =>
    {
        await work(c);
        return 0;
    });

    /// <summary>Reads one column of one row as stored, bypassing EF.</summary>
    public Task<string?> ReadRawAsync(string sql) => WithContextAsync(async context =>
    {
        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync()) as string;
    });

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        if (_keepAlive is not null)
        {
            await _keepAlive.DisposeAsync();
        }
    }
}

/// <summary>Counts the commands the contexts send, to show a refused save sent none.</summary>
public sealed class CommandCounter : DbCommandInterceptor
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Interlocked.Increment(ref _count);
        return base.ReaderExecuting(command, eventData, result);
    }
}
