using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Privacy.Enforcement.AspNetCore.Tests.TestHost;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.AspNetCore.Tests.Enforcement;

[Collection(PrivacyTestCollection.Name)]
public sealed class GlobalPrivacyControlTests(PrivacyTestFactory factory)
{
    private static readonly PurposeId OwnMarketing = new(StandardPurposes.OwnMarketing);

    [Fact]
    public async Task The_signal_from_a_signed_in_subject_records_one_objection_with_its_source_however_often_it_comes()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var client = WithSignal(factory.SignedIn(subject));

        await client.GetAsync("/contact");
        await client.GetAsync("/contact");
        await client.GetAsync("/contact-details");

        // Own marketing may be objected to: one objection fact. Partner marketing is consent-based: the trail records the signal.
        (await ObjectionsAsync(subject)).Should().ContainSingle().Which.Should().Match<ObjectionFact>(f => f.State == ObjectionState.Raised && f.Purpose == OwnMarketing);
        (await factory.Services.GetRequiredService<IObjectionService>().IsObjectingAsync(new SubjectId(subject), OwnMarketing, null, CancellationToken.None)).Should().BeTrue();
        var pseudonym = await PseudonymAsync(subject);
        var signals = factory.Audit.Snapshot().Where(e => e.SubjectPseudonym == pseudonym && e.Action == "objection.signal").ToList();
        signals.Select(static e => e.Purpose).Should().BeEquivalentTo([StandardPurposes.OwnMarketing, StandardPurposes.PartnerMarketing]);
        signals.Should().AllSatisfy(static e => e.EvidenceReferences.Should().Equal("sec-gpc"));
    }

    [Fact]
    public async Task Without_the_signal_or_with_another_value_nothing_is_recorded()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var client = factory.SignedIn(subject);

        await client.GetAsync("/contact");
        var request = new HttpRequestMessage(HttpMethod.Get, "/contact");
        request.Headers.Add("Sec-GPC", "0");
        await client.SendAsync(request);

        (await ObjectionsAsync(subject)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_sale_is_denied_for_any_request_that_carries_the_signal_even_an_anonymous_one()
    {
        var response = await WithSignal(factory.Anonymous()).PostAsync("/sell/partner", null);

        // Not a decision of the policy: no clause, and the refusal is audited by itself (below).
        var problem = await DeniedProblem.AssertAsync(response, factory, new ExpectedDenial("global-privacy-control")
        {
            Withheld = new Dictionary<string, string> { [StandardDataCategories.Email] = "global-privacy-control" },
        });
        problem.GetProperty("clauses").GetArrayLength().Should().Be(0);
        problem.GetProperty("policyVersion").GetString().Should().Be($"{StandardPolicy.Id}@{StandardPolicy.Version}");
        factory.Audit.Snapshot().Should().Contain(e => e.Action == "decision.disclose" && e.Reasons.Contains("global-privacy-control") && e.SubjectPseudonym == null);
    }

    [Fact]
    public async Task Sharing_with_a_partner_is_denied_under_the_signal_even_with_the_subjects_consent()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        await factory.GrantAsync(subject, StandardPurposes.PartnerMarketing, [StandardDataCategories.Email], [ProcessingAct.Disclose], TestApp.Partner, RecipientKind.Partner);
        var plain = await factory.SignedIn(subject).PostAsync("/share/partner", null);

        var signalled = await WithSignal(factory.SignedIn(subject)).PostAsync("/share/partner", null);

        await DeniedProblem.AssertAsync(signalled, factory, new ExpectedDenial("global-privacy-control")
        {
            Withheld = new Dictionary<string, string> { [StandardDataCategories.Email] = "global-privacy-control" }, PersonalData = [subject],
        });
        if (plain.StatusCode == HttpStatusCode.Forbidden)
        {
            (await plain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString().Should().NotBe("global-privacy-control");
        }
    }

    [Fact]
    public async Task A_disclosure_to_a_service_provider_is_not_a_sale_or_share_and_is_left_to_the_policy()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);

        var response = await WithSignal(factory.SignedIn(subject)).PostAsync("/ship", null);

        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString().Should().NotBe("global-privacy-control");
    }

    [Fact]
    public async Task A_later_explicit_opt_in_is_kept_and_the_conflict_recorded_once()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var client = WithSignal(factory.SignedIn(subject));
        await client.GetAsync("/contact");

        // The subject lifts the objection through the privacy endpoint (an explicit opt-in), then browses on with GPC.
        (await factory.SignedIn(subject).PostAsJsonAsync("/privacy/objections/own-marketing/lift", new { })).StatusCode.Should().Be(HttpStatusCode.OK);
        await client.GetAsync("/contact");
        await client.GetAsync("/contact");

        (await factory.Services.GetRequiredService<IObjectionService>().IsObjectingAsync(new SubjectId(subject), OwnMarketing, null, CancellationToken.None)).Should().BeFalse();
        (await ObjectionsAsync(subject)).Select(static f => f.State).Should().Equal(ObjectionState.Raised, ObjectionState.Lifted);
        var pseudonym = await PseudonymAsync(subject);
        factory.Audit.Snapshot().Where(e => e.SubjectPseudonym == pseudonym && e.Action == "objection.signal-conflict")
            .Should().ContainSingle().Which.Purpose.Should().Be(StandardPurposes.OwnMarketing);
    }

    [Fact]
    public async Task A_consent_given_for_partner_marketing_is_kept_under_the_signal_and_the_conflict_recorded_once()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var consent = await factory.GrantAsync(subject, StandardPurposes.PartnerMarketing, [StandardDataCategories.Email], [ProcessingAct.Disclose], TestApp.Partner, RecipientKind.Partner);
        var client = WithSignal(factory.SignedIn(subject));

        await client.GetAsync("/contact");
        await client.GetAsync("/contact");

        var status = await factory.Services.GetRequiredService<IConsentService>().GetStatusAsync(new SubjectId(subject), consent.ConsentId, null, CancellationToken.None);
        status!.Value.IsGiven.Should().BeTrue();
        var pseudonym = await PseudonymAsync(subject);
        factory.Audit.Snapshot().Where(e => e.SubjectPseudonym == pseudonym && e.Action == "objection.signal-conflict")
            .Should().ContainSingle().Which.EvidenceReferences.Should().Contain(r => r.Contains(consent.ConsentId.Value.ToString()));
    }

    [Fact]
    public async Task The_feature_says_whether_the_request_carried_the_signal()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        await factory.GrantAsync(subject, StandardPurposes.ServiceProvision, [StandardDataCategories.Email]);

        var body = await WithSignal(factory.SignedIn(subject)).GetFromJsonAsync<JsonElement>("/contact");

        body.GetProperty("gpc").GetBoolean().Should().BeTrue();
    }

    private static HttpClient WithSignal(HttpClient client)
    {
        client.DefaultRequestHeaders.Add("Sec-GPC", "1");
        return client;
    }

    private async Task<List<ObjectionFact>> ObjectionsAsync(string subject)
    {
        var facts = new List<ObjectionFact>();
        await foreach (var fact in factory.Services.GetRequiredService<IAcceptanceStore>().GetObjectionsAsync(new SubjectId(subject), CancellationToken.None))
        {
            facts.Add(fact);
        }

        return facts;
    }

    private async Task<string?> PseudonymAsync(string subject) =>
        await factory.Services.GetRequiredService<IPseudonymStore>().FindAsync(new SubjectId(subject), CancellationToken.None);
}
