using System.Text.Json;

namespace Privacy.Enforcement.Tool.Tests;

/// <summary>The built tool as a process: <c>policy explain</c>, <c>audit verify</c> and <c>audit query</c>.</summary>
public sealed class ExplainAndAuditProcessTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static string StandardJson => Path.Combine(ToolProcess.Policies, "standard.json");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Explain_prints_the_decision_and_each_rule_and_category_considered()
    {
        var request = _temp.Write("request.yaml", "{ act: collect, subject: alice, categories: [user.contact.email, user.contact.phone_number], purpose: service-provision }");
        var facts = _temp.Write("facts.yaml", """
            clock: 2026-03-01T12:00:00Z
            facts:
              acceptances: [ { subject: alice, at: 2026-01-01T00:00:00Z } ]
              consents:
                - { subject: alice, purposes: [service-provision], categories: [user.contact.email], acts: [collect], at: 2026-01-02T00:00:00Z }
            """);

        var (code, output, error) = await ToolProcess.RunAsync("policy", "explain", StandardJson, request, facts);

        error.Should().BeEmpty();
        code.Should().Be(0);
        output.Should().StartWith("decision: Permit under standard@1.0");
        output.Should().MatchRegex(@"rule RequireConsentToCollect\s+collect.consent\s+Applied");
        output.Should().MatchRegex(@"rule DenyHarvesting\s+use.no-free-harvesting\s+NotReached");
        output.Should().MatchRegex(@"category user.contact.phone_number\s+collect.consent\s+Withheld\s+ConsentMissing");
    }

    [Fact]
    public async Task Explain_without_facts_denies_and_says_why_in_json()
    {
        var request = _temp.Write("request.json", """{ "act": "use", "subject": "bob", "categories": ["user.behavior"], "purpose": "service-provision" }""");

        var (code, output, _) = await ToolProcess.RunAsync("policy", "explain", "standard", request, "--json");

        code.Should().Be(0);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("outcome").GetString().Should().Be("Deny");
        json.GetProperty("trace").EnumerateArray().Should().Contain(s => s.GetProperty("verdict").GetString() == "Decided" && s.GetProperty("clause").GetString() == "intro.acceptance");
    }

    [Fact]
    public async Task Explain_names_an_unknown_category_in_the_request_file()
    {
        var request = _temp.Write("request.yaml", "{ act: use, subject: bob, categories: [user.emial], purpose: service-provision }");

        var (code, _, error) = await ToolProcess.RunAsync("policy", "explain", "standard", request);

        code.Should().Be(2);
        error.Should().Contain("request.yaml:1:").And.Contain("$.categories[0]: unknown category 'user.emial'");
    }

    [Fact]
    public async Task Audit_verify_keeps_its_exit_codes()
    {
        var empty = _temp.Write("empty.jsonl", string.Empty);
        var garbage = _temp.Write("garbage.jsonl", "{\"not\":\"an event\"}\n");

        (await ToolProcess.RunAsync("audit", "verify", "--trail", empty)).Code.Should().Be(0);
        var (failed, output, _) = await ToolProcess.RunAsync("audit", "verify", "--trail", garbage);
        failed.Should().Be(1);
        output.Should().StartWith("FAILED").And.Contain("first bad index 0");
        var (missing, _, error) = await ToolProcess.RunAsync("audit", "verify", "--trail", Path.Combine(_temp.Path, "missing.jsonl"));
        missing.Should().Be(2);
        error.Should().Contain("missing.jsonl");
        (await ToolProcess.RunAsync("audit", "verify")).Code.Should().Be(2);
    }

    [Fact]
    public async Task Audit_query_refuses_a_missing_database_and_a_call_without_a_store()
    {
        var (code, _, error) = await ToolProcess.RunAsync("audit", "query", "--sqlite", Path.Combine(_temp.Path, "none.db"));
        var (neither, _, usage) = await ToolProcess.RunAsync("audit", "query", "--recipient", "courier");

        code.Should().Be(2);
        error.Should().Contain("none.db' does not exist");
        neither.Should().Be(2);
        usage.Should().Contain("Give exactly one store: --sqlite FILE or --postgres CONNECTION-STRING.");
    }
}
