using Microsoft.EntityFrameworkCore;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.EntityFrameworkCore;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.SubjectRights;
using Privacy.Enforcement.Violations;
using Privacy.Enforcement.WebSample.Profiles;

namespace Privacy.Enforcement.WebSample.Demo;

/// <summary>
/// Fills a new database with the demo's world, once: the customers' profiles, a delivery provider engaged for every
/// customer, a tax legal hold on Alice's order history, and Mallory's confirmed harvesting violation. It starts after
/// the library's own hosted services, which create the schema and start the audit trail. The customers sign up as on
/// a real shop: their profiles and first orders are saved through the privacy interceptor as a collection for service
/// provision, decided and audited like any other write.
/// </summary>
internal sealed partial class DemoSeeder(
    IServiceScopeFactory scopes,
    IPolicyProvider policies,
    IPolicyAcceptanceService acceptances,
    IConsentService consents,
    IEngagementService engagements,
    ISubjectRightsService rights,
    IViolationService violations,
    TimeProvider time,
    ILogger<DemoSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CenterDb>();
            await db.Database.EnsureCreatedAsync(cancellationToken);
            if (await db.Seeds.AnyAsync(s => s.Name == SeedName, cancellationToken))
            {
                return;
            }

            // Signing up: the customer accepts the policy and consents to giving their name and contact details to run the
            // service (intro.acceptance, collect.consent); then the profile and first order are collected for service
            // provision, a decision the interceptor makes and audits before anything is written.
            foreach (var user in DemoUsers.Customers)
            {
                await SignUpAsync(user, cancellationToken);
            }

            using (PrivacyScope.Begin(new PurposeId(StandardPurposes.ServiceProvision)))
            {
                foreach (var user in DemoUsers.Customers)
                {
                    db.Profiles.Add(new CustomerProfile { UserId = user.Id, Name = user.DisplayName, Email = user.Email, Address = $"{user.Id.Length} Sample Street, Springfield" });
                    db.Orders.Add(new CustomerOrder { UserId = user.Id, Reference = $"order-{user.Id}-1001" });
                }

                db.Seeds.Add(new SeedMarker { Name = SeedName });
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        await engagements.EngageAsync(
            new EngagementRequest
            {
                Provider = new RecipientId(CenterPolicy.DeliveryProvider),
                Service = new ServiceId(StandardServices.Delivery),
                AllSubjects = true,
                Categories = [new(StandardDataCategories.Name), new(StandardDataCategories.Address)],
                EndsAt = time.GetUtcNow().AddDays(90),
            },
            cancellationToken);

        await rights.PlaceLegalHoldAsync(
            DemoUsers.Alice.Subject, "tax-retention-2026", "invoices are kept for ten years under tax law", [new(StandardDataCategories.PurchaseHistory)], cancellationToken);

        var violation = await violations.ReportAsync(
            new ViolationReport
            {
                Kind = ViolationKind.Harvesting,
                Violator = DemoUsers.Mallory.Subject,
                EvidenceReference = "abuse-ticket-7",
                AffectedSubjects = [DemoUsers.Bob.Subject],
                RelevantCategories = [new(StandardDataCategories.Email)],
            },
            cancellationToken);
        await violations.ConfirmAsync(violation.Id, cancellationToken);
        LogSeeded(logger, DemoUsers.Customers.Count);
    }

    private async Task SignUpAsync(DemoUser user, CancellationToken cancellationToken)
    {
        // A start that stopped between the sign-up and the save finds the acceptance and consent already on record.
        if ((await acceptances.GetStatusAsync(user.Subject, cancellationToken)).HasAcceptedCurrent)
        {
            return;
        }

        var version = policies.Current.Version;
        await acceptances.AcceptAsync(user.Subject, version.Version, version.ContentHash, "sign-up", cancellationToken);
        await consents.GrantAsync(
            new ConsentRequest
            {
                Subject = user.Subject,
                PolicyVersion = version.Version,
                PolicyContentHash = version.ContentHash,
                Purposes = [new(StandardPurposes.ServiceProvision)],
                Categories = [new(StandardDataCategories.Name), new(StandardDataCategories.Email), new(StandardDataCategories.Address)],
                Acts = [ProcessingAct.Collect],
                CollectionMethod = "sign-up",
                Notice = $"privacy-policy#{ClauseIds.CollectConsent}",
                Language = "en",
            },
            cancellationToken);
    }

    private const string SeedName = "demo-world-1";

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo world created: {Customers} customers, one delivery engagement, one legal hold, one violation")]
    private static partial void LogSeeded(ILogger logger, int customers);
}
