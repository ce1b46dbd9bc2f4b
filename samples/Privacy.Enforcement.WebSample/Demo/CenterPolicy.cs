using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement.WebSample.Demo;

/// <summary>
/// The policy the privacy center publishes: the standard policy clause for clause, plus the two parties this shop
/// deals with (the standard text names no recipients, so a host declares its own).
/// </summary>
public static class CenterPolicy
{
    /// <summary>The delivery provider every customer's name and address may go to (use.third-party.service-provider).</summary>
    public const string DeliveryProvider = "swift-couriers";

    /// <summary>The partner a customer may agree to receive offers from (use.partner-marketing).</summary>
    public const string MarketingPartner = "acme-offers";

    /// <summary>
    /// The published document. Partner marketing stays consent-based as in the standard policy, and is also open to
    /// objection: a browser's Global Privacy Control signal is recorded as an objection to it, which the policy must
    /// allow (the standard policy lets subjects object to own marketing only).
    /// </summary>
    public static PolicyDocument Document { get; } = WithObjectablePartnerMarketing(StandardPolicy.CreateBuilder()
        .AddRecipient(DeliveryProvider, RecipientKind.ServiceProvider, "Swift Couriers Ltd")
        .AddRecipient(MarketingPartner, RecipientKind.Partner, "Acme Offers")
        .Build());

    private static PolicyDocument WithObjectablePartnerMarketing(PolicyDocument document) => document with
    {
        Purposes = [.. document.Purposes.Select(p => p.Id == StandardPurposes.PartnerMarketing ? p with { Objectable = true } : p)],
    };
}
