using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement.Sample;

/// <summary>
/// The policy the sample's host publishes: the standard policy, clause for clause, plus the parties this host deals
/// with. The standard text names no recipients, so a host declares its own providers, partners and the parties
/// disclosures go to.
/// </summary>
internal static class SamplePolicy
{
    /// <summary>The courier engaged for deliveries; its engagement ends during the story.</summary>
    public const string SwiftCouriers = "swift-couriers";

    /// <summary>A second courier, engaged for the whole story.</summary>
    public const string RapidPost = "rapid-post";

    /// <summary>A partner that markets its own products (<c>use.partner-marketing</c>).</summary>
    public const string AcmeOffers = "acme-offers";

    /// <summary>A partner the user agrees to disclose its phone number to (<c>disclose.consent</c>).</summary>
    public const string CityInsurance = "city-insurance";

    /// <summary>A partner that joins in version 2.0 of the policy.</summary>
    public const string GlobexMedia = "globex-media";

    /// <summary>A court (<c>disclose.legal-requirement</c>).</summary>
    public const string DistrictCourt = "district-court";

    /// <summary>The respondent of an intellectual-property complaint (<c>disclose.ip-complaint</c>).</summary>
    public const string BrandX = "brand-x";

    /// <summary>A seller on the platform (<c>disclose.transaction</c>).</summary>
    public const string Seller42 = "seller-42";

    /// <summary>A trust-and-safety desk that receives information about violators (<c>disclose.user-violation</c>).</summary>
    public const string SafetyDesk = "safety-desk";

    /// <summary>The payments regulator (<c>disclose.other-legal</c>).</summary>
    public const string PaymentsRegulator = "payments-regulator";

    /// <summary>Version 1.0: the standard policy and this host's parties.</summary>
    public static PolicyDocument Version1 { get; } = StandardPolicy.CreateBuilder()
        .AddRecipient(SwiftCouriers, RecipientKind.ServiceProvider, "Swift Couriers Ltd")
        .AddRecipient(RapidPost, RecipientKind.ServiceProvider, "Rapid Post")
        .AddRecipient(AcmeOffers, RecipientKind.Partner, "Acme Offers")
        .AddRecipient(CityInsurance, RecipientKind.Partner, "City Insurance")
        .AddRecipient(DistrictCourt, RecipientKind.JudicialAuthority, "District Court")
        .AddRecipient(BrandX, RecipientKind.IpComplaintRespondent, "Brand X")
        .AddRecipient(Seller42, RecipientKind.TransactionCounterparty, "Seller 42")
        .AddRecipient(SafetyDesk, RecipientKind.Affiliate, "Group Trust & Safety")
        .AddRecipient(PaymentsRegulator, RecipientKind.AdministrativeAuthority, "Payments Regulator")
        .Build();

    /// <summary>
    /// Version 2.0 changes partner sharing: partners may now also send offers by SMS, and a new partner joins. Consents
    /// to partner marketing given under 1.0 need renewal (<c>changes.notice</c>); other consents stay valid.
    /// </summary>
    /// <param name="publishedAt">When the version is published.</param>
    /// <returns>The document.</returns>
    public static PolicyDocument Version2(DateTimeOffset publishedAt) => Version1 with
    {
        Version = "2.0",
        PublishedAt = publishedAt,
        Purposes = [.. Version1.Purposes.Select(p => p.Id == StandardPurposes.PartnerMarketing
            ? p with { Description = "Partners sending information about their products by e-mail and SMS" }
            : p)],
        Recipients = [.. Version1.Recipients, new RecipientDefinition { Id = GlobexMedia, Kind = RecipientKind.Partner, Name = "Globex Media" }],
    };
}
