using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement.Tool.Testing;

/// <summary>
/// The real enforcer and services over in-memory stores, with the policy under test and a clock the suite moves: the
/// facts are recorded through the public services at their own times, as a host would record them.
/// </summary>
internal sealed class SuiteEnvironment : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private SuiteEnvironment(ServiceProvider provider, SuiteClock clock)
    {
        _provider = provider;
        Clock = clock;
    }

    public SuiteClock Clock { get; }

    public IServiceProvider Services => _provider;

    public IPrivacyEnforcer Enforcer => _provider.GetRequiredService<IPrivacyEnforcer>();

    public SuiteIds Ids { get; } = new();

    public static SuiteEnvironment Create(PublishedPolicy policy, DateTimeOffset clock)
    {
        var time = new SuiteClock(clock);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IPolicyProvider>(new PolicyCatalog(policy));
        services.AddSingleton<IAuditTrail, DiscardingAuditTrail>();
        services.AddPrivacyEnforcement().UseInMemoryStores().ConfigureDecisions(o => o.AuditDecisions = false);
        return new SuiteEnvironment(services.BuildServiceProvider(), time);
    }

    /// <summary>Records the facts in the order they happened, each at its own time (and its later withdrawal, lift or end at that time).</summary>
    public async Task ApplyAsync(IReadOnlyList<SuiteFact> facts, DateTimeOffset clock, CancellationToken cancellationToken)
    {
        var steps = new List<(DateTimeOffset At, int Order, string Path, Func<Task> Step)>();
        foreach (var fact in facts)
        {
            foreach (var (at, step) in Steps(fact, cancellationToken))
            {
                steps.Add((at, steps.Count, fact.Path, step));
            }
        }

        foreach (var (at, _, path, step) in steps.OrderBy(s => s.At).ThenBy(s => s.Order))
        {
            Clock.Now = at;
            try
            {
                await step().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
            {
                throw new Output.ToolException($"{path}: the library refused this fact: {ex.Message}", ex);
            }
        }

        Clock.Now = clock;
    }

    private IEnumerable<(DateTimeOffset At, Func<Task> Step)> Steps(SuiteFact fact, CancellationToken token)
    {
        switch (fact)
        {
            case AcceptanceFact acceptance:
                // The version in force when the subject accepted.
                yield return (fact.At, async () =>
                {
                    var current = Service<IPolicyProvider>().Current.Version;
                    await Service<IPolicyAcceptanceService>().AcceptAsync(acceptance.Subject, current.Version, current.ContentHash, "decision-suite", token).ConfigureAwait(false);
                });
                break;
            case PublicationFact publication:
                yield return (fact.At, async () => await Service<IPolicyChangeService>().PublishAsync(publication.Document, token).ConfigureAwait(false));
                break;
            case GrantFact grant:
                yield return (fact.At, async () =>
                {
                    // Given under the version in force at the time.
                    var current = Service<IPolicyProvider>().Current.Version;
                    var request = grant.Request with { PolicyVersion = current.Version, PolicyContentHash = current.ContentHash };
                    var consents = Service<IConsentService>();
                    var result = grant.Refused ? await consents.RefuseAsync(request, token).ConfigureAwait(false) : await consents.GrantAsync(request, token).ConfigureAwait(false);
                    if (grant.Name is { } name)
                    {
                        Ids.Consents[name] = result.ConsentId;
                    }
                });
                if (grant.WithdrawnAt is { } withdrawn)
                {
                    yield return (withdrawn, async () => await Service<IConsentService>().WithdrawAsync(grant.Request.Subject, Ids.Consents[grant.Name ?? string.Empty], token).ConfigureAwait(false));
                }

                break;
            case ObjectionFact objection:
                yield return (fact.At, async () => await Service<IObjectionService>().ObjectAsync(objection.Subject, objection.Purpose, token).ConfigureAwait(false));
                if (objection.LiftedAt is { } lifted)
                {
                    yield return (lifted, async () => await Service<IObjectionService>().LiftAsync(objection.Subject, objection.Purpose, token).ConfigureAwait(false));
                }

                break;
            case EngagementFact engagement:
                EngagementId id = default;
                yield return (fact.At, async () =>
                {
                    id = (await Service<IEngagementService>().EngageAsync(engagement.Request, token).ConfigureAwait(false)).Id;
                    if (engagement.Name is { } name)
                    {
                        Ids.Engagements[name] = id;
                    }
                });
                if (engagement.TerminatedAt is { } terminated)
                {
                    yield return (terminated, async () => await Service<IEngagementService>().TerminateAsync(id, "decision-suite", token).ConfigureAwait(false));
                }

                break;
            case ViolationFact violation:
                yield return (fact.At, async () =>
                {
                    var violations = Service<IViolationService>();
                    var reported = await violations.ReportAsync(violation.Report, token).ConfigureAwait(false);
                    if (violation.Name is { } name)
                    {
                        Ids.Violations[name] = reported.Id;
                    }

                    if (violation.Confirmed)
                    {
                        await violations.ConfirmAsync(reported.Id, token).ConfigureAwait(false);
                    }

                    if (violation.Terminated)
                    {
                        await violations.TerminateServiceAgreementAsync(reported.Id, token).ConfigureAwait(false);
                    }
                });
                break;
        }
    }

    private T Service<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
