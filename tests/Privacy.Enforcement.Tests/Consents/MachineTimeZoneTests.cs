namespace Privacy.Enforcement.Tests.Consents;

[Trait("Category", "TimeDependent")]
public class MachineTimeZoneTests
{
    /// <summary>
    /// .ci/run repeats the time-dependent cases with TZ=Pacific/Kiritimati and names the zone it expects here, so a
    /// run that silently fell back to UTC fails instead of proving nothing.
    /// </summary>
    [Fact]
    public void The_far_off_zone_run_runs_in_the_zone_it_asked_for()
    {
        var expected = Environment.GetEnvironmentVariable("PRIVACY_ENFORCEMENT_EXPECTED_TZ");
        if (expected is null)
        {
            return;
        }

        TimeZoneInfo.Local.Id.Should().Be(expected);
        TimeZoneInfo.Local.BaseUtcOffset.Should().Be(TimeSpan.FromHours(14));
    }

    [Fact]
    public async Task collect_consent_times_are_utc_whatever_the_machine_zone()
    {
        var kit = new ConsentTestKit();

        var granted = await kit.Consents.GrantAsync(kit.Request(new SubjectId("alice")) with { ExpiresAt = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.FromHours(14)) }, default);

        granted.Fact.RecordedAt.Offset.Should().Be(TimeSpan.Zero);
        granted.Receipt.Timestamp.Offset.Should().Be(TimeSpan.Zero);
        granted.Receipt.ExpiresAt.Should().Be(new DateTimeOffset(2026, 3, 1, 18, 0, 0, TimeSpan.Zero));
        granted.Receipt.ExpiresAt!.Value.Offset.Should().Be(TimeSpan.Zero);
    }
}
