using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Privacy.Enforcement.Tests.SubjectRights;

public sealed class SubjectRightsServiceTests : IDisposable
{
    private static readonly SubjectId Alice = new("alice");
    private static readonly SubjectId Bob = new("bob");
    private static readonly PolicyVersion Policy = new(new PolicyId("standard"), new Version(1, 0), SubjectRightsFixture.Start.AddDays(-30), "hash");

    private readonly SubjectRightsFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task store_subject_access_export_holds_everything_about_the_subject_and_validates_against_the_schema()
    {
        await SeedAsync();

        var result = await _f.Rights.AccessAsync(Alice, default);

        result.Request.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        var export = result.Export;
        export.Complete.Should().BeTrue();
        export.Sources.Select(s => s.Name).Should().Equal("accounts", "crm", "files");
        export.Sources[0].Data.Should().ContainKey("user.contact.email");
        export.Sources[1].Data["user.contact.phone_number"].GetString().Should().Be("+86 138 0000 0000");
        export.Sources[1].Operator.Should().Be("Affiliate:affiliate.crm");
        export.Consents.Should().HaveCount(2);
        export.Consents.Single(c => c.State == "Withdrawn").History.Select(h => h.State).Should().Equal("Given", "Withdrawn");
        export.Acceptances.Should().ContainSingle().Which.Kind.Should().Be("Explicit");
        export.Objections.Should().ContainSingle().Which.Purpose.Should().Be("own-marketing");
        export.Engagements.Should().ContainSingle().Which.Provider.Should().Be("sms-gateway");

        // The ledger: only permitted disclosures of Alice's data, with recipient, time, ground and clause.
        export.Disclosures.Should().ContainSingle();
        var disclosure = export.Disclosures[0];
        disclosure.Recipient.Should().Be("courier");
        disclosure.Ground.Should().Be("Transaction");
        disclosure.Clauses.Should().Equal(ClauseIds.DiscloseTransaction);
        disclosure.Categories.Should().Equal("user.contact.phone_number");
        disclosure.At.Should().Be(SubjectRightsFixture.Start.AddDays(-3));

        // collect.exempt.violations: kept outside the policy, and the export says so and why.
        export.Kept.Select(k => k.RecordType).Should().BeEquivalentTo(["violation", "sanction"]);
        export.Kept.Should().OnlyContain(k => k.Clause == ClauseIds.CollectExemptViolations && k.Reason.Length > 0);
        export.Requests.Should().ContainSingle().Which.RequestId.Should().Be(result.Request.Id.ToString());

        var json = SubjectDataExportSchema.ToUtf8Json(export);
        var schema = JsonSchema.FromText(SubjectDataExportSchema.GetSchema());
        var evaluation = schema.Evaluate(JsonNode.Parse(json), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        evaluation.IsValid.Should().BeTrue(string.Join("; ", evaluation.Details.Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        SubjectDataExportSchema.Parse(json).Should().NotBeNull();
    }

    [Fact]
    public void store_subject_access_schema_rejects_a_document_that_breaks_it()
    {
        var schema = JsonSchema.FromText(SubjectDataExportSchema.GetSchema());
        var broken = JsonNode.Parse("""{"schemaVersion":"1.0","subject":"alice"}""");

        schema.Evaluate(broken).IsValid.Should().BeFalse();
    }

    [Fact]
    public async Task store_account_security_credentials_flagged_by_the_policy_are_held_not_shown()
    {
        await SeedAsync();

        var export = (await _f.Rights.AccessAsync(Alice, default)).Export;

        var accounts = export.Sources.Single(s => s.Name == "accounts");
        accounts.HeldNotShown.Should().Equal("user.authorization.password");
        accounts.Data.Should().NotContainKey("user.authorization.password");
        Encoding.UTF8.GetString(SubjectDataExportSchema.ToUtf8Json(export)).Should().NotContain("hunter2");
    }

    [Fact]
    public async Task store_subject_access_with_a_failing_source_is_incomplete_and_stays_open_until_asked_again()
    {
        await SeedAsync();
        _f.Files.Failing = true;

        var first = await _f.Rights.AccessAsync(Alice, default);

        first.Export.Complete.Should().BeFalse();
        first.Export.Sources.Single(s => s.Name == "files").Should().Match<ExportedSource>(s => s.Status == "Failed" && s.ErrorKind == "IOException");
        first.Request.Status.Should().Be(SubjectRightsRequestStatus.PartiallyCompleted);

        _f.Files.Failing = false;
        var second = await _f.Rights.AccessAsync(Alice, default);

        second.Request.Id.Should().Be(first.Request.Id, "an identical open request is the same request");
        second.Request.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        second.Export.Complete.Should().BeTrue();
        second.Request.Steps.Single(s => s.Source == "files").Attempts.Should().Be(2);
    }

    [Fact]
    public async Task store_subject_edit_corrects_data_through_its_source_and_is_audited_without_values()
    {
        await SeedAsync();

        var request = await _f.Rights.RectifyAsync(Alice, Corrections(("user.contact.phone_number", "+86 139 1111 2222")), default);

        request.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        request.Kind.Should().Be(SubjectRightsRequestKind.Rectify);
        _f.Crm.Get(Alice)[new DataCategory("user.contact.phone_number")].GetString().Should().Be("+86 139 1111 2222");
        request.Steps.Single(s => s.Source == "crm").Categories.Should().Equal(new DataCategory("user.contact.phone_number"));
        request.Steps.Single(s => s.Source == "accounts").Status.Should().Be(SubjectRightsStepStatus.NotApplicable);

        var events = _f.Audit.Events.Where(e => e.Kind == AuditEventKind.SubjectRightsRequest && e.RecordId == request.Id.ToString()).ToList();
        events.Select(e => e.Action).Should().Equal("subject-rights.rectify.received", "subject-rights.rectify.answered");
        events.Should().OnlyContain(e => e.ClauseIds.Contains(ClauseIds.StoreSubjectEdit) && e.ClauseIds.Contains(ClauseIds.StoreAccuracy));
        events.Should().OnlyContain(e => e.Categories.SequenceEqual(new[] { "user.contact.phone_number" }));
        var trail = JsonSerializer.Serialize(_f.Audit.Events);
        trail.Should().NotContain("139 1111").And.NotContain("alice");
        _f.Cache.Invalidated.Should().Contain(Alice);
    }

    [Fact]
    public async Task store_accuracy_rectification_of_a_category_no_source_holds_is_refused_by_name()
    {
        var act = async () => await _f.Rights.RectifyAsync(Alice, Corrections(("user.location.gps", "0,0")), default);

        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("*user.location.gps*store.subject-edit*");
    }

    [Fact]
    public async Task store_subject_edit_failing_source_stays_open_and_resubmission_retries_it()
    {
        await SeedAsync();
        _f.Files.Failing = true;

        var first = await _f.Rights.RectifyAsync(Alice, Corrections(("user.content", "new bio"), ("user.contact.email", "a@new.example")), default);

        first.Status.Should().Be(SubjectRightsRequestStatus.PartiallyCompleted);
        first.CompletedAt.Should().BeNull();

        _f.Files.Failing = false;
        var second = await _f.Rights.RectifyAsync(Alice, Corrections(("user.contact.email", "a@new.example"), ("user.content", "new bio")), default);

        second.Id.Should().Be(first.Id);
        second.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        _f.Files.Get(Alice)[new DataCategory("user.content")].GetString().Should().Be("new bio");
    }

    [Fact]
    public async Task store_subject_delete_with_a_failing_source_stays_open_and_is_retried_to_completion()
    {
        await SeedAsync();
        var pseudonyms = _f.Get<IPseudonymStore>();
        var pseudonym = await pseudonyms.GetOrCreateAsync(Alice, default);
        _f.Files.Failing = true;

        var open = await _f.Rights.EraseAsync(Alice, default);

        open.Status.Should().Be(SubjectRightsRequestStatus.PartiallyCompleted);
        open.IsOpen.Should().BeTrue();
        open.CompletedAt.Should().BeNull();
        var failed = open.Steps.Single(s => s.Source == "files");
        failed.Status.Should().Be(SubjectRightsStepStatus.Failed);
        failed.ErrorKind.Should().Be("IOException");
        open.Steps.Single(s => s.Source == "accounts").Should().Match<SubjectRightsStepResult>(s => s.Status == SubjectRightsStepStatus.Succeeded && s.At == SubjectRightsFixture.Start);
        _f.Accounts.Get(Alice).Should().BeEmpty();
        _f.Crm.Get(Alice).Should().BeEmpty();

        // Consents end at once; their facts stay (proof) and the pseudonym stays until every source has erased.
        var facts = await ToListAsync(_f.Get<IConsentStore>().GetFactsAsync(Alice, default));
        ConsentHistory.EvaluateAll(facts, _f.Time.GetUtcNow()).Should().OnlyContain(s => !s.IsGiven);
        open.Steps.Single(s => s.Source == SubjectRightsStepNames.Pseudonym).Status.Should().Be(SubjectRightsStepStatus.Pending);
        (await pseudonyms.FindAsync(Alice, default)).Should().Be(pseudonym);
        (await _f.Rights.EraseAsync(Alice, default)).Id.Should().Be(open.Id, "an identical open request is not duplicated (and it runs the failed source again)");

        _f.Files.Failing = false;
        _f.Time.Advance(TimeSpan.FromHours(2));
        var done = await _f.Rights.RetryAsync(open.Id, default);

        done!.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        done.CompletedAt.Should().Be(SubjectRightsFixture.Start.AddHours(2));
        done.Steps.Single(s => s.Source == "files").Should().Match<SubjectRightsStepResult>(s => s.Attempts == 3 && s.Categories.Single() == new DataCategory("user.content"));
        done.Steps.Single(s => s.Source == "accounts").Attempts.Should().Be(1, "a source that erased is not asked again");
        _f.Accounts.EraseCalls.Should().Be(1);
        _f.Files.Get(Alice).Should().BeEmpty();
        (await ToListAsync(_f.Get<IConsentStore>().GetFactsAsync(Alice, default))).Should().BeEmpty();
        (await ToListAsync(_f.Get<IAcceptanceStore>().GetAcceptancesAsync(Alice, default))).Should().BeEmpty();
        (await pseudonyms.FindAsync(Alice, default)).Should().BeNull("the trail no longer identifies the subject");

        // The trail itself is untouched: earlier events keep their pseudonym, and the erasure is recorded under it.
        _f.Audit.Events.Should().Contain(e => e.Action == "subject-rights.erase.erased" && e.SubjectPseudonym == pseudonym);
        _f.Audit.Events.Select(e => e.Sequence).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        _f.Cache.Invalidated.Should().Contain(Alice);

        // Bob is untouched.
        _f.Accounts.Get(Bob).Should().NotBeEmpty();
    }

    [Fact]
    public async Task store_integrity_after_erasure_the_hash_chained_trail_still_verifies_and_no_longer_maps_the_subject()
    {
        using var f = new SubjectRightsFixture(realAuditTrail: true);
        var pseudonyms = f.Get<IPseudonymStore>();
        var pseudonym = await pseudonyms.GetOrCreateAsync(Alice, default);
        f.Accounts.Put(Alice, "user.contact.email", "alice@example.com");
        await f.Get<IAuditTrail>().RecordAsync(Decision(pseudonym, "Permit", "courier", SubjectRightsFixture.Start), default);

        var request = await f.Rights.EraseAsync(Alice, default);

        request.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        (await pseudonyms.FindAsync(Alice, default)).Should().BeNull();
        var events = await ToListAsync(f.Get<IAuditTrailReader>().ReadAsync(1, default));
        events.Should().Contain(e => e.Action == "subject-rights.erase.erased" && e.SubjectPseudonym == pseudonym);
        events.Should().OnlyContain(e => e.SubjectPseudonym == null || e.SubjectPseudonym == pseudonym);
        AuditTrailVerifier.Verify(events).IsValid.Should().BeTrue();
        JsonSerializer.Serialize(events).Should().NotContain("alice");
    }

    [Fact]
    public async Task collect_exempt_violations_records_are_kept_on_erasure_and_the_answer_lists_them_with_why()
    {
        await SeedAsync();

        var request = await _f.Rights.EraseAsync(Alice, default);

        request.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        request.Kept.Should().HaveCount(2);
        request.Kept.Should().OnlyContain(k => k.Clause == ClauseIds.CollectExemptViolations);
        request.Kept.Single(k => k.RecordType == "violation").Categories.Should().Equal(new DataCategory("user.contact.phone_number"));
        (await ToListAsync(_f.Get<IViolationStore>().GetByViolatorAsync(Alice, default))).Should().ContainSingle();
        (await ToListAsync(_f.Get<IViolationStore>().GetSanctionsAsync(Alice, default))).Should().ContainSingle();
    }

    [Fact]
    public async Task store_subject_delete_keeps_what_a_legal_hold_covers_and_says_so()
    {
        await SeedAsync();
        var hold = await _f.Rights.PlaceLegalHoldAsync(Alice, "case-2026-17", "Court order to preserve contact data", [new DataCategory("user.contact")], default);

        var request = await _f.Rights.EraseAsync(Alice, default);

        request.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        _f.Crm.Get(Alice).Should().ContainKey(new DataCategory("user.contact.phone_number"));
        _f.Crm.Get(Alice).Should().NotContainKey(new DataCategory("user.profile"));
        _f.Accounts.Get(Alice).Should().ContainKey(new DataCategory("user.contact.email")).And.NotContainKey(new DataCategory("user.authorization.password"));
        request.Kept.Should().Contain(k => k.RecordType == "legal-hold" && k.RecordId == "case-2026-17" && k.Categories.Single() == new DataCategory("user.contact"));

        (await _f.Rights.ReleaseLegalHoldAsync(hold.Id, default)).Should().BeTrue();
        (await ToListAsync(_f.Get<ILegalHoldStore>().GetActiveAsync(Alice, default))).Should().BeEmpty();
    }

    [Fact]
    public async Task store_subject_delete_emits_return_or_delete_obligations_for_engagements_covering_the_subject()
    {
        await SeedAsync();

        var request = await _f.Rights.EraseAsync(Alice, default);

        var obligation = request.Obligations.Should().ContainSingle().Subject;
        obligation.Provider.Should().Be(new RecipientId("sms-gateway"));
        obligation.Categories.Should().Equal(new DataCategory("user.contact.phone_number"));
        _f.Audit.Events.Should().Contain(e => e.Kind == AuditEventKind.Engagement && e.Action == "engagement.return-or-delete"
            && e.Recipient == "sms-gateway" && e.Obligations.Contains(nameof(ObligationKind.ReturnOrDelete))
            && e.ClauseIds.Contains(ClauseIds.UseThirdPartyServiceEnd));
    }

    [Fact]
    public async Task store_subject_delete_request_has_a_deadline_from_the_configured_period()
    {
        var request = await _f.Rights.EraseAsync(Alice, default);

        request.ReceivedAt.Should().Be(SubjectRightsFixture.Start);
        request.Deadline.Should().Be(SubjectRightsFixture.Start.AddDays(15));
        // Completed, it is stored sealed: the keyed hash in place of the id (store.subject-delete).
        var stored = await _f.Get<ISubjectRightsRequestStore>().FindAsync(request.Id, default);
        stored.Should().BeEquivalentTo(request with { Subject = default }, o => o.Excluding(r => r.SubjectHash));
        stored!.SubjectHash.Should().StartWith("hmac-sha256:");
    }

    [Fact]
    public async Task store_subject_delete_retry_of_an_access_request_by_id_is_refused_clearly()
    {
        var access = await _f.Rights.AccessAsync(Alice, default);

        var act = async () => await _f.Rights.RetryAsync(access.Request.Id, default);

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*Access*");
        (await _f.Rights.RetryAsync(SubjectRightsRequestId.New(), default)).Should().BeNull();
    }

    [Fact]
    public void store_location_a_source_operated_by_anyone_else_is_refused_at_registration()
    {
        var foreign = new TestPersonalDataSource("ad-network", new DataSourceOperator(DataSourceOperatorKind.Other, "ad-network"), "user.profile");
        var services = new ServiceCollection();

        var act = () => services.AddPrivacyEnforcement().AddPersonalDataSource(foreign);

        act.Should().Throw<ArgumentException>().WithMessage("*ad-network*store.location*");
    }

    [Fact]
    public void store_location_an_undeclared_affiliate_is_refused_at_start_up()
    {
        using var f = new SubjectRightsFixture(b => b.AddPersonalDataSource<UndeclaredAffiliateSource>());

        var act = () => f.Get<IOptions<SubjectRightsOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().WithMessage("*elsewhere-inc*not a declared affiliate*store.location*");
        ((Action)(() => _ = f.Rights)).Should().Throw<OptionsValidationException>();
    }

    [Fact]
    public async Task store_subject_delete_destroys_the_subject_key_so_its_encrypted_fields_are_unreadable()
    {
        using var kek = new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [1] = new byte[32] }, 1);
        using var f = new SubjectRightsFixture(b => b.UseSubjectKeyEncryption(_ => kek));
        var encryptor = f.Get<SubjectFieldEncryptor>();
        var aliceField = await encryptor.EncryptAsync(Alice, "notes", "secret"u8.ToArray(), default);
        var bobField = await encryptor.EncryptAsync(Bob, "notes", "other"u8.ToArray(), default);

        var request = await f.Rights.EraseAsync(Alice, default);

        request.Steps.Single(s => s.Source == SubjectRightsStepNames.SubjectKey).Status.Should().Be(SubjectRightsStepStatus.Succeeded);
        var act = async () => await encryptor.DecryptAsync(Alice, "notes", aliceField, default);
        await act.Should().ThrowAsync<SubjectKeyShreddedException>();
        (await encryptor.DecryptAsync(Bob, "notes", bobField, default)).Should().Equal("other"u8.ToArray());
    }

    private async Task SeedAsync()
    {
        _f.Accounts.Put(Alice, "user.contact.email", "alice@example.com");
        _f.Accounts.Put(Alice, "user.authorization.password", "hunter2");
        _f.Crm.Put(Alice, "user.contact.phone_number", "+86 138 0000 0000");
        _f.Crm.Put(Alice, "user.profile", new { nickname = "Al", city = "Hangzhou" });
        _f.Files.Put(Alice, "user.content", "old bio");
        _f.Accounts.Put(Bob, "user.contact.email", "bob@example.com");

        var consents = _f.Get<IConsentStore>();
        var live = ConsentId.New();
        var ended = ConsentId.New();
        var t0 = SubjectRightsFixture.Start.AddDays(-10);
        await consents.AppendManyAsync(
        [
            Fact(live, ConsentState.Given, t0),
            Fact(ended, ConsentState.Given, t0),
            Fact(ended, ConsentState.Withdrawn, t0.AddDays(1)),
        ], default);
        var acceptances = _f.Get<IAcceptanceStore>();
        await acceptances.AppendAcceptanceAsync(new PolicyAcceptance(Alice, Policy, AcceptanceKind.Explicit, t0, "signup-form"), default);
        await acceptances.AppendObjectionAsync(new ObjectionFact(Alice, new PurposeId("own-marketing"), ObjectionState.Raised, t0), default);

        await _f.Get<IEngagementStore>().CreateAsync(new ServiceEngagement
        {
            Id = EngagementId.New(),
            Provider = new RecipientId("sms-gateway"),
            Service = new ServiceId("notifications"),
            Subjects = [Alice],
            Categories = [new DataCategory("user.contact.phone_number")],
            StartsAt = t0,
        }, default);

        var violation = new Violation
        {
            Id = ViolationId.New(),
            Kind = ViolationKind.Harvesting,
            Violator = Alice,
            EvidenceReference = "report-7",
            RelevantCategories = [new DataCategory("user.contact.phone_number")],
            Status = ViolationStatus.Confirmed,
            ReportedAt = t0,
        };
        var violations = _f.Get<IViolationStore>();
        await violations.CreateAsync(violation, default);
        await violations.AddSanctionAsync(new Sanction(Alice, violation.Id, SanctionKind.ServiceAgreementTerminated, t0.AddDays(1)), default);

        var pseudonyms = _f.Get<IPseudonymStore>();
        var alice = await pseudonyms.GetOrCreateAsync(Alice, default);
        var bob = await pseudonyms.GetOrCreateAsync(Bob, default);
        await _f.Audit.RecordAsync(Decision(alice, "Permit", "courier", SubjectRightsFixture.Start.AddDays(-3)), default);
        await _f.Audit.RecordAsync(Decision(alice, "Deny", "data-broker", SubjectRightsFixture.Start.AddDays(-2)), default);
        await _f.Audit.RecordAsync(Decision(bob, "Permit", "courier", SubjectRightsFixture.Start.AddDays(-1)), default);
    }

    private static ConsentFact Fact(ConsentId id, ConsentState state, DateTimeOffset at) => new()
    {
        FactId = Guid.NewGuid(),
        ConsentId = id,
        Subject = Alice,
        State = state,
        RecordedAt = at,
        Policy = Policy,
        Terms = state == ConsentState.Given
            ? new ConsentTerms { Purposes = [new PurposeId("partner-marketing")], Categories = [new DataCategory("user.contact.email")], Acts = [ProcessingAct.Disclose], RecipientKind = RecipientKind.Partner }
            : null,
        Reason = state == ConsentState.Withdrawn ? "subject withdrew" : null,
    };

    private static AuditEvent Decision(string pseudonym, string outcome, string recipient, DateTimeOffset at) => new()
    {
        Timestamp = at,
        Kind = AuditEventKind.Decision,
        Action = "decision.disclose",
        SubjectPseudonym = pseudonym,
        Recipient = recipient,
        RecipientKind = nameof(RecipientKind.TransactionCounterparty),
        Categories = ["user.contact.phone_number", "user.contact.email"],
        PermittedCategories = outcome == "Permit" ? ["user.contact.phone_number"] : [],
        Ground = nameof(DisclosureGround.Transaction),
        Outcome = outcome,
        ClauseIds = [ClauseIds.DiscloseTransaction],
        EvidenceReferences = ["order-991"],
        PolicyVersion = Policy.ToString(),
    };

    private static Dictionary<DataCategory, JsonElement> Corrections(params (string Category, string Value)[] values) =>
        values.ToDictionary(v => new DataCategory(v.Category), v => JsonSerializer.SerializeToElement(v.Value));

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    private sealed class UndeclaredAffiliateSource : IPersonalDataSource
    {
        public string Name => "partner-warehouse";

        public DataSourceOperator Operator => DataSourceOperator.Affiliate("elsewhere-inc");

        public IReadOnlyList<DataCategory> Categories { get; } = [new DataCategory("user.profile")];

        public ValueTask<IReadOnlyDictionary<DataCategory, JsonElement>> ReadAsync(SubjectId subject, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask UpdateAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> changes, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<DataCategory>> EraseAsync(SubjectId subject, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
