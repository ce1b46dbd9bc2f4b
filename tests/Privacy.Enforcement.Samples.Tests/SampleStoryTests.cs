using System.Text.RegularExpressions;
using Privacy.Enforcement.Sample;

namespace Privacy.Enforcement.Samples.Tests;

/// <summary>Runs the main sample twice against the same folder, as a newcomer would, and keeps both outputs.</summary>
public sealed class SampleRuns : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "privacy-sample-" + Guid.NewGuid().ToString("N"));

    public (int ExitCode, string Output) First { get; private set; }

    public (int ExitCode, string Output) Second { get; private set; }

    public async Task InitializeAsync()
    {
        First = await RunAsync();
        Second = await RunAsync();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<(int, string)> RunAsync()
    {
        using var output = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exitCode = await SampleApp.RunAsync(output, _directory, timeout.Token);
        return (exitCode, output.ToString());
    }
}

public class SampleStoryTests : IClassFixture<SampleRuns>
{
    private static readonly Regex Summary = new(@"^Story: (\d+) steps, (\d+) failed$", RegexOptions.Multiline);
    private static readonly Regex Audit = new(@"\[ok\] \d+\.\d+ audit trail verified: valid, (\d+) events, head hash ([0-9a-f]{64})$", RegexOptions.Multiline);
    private readonly SampleRuns _runs;

    public SampleStoryTests(SampleRuns runs) => _runs = runs;

    [Fact]
    public void Every_step_of_the_story_comes_out_as_the_policy_requires()
    {
        _runs.First.ExitCode.Should().Be(0, _runs.First.Output);
        _runs.First.Output.Should().NotContain("[FAIL]");
        var summary = Summary.Match(_runs.First.Output);
        summary.Success.Should().BeTrue();
        int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(40);
        summary.Groups[2].Value.Should().Be("0");
    }

    [Theory]
    [InlineData("collect alice's e-mail before she accepted the policy", "Deny")]
    [InlineData("collect alice's e-mail without her consent", "Deny")]
    [InlineData("collect alice's e-mail and phone after her consent", "Permit")]
    [InlineData("collect alice's search keywords (outside the policy)", "NotApplicable")]
    [InlineData("use alice's e-mail for the company's own offers", "Permit")]
    [InlineData("use alice's e-mail for own offers after her objection", "Deny")]
    [InlineData("share alice's e-mail with acme-offers after her consent", "Permit")]
    [InlineData("share alice's e-mail with acme-offers after the withdrawal", "Deny")]
    [InlineData("swift-couriers reads alice's address during the engagement", "Permit")]
    [InlineData("swift-couriers reads the address it received before the end", "Deny")]
    [InlineData("mallory collects alice's e-mail and phone", "Deny")]
    [InlineData("mallory uses her own e-mail after termination", "Deny")]
    [InlineData("share alice's e-mail with acme-offers under 2.0, consent not renewed", "Deny")]
    [InlineData("share alice's e-mail with acme-offers after she renewed", "Permit")]
    public void A_step_prints_its_decision_and_passes_its_check(string request, string outcome)
    {
        _runs.First.Output.Should().MatchRegex($@"\[ok\] \d+\.\d+ {Regex.Escape(request)}: expected {outcome}\b.*, got {outcome}\r?\n");
        _runs.First.Output.Should().MatchRegex($@"\| \d+\.\d+ +\| {Regex.Escape(request)} +\|");
    }

    [Theory]
    [InlineData("(1) consent")]
    [InlineData("(2) service necessity")]
    [InlineData("(3) legal requirement")]
    [InlineData("(4) user violation")]
    [InlineData("(5) IP complaint")]
    [InlineData("(6) transaction")]
    [InlineData("(7) other legal")]
    public void Each_disclosure_ground_is_permitted_with_its_evidence_and_denied_without(string ground)
    {
        var checks = Regex.Matches(_runs.First.Output, $@"\[ok\] \d+\.\d+ {Regex.Escape(ground)}[^\n]*, got (\w+)\r?\n");

        checks.Select(m => m.Groups[1].Value).Should().Equal("Permit", "Deny");
    }

    [Fact]
    public void The_export_carries_the_disclosure_ledger_and_the_erasures_say_what_was_kept()
    {
        var output = _runs.First.Output;

        output.Should().MatchRegex(@"\[ok\] \d+\.\d+ export complete: True; \d+ disclosures in the ledger, to acme-offers, brand-x, city-insurance, district-court, payments-regulator, rapid-post, seller-42, swift-couriers");
        output.Should().Contain("| user.authorization.password: held, not shown");
        output.Should().NotContain("$argon2id", "a credential is never exported in clear");
        output.Should().MatchRegex(@"\[ok\] \d+\.\d+ alice corrects her address: request Completed; the profile now holds '12 New Street, Springfield'");
        output.Should().MatchRegex(@"\| legal-hold tax-retention-2025 +\| legal-hold +\|");
        output.Should().MatchRegex(@"\| violation [0-9a-f-]{36} +\| collect\.exempt\.violations \|");
        output.Should().MatchRegex(@"\[ok\] \d+\.\d+ mallory's erasure Completed");
    }

    [Fact]
    public void The_audit_trail_verifies_and_its_head_hash_and_event_count_are_printed()
    {
        var audit = Audit.Match(_runs.First.Output);

        audit.Success.Should().BeTrue(_runs.First.Output);
        int.Parse(audit.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(40);
    }

    [Fact]
    public void Running_it_again_starts_from_a_fresh_database_and_tells_the_same_story()
    {
        _runs.Second.ExitCode.Should().Be(0, _runs.Second.Output);
        Audit.Match(_runs.Second.Output).Groups[1].Value.Should().Be(Audit.Match(_runs.First.Output).Groups[1].Value, "the second run starts from an empty trail");
        Summary.Match(_runs.Second.Output).Value.Should().Be(Summary.Match(_runs.First.Output).Value);
    }
}
