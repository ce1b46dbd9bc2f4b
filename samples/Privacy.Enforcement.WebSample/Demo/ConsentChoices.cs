using Privacy.Enforcement.Consents;

namespace Privacy.Enforcement.WebSample.Demo;

/// <summary>One switch on the consents page: the terms a person agrees to, in words and in the policy's own ids.</summary>
/// <param name="Key">The form value naming the switch.</param>
/// <param name="Title">The switch's label.</param>
/// <param name="Explanation">What switching it on allows, in plain words.</param>
/// <param name="Clause">The policy clause the consent is asked under.</param>
/// <param name="Purpose">The purpose.</param>
/// <param name="Categories">The categories of information.</param>
/// <param name="Act">What is done with them.</param>
/// <param name="Recipient">Who receives them, for a disclosure.</param>
public sealed record ConsentChoice(
    string Key, string Title, string Explanation, string Clause, PurposeId Purpose, IReadOnlyList<DataCategory> Categories, ProcessingAct Act, RecipientId? Recipient)
{
    /// <summary>Whether a consent on record was given for exactly these terms.</summary>
    /// <param name="terms">The terms of a consent on record.</param>
    /// <returns>True when the consent is this switch's.</returns>
    public bool Matches(ConsentTerms? terms) =>
        terms is not null
        && terms.Purposes.Contains(Purpose)
        && terms.Acts.Contains(Act)
        && terms.Categories.Count == Categories.Count && Categories.All(terms.Categories.Contains)
        && terms.Recipient == Recipient;

    /// <summary>The request that gives this consent under a policy version.</summary>
    /// <param name="subject">Who consents.</param>
    /// <param name="policy">The version the person was shown.</param>
    /// <returns>The request.</returns>
    public ConsentRequest ToRequest(SubjectId subject, PolicyVersion policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new ConsentRequest
        {
            Subject = subject,
            PolicyVersion = policy.Version,
            PolicyContentHash = policy.ContentHash,
            Purposes = [Purpose],
            Categories = Categories,
            Acts = [Act],
            Recipient = Recipient,
            RecipientKind = Recipient is null ? null : RecipientKind.Partner,
            CollectionMethod = "privacy-center#consents",
            Notice = $"privacy-policy#{Clause}",
            Language = "en",
        };
    }
}

/// <summary>The switches the privacy center offers.</summary>
public static class ConsentChoices
{
    /// <summary>Collecting the e-mail address and phone number to run the service (collect.consent).</summary>
    public static readonly ConsentChoice Contact = new(
        "contact",
        "Contact details for the service",
        "We collect your e-mail address and phone number to deliver the service you signed up for.",
        ClauseIds.CollectConsent,
        new(StandardPurposes.ServiceProvision),
        [new(StandardDataCategories.Email), new(StandardDataCategories.Phone)],
        ProcessingAct.Collect,
        Recipient: null);

    /// <summary>Sharing the e-mail address with a partner for its offers (use.partner-marketing).</summary>
    public static readonly ConsentChoice PartnerOffers = new(
        "partner-offers",
        "Offers from our partner acme-offers",
        "We give your e-mail address to acme-offers so that it can send you its own offers.",
        ClauseIds.UsePartnerMarketing,
        new(StandardPurposes.PartnerMarketing),
        [new(StandardDataCategories.Email)],
        ProcessingAct.Disclose,
        new RecipientId(CenterPolicy.MarketingPartner));

    /// <summary>Every switch, in page order.</summary>
    public static IReadOnlyList<ConsentChoice> All { get; } = [Contact, PartnerOffers];

    /// <summary>Finds a switch by its form value.</summary>
    /// <param name="key">The value.</param>
    /// <returns>The switch, or null.</returns>
    public static ConsentChoice? Find(string? key) => All.FirstOrDefault(c => string.Equals(c.Key, key, StringComparison.Ordinal));
}
