using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Privacy.Enforcement.PostgreSql.Tests;

namespace Privacy.Enforcement.Benchmarks.Throughput;

/// <summary>
/// The stores the store benchmarks run on: a fresh SQLite file under the temp folder, or a fresh schema of a throwaway
/// PostgreSQL server started once per run (the tests' <see cref="PostgresServer"/>, or the server named by
/// <c>PRIVACY_ENFORCEMENT_POSTGRES</c>), and an enforcer over them whose subjects are seeded through the library's stores.
/// </summary>
internal static class BenchmarkStores
{
    public const string Sqlite = "SQLite";
    public const string PostgreSql = "PostgreSQL";

    private static readonly Lazy<Task<string>> Postgres = new(StartPostgresAsync);

    public static string PostgresConnectionString => Postgres.Value.GetAwaiter().GetResult();

    /// <summary>A new, empty SQLite file's path.</summary>
    public static string NewSqliteFile(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "pe-bench-" + Environment.ProcessId + "-" + name + "-" + Guid.NewGuid().ToString("N")[..8] + ".db");
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }

        return path;
    }

    /// <summary>A new schema name.</summary>
    public static string NewSchema(string name) => "b_" + name + "_" + Guid.NewGuid().ToString("N")[..8];

    public static string SubjectName(int i) => "bench-" + i.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>
    /// Builds and starts an enforcer on <paramref name="store"/> (a new file or schema) with the standard policy, and
    /// seeds <paramref name="subjects"/> subjects, each having accepted the policy and given <paramref name="consents"/>
    /// consents, the first of which covers <see cref="Request"/>.
    /// </summary>
    public static BenchmarkStore Build(string store, string name, int subjects, int consents, Action<PrivacyEnforcementBuilder> configure) =>
        store == Sqlite
            ? BuildOn(store, NewSqliteFile(name), string.Empty, subjects, consents, configure)
            : BuildOn(store, NewSchema(name), PostgresConnectionString, subjects, consents, configure);

    /// <summary>
    /// Builds and starts an enforcer as <see cref="Build"/> does, on a given SQLite file or PostgreSQL schema
    /// (<paramref name="location"/>) of the server at <paramref name="postgres"/>, which may already hold data.
    /// </summary>
    public static BenchmarkStore BuildOn(string store, string location, string postgres, int subjects, int consents, Action<PrivacyEnforcementBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IPolicyProvider>(new PolicyCatalog(StandardPolicy.Published));
        var builder = services.AddPrivacyEnforcement();
        if (store == Sqlite)
        {
            builder.UseSqlite("Data Source=" + location);
        }
        else
        {
            builder.UsePostgreSql(postgres, o => o.Schema = location);
        }

        configure(builder);
        var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            hosted.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        SeedAsync(provider, subjects, consents).GetAwaiter().GetResult();
        return new BenchmarkStore(store, location, provider, store == Sqlite ? null : postgres);
    }

    public static async Task StopAsync(ServiceProvider provider)
    {
        foreach (var hosted in provider.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await provider.DisposeAsync();
    }

    /// <summary>The decision every benchmark asks: collecting the subject's e-mail for service provision.</summary>
    public static CollectionRequest Request(int subject) =>
        new(new SubjectId(SubjectName(subject)), [new DataCategory(StandardDataCategories.Email)], new PurposeId(StandardPurposes.ServiceProvision));

    public static async Task<bool> DecideAsync(IPrivacyEnforcer enforcer, CollectionRequest request) =>
        (await enforcer.DecideAsync(request).ConfigureAwait(false)).IsPermitted;

    /// <summary>Seeds subjects <paramref name="first"/> to <paramref name="first"/> + <paramref name="subjects"/> - 1 (see <see cref="Build"/>).</summary>
    internal static async Task SeedAsync(IServiceProvider provider, int subjects, int consents, int first = 0)
    {
        var policy = StandardPolicy.Published.Version;
        var at = TimeProvider.System.GetUtcNow().AddMinutes(-10);
        var acceptanceStore = provider.GetRequiredService<IAcceptanceStore>();
        var consentStore = provider.GetRequiredService<IConsentStore>();
        string[] categories = [StandardDataCategories.Email, StandardDataCategories.Phone, StandardDataCategories.Name, StandardDataCategories.Email, StandardDataCategories.Phone];
        for (var s = first; s < first + subjects; s++)
        {
            var subject = new SubjectId(SubjectName(s));
            await acceptanceStore.AppendAcceptanceAsync(new PolicyAcceptance(subject, policy, AcceptanceKind.Explicit, at, "sign-up"), default);
            var facts = new ConsentFact[consents];
            for (var c = 0; c < consents; c++)
            {
                facts[c] = new ConsentFact
                {
                    FactId = Guid.CreateVersion7(),
                    ConsentId = ConsentId.New(),
                    Subject = subject,
                    State = ConsentState.Given,
                    RecordedAt = at.AddTicks(c),
                    Policy = policy,
                    Terms = new ConsentTerms
                    {
                        Purposes = [new PurposeId(StandardPurposes.ServiceProvision)],
                        Categories = [new DataCategory(categories[c % categories.Length])],
                        Acts = [ProcessingAct.Collect],
                    },
                };
            }

            await consentStore.AppendManyAsync(facts, default);
        }
    }

    private static async Task<string> StartPostgresAsync()
    {
        var configured = Environment.GetEnvironmentVariable(PostgresServer.ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        // Started once for every benchmark case of the run, and stopped when the process exits.
        var server = await PostgresServer.StartPrivateAsync();
        return server.ConnectionString.Replace("Maximum Pool Size=20", "Maximum Pool Size=100", StringComparison.Ordinal);
    }
}

/// <summary>An enforcer's container and where its store lives (a SQLite file, a PostgreSQL schema).</summary>
internal sealed record BenchmarkStore(string Store, string Location, ServiceProvider Provider, string? Postgres = null)
{
    public IPrivacyEnforcer Enforcer => Provider.GetRequiredService<IPrivacyEnforcer>();

    /// <summary>Reads the first column of the first row of a query against the store's own database; <c>{schema}</c> names the schema prefix.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        if (Store == BenchmarkStores.Sqlite)
        {
            await using var connection = new SqliteConnection("Data Source=" + Location + ";Pooling=False");
            await connection.OpenAsync();
            await using var command = new SqliteCommand(sql.Replace("{schema}", string.Empty, StringComparison.Ordinal), connection);
            return await command.ExecuteScalarAsync();
        }

        await using var pg = new NpgsqlConnection(Postgres ?? BenchmarkStores.PostgresConnectionString);
        await pg.OpenAsync();
        await using var query = new NpgsqlCommand(sql.Replace("{schema}", "\"" + Location + "\".", StringComparison.Ordinal), pg);
        return await query.ExecuteScalarAsync();
    }
}
