namespace Privacy.Enforcement.Tests.Consents;

[Trait("Category", "TimeDependent")]
public class ConsentValidationTests
{
    private static readonly SubjectId Alice = new("alice");

    private static readonly Func<ConsentTestKit, ConsentRequest>[] Builders =
    [
        k => k.Request(Alice, "selling-lists"),
        k => k.Request(Alice) with { Purposes = [] },
        k => k.Request(Alice) with { Categories = [new DataCategory("user.health")] },
        k => k.Request(Alice) with { Categories = [default] },
        k => k.Request(Alice) with { Acts = [] },
        k => k.Request(Alice) with { Acts = [(ProcessingAct)99] },
        k => k.Request(Alice) with { ExpiresAt = k.Time.GetUtcNow().AddTicks(-1) },
        k => k.Request(Alice) with { ExpiresAt = k.Time.GetUtcNow() },
        k => k.Request(Alice) with { PolicyVersion = new Version(9, 0) },
        k => k.Request(Alice) with { PolicyContentHash = new string('0', 64) },
        k => k.Request(Alice) with { PolicyContentHash = "" },
        k => k.Request(default),
        k => k.Request(Alice) with { EvidenceReference = new string('x', Identifier.MaxLength + 1) },
        k => k.Request(Alice) with { CollectionMethod = "" },
        k => k.Request(Alice) with { Controller = " " },
        k => k.Request(Alice) with { Language = "en\u0000" },
        k => k.SharingRequest(Alice, null),
        k => k.SharingRequest(Alice, "acme", RecipientKind.ServiceProvider),
        k => k.SharingRequest(Alice, "not-declared"),
        k => k.SharingRequest(Alice, null, (RecipientKind)42),
    ];

    public static TheoryData<string, int> BadRequests() => new()
    {
        { "request.Purposes", 0 },
        { "request.Purposes", 1 },
        { "request.Categories", 2 },
        { "request.Categories", 3 },
        { "request.Acts", 4 },
        { "request.Acts", 5 },
        { "request.ExpiresAt", 6 },
        { "request.ExpiresAt", 7 },
        { "request.PolicyVersion", 8 },
        { "request.PolicyContentHash", 9 },
        { "request.PolicyContentHash", 10 },
        { "request.Subject", 11 },
        { "request.EvidenceReference", 12 },
        { "request.CollectionMethod", 13 },
        { "request.Controller", 14 },
        { "request.Language", 15 },
        { "request.Recipient", 16 },
        { "request.RecipientKind", 17 },
        { "request.RecipientKind", 18 },
        { "request.RecipientKind", 19 },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task store_security_bad_grant_input_names_the_field_and_stores_nothing(string field, int index)
    {
        var kit = new ConsentTestKit();
        var build = Builders[index];
        await kit.Consents.GrantAsync(kit.Request(new SubjectId("bob")), default);
        var before = await kit.AllFactsAsync();
        var auditBefore = kit.Audit.Events.Count;

        var grant = () => kit.Consents.GrantAsync(build(kit), default).AsTask();
        var refuse = () => kit.Consents.RefuseAsync(build(kit), default).AsTask();

        (await grant.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be(field);
        (await refuse.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be(field);
        (await kit.AllFactsAsync()).Should().Equal(before);
        kit.Audit.Events.Should().HaveCount(auditBefore);
        kit.Decider.Invalidations.Should().Be(1);
    }

    [Fact]
    public async Task store_security_messages_name_the_problem_but_not_the_subject()
    {
        var kit = new ConsentTestKit();

        var error = await kit.Invoking(k => k.Consents.GrantAsync(k.Request(Alice, "selling-lists"), default).AsTask()).Should().ThrowAsync<ArgumentException>();

        error.Which.Message.Should().Contain("'selling-lists' is not a purpose declared by policy test-policy@1.0").And.NotContain("alice");
    }

    [Fact]
    public async Task changes_replace_a_grant_under_a_replaced_version_is_rejected()
    {
        var kit = new ConsentTestKit();
        var shownV1 = kit.Request(Alice);
        kit.Catalog.Publish(TestPolicies.Next(TestPolicies.Version1, "2.0"));

        var error = await kit.Invoking(k => k.Consents.GrantAsync(shownV1, default).AsTask()).Should().ThrowAsync<ArgumentException>();

        error.Which.ParamName.Should().Be("request.PolicyVersion");
        error.Which.Message.Should().Contain("replaced by test-policy@2.0");
        (await kit.AllFactsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task collect_consent_withdrawing_a_consent_that_does_not_exist_names_the_consent_and_stores_nothing()
    {
        var kit = new ConsentTestKit();
        var bobs = await kit.Consents.GrantAsync(kit.Request(new SubjectId("bob")), default);
        var before = await kit.AllFactsAsync();

        foreach (var id in new[] { ConsentId.New(), bobs.ConsentId, default })
        {
            var error = await kit.Invoking(k => k.Consents.WithdrawAsync(Alice, id, default).AsTask()).Should().ThrowAsync<ArgumentException>();
            error.Which.ParamName.Should().Be("consentId");
        }

        await kit.Invoking(k => k.Consents.WithdrawAsync(default, bobs.ConsentId, default).AsTask())
            .Should().ThrowAsync<ArgumentException>().Where(e => e.ParamName == "subject");
        (await kit.AllFactsAsync()).Should().Equal(before);
    }

    [Fact]
    public async Task changes_notice_bad_renewal_input_names_the_field_and_stores_nothing()
    {
        var kit = new ConsentTestKit();
        var granted = await kit.Consents.GrantAsync(kit.Request(Alice), default);
        var before = await kit.AllFactsAsync();

        var cases = new (string Field, ConsentRenewalRequest Request)[]
        {
            ("request.ConsentId", kit.Renewal(Alice, ConsentId.New())),
            ("request.ConsentId", kit.Renewal(new SubjectId("bob"), granted.ConsentId)),
            ("request.PolicyVersion", kit.Renewal(Alice, granted.ConsentId) with { PolicyVersion = new Version(3, 0) }),
            ("request.PolicyContentHash", kit.Renewal(Alice, granted.ConsentId) with { PolicyContentHash = "abc" }),
            ("request.ExpiresAt", kit.Renewal(Alice, granted.ConsentId) with { ExpiresAt = kit.Time.GetUtcNow() }),
            ("request.CollectionMethod", kit.Renewal(Alice, granted.ConsentId) with { CollectionMethod = new string('m', 300) }),
        };

        foreach (var (field, request) in cases)
        {
            var error = await kit.Invoking(k => k.Consents.RenewAsync(request, default).AsTask()).Should().ThrowAsync<ArgumentException>();
            error.Which.ParamName.Should().Be(field);
        }

        (await kit.AllFactsAsync()).Should().Equal(before);
    }

    [Fact]
    public void store_security_over_long_and_empty_ids_are_rejected_naming_the_type()
    {
        var tooLong = () => new SubjectId(new string('s', Identifier.MaxLength + 1));
        var empty = () => new PurposeId("");

        tooLong.Should().Throw<ArgumentException>().WithMessage("SubjectId must be at most 256 characters*");
        empty.Should().Throw<ArgumentException>().WithMessage("PurposeId must not be empty*");
    }
}
