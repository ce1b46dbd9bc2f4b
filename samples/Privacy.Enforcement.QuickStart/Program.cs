using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Privacy.Enforcement;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Policies;

var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = args });
var database = Path.Combine(Path.GetTempPath(), $"privacy-quick-start-{Guid.NewGuid():N}.db");
builder.Services.AddPrivacyEnforcement(options => options.UseStandardPolicy())   // or a JSON policy document
                .UseSqlite($"Data Source={database}");                             // or .UsePostgreSql(connectionString)
using var host = builder.Build();
await host.StartAsync();                                                           // creates the schema, starts the audit trail
var services = host.Services;
var ct = CancellationToken.None;

// Sign-up: the subject accepts the policy version it was shown and consents to the collection of its e-mail.
var subject = new SubjectId("user-42");
var policy = services.GetRequiredService<IPolicyProvider>().Current.Version;     // standard@1.0 here
await services.GetRequiredService<IPolicyAcceptanceService>().AcceptAsync(subject, policy.Version, policy.ContentHash, "signup-form#accept", ct);
var consents = services.GetRequiredService<IConsentService>();
var email = new DataCategory(StandardDataCategories.Email);
var serviceProvision = new PurposeId(StandardPurposes.ServiceProvision);
var consent = await consents.GrantAsync(new ConsentRequest
{
    Subject = subject, PolicyVersion = policy.Version, PolicyContentHash = policy.ContentHash,
    Purposes = [serviceProvision], Categories = [email], Acts = [ProcessingAct.Collect], CollectionMethod = "signup-form",
}, ct);

// Ask before collecting: permitted under the consent, denied by the very next decision after its withdrawal.
var enforcer = services.GetRequiredService<IPrivacyEnforcer>();
var collectEmail = new CollectionRequest(subject, [email], serviceProvision);
Print("with consent", await enforcer.DecideAsync(collectEmail, ct));
await consents.WithdrawAsync(subject, consent.ConsentId, ct);
Print("after withdrawal", await enforcer.DecideAsync(collectEmail, ct));
await host.StopAsync();

static void Print(string when, PrivacyDecision decision) => Console.WriteLine(
    $"{when}: {decision.Outcome}; clauses [{string.Join(", ", decision.Clauses)}]; reasons [{string.Join(", ", decision.Reasons.Select(r => r.Reason))}]");
