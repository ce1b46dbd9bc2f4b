using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Privacy.Enforcement.Benchmarks.Decisions;

/// <summary>
/// One collection decision (<c>collect.consent</c>: e-mail for service provision, consent given) four ways: a bare
/// hand-written check (two dictionary lookups), ASP.NET Core <c>IAuthorizationService.AuthorizeAsync</c> with a
/// requirement handler doing the same check, the library on cached state with audit off, and with audit on (the
/// library's audit pipeline over its audit pipeline, asynchronous mode and durable mode).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(DecisionBenchmarkConfig))]
public class DecisionBenchmarks
{
    private const string Subject = "subject-000042";
    private const string Category = StandardDataCategories.Email;
    private const string Purpose = StandardPurposes.ServiceProvision;

    private readonly Dictionary<string, HashSet<(string Category, string Purpose)>> _consents = new(StringComparer.Ordinal);
    private readonly ClaimsPrincipal _user = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], "benchmark"));
    private readonly List<ServiceProvider> _providers = [];
    private ConsentCheckRequirement _requirement = null!;
    private IAuthorizationService _authorization = null!;
    private IPrivacyEnforcer _auditOff = null!;
    private IPrivacyEnforcer _auditAsynchronous = null!;
    private IPrivacyEnforcer _auditDurable = null!;
    private CollectionRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        _consents[Subject] = [(StandardDataCategories.Phone, Purpose), (Category, Purpose), (StandardDataCategories.Name, StandardPurposes.OwnMarketing)];
        _requirement = new ConsentCheckRequirement(Category, Purpose);
        var authorization = new ServiceCollection()
            .AddLogging()
            .AddAuthorizationCore()
            .AddSingleton<IAuthorizationHandler>(new ConsentCheckHandler(_consents))
            .BuildServiceProvider();
        _providers.Add(authorization);
        _authorization = authorization.GetRequiredService<IAuthorizationService>();

        _request = new CollectionRequest(new SubjectId(Subject), [new DataCategory(Category)], new PurposeId(Purpose));
        _auditOff = CreateEnforcer(audit: null);
        _auditAsynchronous = CreateEnforcer(AuditTrailMode.Asynchronous);
        _auditDurable = CreateEnforcer(AuditTrailMode.Durable);
        if (!Bare() || !Library() || !LibraryAuditAsynchronous() || !LibraryAuditDurable() || !AuthorizeAsync().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("Every variant must permit the request it measures.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var provider in _providers)
        {
            BenchmarkEnforcer.Stop(provider);
        }
    }

    [Benchmark(Baseline = true, Description = "bare check (2 dictionary lookups)")]
    public bool Bare() => _consents.TryGetValue(Subject, out var granted) && granted.Contains((Category, Purpose));

    [Benchmark(Description = "ASP.NET Core AuthorizeAsync")]
    public async Task<bool> AuthorizeAsync() => (await _authorization.AuthorizeAsync(_user, Subject, _requirement).ConfigureAwait(false)).Succeeded;

    [Benchmark(Description = "library, cached state, audit off")]
    public bool Library() => Permitted(_auditOff.DecideAsync(_request));

    [Benchmark(Description = "library, audit on (audit pipeline, asynchronous)")]
    public bool LibraryAuditAsynchronous() => Permitted(_auditAsynchronous.DecideAsync(_request));

    [Benchmark(Description = "library, audit on (audit pipeline, durable)")]
    public bool LibraryAuditDurable() => Permitted(_auditDurable.DecideAsync(_request));

    private static bool Permitted(ValueTask<PrivacyDecision> pending) =>
        (pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult()).IsPermitted;

    private IPrivacyEnforcer CreateEnforcer(AuditTrailMode? audit)
    {
        var (provider, enforcer) = BenchmarkEnforcer.Create(audit, new Auditing.NullAuditSink(), Subject, _consents[Subject]);
        _providers.Add(provider);
        return enforcer;
    }
}
