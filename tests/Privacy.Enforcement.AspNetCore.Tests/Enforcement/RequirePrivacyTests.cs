using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Privacy.Enforcement.AspNetCore.Tests.TestHost;

namespace Privacy.Enforcement.AspNetCore.Tests.Enforcement;

[Collection(PrivacyTestCollection.Name)]
public sealed class RequirePrivacyTests(PrivacyTestFactory factory)
{
    [Fact]
    public async Task A_permitted_request_runs_the_handler_which_reads_the_decision_from_the_feature()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        await factory.GrantAsync(subject, StandardPurposes.ServiceProvision, [StandardDataCategories.Email]);

        var response = await factory.SignedIn(subject).GetAsync("/contact");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("outcome").GetString().Should().Be("Permit");
        body.GetProperty("permitted").EnumerateArray().Select(static e => e.GetString()).Should().Equal(StandardDataCategories.Email);
        body.GetProperty("subjectResolved").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task A_denied_request_is_a_403_problem_with_clauses_reasons_per_category_and_policy_version_and_the_handler_does_not_run()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);

        var response = await factory.SignedIn(subject).GetAsync("/contact");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotContain(subject, "a problem names no subject");
        var problem = JsonDocument.Parse(text).RootElement;
        problem.GetProperty("status").GetInt32().Should().Be(403);
        problem.GetProperty("type").GetString().Should().Be("urn:privacy-enforcement:deny:consent-missing");
        problem.GetProperty("reason").GetString().Should().Be("consent-missing");
        problem.GetProperty("clauses").EnumerateArray().Select(static c => c.GetString()).Should().Contain(ClauseIds.CollectConsent);
        problem.GetProperty("withheld").GetProperty(StandardDataCategories.Email).GetString().Should().Be("consent-missing");
        var reason = problem.GetProperty("reasons").EnumerateArray().Single();
        reason.GetProperty("type").GetString().Should().Be("urn:privacy-enforcement:deny:consent-missing");
        reason.GetProperty("categories").EnumerateArray().Select(static c => c.GetString()).Should().Equal(StandardDataCategories.Email);
        problem.GetProperty("policyVersion").GetString().Should().Be($"{StandardPolicy.Id}@{StandardPolicy.Version}");
        problem.GetProperty("policyContentHash").GetString().Should().Be(factory.Policy.ContentHash);
        text.Should().NotContain("\"outcome\"", "the handler must not have run");
    }

    [Fact]
    public async Task Before_acceptance_the_request_is_denied_with_acceptance_required()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.GrantAsync(subject, StandardPurposes.ServiceProvision, [StandardDataCategories.Email]);

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).GetAsync("/contact"), factory,
            Denial(subject, "acceptance-required", ClauseIds.IntroAcceptance, [StandardDataCategories.Email], "obtain-acceptance"));
    }

    [Fact]
    public async Task After_withdrawal_the_very_next_request_is_denied_with_consent_withdrawn()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var consent = await factory.GrantAsync(subject, StandardPurposes.ServiceProvision, [StandardDataCategories.Email]);
        var client = factory.SignedIn(subject);
        (await client.GetAsync("/contact")).StatusCode.Should().Be(HttpStatusCode.OK);

        await factory.Services.GetRequiredService<IConsentService>().WithdrawAsync(new SubjectId(subject), consent.ConsentId, CancellationToken.None);

        await DeniedProblem.AssertAsync(await client.GetAsync("/contact"), factory, Denial(subject, "consent-withdrawn", ClauseIds.CollectConsent, [StandardDataCategories.Email]));
    }

    [Fact]
    public async Task Once_the_consent_expires_the_request_is_denied_with_consent_expired()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var policy = factory.Policy;
        await factory.Services.GetRequiredService<IConsentService>().GrantAsync(new ConsentRequest
        {
            Subject = new SubjectId(subject), PolicyVersion = policy.Version, PolicyContentHash = policy.ContentHash,
            Purposes = [new PurposeId(StandardPurposes.ServiceProvision)], Categories = [new DataCategory(StandardDataCategories.Email)],
            Acts = [ProcessingAct.Collect], CollectionMethod = "test", ExpiresAt = factory.Time.GetUtcNow().AddHours(1),
        }, CancellationToken.None);
        (await factory.SignedIn(subject).GetAsync("/contact")).StatusCode.Should().Be(HttpStatusCode.OK);

        // Every other test signs in and grants relative to the clock, so moving it on disturbs none of them.
        factory.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).GetAsync("/contact"), factory, Denial(subject, "consent-expired", ClauseIds.CollectConsent, [StandardDataCategories.Email]));
    }

    [Fact]
    public async Task An_objection_denies_own_marketing_with_objected()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        await factory.GrantAsync(subject, StandardPurposes.OwnMarketing, [StandardDataCategories.Email, StandardDataCategories.Phone]);
        await factory.Services.GetRequiredService<IObjectionService>().ObjectAsync(new SubjectId(subject), new PurposeId(StandardPurposes.OwnMarketing), CancellationToken.None);

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).GetAsync("/contact-details"), factory,
            Denial(subject, "objected", ClauseIds.UseOwnMarketing, [StandardDataCategories.Email, StandardDataCategories.Phone]));
    }

    [Fact]
    public async Task A_partial_permit_runs_the_handler_with_the_withheld_categories_on_the_feature()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        await factory.GrantAsync(subject, StandardPurposes.ServiceProvision, [StandardDataCategories.Email]);

        var response = await factory.SignedIn(subject).GetAsync("/contact-both");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("permitted").EnumerateArray().Select(static e => e.GetString()).Should().Equal(StandardDataCategories.Email);
        body.GetProperty("withheld").EnumerateArray().Select(static e => e.GetString()).Should().Equal(StandardDataCategories.Phone);
        body.GetProperty("obligations").EnumerateArray().Select(static e => e.GetString()).Should().Contain(nameof(ObligationKind.LimitToPermittedCategories));
    }

    [Fact]
    public async Task An_anonymous_request_has_no_subject_and_is_denied_as_indeterminate()
    {
        await DeniedProblem.AssertAsync(await factory.Anonymous().GetAsync("/contact"), factory,
            Denial(null, "indeterminate", ClauseIds.StoreSecurity, []));
    }

    [Fact]
    public async Task The_subject_comes_from_the_name_identifier_claim_when_there_is_no_sub_claim()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        await factory.GrantAsync(subject, StandardPurposes.ServiceProvision, [StandardDataCategories.Email]);

        var response = await factory.SignedIn(subject, nameIdentifierOnly: true).GetAsync("/contact");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_unknown_category_is_denied_as_unknown_category()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).GetAsync("/unknown-category"), factory, Denial(subject, "unknown-category", ClauseIds.StoreSecurity, []));
    }

    [Fact]
    public async Task An_unknown_purpose_is_denied_as_unknown_purpose()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).GetAsync("/unknown-purpose"), factory, Denial(subject, "unknown-purpose", ClauseIds.StoreSecurity, [StandardDataCategories.Email]));
    }

    [Fact]
    public async Task A_disclosure_to_an_unrelated_third_party_is_denied_as_recipient_unrelated()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).PostAsync("/share/unknown", null), factory,
            Denial(subject, "recipient-unrelated", ClauseIds.UseThirdPartyNoTrade, [StandardDataCategories.Email]));
    }

    [Fact]
    public async Task A_disclosure_to_a_recipient_the_policy_does_not_know_is_denied_as_unknown_recipient()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);

        await DeniedProblem.AssertAsync(await factory.SignedIn(subject).PostAsync("/ship/unknown", null), factory,
            Denial(subject, "unknown-recipient", ClauseIds.StoreSecurity, [StandardDataCategories.Address]));
    }

    [Fact]
    public async Task A_disclosure_without_its_grounds_evidence_is_denied_and_with_the_evidence_the_requirement_supplies_it_is_permitted()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var consent = await factory.GrantAsync(subject, StandardPurposes.PartnerMarketing, [StandardDataCategories.Email], [ProcessingAct.Disclose], TestApp.Partner, RecipientKind.Partner);
        var client = factory.SignedIn(subject);

        await DeniedProblem.AssertAsync(await client.PostAsync("/share/partner-with-evidence", null), factory,
            Denial(subject, "evidence-missing", ClauseIds.StoreSecurity, [StandardDataCategories.Email]));
        var withEvidence = await client.PostAsync($"/share/partner-with-evidence?consent={consent.ConsentId.Value}", null);

        withEvidence.StatusCode.Should().Be(HttpStatusCode.OK, await withEvidence.Content.ReadAsStringAsync());
        (await withEvidence.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("obligations").EnumerateArray().Select(static o => o.GetString())
            .Should().Contain(nameof(ObligationKind.RecordInLedger));
    }

    [Fact]
    public async Task A_requirement_on_a_route_group_applies_to_its_endpoints()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);

        (await DeniedAsync(factory.SignedIn(subject), "/grouped/one")).GetProperty("reason").GetString().Should().Be("consent-missing");
    }

    [Fact]
    public async Task The_mvc_attribute_denies_and_permits_like_the_endpoint_convention()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var client = factory.SignedIn(subject);

        var problem = await DeniedAsync(client, "/mvc/profile/email");
        problem.GetProperty("reason").GetString().Should().Be("consent-missing");

        await factory.GrantAsync(subject, StandardPurposes.ServiceProvision, [StandardDataCategories.Email]);
        var response = await client.GetAsync("/mvc/profile/email");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString().Should().Be("Permit");
    }

    [Fact]
    public async Task The_decision_comes_before_the_endpoints_own_filters_and_before_its_body_is_read()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var client = factory.SignedIn(subject);

        using var denied = await client.PostAsync("/contact/filtered", new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json"));
        await factory.GrantAsync(subject, StandardPurposes.ServiceProvision, [StandardDataCategories.Email]);
        using var permitted = await client.PostAsync("/contact/filtered", new StringContent("{\"note\":\"hi\"}", System.Text.Encoding.UTF8, "application/json"));

        denied.StatusCode.Should().Be(HttpStatusCode.Forbidden, "a denied request is answered before its malformed body is bound");
        denied.Headers.Contains("X-Filter-Ran").Should().BeFalse();
        permitted.StatusCode.Should().Be(HttpStatusCode.OK);
        permitted.Headers.GetValues("X-Filter-Ran").Should().Equal("yes");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_403_problem_of_an_enforced_endpoint()
    {
        var document = await factory.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var forbidden = document.GetProperty("paths").GetProperty("/contact").GetProperty("get").GetProperty("responses").GetProperty("403");
        forbidden.GetProperty("content").TryGetProperty("application/problem+json", out _).Should().BeTrue();
        document.GetProperty("paths").GetProperty("/privacy/policy").GetProperty("get").GetProperty("responses").TryGetProperty("403", out _).Should().BeFalse();
    }

    [Fact]
    public void Every_reason_has_its_own_stable_type_uri()
    {
        var types = Enum.GetValues<DecisionReason>().Select(static r => PrivacyProblemTypes.TypeOf(r)).ToList();

        types.Should().OnlyHaveUniqueItems();
        types.Should().AllSatisfy(static t => Uri.TryCreate(t, UriKind.Absolute, out _).Should().BeTrue());
        PrivacyProblemTypes.TypeOf(DecisionReason.ConsentNeedsRenewal).Should().Be("urn:privacy-enforcement:deny:consent-needs-renewal");
        PrivacyProblemTypes.TypeOf(DecisionReason.ActorSanctioned).Should().Be("urn:privacy-enforcement:deny:actor-sanctioned");
        PrivacyProblemTypes.NameOf((DecisionReason)999).Should().Be("indeterminate");
    }

    /// <summary>A denial of the signed-in <paramref name="subject"/>'s request (or an anonymous one), every category withheld for the reason.</summary>
    internal static ExpectedDenial Denial(string? subject, string reason, string clause, string[] categories, params string[] obligations) => new(reason)
    {
        Subject = subject, Clauses = [clause], Withheld = categories.ToDictionary(static c => c, _ => reason), Obligations = obligations,
        PersonalData = subject is null ? [] : [subject],
    };

    internal static async Task<JsonElement> DeniedAsync(HttpClient client, string path, bool post = false)
    {
        var response = post ? await client.PostAsync(path, null) : await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
