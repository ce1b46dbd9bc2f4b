using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Privacy.Enforcement.Tests.SubjectRights;

/// <summary>The library wired with in-memory stores, two working sources (one an affiliate's) and one that can fail.</summary>
internal sealed class SubjectRightsFixture : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _provider;

    public SubjectRightsFixture(Action<PrivacyEnforcementBuilder>? configure = null, bool realAuditTrail = false)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<ISubjectStateCache>(Cache);
        var builder = services.AddPrivacyEnforcement()
            .UseInMemoryStores()
            .ConfigureSubjectRights(o =>
            {
                o.ResponsePeriod = TimeSpan.FromDays(15);
                o.Affiliates.Add("affiliate.crm");
            })
            .AddPersonalDataSource(Accounts)
            .AddPersonalDataSource(Crm)
            .AddPersonalDataSource(Files);
        configure?.Invoke(builder);
        if (!realAuditTrail)
        {
            // Most tests read the events as recorded; one runs the real hash-chained pipeline.
            services.Replace(ServiceDescriptor.Singleton<IAuditTrail>(Audit));
            services.Replace(ServiceDescriptor.Singleton<IAuditTrailReader>(Audit));
        }

        _provider = services.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public RecordingAuditTrail Audit { get; } = new();

    public RecordingStateCache Cache { get; } = new();

    public TestPersonalDataSource Accounts { get; } = new("accounts", DataSourceOperator.Application, "user.authorization", "user.contact.email");

    public TestPersonalDataSource Crm { get; } = new("crm", DataSourceOperator.Affiliate("affiliate.crm"), "user.contact.phone_number", "user.profile");

    public TestPersonalDataSource Files { get; } = new("files", DataSourceOperator.Application, "user.content");

    public IServiceProvider Services => _provider;

    public ISubjectRightsService Rights => _provider.GetRequiredService<ISubjectRightsService>();

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public void Dispose() => _provider.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
