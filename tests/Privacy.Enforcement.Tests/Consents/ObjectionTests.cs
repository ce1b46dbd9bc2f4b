namespace Privacy.Enforcement.Tests.Consents;

[Trait("Category", "TimeDependent")]
public class ObjectionTests
{
    private static readonly SubjectId Alice = new("alice");
    private static readonly PurposeId OwnMarketing = new(StandardPurposes.OwnMarketing);

    [Fact]
    public async Task use_own_marketing_objection_denies_the_use_from_then_on_and_lifting_restores_it()
    {
        var kit = new ConsentTestKit();
        kit.Time.Advance(TimeSpan.FromMinutes(1));
        var invalidations = kit.Decider.Invalidations;

        var raised = await kit.Objections.ObjectAsync(Alice, OwnMarketing, default);

        raised.State.Should().Be(ObjectionState.Raised);
        raised.RecordedAt.Should().Be(ConsentTestKit.Start.AddMinutes(1));
        kit.Decider.Invalidations.Should().Be(invalidations + 1, "the decision cache must drop the subject before the objection is acknowledged");
        (await kit.Objections.IsObjectingAsync(Alice, OwnMarketing, null, default)).Should().BeTrue();
        (await kit.Objections.IsObjectingAsync(Alice, OwnMarketing, raised.RecordedAt.AddTicks(-1), default)).Should().BeFalse();
        (await kit.Objections.IsObjectingAsync(new SubjectId("bob"), OwnMarketing, null, default)).Should().BeFalse();

        kit.Time.Advance(TimeSpan.FromDays(1));
        var lifted = await kit.Objections.LiftAsync(Alice, OwnMarketing, default);

        lifted.State.Should().Be(ObjectionState.Lifted);
        (await kit.Objections.IsObjectingAsync(Alice, OwnMarketing, null, default)).Should().BeFalse();
        (await kit.Objections.IsObjectingAsync(Alice, OwnMarketing, lifted.RecordedAt.AddTicks(-1), default)).Should().BeTrue();
        kit.Audit.Events.Where(e => e.Kind == AuditEventKind.Objection).Select(e => e.Action).Should().Equal("objection.raised", "objection.lifted");
    }

    [Fact]
    public async Task use_own_marketing_objecting_twice_records_one_fact()
    {
        var kit = new ConsentTestKit();
        var first = await kit.Objections.ObjectAsync(Alice, OwnMarketing, default);
        kit.Time.Advance(TimeSpan.FromSeconds(1));

        var second = await kit.Objections.ObjectAsync(Alice, OwnMarketing, default);

        second.Should().Be(first);
        var facts = new List<ObjectionFact>();
        await foreach (var f in kit.Acceptances.GetObjectionsAsync(Alice, default))
        {
            facts.Add(f);
        }

        facts.Should().ContainSingle();
    }

    [Theory]
    [InlineData(StandardPurposes.PartnerMarketing)]
    [InlineData("unknown-purpose")]
    public async Task use_own_marketing_only_objectable_purposes_take_an_objection(string purpose)
    {
        var kit = new ConsentTestKit();

        var error = await kit.Invoking(k => k.Objections.ObjectAsync(Alice, new PurposeId(purpose), default).AsTask()).Should().ThrowAsync<ArgumentException>();

        error.Which.ParamName.Should().Be("purpose");
        (await kit.Objections.IsObjectingAsync(Alice, new PurposeId(purpose), null, default)).Should().BeFalse();
        kit.Audit.Events.Should().BeEmpty();
    }

    [Fact]
    public async Task use_own_marketing_lifting_without_an_objection_names_the_purpose_and_stores_nothing()
    {
        var kit = new ConsentTestKit();

        var error = await kit.Invoking(k => k.Objections.LiftAsync(Alice, OwnMarketing, default).AsTask()).Should().ThrowAsync<ArgumentException>();

        error.Which.ParamName.Should().Be("purpose");
        await foreach (var unexpected in kit.Acceptances.GetObjectionsAsync(Alice, default))
        {
            unexpected.Should().BeNull("nothing may be stored");
        }
    }

    [Fact]
    public async Task use_own_marketing_an_objection_audit_cites_the_clauses_governing_that_purpose_not_always_own_marketing()
    {
        var kit = new ConsentTestKit();
        const string Newsletter = "newsletter";
        const string Research = "research";
        var v1 = TestPolicies.Version1;
        kit.Catalog.Publish(TestPolicies.Next(v1, "1.1") with
        {
            Clauses = [.. v1.Clauses, new ClauseDefinition { Id = "use.newsletter", Text = "newsletter" }, new ClauseDefinition { Id = "use.research", Text = "research" }],
            Purposes =
            [
                .. v1.Purposes,
                new PurposeDefinition { Id = Newsletter, Objectable = true, Clause = "use.research" },
                new PurposeDefinition { Id = Research, Objectable = true, Clause = "use.research" },
            ],
            Rules = [.. v1.Rules, new RuleDefinition { Clause = "use.newsletter", Kind = RuleKind.PermitUnlessObjected, Purposes = [Newsletter] }],
        });

        await kit.Objections.ObjectAsync(Alice, new PurposeId(Newsletter), default);
        await kit.Objections.ObjectAsync(Alice, new PurposeId(Research), default);
        await kit.Objections.ObjectAsync(Alice, OwnMarketing, default);
        await kit.Objections.LiftAsync(Alice, new PurposeId(Newsletter), default);

        var events = kit.Audit.Events.Where(e => e.Kind == AuditEventKind.Objection).ToList();
        events.Select(e => (e.Action, e.Purpose, string.Join(",", e.ClauseIds))).Should().Equal(
            ("objection.raised", Newsletter, "use.newsletter"),
            ("objection.raised", Research, "use.research"),
            ("objection.raised", StandardPurposes.OwnMarketing, ClauseIds.UseOwnMarketing),
            ("objection.lifted", Newsletter, "use.newsletter"));
        events.Should().OnlyContain(e => e.PolicyVersion!.Contains("1.1", StringComparison.Ordinal));
    }
}
