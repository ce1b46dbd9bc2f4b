using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Privacy.Enforcement.Benchmarks.Throughput;

/// <summary>
/// Not a benchmark: one scenario run in a loop for a fixed time, for a profiler to record (<c>dotnet-trace collect --
/// dotnet Privacy.Enforcement.Benchmarks.dll profile SCENARIO SECONDS</c>). Scenarios: <c>async</c> (audited decisions,
/// asynchronous audit over a discarding sink, one caller), <c>durable-sqlite</c> / <c>durable-postgres</c> (64 closed-loop
/// callers, durable audit on the store), <c>cold-sqlite</c> / <c>cold-postgres</c> (cold decisions, audit off).
/// </summary>
internal static class ProfileLoop
{
    public const string Command = "profile";

    public static async Task RunAsync(string scenario, double seconds, TextWriter output)
    {
        var (store, cold, audit) = scenario switch
        {
            "async" => ((string?)null, false, (AuditTrailMode?)AuditTrailMode.Asynchronous),
            "durable-sqlite" => (BenchmarkStores.Sqlite, false, AuditTrailMode.Durable),
            "durable-postgres" => (BenchmarkStores.PostgreSql, false, AuditTrailMode.Durable),
            "cold-sqlite" => (BenchmarkStores.Sqlite, true, null),
            "cold-postgres" => (BenchmarkStores.PostgreSql, true, null),
            _ => throw new ArgumentException("Unknown scenario " + scenario, nameof(scenario)),
        };

        var callers = store is not null && !cold ? 64 : 1;
        var subjects = cold ? 2_000 : callers;
        BenchmarkStore? built = null;
        IPrivacyEnforcer enforcer;
        if (store is null)
        {
            var services = new ServiceCollection();
            services.AddSingleton<IPolicyProvider>(new PolicyCatalog(StandardPolicy.Published));
            services.AddSingleton<IAuditSink>(new Auditing.NullAuditSink());
            services.AddPrivacyEnforcement().UseInMemoryStores();
            services.Configure<AuditTrailOptions>(o => o.Mode = AuditTrailMode.Asynchronous);
            var provider = services.BuildServiceProvider();
            built = new BenchmarkStore("in-memory", string.Empty, provider);
            await SeedInMemoryAsync(provider);
            enforcer = provider.GetRequiredService<IPrivacyEnforcer>();
        }
        else
        {
            built = BenchmarkStores.Build(store, "profile", subjects, cold ? 5 : 1, b => b.ConfigureDecisions(o =>
            {
                o.AuditDecisions = audit is not null;
                o.MaxCachedSubjects = cold ? 1 : 100_000;
            }));
            enforcer = built.Enforcer;
        }

        var requests = Enumerable.Range(0, subjects).Select(BenchmarkStores.Request).ToArray();
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var counts = new long[callers];
        await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var i = caller;
            while (Stopwatch.GetTimestamp() < until)
            {
                for (var k = 0; k < 64; k++)
                {
                    await enforcer.DecideAsync(requests[i]).ConfigureAwait(false);
                    counts[caller]++;
                    if (cold)
                    {
                        i = (i + 1) % subjects;
                    }
                }
            }
        })));
        output.WriteLine($"{scenario}: {counts.Sum() / seconds:N0} decisions/s");
        await BenchmarkStores.StopAsync(built.Provider);
    }

    private static async Task SeedInMemoryAsync(IServiceProvider provider)
    {
        var subject = new SubjectId(BenchmarkStores.SubjectName(0));
        var policy = StandardPolicy.Published.Version;
        var at = TimeProvider.System.GetUtcNow().AddMinutes(-1);
        await provider.GetRequiredService<IAcceptanceStore>().AppendAcceptanceAsync(new PolicyAcceptance(subject, policy, AcceptanceKind.Explicit, at, "sign-up"), default);
        await provider.GetRequiredService<IConsentStore>().AppendAsync(new ConsentFact
        {
            FactId = Guid.NewGuid(),
            ConsentId = ConsentId.New(),
            Subject = subject,
            State = ConsentState.Given,
            RecordedAt = at,
            Policy = policy,
            Terms = new ConsentTerms { Purposes = [new PurposeId(StandardPurposes.ServiceProvision)], Categories = [new DataCategory(StandardDataCategories.Email)], Acts = [ProcessingAct.Collect] },
        }, default);
    }
}
