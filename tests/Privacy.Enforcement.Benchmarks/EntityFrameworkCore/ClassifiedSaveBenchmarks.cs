using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Privacy.Enforcement.Benchmarks.Decisions;
using Privacy.Enforcement.Classification;
using Privacy.Enforcement.EntityFrameworkCore;

namespace Privacy.Enforcement.Benchmarks.EntityFrameworkCore;

/// <summary>
/// SaveChanges of 100 entities with classified properties (100 subjects, each consented) on SQLite in memory: without
/// the privacy interceptor (baseline) and with it, deciding the 100 collections in one batch with the audit trail
/// asynchronous. Target: at most 1.3x the baseline.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(DecisionBenchmarkConfig))]
public class ClassifiedSaveBenchmarks
{
    private const int Entities = 100;
    private readonly List<IDisposable> _disposables = [];
    private string[] _subjects = [];
    private IServiceProvider _plain = null!;
    private IServiceProvider _enforced = null!;

    [GlobalSetup]
    public void Setup()
    {
        _subjects = [.. Enumerable.Range(0, Entities).Select(i => $"bench-user-{i}")];
        _plain = Build(interceptor: false);
        _enforced = Build(interceptor: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }

    [Benchmark(Baseline = true)]
    public Task<int> SaveChanges_interceptor_off() => SaveAsync(_plain);

    [Benchmark]
    public Task<int> SaveChanges_interceptor_on_audit_asynchronous() => SaveAsync(_enforced);

    private async Task<int> SaveAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<BenchShopContext>();
        foreach (var subject in _subjects)
        {
            context.Accounts.Add(new BenchAccount { UserId = subject, Email = subject + "@example.test", Name = "Name " + subject });
        }

        using (PrivacyScope.Begin(new PurposeId(StandardPurposes.ServiceProvision)))
        {
            return await context.SaveChangesAsync();
        }
    }

    private ServiceProvider Build(bool interceptor)
    {
        var connectionString = $"Data Source=file:bench-{Guid.NewGuid():N}?mode=memory&cache=shared";
        var keepAlive = new SqliteConnection(connectionString);
        keepAlive.Open();
        _disposables.Add(keepAlive);

        var services = new ServiceCollection();
        services.AddPrivacyEnforcement().UseInMemoryStores().AddEntityFrameworkDataSource<BenchShopContext>();
        services.Configure<AuditTrailOptions>(o => o.Mode = AuditTrailMode.Asynchronous);
        services.AddDbContext<BenchShopContext>((sp, o) =>
        {
            o.UseSqlite(connectionString);
            if (interceptor)
            {
                o.UsePrivacyEnforcement(sp);
            }
        });
        var provider = services.BuildServiceProvider();
        _disposables.Add(provider);
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            hosted.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        using (var scope = provider.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<BenchShopContext>().Database.EnsureCreated();
        }

        var policy = provider.GetRequiredService<IPolicyProvider>().Current.Version;
        var now = provider.GetRequiredService<TimeProvider>().GetUtcNow().AddMinutes(-1);
        foreach (var id in _subjects)
        {
            var subject = new SubjectId(id);
            provider.GetRequiredService<IAcceptanceStore>().AppendAcceptanceAsync(new PolicyAcceptance(subject, policy, AcceptanceKind.Explicit, now, "sign-up"), default).AsTask().GetAwaiter().GetResult();
            provider.GetRequiredService<IConsentStore>().AppendAsync(new ConsentFact
            {
                FactId = Guid.NewGuid(),
                ConsentId = ConsentId.New(),
                Subject = subject,
                State = ConsentState.Given,
                RecordedAt = now,
                Policy = policy,
                Terms = new ConsentTerms
                {
                    Purposes = [new PurposeId(StandardPurposes.ServiceProvision)],
                    Categories = [new DataCategory(StandardDataCategories.Email), new DataCategory(StandardDataCategories.Name)],
                    Acts = [ProcessingAct.Collect],
                },
            }, default).AsTask().GetAwaiter().GetResult();
        }

        // Warm: the model, the query pipeline and every subject's cached state.
        SaveAsync(provider).GetAwaiter().GetResult();
        return provider;
    }
}

/// <summary>A log call with a classified e-mail parameter, with redaction enabled (HMAC) against without.</summary>
[MemoryDiagnoser]
[Config(typeof(DecisionBenchmarkConfig))]
public partial class RedactedLogBenchmarks
{
    private ILogger _plain = null!;
    private ILogger _redacted = null!;
    private ServiceProvider? _plainServices;
    private ServiceProvider? _redactedServices;

    [GlobalSetup]
    public void Setup()
    {
        _plainServices = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Information).AddProvider(new ReadingProvider())).BuildServiceProvider();
        var redacted = new ServiceCollection();
        redacted.AddLogging(l => l.SetMinimumLevel(LogLevel.Information).EnableRedaction().AddProvider(new ReadingProvider()));
        redacted.AddRedaction(r => r.SetPrivacyRedactors(o => o.HmacKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
        _redactedServices = redacted.BuildServiceProvider();
        _plain = _plainServices.GetRequiredService<ILoggerFactory>().CreateLogger("bench");
        _redacted = _redactedServices.GetRequiredService<ILoggerFactory>().CreateLogger("bench");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plainServices?.Dispose();
        _redactedServices?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void Log_unredacted() => SignedIn(_plain, "ann@example.test");

    [Benchmark]
    public void Log_redacted_hmac() => SignedIn(_redacted, "ann@example.test");

    [LoggerMessage(1, LogLevel.Information, "Signed in {Email}")]
    private static partial void SignedIn(ILogger logger, [EmailData] string email);

    // Reads every tag of the state, as a real sink would, so the redaction is not skipped.
    private sealed class ReadingProvider : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> tags)
            {
                for (var i = 0; i < tags.Count; i++)
                {
                    GC.KeepAlive(tags[i].Value);
                }
            }
        }

        public void Dispose()
        {
        }
    }
}

/// <summary>A context with one classified entity for the save benchmark.</summary>
public sealed class BenchShopContext(DbContextOptions<BenchShopContext> options) : DbContext(options)
{
    public DbSet<BenchAccount> Accounts => Set<BenchAccount>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<BenchAccount>(account =>
    {
        account.HasSubject(a => a.UserId);
        account.Property(a => a.Name).IsPersonalData(StandardDataCategories.Name);
    });
}

/// <summary>An account with two classified properties.</summary>
public sealed class BenchAccount
{
    public int Id { get; set; }

    public string UserId { get; set; } = string.Empty;

    [EmailData]
    public string? Email { get; set; }

    public string? Name { get; set; }
}
