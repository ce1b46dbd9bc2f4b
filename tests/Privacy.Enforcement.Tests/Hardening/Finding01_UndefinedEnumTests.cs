using Privacy.Enforcement.Tests.Decisions;
using static Privacy.Enforcement.StandardDataCategories;
using static Privacy.Enforcement.Tests.Decisions.EnforcerFixture;
using static Privacy.Enforcement.Tests.Hardening.HardeningReflection;

namespace Privacy.Enforcement.Tests.Hardening;

/// <summary>
/// Finding 1: an out-of-range enum permitted. Every enum a request, fact or policy document carries is checked where
/// it enters (an <see cref="ArgumentException"/> naming type, member and value), and the enforcer denies as
/// Indeterminate any request that carries one anyway.
/// </summary>
public sealed class Finding01_UndefinedEnumTests
{
    private const string Service = StandardPurposes.ServiceProvision;

    /// <summary>Values no enum of a request or fact defines (6 is a defined <see cref="RecipientKind"/>, so it is tried on the use act only).</summary>
    public static TheoryData<int> Undefined => [8, 37, 255, -1, int.MinValue, int.MaxValue];

    private static DataCategory[] Cats(params string[] categories) => [.. categories.Select(c => new DataCategory(c))];

    private static UseRequest Use() => new(Alice, Cats(Behavior), new PurposeId(Service));

    private static CollectionRequest Collect() => new(Alice, Cats(Phone), new PurposeId(Service));

    private static DisclosureRequest ToCourt(DisclosureEvidence evidence) =>
        new(Alice, Cats(Name, Phone), new PurposeId(StandardPurposes.LegalCompliance), new Recipient(Court, RecipientKind.JudicialAuthority), evidence);

    private static LegalRequirementEvidence Legal() => new(InstitutionKind.Judicial, "District Court", "Civil Procedure Law art. 67", "warrant-2025-17", Cats(Name, Phone));

    private static DisclosureRequest ToSeller() =>
        new(Alice, Cats(Phone), new PurposeId(StandardPurposes.DisputeResolution), new Recipient(Seller, RecipientKind.TransactionCounterparty),
            new TransactionEvidence("order-77", ["alice", Seller], Seller, Fulfilment.Partial, new TransactionApproval("operator-7", [])));

