using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement.AspNetCore.Tests.TestHost;

/// <summary>
/// The small web application the endpoint tests run against, on the test server: in-memory stores, a fake clock, a
/// header-driven sign-in, endpoints with <c>.RequirePrivacy(...)</c>, an MVC controller with the attribute, and
/// <c>MapPrivacyEndpoints("/privacy")</c>.
/// </summary>
public sealed class PrivacyTestFactory : WebApplicationFactory<PrivacyTestFactory>
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    public PrivacyTestFactory()
    {
        // The test host has no project of its own to find a content root in: its output folder is the root.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_PRIVACY_ENFORCEMENT_ASPNETCORE_TESTS", AppContext.BaseDirectory);
    }

    public FakeTimeProvider Time { get; } = new(Start);

    internal InMemoryAuditSink Audit => Services.GetRequiredService<InMemoryAuditSink>();

    protected override IHostBuilder CreateHostBuilder() => Host.CreateDefaultBuilder()
        .ConfigureLogging(static logging => logging.ClearProviders())
        .ConfigureWebHost(web => web
            .ConfigureServices(services => TestApp.ConfigureServices(services, Time))
            .Configure(TestApp.Configure));

    /// <summary>A client signed in as <paramref name="subject"/>, its sign-in made <paramref name="signedInAgo"/> before now.</summary>
    public HttpClient SignedIn(string subject, TimeSpan? signedInAgo = null, bool authTimeClaim = true, bool nameIdentifierOnly = false)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(nameIdentifierOnly ? TestAuthentication.NameIdentifierHeader : TestAuthentication.SubjectHeader, subject);
        var at = Time.GetUtcNow() - (signedInAgo ?? TimeSpan.FromMinutes(1));
        client.DefaultRequestHeaders.Add(authTimeClaim ? TestAuthentication.AuthTimeHeader : TestAuthentication.IssuedHeader, at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        return client;
    }

    /// <summary>A client signed in as a service (<paramref name="clientId"/>), with no subject of its own.</summary>
    public HttpClient SignedInAsClient(string clientId)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(TestAuthentication.ClientHeader, clientId);
        return client;
    }

    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public PolicyVersion Policy => Services.GetRequiredService<IPolicyProvider>().Current.Version;

    /// <summary>Accepts the policy in force for <paramref name="subject"/>, as the privacy endpoint does.</summary>
    public async Task AcceptAsync(string subject) =>
        await Services.GetRequiredService<IPolicyAcceptanceService>().AcceptAsync(new SubjectId(subject), Policy.Version, Policy.ContentHash, "test#accept", CancellationToken.None);

    public async Task<ConsentResult> GrantAsync(string subject, string purpose, string[] categories, ProcessingAct[]? acts = null, string? recipient = null, RecipientKind? kind = null) =>
        await Services.GetRequiredService<IConsentService>().GrantAsync(new ConsentRequest
        {
            Subject = new SubjectId(subject), PolicyVersion = Policy.Version, PolicyContentHash = Policy.ContentHash,
            Purposes = [new PurposeId(purpose)], Categories = [.. categories.Select(static c => new DataCategory(c))],
            Acts = acts ?? [ProcessingAct.Collect, ProcessingAct.Use], CollectionMethod = "test",
            Recipient = recipient is null ? null : new RecipientId(recipient), RecipientKind = kind,
        }, CancellationToken.None);

    public static string NewSubject() => "user-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>An antiforgery token (and its cookie, kept by the client) for a form post by the client's user.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client)
    {
        var tokens = await client.GetFromJsonAsync<Dictionary<string, string>>("/test/antiforgery");
        return tokens!["token"];
    }
}

/// <summary>The test application itself.</summary>
internal static class TestApp
{
    public const string Partner = "partner-ads";
    public const string Courier = "courier";
    public const string Seller = "seller-9";
    public const string ElsewhereStore = "cheap-cloud";
    public const string ClientIdClaim = "client_id";

    public static readonly AccountsSource Accounts = new();

