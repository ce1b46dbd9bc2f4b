namespace Privacy.Enforcement.Tests.ViolationsAndSanctions;

/// <summary>
/// Violation and sanction records refuse an undefined enum value where it is set, as consent facts do: no store, the
/// in-memory one or a host's, can hold a sanction a rule would read as no measure at all.
/// </summary>
public sealed class FollowUp03_UndefinedViolationEnumTests
{
    private static readonly SubjectId Mallory = new("mallory");
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Violation Reported => new()
    {
        Id = ViolationId.New(),
        Kind = ViolationKind.Harvesting,
        Violator = Mallory,
        EvidenceReference = "case-1",
        ReportedAt = At,
    };

    public static TheoryData<int> Undefined => [2, 7, -1, int.MaxValue];

    [Theory]
    [MemberData(nameof(Undefined))]
    public void FollowUp03_every_enum_of_a_violation_or_sanction_is_checked_where_it_is_set(int value)
    {
        var kind = value == 2 ? 4 : value; // 2 is a defined ViolationKind
        var cases = new (string Where, Action Set)[]
        {
            ("Violation.Kind", () => _ = Reported with { Kind = (ViolationKind)kind }),
            ("Violation.ViolatorKind", () => _ = Reported with { ViolatorKind = (ViolatorKind)value }),
            ("Violation.Status", () => _ = Reported with { Status = (ViolationStatus)(value == 2 ? 3 : value) }),
            ("Sanction.Kind", () => _ = new Sanction(Mallory, ViolationId.New(), (SanctionKind)value, At)),
            ("Sanction.Kind", () => _ = new Sanction(Mallory, ViolationId.New(), SanctionKind.ServiceAgreementTerminated, At) with { Kind = (SanctionKind)value }),
        };

        foreach (var (where, set) in cases)
        {
            set.Should().Throw<ArgumentException>().Which.Message.Should().StartWith(where + " is ").And.Contain("expected one of");
        }
    }
}
