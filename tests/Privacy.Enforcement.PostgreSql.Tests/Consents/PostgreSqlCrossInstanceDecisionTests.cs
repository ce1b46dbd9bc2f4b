using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;
using Xunit.Abstractions;

namespace Privacy.Enforcement.PostgreSql.Tests.Consents;

/// <summary>
/// Two application instances (service providers, each with its own decision cache) over one database: a withdrawal
/// acknowledged through one is honoured by the other's next decision once the change notification arrives.
/// </summary>
public sealed class PostgreSqlCrossInstanceDecisionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private readonly PostgresTestSchema _schema = new();
    private readonly List<ServiceProvider> _instances = [];

    [StoreFact]
    public async Task A_withdrawal_acknowledged_by_one_instance_denies_the_other_instances_next_decision()
    {
        var server = await PostgresServer.GetAsync();
        var a = await StartInstanceAsync(server);
        var b = await StartInstanceAsync(server);
        var lags = new List<double>();

        for (var round = 0; round < 5; round++)
        {
            var subject = StoreTestData.NewSubject();
            var (consent, request) = await CollectionConsent.GrantAsync(a, subject);

            // B decides first, so its cache holds the permitting state.
            (await b.GetRequiredService<IPrivacyEnforcer>().DecideAsync(request)).Outcome.Should().Be(DecisionOutcome.Permit);

            await a.GetRequiredService<IConsentService>().WithdrawAsync(subject, consent, CancellationToken.None);
            var acknowledged = Stopwatch.GetTimestamp();
            (await a.GetRequiredService<IPrivacyEnforcer>().DecideAsync(request)).Outcome.Should().Be(DecisionOutcome.Deny);

            // Bounded wait for B to hear of it; every decision it makes from then on denies.
            DecisionOutcome outcome;
            do
            {
                outcome = (await b.GetRequiredService<IPrivacyEnforcer>().DecideAsync(request)).Outcome;
                if (outcome == DecisionOutcome.Deny)
                {
                    break;
                }

                await Task.Delay(2);
            }
            while (Stopwatch.GetElapsedTime(acknowledged) < Bound);

            lags.Add(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
            outcome.Should().Be(DecisionOutcome.Deny, "B must honour the withdrawal within {0}", Bound);
            (await b.GetRequiredService<IPrivacyEnforcer>().DecideAsync(request)).Outcome.Should().Be(DecisionOutcome.Deny);
        }

        lags.Sort();
        output.WriteLine($"withdrawal on A -> first Deny on B over {lags.Count} rounds: median {lags[lags.Count / 2]:F1} ms, max {lags[^1]:F1} ms (bound {Bound.TotalMilliseconds} ms)");
    }

    [StoreFact]
    public async Task FollowUp02_A_sanction_recorded_by_one_instance_denies_the_violators_next_request_on_the_other()
    {
        var server = await PostgresServer.GetAsync();
        var a = await StartInstanceAsync(server);
        var b = await StartInstanceAsync(server);

        var violator = StoreTestData.NewSubject();
        var (_, own) = await CollectionConsent.GrantAsync(a, violator);
        var acting = new CollectionRequest(violator, own.Categories, own.Purpose, Actor.User(violator));

        // B decides first, so its cache holds the violator's unsanctioned state.
        (await b.GetRequiredService<IPrivacyEnforcer>().DecideAsync(acting)).Outcome.Should().Be(DecisionOutcome.Permit);

        var violations = a.GetRequiredService<IViolationService>();
        var violation = await violations.ReportAsync(
            new ViolationReport { Kind = ViolationKind.Harvesting, Violator = violator, EvidenceReference = "case-1", AffectedSubjects = [StoreTestData.NewSubject()], RelevantCategories = own.Categories },
            CancellationToken.None);
        await violations.ConfirmAsync(violation.Id, CancellationToken.None);
        await violations.TerminateServiceAgreementAsync(violation.Id, CancellationToken.None);
        var acknowledged = Stopwatch.GetTimestamp();
        (await a.GetRequiredService<IPrivacyEnforcer>().DecideAsync(acting)).Outcome.Should().Be(DecisionOutcome.Deny);

        // Bounded wait for B to hear of it (the sanction's notification); it is not evicted meanwhile (the default bound holds it).
        PrivacyDecision decision;
        do
        {
            decision = await b.GetRequiredService<IPrivacyEnforcer>().DecideAsync(acting);
            if (decision.Outcome == DecisionOutcome.Deny)
            {
                break;
            }

            await Task.Delay(2);
        }
        while (Stopwatch.GetElapsedTime(acknowledged) < Bound);

        output.WriteLine($"sanction on A -> first Deny on B: {Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds:F1} ms (bound {Bound.TotalMilliseconds} ms)");
        decision.Outcome.Should().Be(DecisionOutcome.Deny, "B must honour the sanction within {0}", Bound);
        decision.ReasonClause.Should().Be(ClauseIds.UseViolatorTermination);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            foreach (var hosted in instance.GetServices<IHostedService>())
            {
                await hosted.StopAsync(CancellationToken.None);
            }

            await instance.DisposeAsync();
        }

        await _schema.DisposeAsync();
    }

    private async Task<ServiceProvider> StartInstanceAsync(PostgresServer server)
    {
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));

        // Decisions are not audited here, so the lag measured is the notification's alone (the shared trail: PostgreSqlSharedAuditTrailTests).
        services.AddPrivacyEnforcement()
            .UsePostgreSql(server.ConnectionString, o => o.Schema = _schema.Schema)
            .ConfigureDecisions(o => o.AuditDecisions = false);
        var instance = services.BuildServiceProvider();
        _instances.Add(instance);
        foreach (var hosted in instance.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return instance;
    }
}
