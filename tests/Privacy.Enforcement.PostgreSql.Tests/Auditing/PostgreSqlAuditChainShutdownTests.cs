using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Relational;
using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.PostgreSql.Tests.Auditing;

/// <summary>
/// An instance whose container is disposed (no host stopping it first) still checkpoints its chain: the audit pipeline
/// stops before the database it writes through is closed, whatever the order the instance resolved its services in.
/// </summary>
public sealed class PostgreSqlAuditChainShutdownTests : IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    [StoreFact]
    public async Task A_container_disposed_after_deciding_first_writes_its_chains_last_checkpoint()
    {
        // The consent is granted through another instance, so this one resolves the enforcer (and its audit pipeline) first.
        var holder = await _schema.NewInstanceAsync(o => o.AuditChainPerInstance = true);
        var (_, request) = await CollectionConsent.GrantAsync(holder, new SubjectId("subject-" + Guid.NewGuid().ToString("N")));
        var services = new ServiceCollection();
        var log = new Capture();
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(log);
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Logger<>));
        services.AddPrivacyEnforcement().UsePostgreSql(_schema.ConnectionString, o => { o.Schema = _schema.Schema; o.AuditChainPerInstance = true; });
        var instance = services.BuildServiceProvider();
        for (var d = 0; d < 4; d++)
        {
            (await instance.GetRequiredService<IPrivacyEnforcer>().DecideAsync(request)).Outcome.Should().Be(DecisionOutcome.Permit);
        }

        instance.GetRequiredService<RelationalAuditChain>().Chain.Should().Be(1);
        await instance.DisposeAsync();
        var checkpoints = new List<AuditCheckpoint>();
        await foreach (var c in holder.GetRequiredService<IAuditChainedTrail>().ReadChainCheckpointsAsync(1, CancellationToken.None))
        {
            checkpoints.Add(c);
        }

        checkpoints.Select(c => c.Size).Should().Equal([4L], "the last checkpoint is written when the pipeline stops; the log says: {0}", string.Join(" | ", log.Lines));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();

    private sealed class Capture : Microsoft.Extensions.Logging.ILoggerFactory, Microsoft.Extensions.Logging.ILogger
    {
        public List<string> Lines { get; } = [];

        public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider) { }

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;

        public void Dispose() { }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception) + " " + exception);
            }
        }
    }
}