    [Theory]
    [InlineData(6)]
    [InlineData(37)]
    [InlineData(255)]
    [InlineData(-1)]
    public void Finding01_an_undefined_use_act_is_refused_where_the_request_is_made(int value)
    {
        var make = () => Use() with { UseAct = (ProcessingAct)value };

        make.Should().Throw<ArgumentException>()
            .Where(e => e.Message.Contains("UseRequest.UseAct", StringComparison.Ordinal) && e.Message.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Undefined))]
    public void Finding01_every_enum_of_a_request_or_its_evidence_is_checked_where_it_is_set(int value)
    {
        var makers = new (string Member, Action Make)[]
        {
            ("UseRequest.UseAct", () => _ = new UseRequest(Alice, Cats(Behavior), new PurposeId(Service)) { UseAct = (ProcessingAct)value }),
            ("DisclosureRequest.TransferKind", () => _ = ToCourt(Legal()) with { TransferKind = (TransferKind)value }),
            ("Recipient.Kind", () => _ = new Recipient(Court, (RecipientKind)value)),
            ("Recipient.Kind", () => _ = new Recipient(new RecipientId(Court), (RecipientKind)value)),
            ("Recipient.Kind", () => _ = new Recipient(Court, RecipientKind.JudicialAuthority) with { Kind = (RecipientKind)value }),
            ("LegalRequirementEvidence.Institution", () => _ = new LegalRequirementEvidence((InstitutionKind)value, "court", "law", "doc", [])),
            ("LegalRequirementEvidence.Institution", () => _ = Legal() with { Institution = (InstitutionKind)value }),
            ("TransactionEvidence.RequestingPartyFulfilment", () => _ = new TransactionEvidence("t", ["alice"], "seller", (Fulfilment)value, null)),
            ("PrivacyRequest.Actor", () => _ = new UseRequest(Alice, Cats(Behavior), new PurposeId(Service), WithStruct(Actor.Application, nameof(Actor.Kind), (ActorKind)value))),
            ("ConsentFact.State", () => _ = new ConsentFact { FactId = Guid.NewGuid(), ConsentId = ConsentId.New(), Subject = Alice, State = (ConsentState)value, RecordedAt = Start, Policy = CreatePolicy("1.0").Version }),
            ("ConsentTerms.Acts", () => _ = new ConsentTerms { Purposes = [new PurposeId(Service)], Categories = Cats(Phone), Acts = [ProcessingAct.Collect, (ProcessingAct)value] }),
            ("ConsentTerms.RecipientKind", () => _ = new ConsentTerms { Purposes = [new PurposeId(Service)], Categories = Cats(Phone), Acts = [ProcessingAct.Disclose], RecipientKind = (RecipientKind)value }),
            ("PolicyAcceptance.Kind", () => _ = new PolicyAcceptance(Alice, CreatePolicy("1.0").Version, (AcceptanceKind)value, Start, "sign-in")),
            ("ObjectionFact.State", () => _ = new ObjectionFact(Alice, new PurposeId(Service), (ObjectionState)value, Start)),
        };

        foreach (var (member, make) in makers)
        {
            make.Should().Throw<ArgumentException>(member)
                .Where(e => e.Message.Contains(member, StringComparison.Ordinal) && e.Message.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), member);
        }
    }

    [Fact]
    public async Task Finding01_a_use_act_of_six_for_a_subject_who_never_accepted_nor_consented_is_not_a_permit()
    {
        using var fixture = new EnforcerFixture();
        foreach (var value in new[] { 6, 37, 255, -1 })
        {
            var request = With(Use() with { }, nameof(UseRequest.UseAct), (ProcessingAct)value);

            var decision = await fixture.DecideAsync(request);

            decision.Outcome.Should().Be(DecisionOutcome.Deny, $"UseAct {value}");
            decision.Reason.Should().Be(DecisionReason.Indeterminate, $"UseAct {value}");
        }
    }

    /// <summary>Each case starts from a request that is a Permit, then writes one undefined enum past the type's checks.</summary>
    public static TheoryData<string> Slots => ["use act", "use actor kind", "collection actor kind", "transfer kind", "recipient kind", "institution kind", "fulfilment"];

    [Theory]
    [MemberData(nameof(Slots))]
    public async Task Finding01_the_enforcer_denies_as_indeterminate_a_request_carrying_an_undefined_enum(string slot)
    {
        using var fixture = new EnforcerFixture();
        await fixture.AcceptAsync(Alice);
        await fixture.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect]);
        PrivacyRequest valid = slot switch
        {
            "use act" or "use actor kind" => Use(),
            "collection actor kind" => Collect(),
            "transfer kind" or "recipient kind" or "institution kind" => ToCourt(Legal()),
            "fulfilment" => ToSeller(),
            _ => throw new ArgumentOutOfRangeException(nameof(slot)),
        };
        (await fixture.DecideAsync(valid)).Outcome.Should().Be(DecisionOutcome.Permit, "the case starts from a permitted request");

        foreach (var value in new[] { 8, 37, 255, -1, int.MinValue })
        {
            var request = slot switch
            {
                "use act" => With(valid with { }, nameof(UseRequest.UseAct), (ProcessingAct)value),
                "use actor kind" or "collection actor kind" => With(valid with { }, nameof(PrivacyRequest.Actor), WithStruct(Actor.Application, nameof(Actor.Kind), (ActorKind)value)),
                "transfer kind" => With(valid with { }, nameof(DisclosureRequest.TransferKind), (TransferKind)value),
                "recipient kind" => With(valid with { }, nameof(DisclosureRequest.Recipient), WithStruct(((DisclosureRequest)valid).Recipient, nameof(Recipient.Kind), (RecipientKind)value)),
                "institution kind" => With(valid with { }, nameof(DisclosureRequest.Evidence), With(Legal() with { }, nameof(LegalRequirementEvidence.Institution), (InstitutionKind)value)),
                "fulfilment" => With(valid with { }, nameof(DisclosureRequest.Evidence), With(((DisclosureRequest)valid).Evidence! with { }, nameof(TransactionEvidence.RequestingPartyFulfilment), (Fulfilment)value)),
                _ => throw new ArgumentOutOfRangeException(nameof(slot)),
            };

            var decision = await fixture.DecideAsync(request);

            decision.Outcome.Should().Be(DecisionOutcome.Deny, $"{slot} {value}");
            decision.Reason.Should().Be(DecisionReason.Indeterminate, $"{slot} {value}");
            decision.PermittedCategories.Should().BeEmpty();
        }
    }

    [Fact]
    public void Finding01_the_enforcer_range_checks_agree_with_the_enums_members()
    {
        // The evaluator checks ranges, not lookups; a member added to an enum must move its bound with it.
        for (var value = -300; value <= 300; value++)
        {
            DecisionEvaluator.HasUndefinedEnum(With(Use() with { }, nameof(UseRequest.UseAct), (ProcessingAct)value)).Should().Be(!Enum.IsDefined((ProcessingAct)value), $"ProcessingAct {value}");
            DecisionEvaluator.HasUndefinedEnum(With(Use() with { }, nameof(PrivacyRequest.Actor), WithStruct(Actor.Application, nameof(Actor.Kind), (ActorKind)value))).Should().Be(!Enum.IsDefined((ActorKind)value), $"ActorKind {value}");
            DecisionEvaluator.HasUndefinedEnum(With(ToCourt(Legal()) with { }, nameof(DisclosureRequest.TransferKind), (TransferKind)value)).Should().Be(!Enum.IsDefined((TransferKind)value), $"TransferKind {value}");
            DecisionEvaluator.HasUndefinedEnum(With(ToCourt(Legal()) with { }, nameof(DisclosureRequest.Recipient), WithStruct(new Recipient(Court, RecipientKind.JudicialAuthority), nameof(Recipient.Kind), (RecipientKind)value))).Should().Be(!Enum.IsDefined((RecipientKind)value), $"RecipientKind {value}");
            DecisionEvaluator.HasUndefinedEnum(ToCourt(With(Legal() with { }, nameof(LegalRequirementEvidence.Institution), (InstitutionKind)value))).Should().Be(!Enum.IsDefined((InstitutionKind)value), $"InstitutionKind {value}");
            var transaction = (TransactionEvidence)ToSeller().Evidence!;
            DecisionEvaluator.HasUndefinedEnum(With(ToSeller() with { }, nameof(DisclosureRequest.Evidence), With(transaction with { }, nameof(TransactionEvidence.RequestingPartyFulfilment), (Fulfilment)value))).Should().Be(!Enum.IsDefined((Fulfilment)value), $"Fulfilment {value}");
        }
    }

    [Theory]
    [InlineData("\"use,store\"")]
    [InlineData("\"collect, use\"")]
    [InlineData("\" use\"")]
    [InlineData("\"Use\"")]
    [InlineData("\"6\"")]
    [InlineData("6")]
    public void Finding01_a_policy_document_names_each_enum_value_exactly(string act)
    {
        var document = StandardPolicy.CreateBuilder().WithVersion("1.0", Start).Build();
        var json = PolicyDocumentSerializer.Serialize(document);
        var index = document.Rules.ToList().FindIndex(r => r.Acts.Count > 0);
        index.Should().BeGreaterThanOrEqualTo(0);
        var firstActs = $"\"acts\":[\"{Kebab(document.Rules[index].Acts[0])}\"";
        var at = json.IndexOf(firstActs, StringComparison.Ordinal);
        at.Should().BeGreaterThan(0);
        var tampered = json[..at] + "\"acts\":[" + act + json[(at + firstActs.Length)..];

        var load = () => PolicyDocumentSerializer.Load(tampered);

        load.Should().Throw<PolicyValidationException>().Which.Errors.Should().Contain(e => e.Path == $"$.rules[{index}].acts[0]");
    }

    [Fact]
    public void Finding01_a_policy_document_built_in_code_with_undefined_enums_is_invalid()
    {
        var document = StandardPolicy.CreateBuilder().WithVersion("1.0", Start).Build();
        var tampered = document with
        {
            Recipients = [new RecipientDefinition { Id = "x", Kind = (RecipientKind)99 }],
            Rules = [.. document.Rules.Select((r, i) => i == 0 ? r with { Kind = (RuleKind)99, Acts = [(ProcessingAct)6] } : r)],
        };

        var errors = PolicyDocumentValidator.Validate(tampered);

        errors.Should().Contain(e => e.Path == "$.recipients[0].kind");
        errors.Should().Contain(e => e.Path == "$.rules[0].kind");
        errors.Should().Contain(e => e.Path == "$.rules[0].acts[0]");
    }

    private static string Kebab(ProcessingAct act) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(act.ToString());
}