    public static void ConfigureServices(IServiceCollection services, TimeProvider time)
    {
        services.AddSingleton(time);
        // The standard policy with the shop's own recipients: a partner and a courier.
        var policy = StandardPolicy.CreateBuilder()
            .AddRecipient(Partner, RecipientKind.Partner, "Partner Ads")
            .AddRecipient(Courier, RecipientKind.ServiceProvider, "Courier")
            .Build();
        services.AddPrivacyEnforcement(options => options.UsePolicyDocument(policy))
                .UseInMemoryStores()
                .AddPersonalDataSource(Accounts)
                .AddAspNetCore(static options =>
                {
                    options.SubjectRightsPermitLimit = 2;
                    options.SubjectRightsWindow = TimeSpan.FromHours(1);
                    options.RecentAuthenticationWindow = TimeSpan.FromMinutes(5);
                    options.ControllerName = "Example Shop";
                    options.ControllerContact = "privacy@shop.example";

                    // This shop also reads the signal as an objection to its own marketing (a purpose subjects may object to).
                    options.GlobalPrivacyControlPurposes.Add(StandardPurposes.OwnMarketing);
                });
        services.AddAuthentication(TestAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthentication>(TestAuthentication.SchemeName, null);
        services.AddAuthorization();
        services.AddControllers().AddApplicationPart(typeof(TestApp).Assembly);
        services.AddRazorPages().AddApplicationPart(typeof(TestApp).Assembly);
        services.AddOpenApi();
        services.AddHealthChecks().AddPrivacyEnforcement();
    }

    public static void Configure(IApplicationBuilder app)
    {
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseEndpoints(static endpoints =>
        {
            endpoints.MapOpenApi();
            endpoints.MapHealthChecks("/health");
            endpoints.MapControllers();
            endpoints.MapRazorPages();
            endpoints.MapGet("/test/antiforgery", static (HttpContext context, IAntiforgery antiforgery) =>
                TypedResults.Ok(new Dictionary<string, string> { ["token"] = antiforgery.GetAndStoreTokens(context).RequestToken! }));

            endpoints.MapGet("/contact", Released)
                     .RequirePrivacy(ProcessingAct.Collect, StandardPurposes.ServiceProvision, StandardDataCategories.Email);
            endpoints.MapGet("/contact-details", Released)
                     .RequirePrivacy(ProcessingAct.Use, StandardPurposes.OwnMarketing, StandardDataCategories.Email, StandardDataCategories.Phone);
            endpoints.MapGet("/contact-both", Released)
                     .RequirePrivacy(ProcessingAct.Collect, StandardPurposes.ServiceProvision, StandardDataCategories.Email, StandardDataCategories.Phone);
            endpoints.MapGet("/unknown-category", Released)
                     .RequirePrivacy(ProcessingAct.Collect, StandardPurposes.ServiceProvision, "user.shoe_size");
            endpoints.MapGet("/unknown-purpose", Released)
                     .RequirePrivacy(ProcessingAct.Collect, "astrology", StandardDataCategories.Email);
            endpoints.MapPost("/share/partner", Released)
                     .RequirePrivacy(new Recipient(Partner, RecipientKind.Partner), StandardPurposes.PartnerMarketing, StandardDataCategories.Email);
            endpoints.MapPost("/share/unknown", Released)
                     .RequirePrivacy(new Recipient("nobody-knows", RecipientKind.UnrelatedThirdParty), StandardPurposes.PartnerMarketing, StandardDataCategories.Email);
            endpoints.MapPost("/sell/partner", Released)
                     .RequirePrivacy(new PrivacyRequirement(new Recipient(Partner, RecipientKind.Partner), new PurposeId(StandardPurposes.PartnerMarketing), [new DataCategory(StandardDataCategories.Email)]) { TransferKind = TransferKind.Sell });
            // The consent relied on comes from the request (a query parameter here; a form field or a lookup in a real shop).
            endpoints.MapPost("/share/partner-with-evidence", Released)
                     .RequirePrivacy(new PrivacyRequirement(new Recipient(Partner, RecipientKind.Partner), new PurposeId(StandardPurposes.PartnerMarketing), [new DataCategory(StandardDataCategories.Email)])
                     {
                         Evidence = static (context, _) => ValueTask.FromResult<DisclosureEvidence?>(
                             Guid.TryParse(context.Request.Query["consent"], out var id) ? new ConsentEvidence { ConsentId = new ConsentId(id) } : null),
                     });
            endpoints.MapPost("/ship/unknown", Released)
                     .RequirePrivacy(new Recipient("unknown-courier", RecipientKind.ServiceProvider), StandardPurposes.ServiceProvision, StandardDataCategories.Address);
            endpoints.MapPost("/ship", Released)
                     .RequirePrivacy(new Recipient(Courier, RecipientKind.ServiceProvider), StandardPurposes.ServiceProvision, StandardDataCategories.Address);

            // Endpoints about another subject than the signed-in user: a profile by id (read and edited by whoever asks),
            // and the courier's own call for a customer's address (the courier signs in as a client, with no subject).
            endpoints.MapGet("/users/{id}/email", Released)
                     .RequirePrivacy(new PrivacyRequirement(ProcessingAct.Use, new PurposeId(StandardPurposes.ServiceProvision), [new DataCategory(StandardDataCategories.Email)]) { Subject = RouteSubject });
            endpoints.MapPut("/users/{id}/email", Released)
                     .RequirePrivacy(new PrivacyRequirement(ProcessingAct.Edit, new PurposeId(StandardPurposes.ServiceProvision), [new DataCategory(StandardDataCategories.Email)]) { Subject = RouteSubject });
            endpoints.MapGet("/provider/customers/{id}/address", Released)
                     .RequirePrivacy(new PrivacyRequirement(ProcessingAct.Use, new PurposeId(StandardPurposes.ServiceProvision), [new DataCategory(StandardDataCategories.Address)])
                     {
                         Subject = RouteSubject,
                         Actor = static (context, _) => context.User.FindFirst(ClientIdClaim) is { } client ? Actor.ThirdParty(new RecipientId(client.Value)) : Actor.Application,
                     });

            // store.location: this endpoint writes what it collects to a store another company runs.
            endpoints.MapPost("/collect/elsewhere", Released)
                     .RequirePrivacy(new PrivacyRequirement(ProcessingAct.Collect, new PurposeId(StandardPurposes.ServiceProvision), [new DataCategory(StandardDataCategories.Email)])
                     {
                         StoreOperator = new RecipientId(ElsewhereStore),
                     });

            // disclose.transaction: the seller of an order asks for the buyer's phone; the operator's approval is a query value.
            endpoints.MapPost("/orders/{order}/seller", Released)
                     .RequirePrivacy(new PrivacyRequirement(new Recipient(Seller, RecipientKind.TransactionCounterparty), new PurposeId(StandardPurposes.DisputeResolution), [new DataCategory(StandardDataCategories.Phone)])
                     {
                         Evidence = static (context, subject) => ValueTask.FromResult<DisclosureEvidence?>(OrderEvidence(context, subject, Seller)),
                     });
            endpoints.MapPost("/orders/{order}/partner", Released)
                     .RequirePrivacy(new PrivacyRequirement(new Recipient(Partner, RecipientKind.Partner), new PurposeId(StandardPurposes.DisputeResolution), [new DataCategory(StandardDataCategories.Phone)])
                     {
                         Evidence = static (context, subject) => ValueTask.FromResult<DisclosureEvidence?>(OrderEvidence(context, subject, Partner)),
                     });

            // The courier is sent what it asks for under its engagement: credentials, or contact details it was not engaged for.
            endpoints.MapPost("/ship/credentials", Released)
                     .RequirePrivacy(new Recipient(Courier, RecipientKind.ServiceProvider), StandardPurposes.ServiceProvision, StandardDataCategories.Password);
            endpoints.MapPost("/ship/email", Released)
                     .RequirePrivacy(new Recipient(Courier, RecipientKind.ServiceProvider), StandardPurposes.ServiceProvision, StandardDataCategories.Email);

            // An endpoint with a filter of its own and a JSON body: the decision comes before both.
            endpoints.MapPost("/contact/filtered", static (Dictionary<string, string> body, HttpContext context) => Released(context))
                     .AddEndpointFilter(static (invocation, next) =>
                     {
                         invocation.HttpContext.Response.Headers["X-Filter-Ran"] = "yes";
                         return next(invocation);
                     })
                     .RequirePrivacy(ProcessingAct.Collect, StandardPurposes.ServiceProvision, StandardDataCategories.Email);

            var group = endpoints.MapGroup("/grouped").RequirePrivacy(ProcessingAct.Collect, StandardPurposes.ServiceProvision, StandardDataCategories.Email);
            group.MapGet("/one", Released);

            // A host's own erasure: the package's recent sign-in check and its export/erase rate limit on the host's endpoint.
            endpoints.MapMethods("/host/erase", [HttpMethods.Get, HttpMethods.Post], static () => TypedResults.Ok(new { erased = true }))
                     .RequireRecentAuthentication()
                     .RequireRateLimiting(PrivacyRateLimiting.SubjectRightsPolicy);
            endpoints.MapGet("/host/recent", static async (HttpContext context) => await context.Response.WriteAsJsonAsync(new { recent = await context.HasRecentAuthenticationAsync() }));

            endpoints.MapPrivacyEndpoints("/privacy");
        });
    }

    private static ValueTask<SubjectId?> RouteSubject(HttpContext context) =>
        ValueTask.FromResult<SubjectId?>(context.Request.RouteValues["id"] is string id ? new SubjectId(id) : null);

    private static TransactionEvidence OrderEvidence(HttpContext context, SubjectId subject, string requestingParty) => new(
        (string)context.Request.RouteValues["order"]!,
        [subject.Value, requestingParty],
        requestingParty,
        Fulfilment.Full,
        context.Request.Query["approvedBy"] is { Count: 1 } approver ? new TransactionApproval(approver[0]!, []) : null);

    /// <summary>The handler: it answers only what the decision permitted, with the obligations it carries.</summary>
    public static IResult Released(HttpContext context)
    {
        var feature = context.GetPrivacyDecision();
        if (feature is null)
        {
            return TypedResults.Problem("no decision", statusCode: 500);
        }

        return TypedResults.Ok(new
        {
            outcome = feature.Decision.Outcome.ToString(),
            permitted = feature.Decision.PermittedCategories.Select(static c => c.Value).ToArray(),
            withheld = feature.Decision.WithheldCategories.Select(static c => c.Value).ToArray(),
            obligations = feature.Obligations.Select(static o => o.Kind.ToString()).ToArray(),
            gpc = feature.GlobalPrivacyControl,
            subjectResolved = feature.Subject is not null,
        });
    }
}

/// <summary>Sign-in from request headers: the subject (as <c>sub</c> or NameIdentifier) and when it signed in.</summary>
internal sealed class TestAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";
    public const string SubjectHeader = "X-Test-Subject";
    public const string NameIdentifierHeader = "X-Test-NameIdentifier";
    public const string AuthTimeHeader = "X-Test-AuthTime";
    public const string IssuedHeader = "X-Test-Issued";
    public const string ChallengeHeader = "X-Test-Challenge";
    public const string ClientHeader = "X-Test-Client";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var claims = new List<Claim>();
        if (Request.Headers.TryGetValue(SubjectHeader, out var subject))
        {
            claims.Add(new Claim("sub", subject.ToString()));
        }
        else if (Request.Headers.TryGetValue(NameIdentifierHeader, out var nameId))
        {
            claims.Add(new Claim(ClaimTypes.NameIdentifier, nameId.ToString()));
        }
        else if (Request.Headers.TryGetValue(ClientHeader, out var client))
        {
            // A service's own credentials (client credentials): a client id, no subject.
            claims.Add(new Claim(TestApp.ClientIdClaim, client.ToString()));
        }
        else
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (Request.Headers.TryGetValue(AuthTimeHeader, out var authTime))
        {
            claims.Add(new Claim("auth_time", authTime.ToString()));
        }

        var properties = new AuthenticationProperties();
        if (Request.Headers.TryGetValue(IssuedHeader, out var issued))
        {
            properties.IssuedUtc = DateTimeOffset.FromUnixTimeSeconds(long.Parse(issued.ToString(), System.Globalization.CultureInfo.InvariantCulture));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, properties, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var prompt = properties.GetParameter<string>("prompt");
        var maxAge = properties.GetParameter<TimeSpan>("max_age");
        Response.Headers[ChallengeHeader] = $"prompt={prompt};max_age={(int)maxAge.TotalSeconds};redirect={properties.RedirectUri}";
        return Task.CompletedTask;
    }
}
