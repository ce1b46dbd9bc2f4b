using System.Text.Json;

namespace Privacy.Enforcement.Tests.Consents;

public class ConsentReceiptTests
{
    private static readonly SubjectId Subject = new("subject-4711@example.org");

    [Fact]
    public async Task use_third_party_permission_grant_receipt_carries_the_kantara_fields()
    {
        var kit = new ConsentTestKit();
        var request = kit.SharingRequest(Subject, "acme") with { ExpiresAt = ConsentTestKit.Start.AddYears(1) };

        var result = await kit.Consents.GrantAsync(request, default);
        using var json = JsonDocument.Parse(result.Receipt.ToJson());
        var root = json.RootElement;

        root.GetProperty("version").GetString().Should().Be(ConsentReceipt.CurrentVersion);
        root.GetProperty("receiptId").GetGuid().Should().Be(result.Fact.FactId);
        root.GetProperty("consentId").GetGuid().Should().Be(result.ConsentId.Value);
        root.GetProperty("event").GetString().Should().Be("given");
        root.GetProperty("state").GetString().Should().Be("Given");
        root.GetProperty("timestamp").GetDateTimeOffset().Should().Be(ConsentTestKit.Start);
        root.GetProperty("controller").GetString().Should().Be("application");
        root.GetProperty("collectionMethod").GetString().Should().Be("web-form");
        root.GetProperty("notice").GetString().Should().Be("notice-7");
        root.GetProperty("language").GetString().Should().Be("en");
        root.GetProperty("purposes").EnumerateArray().Select(e => e.GetString()).Should().Equal(StandardPurposes.PartnerMarketing);
        root.GetProperty("categories").EnumerateArray().Select(e => e.GetString()).Should().Equal("user.contact.email");
        root.GetProperty("acts").EnumerateArray().Select(e => e.GetString()).Should().Equal("Disclose");
        root.GetProperty("recipient").GetString().Should().Be("acme");
        root.GetProperty("expiresAt").GetDateTimeOffset().Should().Be(ConsentTestKit.Start.AddYears(1));
        var policy = root.GetProperty("policy");
        policy.GetProperty("id").GetString().Should().Be(TestPolicies.PolicyId);
        policy.GetProperty("version").GetString().Should().Be("1.0");
        policy.GetProperty("contentHash").GetString().Should().Be(kit.V1.Version.ContentHash);
        root.TryGetProperty("recipientKind", out _).Should().BeFalse("nulls are left out");
    }

    [Fact]
    public async Task store_subject_access_receipt_names_no_subject_id_pseudonym_or_evidence()
    {
        var kit = new ConsentTestKit();
        var result = await kit.Consents.GrantAsync(kit.Request(Subject), default);
        var pseudonym = await kit.Pseudonyms.FindAsync(Subject, default);

        var json = result.Receipt.ToJson();

        json.Should().NotContain(Subject.Value).And.NotContain("4711").And.NotContain("form-submission-123");
        pseudonym.Should().NotBeNull();
        json.Should().NotContain(pseudonym!);
    }

    [Fact]
    [Trait("Category", "TimeDependent")]
    public async Task collect_consent_withdrawal_receipt_describes_the_withdrawn_consent_in_utc()
    {
        var kit = new ConsentTestKit();
        var granted = await kit.Consents.GrantAsync(kit.Request(Subject), default);
        kit.Time.Advance(TimeSpan.FromHours(13));

        var withdrawn = await kit.Consents.WithdrawAsync(Subject, granted.ConsentId, default);

        var receipt = ConsentReceipt.FromJson(withdrawn.Receipt.ToJson());
        receipt.Should().BeEquivalentTo(withdrawn.Receipt);
        receipt.Event.Should().Be("withdrawn");
        receipt.State.Should().Be("Withdrawn");
        receipt.ConsentId.Should().Be(granted.ConsentId.Value);
        receipt.ReceiptId.Should().NotBe(granted.Receipt.ReceiptId);
        receipt.Purposes.Should().Equal(StandardPurposes.ServiceProvision);
        receipt.Timestamp.Should().Be(ConsentTestKit.Start.AddHours(13));
        receipt.Timestamp.Offset.Should().Be(TimeSpan.Zero);
        withdrawn.Receipt.ToJson().Should().Contain("\"timestamp\":\"2026-03-01T22:00:00+00:00\"");
    }

    [Fact]
    public async Task collect_consent_receipt_carries_the_configured_jurisdiction_and_policy_location()
    {
        var kit = new ConsentTestKit();
        var options = Microsoft.Extensions.Options.Options.Create(new ConsentReceiptOptions { Jurisdiction = "CN", PolicyLocation = new Uri("https://example.org/privacy") });
        var service = new ConsentService(kit.Store, kit.Catalog, kit.Notifier, options);

        var result = await service.GrantAsync(kit.Request(Subject), default);

        result.Receipt.Jurisdiction.Should().Be("CN");
        result.Receipt.Policy.Location.Should().Be(new Uri("https://example.org/privacy"));
        result.Receipt.ToJson().Should().Contain("\"jurisdiction\":\"CN\"").And.Contain("\"location\":\"https://example.org/privacy\"");
    }

    [Fact]
    public void store_security_a_malformed_receipt_is_rejected()
    {
        var act = () => ConsentReceipt.FromJson("null");

        act.Should().Throw<JsonException>();
    }
}
