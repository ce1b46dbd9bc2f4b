using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Privacy.Enforcement.Benchmarks.Decisions;

/// <summary>An enforcer on in-memory stores with its hosted services started, the subject's consents and acceptance stored.</summary>
internal static class BenchmarkEnforcer
{
    /// <param name="audit">The audit mode, or <see langword="null"/> for audit off.</param>
    /// <param name="sink">The sink under the library's audit pipeline (sequence, hash chain, group commit).</param>
    /// <param name="subject">The subject whose consents are stored.</param>
    /// <param name="consents">Its consents to collect: category and purpose.</param>
    /// <param name="queueCapacity">The audit queue's capacity.</param>
    public static (ServiceProvider Provider, IPrivacyEnforcer Enforcer) Create(
        AuditTrailMode? audit, IAuditSink sink, string subject, IEnumerable<(string Category, string Purpose)> consents, int queueCapacity = 65_536)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IPolicyProvider>(new PolicyCatalog(StandardPolicy.Published));
        services.AddSingleton(sink);
        services.AddPrivacyEnforcement()
            .UseInMemoryStores()
            .ConfigureDecisions(o => o.AuditDecisions = audit is not null);
        services.Configure<AuditTrailOptions>(o =>
        {
            o.Mode = audit ?? AuditTrailMode.Asynchronous;
            o.QueueCapacity = queueCapacity;
        });
        var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            hosted.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        var id = new SubjectId(subject);
        var policy = StandardPolicy.Published.Version;
        var now = TimeProvider.System.GetUtcNow().AddMinutes(-1);
        provider.GetRequiredService<IAcceptanceStore>().AppendAcceptanceAsync(new PolicyAcceptance(id, policy, AcceptanceKind.Explicit, now, "sign-up"), default).AsTask().GetAwaiter().GetResult();
        var store = provider.GetRequiredService<IConsentStore>();
        foreach (var (category, purpose) in consents)
        {
            store.AppendAsync(new ConsentFact
            {
                FactId = Guid.NewGuid(),
                ConsentId = ConsentId.New(),
                Subject = id,
                State = ConsentState.Given,
                RecordedAt = now,
                Policy = policy,
                Terms = new ConsentTerms { Purposes = [new PurposeId(purpose)], Categories = [new DataCategory(category)], Acts = [ProcessingAct.Collect] },
            }, default).AsTask().GetAwaiter().GetResult();
        }

        return (provider, provider.GetRequiredService<IPrivacyEnforcer>());
    }

    /// <summary>Stops the provider's hosted services (the audit writer writes what is queued) and disposes it.</summary>
    public static void Stop(ServiceProvider provider)
    {
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            hosted.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        provider.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
