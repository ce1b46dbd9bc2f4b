namespace Privacy.Enforcement.Tests.Consents;

[Trait("Category", "TimeDependent")]
public class PolicyAcceptanceTests
{
    private static readonly SubjectId Alice = new("alice");

    [Fact]
    public async Task intro_acceptance_explicit_acceptance_names_which_when_and_the_event()
    {
        var kit = new ConsentTestKit();
        kit.Time.Advance(TimeSpan.FromMinutes(3));

        var acceptance = await kit.AcceptanceService.AcceptAsync(Alice, kit.V1.Version.Version, kit.V1.Version.ContentHash, "accept-button-1", default);

        acceptance.Kind.Should().Be(AcceptanceKind.Explicit);
        acceptance.AcceptedAt.Should().Be(ConsentTestKit.Start.AddMinutes(3));
        acceptance.CountedEvent.Should().Be("accept-button-1");
        acceptance.Policy.Should().Be(kit.V1.Version);
        var status = await kit.AcceptanceService.GetStatusAsync(Alice, default);
        status.HasAcceptedCurrent.Should().BeTrue();
        status.CurrentAcceptance.Should().Be(acceptance);
        kit.Audit.Events.Should().ContainSingle(e => e.Kind == AuditEventKind.PolicyAccepted && e.Action == "policy.accepted");
    }

    [Fact]
    public async Task intro_acceptance_use_before_publication_does_not_count_and_use_at_publication_does()
    {
        var kit = new ConsentTestKit();
        var publishedAt = kit.V1.Version.PublishedAt;
        kit.Time.Advance(TimeSpan.FromHours(1));

        var before = await kit.AcceptanceService.RecordUseAsync(Alice, "login-1", publishedAt.AddTicks(-1), default);

        before.Should().BeNull();
        (await kit.AcceptanceService.GetStatusAsync(Alice, default)).HasAcceptedCurrent.Should().BeFalse();

        var deemed = await kit.AcceptanceService.RecordUseAsync(Alice, "login-2", publishedAt, default);

        deemed!.Kind.Should().Be(AcceptanceKind.DeemedByContinuedUse);
        deemed.AcceptedAt.Should().Be(publishedAt);
        deemed.CountedEvent.Should().Be("login-2");
        deemed.Policy.Should().Be(kit.V1.Version);
        (await kit.AcceptanceService.GetStatusAsync(Alice, default)).HasAcceptedCurrent.Should().BeTrue();
        (await kit.AcceptanceService.RecordUseAsync(Alice, "login-3", kit.Time.GetUtcNow(), default)).Should().Be(deemed, "further use records nothing new");
    }

    [Fact]
    public async Task changes_notice_after_a_new_version_the_subject_has_not_accepted_the_current_one()
    {
        var kit = new ConsentTestKit();
        await kit.AcceptanceService.AcceptAsync(Alice, kit.V1.Version.Version, kit.V1.Version.ContentHash, "accept-1", default);
        kit.Time.Advance(TimeSpan.FromDays(1));
        var usedUnderV1 = kit.Time.GetUtcNow();
        kit.Time.Advance(TimeSpan.FromDays(1));
        var v2 = kit.Catalog.Publish(TestPolicies.Next(TestPolicies.Version1, "2.0"));
        kit.Time.Advance(TimeSpan.FromDays(1));

        var status = await kit.AcceptanceService.GetStatusAsync(Alice, default);
        status.Current.Should().Be(v2.Version);
        status.HasAcceptedCurrent.Should().BeFalse();
        status.LatestAcceptance!.Policy.Should().Be(kit.V1.Version);

        // A use reported late counts for the version in force when it happened, not for the newer one.
        (await kit.AcceptanceService.RecordUseAsync(Alice, "late-report", usedUnderV1, default))!.Policy.Should().Be(kit.V1.Version);
        (await kit.AcceptanceService.GetStatusAsync(Alice, default)).HasAcceptedCurrent.Should().BeFalse();

        var deemed = await kit.AcceptanceService.RecordUseAsync(Alice, "login-after-v2", kit.Time.GetUtcNow(), default);
        deemed!.Policy.Should().Be(v2.Version);
        (await kit.AcceptanceService.GetStatusAsync(Alice, default)).HasAcceptedCurrent.Should().BeTrue();
    }

    [Fact]
    public async Task intro_acceptance_bad_input_names_the_argument_and_stores_nothing()
    {
        var kit = new ConsentTestKit();
        var v1 = kit.V1.Version;
        var cases = new (string Param, Func<Task> Act)[]
        {
            ("policyVersion", () => kit.AcceptanceService.AcceptAsync(Alice, new Version(7, 0), v1.ContentHash, "e", default).AsTask()),
            ("policyContentHash", () => kit.AcceptanceService.AcceptAsync(Alice, v1.Version, "deadbeef", "e", default).AsTask()),
            ("countedEvent", () => kit.AcceptanceService.AcceptAsync(Alice, v1.Version, v1.ContentHash, "", default).AsTask()),
            ("subject", () => kit.AcceptanceService.AcceptAsync(default, v1.Version, v1.ContentHash, "e", default).AsTask()),
            ("occurredAt", () => kit.AcceptanceService.RecordUseAsync(Alice, "use", kit.Time.GetUtcNow().AddTicks(1), default).AsTask()),
            ("useEvent", () => kit.AcceptanceService.RecordUseAsync(Alice, new string('u', 257), kit.Time.GetUtcNow(), default).AsTask()),
        };

        foreach (var (param, act) in cases)
        {
            (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be(param);
        }

        (await kit.AcceptanceService.GetStatusAsync(Alice, default)).LatestAcceptance.Should().BeNull();
    }

    [Fact]
    public async Task intro_acceptance_accepting_twice_records_once_and_explicit_outranks_deemed()
    {
        var kit = new ConsentTestKit();
        var v1 = kit.V1.Version;
        await kit.AcceptanceService.RecordUseAsync(Alice, "login", kit.Time.GetUtcNow(), default);
        var explicitly = await kit.AcceptanceService.AcceptAsync(Alice, v1.Version, v1.ContentHash, "accept", default);
        await kit.AcceptanceService.AcceptAsync(Alice, v1.Version, v1.ContentHash, "accept-again", default);

        var history = new List<PolicyAcceptance>();
        await foreach (var a in kit.AcceptanceService.GetHistoryAsync(Alice, default))
        {
            history.Add(a);
        }

        history.Select(a => a.Kind).Should().Equal(AcceptanceKind.DeemedByContinuedUse, AcceptanceKind.Explicit);
        (await kit.AcceptanceService.GetStatusAsync(Alice, default)).CurrentAcceptance.Should().Be(explicitly);
    }
}
