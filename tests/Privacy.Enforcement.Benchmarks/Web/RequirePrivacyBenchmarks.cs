using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Privacy.Enforcement.Benchmarks.Decisions;

namespace Privacy.Enforcement.Benchmarks.Web;

/// <summary>
/// One GET through the test server: the same minimal API endpoint with <c>.RequirePrivacy(...)</c> (the subject
/// accepted the policy and consented; audit asynchronous) against the bare endpoint, in the same run. Both go through
/// the same pipeline (a middleware signs the subject in), so the ratio is what the privacy filter adds: subject
/// resolution, the decision on cached state, the audit enqueue and the feature. Target: at most 1.2× the baseline.
/// A third variant runs the same enforced endpoint in a second host whose decisions are not audited, which separates
/// the gate's own cost (resolution, decision, feature) from the audit event's.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(DecisionBenchmarkConfig))]
public class RequirePrivacyBenchmarks
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private WebApplication _unauditedApp = null!;
    private HttpClient _unauditedClient = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        (_app, _client) = await StartAsync(audited: true);
        (_unauditedApp, _unauditedClient) = await StartAsync(audited: false);
    }

    private static async Task<(WebApplication App, HttpClient Client)> StartAsync(bool audited)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.Services.AddPrivacyEnforcement(static options => options.UseStandardPolicy())
               .UseInMemoryStores()
               .ConfigureAuditTrail(static audit => audit.Mode = AuditTrailMode.Asynchronous)
               .ConfigureDecisions(decisions => decisions.AuditDecisions = audited)
               .AddAspNetCore();
        var app = builder.Build();

        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "bench-subject")], "bench"));
        app.Use((context, next) =>
        {
            context.User = user;
            return next(context);
        });
        app.MapGet("/bare", static () => TypedResults.Ok("contact"));
        app.MapGet("/enforced", static () => TypedResults.Ok("contact"))
            .RequirePrivacy(ProcessingAct.Collect, StandardPurposes.ServiceProvision, StandardDataCategories.Email);
        await app.StartAsync();

        var services = app.Services;
        var subject = new SubjectId("bench-subject");
        var policy = services.GetRequiredService<IPolicyProvider>().Current.Version;
        await services.GetRequiredService<IPolicyAcceptanceService>().AcceptAsync(subject, policy.Version, policy.ContentHash, "bench", CancellationToken.None);
        await services.GetRequiredService<IConsentService>().GrantAsync(new ConsentRequest
        {
            Subject = subject, PolicyVersion = policy.Version, PolicyContentHash = policy.ContentHash,
            Purposes = [new PurposeId(StandardPurposes.ServiceProvision)], Categories = [new DataCategory(StandardDataCategories.Email)],
            Acts = [ProcessingAct.Collect], CollectionMethod = "bench",
        }, CancellationToken.None);

        var client = app.GetTestClient();
        if ((await client.GetAsync(new Uri("/enforced", UriKind.Relative))).StatusCode != System.Net.HttpStatusCode.OK)
        {
            throw new InvalidOperationException("The enforced endpoint must be permitted for the comparison to mean anything.");
        }

        return (app, client);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var (app, client) in new[] { (_app, _client), (_unauditedApp, _unauditedClient) })
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<string> Bare() => await _client.GetStringAsync(new Uri("/bare", UriKind.Relative));

    [Benchmark]
    public async Task<string> RequirePrivacy() => await _client.GetStringAsync(new Uri("/enforced", UriKind.Relative));

    /// <summary>The same enforced endpoint with decisions not audited: the gate's own cost.</summary>
    [Benchmark]
    public async Task<string> RequirePrivacyAuditOff() => await _unauditedClient.GetStringAsync(new Uri("/enforced", UriKind.Relative));
}
