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
/// </summary>
[MemoryDiagnoser]
[Config(typeof(DecisionBenchmarkConfig))]
public class RequirePrivacyBenchmarks
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.Services.AddPrivacyEnforcement(static options => options.UseStandardPolicy())
               .UseInMemoryStores()
               .ConfigureAuditTrail(static audit => audit.Mode = AuditTrailMode.Asynchronous)
               .AddAspNetCore();
        _app = builder.Build();

        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "bench-subject")], "bench"));
        _app.Use((context, next) =>
        {
            context.User = user;
            return next(context);
        });
        _app.MapGet("/bare", static () => TypedResults.Ok("contact"));
        _app.MapGet("/enforced", static () => TypedResults.Ok("contact"))
            .RequirePrivacy(ProcessingAct.Collect, StandardPurposes.ServiceProvision, StandardDataCategories.Email);
        await _app.StartAsync();

        var services = _app.Services;
        var subject = new SubjectId("bench-subject");
        var policy = services.GetRequiredService<IPolicyProvider>().Current.Version;
        await services.GetRequiredService<IPolicyAcceptanceService>().AcceptAsync(subject, policy.Version, policy.ContentHash, "bench", CancellationToken.None);
        await services.GetRequiredService<IConsentService>().GrantAsync(new ConsentRequest
        {
            Subject = subject, PolicyVersion = policy.Version, PolicyContentHash = policy.ContentHash,
            Purposes = [new PurposeId(StandardPurposes.ServiceProvision)], Categories = [new DataCategory(StandardDataCategories.Email)],
            Acts = [ProcessingAct.Collect], CollectionMethod = "bench",
        }, CancellationToken.None);

        _client = _app.GetTestClient();
        if ((await _client.GetAsync(new Uri("/enforced", UriKind.Relative))).StatusCode != System.Net.HttpStatusCode.OK)
        {
            throw new InvalidOperationException("The enforced endpoint must be permitted for the comparison to mean anything.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task<string> Bare() => await _client.GetStringAsync(new Uri("/bare", UriKind.Relative));

    [Benchmark]
    public async Task<string> RequirePrivacy() => await _client.GetStringAsync(new Uri("/enforced", UriKind.Relative));
}
