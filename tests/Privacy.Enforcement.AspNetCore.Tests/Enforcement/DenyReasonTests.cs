using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Violations;
using Privacy.Enforcement.AspNetCore.Tests.TestHost;

namespace Privacy.Enforcement.AspNetCore.Tests.Enforcement;

/// <summary>Deny reasons reached end to end through an enforced endpoint, each with its own problem type.</summary>
[Collection(PrivacyTestCollection.Name)]
public sealed class DenyReasonTests(PrivacyTestFactory factory)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_refused_consent_denies_as_consent_refused()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        await factory.Services.GetRequiredService<IConsentService>().RefuseAsync(new ConsentRequest
        {
            Subject = new SubjectId(subject), PolicyVersion = factory.Policy.Version, PolicyContentHash = factory.Policy.ContentHash,
            Purposes = [new PurposeId(StandardPurposes.ServiceProvision)], Categories = [new DataCategory(StandardDataCategories.Email)],
            Acts = [ProcessingAct.Collect, ProcessingAct.Use], CollectionMethod = "test",
        }, None);

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).GetAsync("/contact"), factory,
            RequirePrivacyTests.Denial(subject, "consent-refused", ClauseIds.CollectConsent, [StandardDataCategories.Email]));
    }

    [Fact]
    public async Task A_provider_whose_engagement_ended_is_denied_as_engagement_ended()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var engagements = factory.Services.GetRequiredService<IEngagementService>();
        var engagement = await engagements.EngageAsync(new EngagementRequest
        {
            Provider = new RecipientId(TestApp.Courier), Service = new ServiceId(StandardServices.Delivery),
            Subjects = [new SubjectId(subject)], Categories = [new DataCategory(StandardDataCategories.Address)],
        }, None);
        await engagements.TerminateAsync(engagement.Id, "contract ended", None);

        var problem = await DeniedProblem.AssertAsync(await factory.SignedIn(subject).PostAsync("/ship", null), factory,
            RequirePrivacyTests.Denial(subject, "engagement-ended", ClauseIds.UseThirdPartyServiceEnd, [StandardDataCategories.Address], "return-or-delete"));

        // The provider's deadline to return or delete what it holds: the end plus the policy's period (30 days).
        problem.GetProperty("obligations")[0].GetProperty("deadline").GetDateTimeOffset().Should().Be(factory.Time.GetUtcNow() + TimeSpan.FromDays(30));
    }

    [Fact]
    public async Task A_signed_in_user_whose_service_agreement_was_terminated_is_denied_as_actor_sanctioned()
    {
        // use.violator-termination: every request acting for a terminated user is denied; a signed-in request is made in
        // that user's session.
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        await factory.GrantAsync(subject, StandardPurposes.ServiceProvision, [StandardDataCategories.Email]);
        using (var before = await factory.SignedIn(subject).GetAsync("/contact"))
        {
            before.StatusCode.Should().Be(HttpStatusCode.OK, "the user accepted and consented");
        }

        var violations = factory.Services.GetRequiredService<IViolationService>();
        var violation = await violations.ReportAsync(new ViolationReport
        {
            Kind = ViolationKind.Harvesting, Violator = new SubjectId(subject), EvidenceReference = "case-7",
            AffectedSubjects = [new SubjectId(PrivacyTestFactory.NewSubject())], RelevantCategories = [new DataCategory(StandardDataCategories.Email)],
        }, None);
        await violations.ConfirmAsync(violation.Id, None);
        await violations.TerminateServiceAgreementAsync(violation.Id, None);

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).GetAsync("/contact"), factory,
            RequirePrivacyTests.Denial(subject, "actor-sanctioned", ClauseIds.UseViolatorTermination, [StandardDataCategories.Email]));
    }

    [Fact]
    public async Task Another_users_information_read_by_id_is_denied_as_no_permitting_rule_and_the_owner_reads_it()
    {
        var (alice, aliceEmail) = await SignUpAsync();
        var (bob, bobEmail) = await SignUpAsync();

        // Bob acts on Alice's information: no rule lets one user read another's (store.subject-access is Alice's own).
        var problem = await DeniedProblem.AssertAsync(await factory.SignedIn(bob).GetAsync($"/users/{alice}/email"), factory, new ExpectedDenial("no-permitting-rule")
        {
            Subject = alice, Clauses = [ClauseIds.StoreSecurity], Withheld = Withheld("no-permitting-rule", StandardDataCategories.Email),
            PersonalData = [alice, aliceEmail, bob, bobEmail],
        });
        using var own = await factory.SignedIn(alice).GetAsync($"/users/{alice}/email");

        problem.GetProperty("detail").GetString().Should().Contain("use");
        own.StatusCode.Should().Be(HttpStatusCode.OK, "the owner reading her own information is the application acting in her session");
        (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("subjectResolved").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task An_mvc_action_naming_its_subject_by_route_value_denies_another_user_and_permits_the_owner()
    {
        var (alice, aliceEmail) = await SignUpAsync();
        var (bob, _) = await SignUpAsync();

        await DeniedProblem.AssertAsync(await factory.SignedIn(bob).GetAsync($"/mvc/users/{alice}/email"), factory, new ExpectedDenial("no-permitting-rule")
        {
            Subject = alice, Clauses = [ClauseIds.StoreSecurity], Withheld = Withheld("no-permitting-rule", StandardDataCategories.Email),
            PersonalData = [alice, aliceEmail, bob],
        });
        (await factory.SignedIn(alice).GetAsync($"/mvc/users/{alice}/email")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Another_users_information_edited_by_id_is_denied_as_harvesting_with_a_violation_to_report()
    {
        var (alice, aliceEmail) = await SignUpAsync();
        var (bob, bobEmail) = await SignUpAsync();

        await DeniedProblem.AssertAsync(await factory.SignedIn(bob).PutAsync($"/users/{alice}/email", null), factory, new ExpectedDenial("harvesting-forbidden")
        {
            Subject = alice, Clauses = [ClauseIds.UseNoFreeHarvesting], Withheld = Withheld("harvesting-forbidden", StandardDataCategories.Email),
            Obligations = ["report-violation"], PersonalData = [alice, aliceEmail, bob, bobEmail],
        });
    }

    [Fact]
    public async Task A_provider_calling_for_a_customer_it_is_not_engaged_for_is_denied_as_no_engagement_and_permitted_once_engaged()
    {
        var (alice, aliceEmail) = await SignUpAsync();
        var courier = factory.SignedInAsClient(TestApp.Courier);

        await DeniedProblem.AssertAsync(await courier.GetAsync($"/provider/customers/{alice}/address"), factory, new ExpectedDenial("no-engagement")
        {
            Subject = alice, Clauses = [ClauseIds.UseThirdPartyServiceProvider], Withheld = Withheld("no-engagement", StandardDataCategories.Address),
            PersonalData = [alice, aliceEmail],
        });
        await EngageCourierAsync(alice, StandardDataCategories.Address);

        (await courier.GetAsync($"/provider/customers/{alice}/address")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_collection_written_to_a_store_another_company_runs_is_denied_as_store_operator_not_allowed()
    {
        var (subject, email) = await SignUpAsync();

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).PostAsync("/collect/elsewhere", null), factory, new ExpectedDenial("store-operator-not-allowed")
        {
            Subject = subject, Clauses = [ClauseIds.StoreLocation], Withheld = Withheld("store-operator-not-allowed", StandardDataCategories.Email),
            PersonalData = [subject, email],
        });
    }

    [Fact]
    public async Task A_sale_is_denied_as_transfer_kind_forbidden_even_with_the_subjects_consent()
    {
        var (subject, email) = await SignUpAsync();
        await factory.GrantAsync(subject, StandardPurposes.PartnerMarketing, [StandardDataCategories.Email], [ProcessingAct.Disclose], TestApp.Partner, RecipientKind.Partner);

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).PostAsync("/sell/partner", null), factory, new ExpectedDenial("transfer-kind-forbidden")
        {
            Subject = subject, Clauses = [ClauseIds.UseThirdPartyNoTrade], Withheld = Withheld("transfer-kind-forbidden", StandardDataCategories.Email),
            PersonalData = [subject, email],
        });
    }

    [Fact]
    public async Task A_disclosure_relying_on_a_consent_given_for_another_purpose_is_denied_as_evidence_inconsistent()
    {
        var (subject, email) = await SignUpAsync();
        var ownMarketing = await factory.GrantAsync(subject, StandardPurposes.OwnMarketing, [StandardDataCategories.Email]);

        await DeniedProblem.AssertAsync(
            await factory.SignedIn(subject).PostAsync($"/share/partner-with-evidence?consent={ownMarketing.ConsentId.Value}", null), factory, new ExpectedDenial("evidence-inconsistent")
            {
                Subject = subject, Clauses = [ClauseIds.DiscloseConsent], Withheld = Withheld("evidence-inconsistent", StandardDataCategories.Email),
                PersonalData = [subject, email],
            });
    }

    [Fact]
    public async Task A_transaction_ground_for_a_partner_who_is_no_counterparty_is_denied_as_recipient_not_allowed_for_ground()
    {
        var (subject, email) = await SignUpAsync();

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).PostAsync("/orders/order-41/partner?approvedBy=ops-1", null), factory, new ExpectedDenial("recipient-not-allowed-for-ground")
        {
            Subject = subject, Clauses = [ClauseIds.DiscloseTransaction], Withheld = Withheld("recipient-not-allowed-for-ground", StandardDataCategories.Phone),
            PersonalData = [subject, email],
        });
    }

    [Fact]
    public async Task A_counterpartys_request_without_the_operators_approval_is_denied_as_approval_required_with_the_obligation_and_permitted_once_approved()
    {
        var (subject, email) = await SignUpAsync();
        var client = factory.SignedIn(subject);

        await DeniedProblem.AssertAsync(await client.PostAsync("/orders/order-42/seller", null), factory, new ExpectedDenial("approval-required")
        {
            Subject = subject, Clauses = [ClauseIds.DiscloseTransaction], Withheld = Withheld("approval-required", StandardDataCategories.Phone),
            Obligations = ["obtain-operator-approval"], PersonalData = [subject, email],
        });
        using var approved = await client.PostAsync("/orders/order-42/seller?approvedBy=ops-1", null);

        approved.StatusCode.Should().Be(HttpStatusCode.OK);
        (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("permitted").EnumerateArray().Select(static c => c.GetString()).Should().Equal(StandardDataCategories.Phone);
    }

    [Fact]
    public async Task Credentials_sent_to_an_engaged_provider_are_denied_as_category_never_disclosable()
    {
        var (subject, email) = await SignUpAsync();
        await EngageCourierAsync(subject, StandardDataCategories.Address);

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).PostAsync("/ship/credentials", null), factory, new ExpectedDenial("category-never-disclosable")
        {
            Subject = subject, Clauses = [ClauseIds.StoreAccountSecurity], Withheld = Withheld("category-never-disclosable", StandardDataCategories.Password),
            PersonalData = [subject, email],
        });
    }

    [Fact]
    public async Task A_category_the_providers_engagement_does_not_cover_is_denied_as_category_outside_scope()
    {
        var (subject, email) = await SignUpAsync();
        await EngageCourierAsync(subject, StandardDataCategories.Address);
        (await factory.SignedIn(subject).PostAsync("/ship", null)).StatusCode.Should().Be(HttpStatusCode.OK, "the engagement covers the address");

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).PostAsync("/ship/email", null), factory, new ExpectedDenial("category-outside-scope")
        {
            Subject = subject, Clauses = [ClauseIds.UseThirdPartyServiceProvider], Withheld = Withheld("category-outside-scope", StandardDataCategories.Email),
            PersonalData = [subject, email],
        });
    }

    [Fact]
    public async Task A_consent_another_instance_stamped_later_than_this_instances_clock_is_denied_as_consent_not_prior()
    {
        // Two instances share the consent store and one's clock runs two minutes ahead: the consent it recorded has not
        // yet begun by this instance's clock, so it does not cover an act now ("obtained your permission in advance").
        var (subject, email) = await SignUpAsync();
        var policy = factory.Policy;
        await factory.Services.GetRequiredService<IConsentStore>().AppendAsync(new ConsentFact
        {
            FactId = Guid.NewGuid(), ConsentId = new ConsentId(Guid.NewGuid()), Subject = new SubjectId(subject), State = ConsentState.Given,
            RecordedAt = factory.Time.GetUtcNow().AddMinutes(2), Policy = policy,
            Terms = new ConsentTerms
            {
                Purposes = [new PurposeId(StandardPurposes.ServiceProvision)], Categories = [new DataCategory(StandardDataCategories.Email)],
                Acts = [ProcessingAct.Collect], CollectionMethod = "other instance",
            },
        }, None);

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).GetAsync("/contact"), factory, new ExpectedDenial("consent-not-prior")
        {
            Subject = subject, Clauses = [ClauseIds.CollectConsent], Withheld = Withheld("consent-not-prior", StandardDataCategories.Email),
            PersonalData = [subject, email],
        });
    }

    /// <summary>A new subject who accepted the policy, with an e-mail address on file (which no problem may carry).</summary>
    private async Task<(string Subject, string Email)> SignUpAsync()
    {
        var subject = PrivacyTestFactory.NewSubject();
        var email = subject + "@mail.example";
        await factory.AcceptAsync(subject);
        await TestApp.Accounts.UpdateAsync(new SubjectId(subject), new Dictionary<DataCategory, JsonElement>
        {
            [new DataCategory(StandardDataCategories.Email)] = JsonSerializer.SerializeToElement(email),
        }, None);
        return (subject, email);
    }

    private async Task EngageCourierAsync(string subject, params string[] categories) =>
        await factory.Services.GetRequiredService<IEngagementService>().EngageAsync(new EngagementRequest
        {
            Provider = new RecipientId(TestApp.Courier), Service = new ServiceId(StandardServices.Delivery),
            Subjects = [new SubjectId(subject)], Categories = [.. categories.Select(static c => new DataCategory(c))],
        }, None);

    private static Dictionary<string, string> Withheld(string reason, params string[] categories) => categories.ToDictionary(static c => c, _ => reason);
}
