using Xunit.Abstractions;

namespace Privacy.Enforcement.Tests.Consents;

[Trait("Category", "TimeDependent")]
public class MachineTimeZoneTests(ITestOutputHelper output)
{
    /// <summary>How to run the time-dependent tests so that they prove something; shown whenever they cannot.</summary>
    internal const string HowToRun =
        "Run the tests in a zone far from UTC and name it: " +
        "TZ=Pacific/Kiritimati PRIVACY_ENFORCEMENT_EXPECTED_TZ=Pacific/Kiritimati " +
        "dotnet test Privacy.Enforcement.sln (as .ci/run does).";

    /// <summary>
    /// .ci/run runs the whole suite with TZ=Pacific/Kiritimati and names the zone it expects here, so a
    /// run that silently fell back to UTC fails instead of proving nothing. On CI (<c>CI</c> set) a run without the
    /// variable, or in a zone at UTC, fails too; on a developer's machine such a run says how to run it properly.
    /// </summary>
    [Fact]
    [Trait("Category", "MachineTimeZone")]
    public void The_far_off_zone_run_runs_in_the_zone_it_asked_for()
    {
        var ci = Environment.GetEnvironmentVariable("CI");
        var expected = Environment.GetEnvironmentVariable("PRIVACY_ENFORCEMENT_EXPECTED_TZ");

        var problem = Problem(ci, expected, TimeZoneInfo.Local);

        if (problem is not null && !IsCi(ci) && string.IsNullOrEmpty(expected))
        {
            // Locally a plain `dotnet test` still runs every other test; say what this run did not prove.
            output.WriteLine($"Not a far-off zone run ({problem}). {HowToRun}");
            return;
        }

        problem.Should().BeNull();
        output.WriteLine($"Ran in {TimeZoneInfo.Local.Id}, UTC offset {TimeZoneInfo.Local.BaseUtcOffset}.");
    }

    [Theory]
    [InlineData("true", null, "Pacific/Kiritimati", "PRIVACY_ENFORCEMENT_EXPECTED_TZ is not set")]
    [InlineData("1", "", "Pacific/Kiritimati", "PRIVACY_ENFORCEMENT_EXPECTED_TZ is not set")]
    [InlineData("true", null, "UTC", "PRIVACY_ENFORCEMENT_EXPECTED_TZ is not set")]
    [InlineData("true", "UTC", "UTC", "is at UTC")]
    [InlineData(null, "Etc/UTC", "Etc/UTC", "is at UTC")]
    [InlineData(null, "Pacific/Kiritimati", "UTC", "is UTC, not the expected Pacific/Kiritimati")]
    [InlineData("true", "Pacific/Kiritimati", "Europe/London", "is Europe/London, not the expected Pacific/Kiritimati")]
    [InlineData(null, null, "UTC", "PRIVACY_ENFORCEMENT_EXPECTED_TZ is not set")]
    public void A_run_that_proves_nothing_is_named_and_says_how_to_run(string? ci, string? expected, string zone, string reason)
    {
        var problem = Problem(ci, expected, TimeZoneInfo.FindSystemTimeZoneById(zone));

        problem.Should().Contain(reason).And.Contain(HowToRun);
    }

    [Theory]
    [InlineData("true", "Pacific/Kiritimati")]
    [InlineData(null, "Pacific/Kiritimati")]
    [InlineData("true", "America/Los_Angeles")]
    public void A_run_in_the_named_far_off_zone_passes(string? ci, string zone)
    {
        Problem(ci, zone, TimeZoneInfo.FindSystemTimeZoneById(zone)).Should().BeNull();
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

    /// <summary>Returns why a run in <paramref name="local"/> proves nothing about the machine's zone, or <see langword="null"/>.</summary>
    internal static string? Problem(string? ci, string? expected, TimeZoneInfo local)
    {
        if (string.IsNullOrEmpty(expected))
        {
            var where = IsCi(ci) ? "on CI" : "here";
            return $"PRIVACY_ENFORCEMENT_EXPECTED_TZ is not set {where}, so this run (in {local.Id}) does not show that the library ignores the machine's zone. {HowToRun}";
        }

        if (!string.Equals(local.Id, expected, StringComparison.Ordinal))
        {
            return $"The machine's zone is {local.Id}, not the expected {expected}: TZ was not applied or the zone is not installed. {HowToRun}";
        }

        if (local.BaseUtcOffset == TimeSpan.Zero)
        {
            return $"The machine's zone {local.Id} is at UTC, so this run cannot tell local time from UTC. {HowToRun}";
        }

        return null;
    }

    private static bool IsCi(string? ci) =>
        !string.IsNullOrEmpty(ci) && !string.Equals(ci, "false", StringComparison.OrdinalIgnoreCase) && ci != "0";
}
