using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Privacy.Enforcement.StandardDataCategories;

namespace Privacy.Enforcement.Tests.Decisions;

/// <summary>An enforcer over the standard policy (with a few declared recipients), in-memory stores, a fake clock and a recording audit trail.</summary>
internal sealed class EnforcerFixture : IDisposable
{
    public const string Courier = "courier";
    public const string Sister = "sister-co";
    public const string PartnerA = "partner-a";
    public const string PartnerB = "partner-b";
    public const string AdNetwork = "ad-network";
    public const string Court = "district-court";
    public const string Agency = "market-agency";
    public const string Respondent = "respondent-shop";
    public const string Seller = "seller-42";

    public static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly SubjectId Alice = new("alice");
    public static readonly SubjectId Bob = new("bob");
    public static readonly SubjectId Mallory = new("mallory");

    private readonly ServiceProvider _provider;

    public EnforcerFixture(bool auditDecisions = true, Action<IServiceCollection>? configure = null, FakeTimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider(Start);
        Catalog = new PolicyCatalog(CreatePolicy("1.0"));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IPolicyProvider>(Catalog);
        services.AddSingleton<IAuditTrail>(Audit);
        services.AddPrivacyEnforcement().UseInMemoryStores().ConfigureDecisions(o => o.AuditDecisions = auditDecisions);
        configure?.Invoke(services);
        _provider = services.BuildServiceProvider();
        Enforcer = _provider.GetRequiredService<IPrivacyEnforcer>();
        Cache = _provider.GetRequiredService<ISubjectStateCache>();
        Consents = _provider.GetRequiredService<IConsentStore>();
        Acceptances = _provider.GetRequiredService<IAcceptanceStore>();
        Engagements = _provider.GetRequiredService<IEngagementStore>();
        Violations = _provider.GetRequiredService<IViolationStore>();
    }

    public FakeTimeProvider Time { get; }

    public PolicyCatalog Catalog { get; }

    public RecordingAuditTrail Audit { get; } = new();

    public IPrivacyEnforcer Enforcer { get; }

    public ISubjectStateCache Cache { get; }

    public IConsentStore Consents { get; }

    public IAcceptanceStore Acceptances { get; }

    public IEngagementStore Engagements { get; }

    public IViolationStore Violations { get; }

    public IServiceProvider Services => _provider;

    public DateTimeOffset Now => Time.GetUtcNow();

    public static PublishedPolicy CreatePolicy(string version) => StandardPolicy.CreateBuilder()
        .WithVersion(version, Start.AddDays(-30))
        .AddRecipient(Courier, RecipientKind.ServiceProvider, "Courier")
        .AddRecipient(Sister, RecipientKind.Affiliate, "Sister company")
        .AddRecipient(PartnerA, RecipientKind.Partner, "Partner A")
        .AddRecipient(PartnerB, RecipientKind.Partner, "Partner B")
        .Publish();

    public ValueTask<PrivacyDecision> DecideAsync(PrivacyRequest request) => Enforcer.DecideAsync(request);

    public async Task AcceptAsync(SubjectId subject, AcceptanceKind kind = AcceptanceKind.Explicit, PolicyVersion? version = null)
    {
        await Acceptances.AppendAcceptanceAsync(new PolicyAcceptance(subject, version ?? Catalog.Current.Version, kind, Now.AddMinutes(-10), "sign-in"), default);
        Cache.Invalidate(subject);
    }

    public async Task<ConsentId> ConsentAsync(
        SubjectId subject,
        string purpose,
        string[] categories,
        ProcessingAct[] acts,
        string? recipient = null,
        RecipientKind? recipientKind = null,
        DateTimeOffset? at = null,
        DateTimeOffset? expiresAt = null,
        ConsentState state = ConsentState.Given)
    {
        var id = ConsentId.New();
        await AppendAsync(subject, id, state, at ?? Now.AddMinutes(-5), new ConsentTerms
        {
            Purposes = [new PurposeId(purpose)],
            Categories = [.. categories.Select(c => new DataCategory(c))],
            Acts = acts,
            Recipient = recipient is null ? null : new RecipientId(recipient),
            RecipientKind = recipientKind,
            ExpiresAt = expiresAt,
        });
        return id;
    }

    public async Task AppendAsync(SubjectId subject, ConsentId consent, ConsentState state, DateTimeOffset at, ConsentTerms? terms = null)
    {
        await Consents.AppendAsync(new ConsentFact
        {
            FactId = Guid.NewGuid(),
            ConsentId = consent,
            Subject = subject,
            State = state,
            RecordedAt = at,
            Policy = Catalog.Current.Version,
            Terms = terms,
        }, default);
        Cache.Invalidate(subject);
    }

    public async Task ObjectAsync(SubjectId subject, string purpose, ObjectionState state = ObjectionState.Raised)
    {
        await Acceptances.AppendObjectionAsync(new ObjectionFact(subject, new PurposeId(purpose), state, Now.AddMinutes(-1)), default);
        Cache.Invalidate(subject);
    }

    public async Task<ServiceEngagement> EngageAsync(SubjectId subject, string provider = Courier, string service = StandardServices.Delivery, DateTimeOffset? endsAt = null, params string[] categories)
    {
        var engagement = new ServiceEngagement
        {
            Id = EngagementId.New(),
            Provider = new RecipientId(provider),
            Service = new ServiceId(service),
            Subjects = [subject],
            Categories = [.. (categories.Length == 0 ? [Name, Phone, Address] : categories).Select(c => new DataCategory(c))],
            StartsAt = Now.AddDays(-1),
            EndsAt = endsAt,
        };
        await Engagements.CreateAsync(engagement, default);
        Cache.Invalidate(subject);
        return engagement;
    }

    public async Task TerminateAsync(ServiceEngagement engagement)
    {
        (await Engagements.TryUpdateAsync(engagement, engagement with { TerminatedAt = Now, TerminationReason = "contract ended" }, default)).Should().BeTrue();
        foreach (var subject in engagement.Subjects)
        {
            Cache.Invalidate(subject);
        }
    }

    public async Task<ViolationId> ViolationAsync(SubjectId violator, ViolationStatus status = ViolationStatus.Confirmed, ViolationKind kind = ViolationKind.AgreementViolation)
    {
        var id = ViolationId.New();
        await Violations.CreateAsync(new Violation
        {
            Id = id,
            Kind = kind,
            Violator = violator,
            EvidenceReference = "case-1",
            RelevantCategories = [new DataCategory(Name), new DataCategory(Email)],
            Status = status,
            ReportedAt = Now.AddDays(-2),
            DecidedAt = status == ViolationStatus.Reported ? null : Now.AddDays(-1),
        }, default);
        return id;
    }

    public async Task SanctionAsync(SubjectId subject)
    {
        var violation = await ViolationAsync(subject, ViolationStatus.Confirmed, ViolationKind.Harvesting);
        await Violations.AddSanctionAsync(new Sanction(subject, violation, SanctionKind.ServiceAgreementTerminated, Now.AddMinutes(-1)), default);
        Cache.Invalidate(subject);
    }

    public void Dispose() => _provider.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>An audit trail that keeps events in memory and can be told to fail.</summary>
internal sealed class RecordingAuditTrail : IAuditTrail
{
    private readonly List<AuditEvent> _events = [];

    public bool Fail { get; set; }

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
        if (Fail)
        {
            throw new AuditUnavailableException("The audit trail is unavailable (test).");
        }

        lock (_events)
        {
            _events.Add(auditEvent);
        }

        return ValueTask.CompletedTask;
    }
}
