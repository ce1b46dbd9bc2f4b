using static Privacy.Enforcement.Tests.Engagements.EngagementTestHost;

namespace Privacy.Enforcement.Tests.Engagements;

/// <summary>
/// Evidence references, termination reasons and confirmation references are shown to people and kept as evidence:
/// an invisible or direction-changing character would make two references look alike or one read reversed (the
/// same characters identifiers refuse). The error names the field and the code point, never the text.
/// </summary>
public sealed class FollowUp04_FreeTextTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Right-to-left override, zero-width space, first-strong isolate, byte-order mark, zero-width joiner,
    /// soft hyphen, line and paragraph separators, a language tag (Cf beyond the BMP), and a lone surrogate.</summary>
    // Code points, not strings: a test runner's serialization of a lone surrogate would replace it.
    public static TheoryData<int, string> Invisible => new()
    {
        { 0x202E, "U+202E" },
        { 0x200B, "U+200B" },
        { 0x2066, "U+2066" },
        { 0xFEFF, "U+FEFF" },
        { 0x200D, "U+200D" },
        { 0x00AD, "U+00AD" },
        { 0x2028, "U+2028" },
        { 0x2029, "U+2029" },
        { 0xE0001, "U+E0001" },
        { 0xD800, "surrogate" },
    };

    private static string Text(int codePoint) => codePoint is >= 0xD800 and <= 0xDFFF ? ((char)codePoint).ToString() : char.ConvertFromUtf32(codePoint);

    [Theory]
    [MemberData(nameof(Invisible))]
    public async Task FollowUp04_an_evidence_reference_with_an_invisible_character_is_refused_naming_field_and_code_point(int codePoint, string named)
    {
        var character = Text(codePoint);
        await using var host = new EngagementTestHost();
        var secret = "case-" + character + "4711-secret";
        var report = new ViolationReport { Kind = ViolationKind.AgreementViolation, Violator = new SubjectId("mallory"), EvidenceReference = secret };

        var act = async () => await host.Violations.ReportAsync(report, None);

        var error = (await act.Should().ThrowAsync<ArgumentException>()).Which;
        error.ParamName.Should().Be(nameof(ViolationReport.EvidenceReference));
        error.Message.Should().Contain(nameof(ViolationReport.EvidenceReference)).And.Contain(named).And.NotContain("4711");
        host.Audit.Events.Should().BeEmpty();
        (await host.ViolationStore.GetByViolatorAsync(new SubjectId("mallory"), None).ToListAsync()).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Invisible))]
    public async Task FollowUp04_a_termination_reason_or_confirmation_reference_with_an_invisible_character_is_refused(int codePoint, string named)
    {
        var character = Text(codePoint);
        await using var host = new EngagementTestHost();
        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(), None);
        var events = host.Audit.Events.Count;

        var terminate = async () => await host.Engagements.TerminateAsync(engagement.Id, "contract " + character + "ended-4711", None);
        var error = (await terminate.Should().ThrowAsync<ArgumentException>()).Which;
        error.ParamName.Should().Be("reason");
        error.Message.Should().Contain(named).And.NotContain("4711");

        await host.Engagements.TerminateAsync(engagement.Id, "contract ended", None);
        var confirm = async () => await host.Engagements.ConfirmReturnOrDeletionAsync(engagement.Id, "ticket-" + character + "4711", None);
        error = (await confirm.Should().ThrowAsync<ArgumentException>()).Which;
        error.ParamName.Should().Be("reference");
        error.Message.Should().Contain(named).And.NotContain("4711");
        (await host.EngagementStore.FindAsync(engagement.Id, None))!.DeletionConfirmedAt.Should().BeNull();
        host.Audit.Events.Count.Should().BeGreaterThan(events);
    }

    [Fact]
    public async Task FollowUp04_visible_text_in_any_script_is_kept_as_given()
    {
        await using var host = new EngagementTestHost();
        const string Text = "Überprüfung 検査 проверка مراجعة – case #7 ✓";
        var violation = await host.Violations.ReportAsync(
            new ViolationReport { Kind = ViolationKind.AgreementViolation, Violator = new SubjectId("mallory"), EvidenceReference = Text }, None);
        violation.EvidenceReference.Should().Be(Text);
    }
}
