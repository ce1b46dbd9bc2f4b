using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Privacy.Enforcement.AspNetCore.Tests.Receipts;
using Privacy.Enforcement.AspNetCore.Tests.TestHost;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.AspNetCore.Tests.Endpoints;

[Collection(PrivacyTestCollection.Name)]
public sealed class PrivacyEndpointsTests(PrivacyTestFactory factory)
{
    [Fact]
    public async Task The_policy_endpoint_shows_the_policy_in_force_and_whether_it_was_accepted_and_accept_records_it()
    {
        var subject = PrivacyTestFactory.NewSubject();
        var client = factory.SignedIn(subject);

        var before = await client.GetFromJsonAsync<JsonElement>("/privacy/policy");
        before.GetProperty("version").GetString().Should().Be(StandardPolicy.Version);
        before.GetProperty("contentHash").GetString().Should().Be(factory.Policy.ContentHash);
        before.GetProperty("text").GetString().Should().Be(StandardPolicy.Text);
        before.GetProperty("accepted").GetBoolean().Should().BeFalse();

        var accept = await client.PostAsJsonAsync("/privacy/policy/accept", new { version = StandardPolicy.Version, contentHash = factory.Policy.ContentHash });
        accept.StatusCode.Should().Be(HttpStatusCode.OK);

        var after = await client.GetFromJsonAsync<JsonElement>("/privacy/policy");
        after.GetProperty("accepted").GetBoolean().Should().BeTrue();
        after.GetProperty("acceptedAt").GetDateTimeOffset().Should().Be(factory.Time.GetUtcNow());
    }

    [Fact]
    public async Task Accepting_a_version_or_hash_other_than_the_one_in_force_is_refused_naming_the_fields()
    {
        var client = factory.SignedIn(PrivacyTestFactory.NewSubject());

        var response = await client.PostAsJsonAsync("/privacy/policy/accept", new { version = StandardPolicy.Version, contentHash = "sha256:forged" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString().Should().Contain("'version'").And.Contain("'contentHash'");
    }

    [Fact]
    public async Task A_malformed_json_body_is_refused_with_its_position_and_an_unknown_media_type_with_415()
    {
        var client = factory.SignedIn(PrivacyTestFactory.NewSubject());

        var malformed = await client.PostAsync("/privacy/policy/accept", new StringContent("{\"version\": ", System.Text.Encoding.UTF8, "application/json"));
        var text = await client.PostAsync("/privacy/policy/accept", new StringContent("version=1.0", System.Text.Encoding.UTF8, "text/plain"));

        malformed.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("line");
        text.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_form_post_needs_a_valid_antiforgery_token()
    {
        var client = factory.SignedIn(PrivacyTestFactory.NewSubject());
        var fields = new Dictionary<string, string> { ["version"] = StandardPolicy.Version, ["contentHash"] = factory.Policy.ContentHash };

        var withoutToken = await client.PostAsync("/privacy/policy/accept", new FormUrlEncodedContent(fields));
        var token = await PrivacyTestFactory.AntiforgeryTokenAsync(client);
        var withForgedToken = await client.PostAsync("/privacy/policy/accept", new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token[..^4] + "AAAA" }));
        var withToken = await client.PostAsync("/privacy/policy/accept", new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token }));

        withoutToken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await withoutToken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString().Should().Be("urn:privacy-enforcement:problem:antiforgery-invalid");
        withForgedToken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        withToken.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_form_post_to_withdraw_erase_or_object_without_a_token_changes_nothing()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var consent = await factory.GrantAsync(subject, StandardPurposes.ServiceProvision, [StandardDataCategories.Email]);
        var client = factory.SignedIn(subject);
        var empty = new FormUrlEncodedContent([]);

