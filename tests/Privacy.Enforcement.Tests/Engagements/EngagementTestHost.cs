using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Engagements;

/// <summary>
/// A service provider wired like a host's (<c>AddPrivacyEnforcement().UseInMemoryStores()</c>) with a fake clock, a
/// small policy, a recording audit trail, cache and end handler. Stores can be shared between hosts to simulate a restart.
/// </summary>
internal sealed class EngagementTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly RecipientId Mailer = new("acme-mail");
    public static readonly RecipientId Sister = new("sister-co");
    public static readonly RecipientId Partner = new("partner-x");
    public static readonly ServiceId Newsletter = new("newsletter");
    public static readonly DataCategory Email = new(StandardDataCategories.Email);
    public static readonly DataCategory Phone = new(StandardDataCategories.Phone);
    public static readonly DataCategory Name = new(StandardDataCategories.Name);
    public static readonly SubjectId Alice = new("alice");
    public static readonly SubjectId Bob = new("bob");

    private readonly ServiceProvider _provider;

    public EngagementTestHost(
        FakeTimeProvider? time = null,
        InMemoryEngagementStore? engagements = null,
        InMemoryViolationStore? violations = null,
        RecordingAuditTrail? audit = null,
        Action<IServiceCollection>? configure = null)
    {
        Time = time ?? new FakeTimeProvider(Epoch);
        Audit = audit ?? new RecordingAuditTrail();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<IPolicyProvider>(new PolicyCatalog(PublishedPolicy.Create(TestPolicy)));
        // The recorder forwards to the enforcer's own cache, so decisions see every invalidation the services make.
        services.AddSingleton<ISubjectStateCache>(sp => Cache.Attach(sp.GetRequiredService<SubjectStateCache>()));
        services.AddSingleton<IEngagementEndHandler>(Handler);
        services.AddPrivacyEnforcement().UseInMemoryStores();

        // A recording trail instead of the pipeline, so tests read the events back and can make the trail fail.
        services.Replace(ServiceDescriptor.Singleton<IAuditTrail>(Audit));
        services.Replace(ServiceDescriptor.Singleton<IAuditTrailReader>(Audit));
        if (engagements is not null)
        {
            services.AddSingleton<IEngagementStore>(engagements);
        }

        if (violations is not null)
        {
            services.AddSingleton<IViolationStore>(violations);
        }

        configure?.Invoke(services);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The standard policy with the host's recipients and a newsletter service, as a host would publish it.</summary>
    public static PolicyDocument TestPolicy { get; } = StandardPolicy.CreateBuilder()
        .AddRecipient(Mailer.Value, RecipientKind.ServiceProvider, "Acme Mail")
        .AddRecipient(Sister.Value, RecipientKind.Affiliate, "Sister Co")
        .AddRecipient(Partner.Value, RecipientKind.Partner, "Partner X")
        .AddService(Newsletter.Value, [Email.Value], [Mailer.Value, Sister.Value], "Sending the newsletter the user subscribed to")
        .Build();

    public FakeTimeProvider Time { get; }

    public RecordingAuditTrail Audit { get; }

    public RecordingCache Cache { get; } = new();

    public RecordingEndHandler Handler { get; } = new();

    public IServiceProvider Services => _provider;

    public IEngagementService Engagements => _provider.GetRequiredService<IEngagementService>();

    public IViolationService Violations => _provider.GetRequiredService<IViolationService>();

    public IPrivacyEnforcer Enforcer => _provider.GetRequiredService<IPrivacyEnforcer>();

    public IEngagementStore EngagementStore => _provider.GetRequiredService<IEngagementStore>();

    public IViolationStore ViolationStore => _provider.GetRequiredService<IViolationStore>();

    public EngagementEndMonitor Monitor => _provider.GetServices<IHostedService>().OfType<EngagementEndMonitor>().Single();

    /// <summary>A request engaging the mailer for Alice's e-mail, one hour from now.</summary>
    public EngagementRequest MailerForAlice(TimeSpan? duration = null) => new()
    {
        Provider = Mailer,
        Service = Newsletter,
        Subjects = [Alice],
        Categories = [Email],
        EndsAt = Time.GetUtcNow() + (duration ?? TimeSpan.FromHours(1)),
    };

    /// <summary>Records the subject's explicit acceptance of the policy in force (<c>intro.acceptance</c>).</summary>
    public async Task AcceptPolicyAsync(SubjectId subject)
    {
        var policy = _provider.GetRequiredService<IPolicyProvider>().Current.Version;
        await _provider.GetRequiredService<IAcceptanceStore>().AppendAcceptanceAsync(
            new PolicyAcceptance(subject, policy, AcceptanceKind.Explicit, Time.GetUtcNow(), "sign-up"), CancellationToken.None);
        _provider.GetRequiredService<ISubjectStateCache>().Invalidate(subject);
    }

    public async Task<List<ServiceEngagement>> AllEngagementsAsync()
    {
        var result = new List<ServiceEngagement>();
        foreach (var provider in new[] { Mailer, Sister, Partner, new RecipientId("unknown-co") })
        {
            await foreach (var e in EngagementStore.GetByProviderAsync(provider, CancellationToken.None))
            {
                result.Add(e);
            }
        }

        return result;
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    internal sealed class RecordingAuditTrail : IAuditTrail, IAuditTrailReader
    {
        private readonly List<AuditEvent> _events = [];

        public Exception? FailWith { get; set; }

        public IReadOnlyList<AuditEvent> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public ValueTask RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
        {
            if (FailWith is { } failure)
            {
                throw failure;
            }

            lock (_events)
            {
                _events.Add(auditEvent with { Sequence = _events.Count + 1 });
            }

            return ValueTask.CompletedTask;
        }

        public async IAsyncEnumerable<AuditEvent> ReadAsync(long fromSequence, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var e in Events.Where(e => e.Sequence >= fromSequence))
            {
                await Task.Yield();
                yield return e;
            }
        }

        public ValueTask<AuditEvent?> ReadLastAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Events is [.., var last] ? last : null);
    }

    internal sealed class RecordingCache : ISubjectStateCache
    {
        private ISubjectStateCache? _inner;

        public ConcurrentQueue<SubjectId> Invalidated { get; } = new();

        public int InvalidatedAll;

        public RecordingCache Attach(ISubjectStateCache inner)
        {
            _inner = inner;
            return this;
        }

        public void Invalidate(SubjectId subject)
        {
            Invalidated.Enqueue(subject);
            _inner?.Invalidate(subject);
        }

        public void InvalidateAll()
        {
            Interlocked.Increment(ref InvalidatedAll);
            _inner?.InvalidateAll();
        }

        public void Clear()
        {
            Invalidated.Clear();
            Interlocked.Exchange(ref InvalidatedAll, 0);
        }
    }

    internal sealed class RecordingEndHandler : IEngagementEndHandler
    {
        private readonly SemaphoreSlim _received = new(0);

        public ConcurrentQueue<EngagementEndObligation> Obligations { get; } = new();

        public Exception? FailWith { get; set; }

        public ValueTask OnEngagementEndedAsync(EngagementEndObligation obligation, CancellationToken cancellationToken)
        {
            Obligations.Enqueue(obligation);
            _received.Release();
            return FailWith is { } failure ? ValueTask.FromException(failure) : ValueTask.CompletedTask;
        }

        /// <summary>Waits (real time, bounded) for the next obligation delivered by a background monitor.</summary>
        public Task<bool> WaitAsync() => _received.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
