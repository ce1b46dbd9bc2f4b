using System.Text.Json;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.SubjectRights;
using Privacy.Enforcement.Violations;
using Privacy.Enforcement.WebSample.Profiles;

namespace Privacy.Enforcement.WebSample.Demo;

/// <summary>
/// Fills a new database with the demo's world, once: the customers' profiles, a delivery provider engaged for every
/// customer, a tax legal hold on Alice's order history, and Mallory's confirmed harvesting violation. It starts after
/// the library's own hosted services, which create the schema and start the audit trail.
/// </summary>
internal sealed partial class DemoSeeder(
    ProfileStore profiles,
    IEngagementService engagements,
    ISubjectRightsService rights,
    IViolationService violations,
    TimeProvider time,
    ILogger<DemoSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await profiles.EnsureCreatedAsync(cancellationToken);
        if (!await profiles.TryMarkSeededAsync("demo-world-1", cancellationToken))
        {
            return;
        }

        foreach (var user in DemoUsers.Customers)
        {
            await profiles.UpdateAsync(
                user.Subject,
                new Dictionary<DataCategory, JsonElement>
                {
                    [new(StandardDataCategories.Name)] = JsonSerializer.SerializeToElement(user.DisplayName),
                    [new(StandardDataCategories.Email)] = JsonSerializer.SerializeToElement(user.Email),
                    [new(StandardDataCategories.Address)] = JsonSerializer.SerializeToElement($"{user.Id.Length} Sample Street, Springfield"),
                    [new(StandardDataCategories.PurchaseHistory)] = JsonSerializer.SerializeToElement(new[] { $"order-{user.Id}-1001" }),
                },
                cancellationToken);
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

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo world created: {Customers} customers, one delivery engagement, one legal hold, one violation")]
    private static partial void LogSeeded(ILogger logger, int customers);
}