        (await client.PostAsync($"/privacy/consents/{consent.ConsentId.Value}/withdraw", empty)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await client.PostAsync("/privacy/objections/own-marketing", empty)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await client.PostAsync("/privacy/erase", empty)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var status = await factory.Services.GetRequiredService<IConsentService>().GetStatusAsync(new SubjectId(subject), consent.ConsentId, null, CancellationToken.None);
        status!.Value.IsGiven.Should().BeTrue();
        (await client.GetFromJsonAsync<JsonElement>("/privacy/objections")).GetProperty("objecting").GetArrayLength().Should().Be(0);
        (await client.GetFromJsonAsync<JsonElement>("/privacy/requests")).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Grant_answers_the_receipt_list_shows_the_consent_with_its_history_and_withdraw_answers_the_withdrawal_receipt()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var client = factory.SignedIn(subject);

        var granted = await client.PostAsJsonAsync("/privacy/consents", new { purposes = new[] { StandardPurposes.ServiceProvision }, categories = new[] { StandardDataCategories.Email } });
        granted.StatusCode.Should().Be(HttpStatusCode.OK);
        var receipt = await granted.Content.ReadFromJsonAsync<JsonElement>();
        receipt.GetProperty("state").GetString().Should().Be("Given");
        var consentId = receipt.GetProperty("consentId").GetGuid();
        (await client.GetAsync("/contact")).StatusCode.Should().Be(HttpStatusCode.OK, "the consent granted through the endpoint is in force");

        var withdrawn = await client.PostAsync($"/privacy/consents/{consentId}/withdraw", null);
        withdrawn.StatusCode.Should().Be(HttpStatusCode.OK);
        (await withdrawn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString().Should().Be("Withdrawn");

        var list = await client.GetFromJsonAsync<JsonElement>("/privacy/consents");
        list.GetProperty("consents").EnumerateArray().Should().ContainSingle().Which.GetProperty("state").GetString().Should().Be("Withdrawn");
        list.GetProperty("history").EnumerateArray().Select(static h => h.GetProperty("state").GetString()).Should().Equal("Given", "Withdrawn");
        (await client.GetAsync("/contact")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_grant_with_an_unknown_act_or_no_category_is_refused_naming_the_field()
    {
        var client = factory.SignedIn(PrivacyTestFactory.NewSubject());

        var badAct = await client.PostAsJsonAsync("/privacy/consents", new { purposes = new[] { "service-provision" }, categories = new[] { "user.contact.email" }, acts = new[] { "Teleport" } });
        var noCategory = await client.PostAsJsonAsync("/privacy/consents", new { purposes = new[] { "service-provision" } });

        badAct.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badAct.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("'acts'").And.Contain("Teleport");
        noCategory.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await noCategory.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("'categories'");
    }

    [Fact]
    public async Task Withdrawing_or_reading_another_subjects_consent_is_not_found()
    {
        var owner = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(owner);
        var consent = await factory.GrantAsync(owner, StandardPurposes.ServiceProvision, [StandardDataCategories.Email]);
        var other = factory.SignedIn(PrivacyTestFactory.NewSubject());

        (await other.PostAsync($"/privacy/consents/{consent.ConsentId.Value}/withdraw", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.GetAsync($"/privacy/consents/{consent.ConsentId.Value}/receipt")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("?format=kantara", null)]
    [InlineData("", "application/vnd.kantara.consent-receipt+json")]
    public async Task A_kantara_receipt_carries_every_field_the_specification_requires_and_a_pseudonym(string query, string? accept)
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var client = factory.SignedIn(subject);
        var consent = await factory.GrantAsync(subject, StandardPurposes.PartnerMarketing, [StandardDataCategories.Email, StandardDataCategories.Health], [ProcessingAct.Disclose], TestApp.Partner, RecipientKind.Partner);

        var request = new HttpRequestMessage(HttpMethod.Get, $"/privacy/consents/{consent.ConsentId.Value}/receipt{query}");
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/vnd.kantara.consent-receipt+json");
        var text = await response.Content.ReadAsStringAsync();
        var receipt = JsonDocument.Parse(text).RootElement;
        ReceiptSpecificationRules.Violations(receipt, ReceiptSpecificationRules.Kantara, new HashSet<string> { "third-party" }).Should().BeEmpty();
        receipt.GetProperty("sensitive").GetBoolean().Should().BeTrue();
        receipt.GetProperty("spiCat").EnumerateArray().Select(static c => c.GetString()).Should().Equal(StandardDataCategories.Health);
        receipt.GetProperty("services")[0].GetProperty("purposes")[0].GetProperty("thirdPartyName").GetString().Should().Be(TestApp.Partner);
        receipt.GetProperty("consentTimestamp").GetInt64().Should().Be(factory.Time.GetUtcNow().ToUnixTimeSeconds());
        var pseudonym = await factory.Services.GetRequiredService<IPseudonymStore>().FindAsync(new SubjectId(subject), CancellationToken.None);
        receipt.GetProperty("piiPrincipalId").GetString().Should().Be(pseudonym);
        text.Should().NotContain(subject);
    }

    [Fact]
    public void The_kantara_rules_catch_a_receipt_that_breaks_them()
    {
        var broken = JsonDocument.Parse("""{"version":"KI-CR-v1.0.0","jurisdiction":"","consentTimestamp":"2026-12-01","piiControllers":[],"services":[{"service":"shop","purposes":[{"purpose":"x","purposeCategory":[],"consentType":"EXPLICIT","piiCategory":["a"],"termination":"t","thirdPartyDisclosure":true}]}],"sensitive":false,"spiCat":[]}""").RootElement;

        var violations = ReceiptSpecificationRules.Violations(broken, ReceiptSpecificationRules.Kantara, new HashSet<string> { "third-party", "not-sensitive" });

        violations.Should().Contain(["$.version: 'KI-CR-v1.0.0', expected 'KI-CR-v1.1.0'", "$.jurisdiction: blank", "$.consentTimestamp: String, expected Number",
            "$.collectionMethod: missing", "$.piiPrincipalId: missing", "$.piiControllers: empty", "$.policyUrl: missing",
            "$.services[0].purposes[0].purposeCategory: empty", "$.services[0].purposes[0].thirdPartyName: missing"]);
    }

    [Fact]
    public async Task An_iso_27560_record_carries_every_field_of_the_dpv_profile_with_a_dpv_consent_status()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var client = factory.SignedIn(subject);
        var granted = await client.PostAsJsonAsync("/privacy/consents?format=iso-27560", new { purposes = new[] { StandardPurposes.ServiceProvision }, categories = new[] { StandardDataCategories.Email } });
        var consentId = Guid.Parse((await granted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dct:identifier").GetString()!);
        var withdrawRequest = new HttpRequestMessage(HttpMethod.Post, $"/privacy/consents/{consentId}/withdraw");
        withdrawRequest.Headers.Accept.ParseAdd("application/ld+json");

        var withdrawn = await client.SendAsync(withdrawRequest);

        granted.Content.Headers.ContentType!.MediaType.Should().Be("application/ld+json");
        withdrawn.Content.Headers.ContentType!.MediaType.Should().Be("application/ld+json");
        foreach (var (response, status) in new[] { (granted, "dpv:ConsentGiven"), (withdrawn, "dpv:ConsentWithdrawn") })
        {
            var text = await response.Content.ReadAsStringAsync();
            var record = JsonDocument.Parse(text).RootElement;
            ReceiptSpecificationRules.Violations(record, ReceiptSpecificationRules.Iso27560, new HashSet<string>()).Should().BeEmpty();
            record.GetProperty("@context")[0].GetString().Should().Be("https://w3id.org/dpv");
            var consentStatus = record.GetProperty("dpv:hasConsentStatus").GetProperty("@id").GetString();
            ReceiptSpecificationRules.DpvConsentStatuses.Should().Contain(consentStatus);
            consentStatus.Should().Be(status);
            text.Should().NotContain(subject);
        }
    }

    [Fact]
    public async Task An_unknown_receipt_format_is_refused()
    {
        var client = factory.SignedIn(PrivacyTestFactory.NewSubject());

        var response = await client.PostAsJsonAsync("/privacy/consents?format=xml", new { purposes = new[] { "service-provision" }, categories = new[] { "user.contact.email" } });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Objections_are_raised_listed_with_history_and_lifted()
    {
        var client = factory.SignedIn(PrivacyTestFactory.NewSubject());

        (await client.PostAsJsonAsync("/privacy/objections/own-marketing", new { })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetFromJsonAsync<JsonElement>("/privacy/objections")).GetProperty("objecting").EnumerateArray().Select(static o => o.GetString()).Should().Equal("own-marketing");
        (await client.PostAsJsonAsync("/privacy/objections/own-marketing/lift", new { })).StatusCode.Should().Be(HttpStatusCode.OK);

        var after = await client.GetFromJsonAsync<JsonElement>("/privacy/objections");
        after.GetProperty("objecting").GetArrayLength().Should().Be(0);
        after.GetProperty("history").EnumerateArray().Select(static h => h.GetProperty("state").GetString()).Should().Equal("Raised", "Lifted");
        (await client.PostAsJsonAsync("/privacy/objections/partner-marketing", new { })).StatusCode.Should().Be(HttpStatusCode.BadRequest, "the standard policy asks consent for partner marketing");
    }

    [Fact]
    public async Task Export_downloads_the_export_document_with_its_disclosure_ledger_and_is_audited()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var client = factory.SignedIn(subject);

        var response = await client.PostAsync("/privacy/export", null);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        response.Content.Headers.ContentDisposition.FileName.Should().StartWith("personal-data-");
        var export = await response.Content.ReadFromJsonAsync<JsonElement>();
        export.TryGetProperty("disclosures", out var ledger).Should().BeTrue();
        ledger.ValueKind.Should().Be(JsonValueKind.Array);
        export.GetProperty("acceptances").GetArrayLength().Should().Be(1);
        var pseudonym = await factory.Services.GetRequiredService<IPseudonymStore>().FindAsync(new SubjectId(subject), CancellationToken.None);
        factory.Audit.Snapshot().Should().Contain(e => e.SubjectPseudonym == pseudonym && e.Kind == AuditEventKind.SubjectRightsRequest);
    }

    [Fact]
    public async Task Rectify_answers_the_request_and_is_audited()
    {
        var subject = PrivacyTestFactory.NewSubject();
        var client = factory.SignedIn(subject);

        var response = await client.PostAsJsonAsync("/privacy/rectify", new { corrections = new Dictionary<string, string> { [StandardDataCategories.Email] = "new@example.org" } });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var request = await response.Content.ReadFromJsonAsync<JsonElement>();
        request.GetProperty("kind").GetString().Should().Be("Rectify");
        TestApp.Accounts.EmailOf(subject).Should().Be("new@example.org");
        var pseudonym = await factory.Services.GetRequiredService<IPseudonymStore>().FindAsync(new SubjectId(subject), CancellationToken.None);
        factory.Audit.Snapshot().Should().Contain(e => e.SubjectPseudonym == pseudonym && e.Kind == AuditEventKind.SubjectRightsRequest);
        (await client.PostAsJsonAsync("/privacy/rectify", new { corrections = new Dictionary<string, string>() })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Erase_answers_202_with_the_request_whose_status_is_readable_by_its_subject_only()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var client = factory.SignedIn(subject);

        var response = await client.PostAsync("/privacy/erase", null);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var request = await response.Content.ReadFromJsonAsync<JsonElement>();
        request.GetProperty("kind").GetString().Should().Be("Erase");
        var location = response.Headers.Location!.ToString();
        location.Should().Be($"/privacy/requests/{request.GetProperty("requestId").GetGuid()}");
        var status = await client.GetFromJsonAsync<JsonElement>(location);
        status.GetProperty("requestId").GetGuid().Should().Be(request.GetProperty("requestId").GetGuid());
        status.GetProperty("status").GetString().Should().NotBeNullOrEmpty();
        (await client.GetFromJsonAsync<JsonElement>("/privacy/requests")).EnumerateArray().Should().Contain(r => r.GetProperty("kind").GetString() == "Erase");
        (await factory.SignedIn(PrivacyTestFactory.NewSubject()).GetAsync(location)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/privacy/export")]
    [InlineData("/privacy/erase")]
    public async Task Export_and_erase_need_a_recent_sign_in_or_answer_with_a_challenge(string path)
    {
        var (subject, staleSubject) = (PrivacyTestFactory.NewSubject(), PrivacyTestFactory.NewSubject());

        var stale = await factory.SignedIn(staleSubject, signedInAgo: TimeSpan.FromMinutes(6)).PostAsync(path, null);
        var staleProperties = await factory.SignedIn(staleSubject, signedInAgo: TimeSpan.FromMinutes(6), authTimeClaim: false).PostAsync(path, null);
        var recentProperties = await factory.SignedIn(subject, signedInAgo: TimeSpan.FromMinutes(4), authTimeClaim: false).PostAsync(path, null);

        stale.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        stale.Headers.GetValues("X-Test-Challenge").Single().Should().Be($"prompt=login;max_age=300;redirect={path}");
        staleProperties.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        recentProperties.StatusCode.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.Accepted);
        (await factory.Services.GetRequiredService<ISubjectRightsRequestStore>().GetBySubjectAsync(new SubjectId(subject), CancellationToken.None).CountAsync()).Should().Be(1);
        (await factory.Services.GetRequiredService<ISubjectRightsRequestStore>().GetBySubjectAsync(new SubjectId(staleSubject), CancellationToken.None).CountAsync()).Should().Be(0, "a stale sign-in makes no request");
    }

    [Fact]
    public async Task The_window_moves_with_the_clock()
    {
        var subject = PrivacyTestFactory.NewSubject();
        var client = factory.SignedIn(subject, signedInAgo: TimeSpan.FromMinutes(4));
        (await client.PostAsync("/privacy/export", null)).StatusCode.Should().Be(HttpStatusCode.OK);

        // Every other test signs in relative to the clock, so moving it on disturbs none of them.
        factory.Time.Advance(TimeSpan.FromMinutes(2));

        (await client.PostAsync("/privacy/export", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Export_and_erase_are_rate_limited_per_subject()
    {
        var subject = PrivacyTestFactory.NewSubject();
        var client = factory.SignedIn(subject);

        var first = await client.PostAsync("/privacy/export", null);
        var second = await client.PostAsync("/privacy/export", null);
        var third = await client.PostAsync("/privacy/erase", null);
        var otherSubject = await factory.SignedIn(PrivacyTestFactory.NewSubject()).PostAsync("/privacy/export", null);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        third.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await third.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString().Should().Be("urn:privacy-enforcement:problem:rate-limited");
        otherSubject.StatusCode.Should().Be(HttpStatusCode.OK, "each subject has its own window");
        (await client.GetAsync("/privacy/consents")).StatusCode.Should().Be(HttpStatusCode.OK, "reading is not limited");
    }

    [Fact]
    public async Task The_privacy_endpoints_need_a_signed_in_user()
    {
        var anonymous = factory.Anonymous();

        foreach (var path in new[] { "/privacy/policy", "/privacy/consents", "/privacy/objections", "/privacy/requests" })
        {
            (await anonymous.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.Unauthorized, path);
        }

        (await anonymous.PostAsync("/privacy/erase", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_privacy_endpoint()
    {
        var document = await factory.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        foreach (var (path, method) in new[]
                 {
                     ("/privacy/policy", "get"), ("/privacy/policy/accept", "post"), ("/privacy/consents", "get"), ("/privacy/consents", "post"),
                     ("/privacy/consents/{consentId}/withdraw", "post"), ("/privacy/consents/{consentId}/receipt", "get"),
                     ("/privacy/objections", "get"), ("/privacy/objections/{purpose}", "post"), ("/privacy/objections/{purpose}/lift", "post"),
                     ("/privacy/export", "post"), ("/privacy/rectify", "post"), ("/privacy/erase", "post"),
                     ("/privacy/requests", "get"), ("/privacy/requests/{requestId}", "get"),
                 })
        {
            paths.GetProperty(path).GetProperty(method).GetProperty("summary").GetString().Should().NotBeNullOrEmpty(path);
        }
    }
}
