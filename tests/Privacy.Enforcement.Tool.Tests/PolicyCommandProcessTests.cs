using System.Text.Json;
using System.Xml.Linq;

namespace Privacy.Enforcement.Tool.Tests;

/// <summary>The built tool run as a process: every policy command, every exit code, and bad input with its message.</summary>
public sealed class PolicyCommandProcessTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static string StandardJson => Path.Combine(ToolProcess.Policies, "standard.json");

    private static string StandardSuite => Path.Combine(ToolProcess.Policies, "standard.tests.yaml");

    private static string ChangesSuite => Path.Combine(ToolProcess.Policies, "standard-changes.tests.yaml");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("policy", "validate")]
    [InlineData("policy", "test")]
    [InlineData("policy", "diff")]
    [InlineData("policy", "explain")]
    [InlineData("audit", "verify")]
    [InlineData("audit", "query")]
    public async Task Every_command_has_help_with_an_example(string group, string command)
    {
        var (code, output, _) = await ToolProcess.RunAsync(group, command, "--help");

        code.Should().Be(0);
        output.Should().Contain($"Example: privacy {group} {command}").And.Contain("Usage:");
    }

    [Fact]
    public async Task No_command_is_a_usage_error_that_says_where_help_is()
    {
        var (code, _, error) = await ToolProcess.RunAsync();

        code.Should().Be(2);
        error.Should().Contain("Run 'privacy --help'");
    }

    [Fact]
    public async Task Validate_passes_a_valid_policy_and_lists_every_error_with_its_path()
    {
        (await ToolProcess.RunAsync("policy", "validate", StandardJson)).Should().Be((0, $"valid {StandardJson}: policy standard@1.0 (29 clauses, 22 rules)\n", string.Empty));

        var broken = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(StandardJson))!.ToJsonString()
            .Replace("\"clause\":\"use.own-marketing\"", "\"clause\":\"use.own-marketting\"", StringComparison.Ordinal)
            .Replace("\"version\":\"1.0\"", "\"version\":\"one\"", StringComparison.Ordinal);
        var (code, output, _) = await ToolProcess.RunAsync("policy", "validate", _temp.Write("broken.json", broken));

        code.Should().Be(1);
        output.Should().Contain("invalid").And.Contain("$.version").And.Contain("use.own-marketting");
    }

    [Fact]
    public async Task Validate_json_output_is_machine_readable()
    {
        var (code, output, _) = await ToolProcess.RunAsync("policy", "validate", _temp.Write("empty.json", "{}"), "--json");

        code.Should().Be(1);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("valid").GetBoolean().Should().BeFalse();
        json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).Should().Contain("$.id");
    }

    [Fact]
    public async Task A_missing_file_exits_with_two_and_says_what_to_do()
    {
        var (code, _, error) = await ToolProcess.RunAsync("policy", "validate", Path.Combine(_temp.Path, "nope.json"));

        code.Should().Be(2);
        error.Should().Contain("nope.json' does not exist. Check the path, or pass 'standard' for the built-in standard policy.");
    }

    [Fact]
    public async Task The_standard_policys_suites_pass()
    {
        var (code, output, error) = await ToolProcess.RunAsync("policy", "test", StandardJson, StandardSuite, ChangesSuite);

        error.Should().BeEmpty();
        code.Should().Be(0, output);
        output.Should().MatchRegex(@"PASS \d+ passed, 0 failed \(2 suites\)");
    }

    [Fact]
    public async Task A_failing_case_prints_expected_against_actual_and_writes_junit()
    {
        var suite = _temp.Write("fail.tests.yaml", """
            clock: 2026-03-01T12:00:00Z
            cases:
              - name: collecting an e-mail without acceptance
                request: { act: collect, subject: bob, categories: [user.contact.email], purpose: service-provision }
                expect: { outcome: permit, clauses: [collect.consent] }
              - name: search keywords are exempt
                request: { act: collect, subject: bob, categories: [user.behavior.search_history], purpose: service-provision }
                expect: { outcome: not-applicable }
            """);
        var junit = Path.Combine(_temp.Path, "results.xml");

        var (code, output, _) = await ToolProcess.RunAsync("policy", "test", StandardJson, suite, "--format", "junit", "--output", junit);

        code.Should().Be(1);
        output.Should().Contain("fail.tests.yaml:3").And.Contain("collecting an e-mail without acceptance");
        output.Should().MatchRegex(@"outcome\s+Permit\s+Deny");
        output.Should().MatchRegex(@"clauses\s+\[collect.consent\]\s+\[intro.acceptance\]");
        output.Should().Contain("FAIL 1 passed, 1 failed");
        var report = XDocument.Load(junit);
        report.Root!.Attribute("failures")!.Value.Should().Be("1");
        report.Descendants("testcase").Should().HaveCount(2);
        report.Descendants("failure").Single().Attribute("message")!.Value.Should().Contain("outcome: expected Permit, got Deny");
    }

    [Fact]
    public async Task Malformed_yaml_names_its_line_and_column()
    {
        var suite = _temp.Write("bad.tests.yaml", "clock: 2026-03-01T12:00:00Z\ncases:\n  - name: [unclosed\n");

        var (code, _, error) = await ToolProcess.RunAsync("policy", "test", StandardJson, suite);

        code.Should().Be(2);
        error.Should().MatchRegex(@"bad\.tests\.yaml:\d+:\d+: malformed YAML");
    }

    [Fact]
    public async Task An_unknown_category_in_a_case_names_its_yaml_path()
    {
        var suite = _temp.Write("unknown.tests.yaml", """
            clock: 2026-03-01T12:00:00Z
            cases:
              - name: a typo
                request: { act: collect, subject: bob, categories: [user.contact.email, user.contact.emial], purpose: service-provision }
                expect: { outcome: deny }
            """);

        var (code, _, error) = await ToolProcess.RunAsync("policy", "test", StandardJson, suite);

        code.Should().Be(2);
        error.Should().Contain("unknown.tests.yaml:4:").And.Contain("$.cases[0].request.categories[1]: unknown category 'user.contact.emial'; the policy standard declares:");
    }

    [Fact]
    public async Task An_unknown_purpose_and_an_unknown_key_are_named_too()
    {
        var purpose = _temp.Write("purpose.tests.yaml", """
            clock: 2026-03-01T12:00:00Z
            cases:
              - name: a typo
                request: { act: use, subject: bob, categories: [user.name], purpose: marketing }
                expect: { outcome: deny }
            """);
        var key = _temp.Write("key.tests.yaml", """
            clock: 2026-03-01T12:00:00Z
            cases:
              - name: a typo
                request: { act: use, subject: bob, categories: [user.name], purpose: security }
                expect: { outcome: deny, clause: [store.security] }
            """);

        var (purposeCode, _, purposeError) = await ToolProcess.RunAsync("policy", "test", StandardJson, purpose);
        var (keyCode, _, keyError) = await ToolProcess.RunAsync("policy", "test", StandardJson, key);

        purposeCode.Should().Be(2);
        purposeError.Should().Contain("$.cases[0].request.purpose: unknown purpose 'marketing'");
        keyCode.Should().Be(2);
        keyError.Should().Contain("$.cases[0].expect.clause: unknown key 'clause'; expected one of: outcome, clauses,");
    }

    [Fact]
    public async Task An_id_the_library_refuses_is_named_at_its_case()
    {
        var suite = _temp.Write("id.tests.yaml", $$"""
            clock: 2026-03-01T12:00:00Z
            cases:
              - name: too long
                request: { act: use, subject: {{new string('x', 300)}}, categories: [user.name], purpose: security }
                expect: { outcome: deny }
            """);

        var (code, _, error) = await ToolProcess.RunAsync("policy", "test", StandardJson, suite);

        code.Should().Be(2);
        error.Should().Contain("id.tests.yaml:3:").And.Contain("$.cases[0]: ");
    }

    [Fact]
    public async Task Diff_of_a_version_that_changes_nothing_consented_exits_zero()
    {
        var (code, output, _) = await ToolProcess.RunAsync("policy", "diff", StandardJson, StandardJson);

        code.Should().Be(0);
        output.Should().Contain("0 changes").And.Contain("no consent needs renewal");
    }

    [Fact]
    public async Task Diff_names_consents_that_need_renewal_and_exits_two()
    {
        var (code, output, _) = await ToolProcess.RunAsync("policy", "diff", StandardJson, Path.Combine(ToolProcess.Policies, "standard-1.1.json"));

        code.Should().Be(2);
        output.Should().Contain("1.0 -> 1.1").And.MatchRegex(@"purpose\s+partner-marketing\s+changed\s+Description");
        output.Should().MatchRegex(@"consents for purpose 'partner-marketing'\s+purpose 'partner-marketing' changed");
    }

    [Fact]
    public async Task Diff_tells_narrowed_from_widened_in_json()
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(StandardJson))!.ToJsonString();
        var narrowed = document.Replace("\"necessaryCategories\":[\"user.name\",\"user.contact.phone_number\",\"user.contact.address\"]", "\"necessaryCategories\":[\"user.name\",\"user.contact.address\"]", StringComparison.Ordinal)
            .Replace("\"version\":\"1.0\"", "\"version\":\"1.2\"", StringComparison.Ordinal);
        narrowed.Should().NotBe(document);

        var (code, output, _) = await ToolProcess.RunAsync("policy", "diff", StandardJson, _temp.Write("narrow.json", narrowed), "--json");
        var (back, widened, _) = await ToolProcess.RunAsync("policy", "diff", _temp.Write("narrow2.json", narrowed), StandardJson, "--json");

        code.Should().Be(0);
        back.Should().Be(0);
        var change = JsonDocument.Parse(output).RootElement.GetProperty("changes").EnumerateArray().Single();
        change.GetProperty("id").GetString().Should().Be("delivery");
        change.GetProperty("change").GetString().Should().Be("narrowed");
        JsonDocument.Parse(widened).RootElement.GetProperty("changes")[0].GetProperty("change").GetString().Should().Be("widened");
    }

    [Fact]
    public async Task An_invalid_policy_given_to_another_command_points_to_validate()
    {
        var (code, _, error) = await ToolProcess.RunAsync("policy", "diff", StandardJson, _temp.Write("empty.json", "{}"));

        code.Should().Be(2);
        error.Should().Contain("is invalid").And.Contain("Run 'privacy policy validate");
    }
}
