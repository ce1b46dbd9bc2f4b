using Microsoft.Extensions.DependencyInjection;

namespace Privacy.Enforcement.Tests.Shared;

/// <summary>A subject who accepted the policy and consented to give a phone number for service provision (collect.consent).</summary>
internal static class CollectionConsent
{
    /// <summary>Records the acceptance and the consent through <paramref name="instance"/>'s stores.</summary>
    /// <returns>The consent and the collection request it permits.</returns>
    public static async Task<(ConsentId Consent, CollectionRequest Request)> GrantAsync(IServiceProvider instance, SubjectId subject)
    {
        var policy = instance.GetRequiredService<IPolicyProvider>().Current.Version;
        var now = TimeProvider.System.GetUtcNow();
        await instance.GetRequiredService<IAcceptanceStore>().AppendAcceptanceAsync(new PolicyAcceptance(subject, policy, AcceptanceKind.Explicit, now.AddMinutes(-10), "sign-in"), CancellationToken.None);
        var consent = ConsentId.New();
        await instance.GetRequiredService<IConsentStore>().AppendAsync(new ConsentFact
        {
            FactId = Guid.NewGuid(),
            ConsentId = consent,
            Subject = subject,
            State = ConsentState.Given,
            RecordedAt = now.AddMinutes(-5),
            Policy = policy,
            Terms = new ConsentTerms
            {
                Purposes = [new PurposeId(StandardPurposes.ServiceProvision)],
                Categories = [new DataCategory(StandardDataCategories.Phone)],
                Acts = [ProcessingAct.Collect],
            },
        }, CancellationToken.None);
        return (consent, new CollectionRequest(subject, [new DataCategory(StandardDataCategories.Phone)], new PurposeId(StandardPurposes.ServiceProvision)));
    }
}
