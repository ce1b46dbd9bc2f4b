using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.PostgreSql.Tests;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Tool.Tests;

/// <summary><c>privacy audit query</c> as a process, over SQLite and PostgreSQL trails a host wrote through the library.</summary>
public sealed class AuditQueryProcessTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Query_reads_a_subjects_ledger_and_a_time_range_from_a_sqlite_file()
    {
        var database = Path.Combine(_temp.Path, "privacy.db");
        await WriteTrailAsync(b => b.UseSqlite($"Data Source={database}"));

        var (all, table, _) = await ToolProcess.RunAsync("audit", "query", "--sqlite", database, "--kind", "Decision");
        var (code, output, error) = await ToolProcess.RunAsync("audit", "query", "--sqlite", database, "--subject", "alice", "--json");
        var (none, empty, _) = await ToolProcess.RunAsync("audit", "query", "--sqlite", database, "--from", "2100-01-01T00:00:00Z");

        all.Should().Be(0);
        table.Should().MatchRegex(@"SEQ\s+TIME \(UTC\)\s+KIND").And.Contain("3 events");
        error.Should().BeEmpty();
        code.Should().Be(0);
        var events = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        events.Should().HaveCountGreaterThanOrEqualTo(3, "the acceptance, the consent and the two decisions about alice");
        events.Select(e => e.GetProperty("pseudonym").GetString()).Distinct().Should().ContainSingle().Which.Should().NotBe("alice");
        events.Should().Contain(e => e.GetProperty("kind").GetString() == "Decision" && e.GetProperty("outcome").GetString() == "Permit");
        output.Should().NotContain("\"alice\"", "the trail carries pseudonyms, never subject ids");
        none.Should().Be(0);
        empty.Should().Contain("0 events");
    }

    [StoreFact]
    public async Task Query_reads_a_recipients_receipts_from_postgresql()
    {
        var server = await PostgresServer.GetAsync();
        var schema = PostgresServer.NewSchema();
        await WriteTrailAsync(b => b.UsePostgreSql(server.ConnectionString, o => o.Schema = schema));

        var (code, output, error) = await ToolProcess.RunAsync("audit", "query", "--postgres", server.ConnectionString, "--schema", schema, "--subject", "alice", "--kind", "Decision", "--json");
        var (other, receipts, _) = await ToolProcess.RunAsync("audit", "query", "--postgres", server.ConnectionString, "--schema", schema, "--recipient", "courier");

        error.Should().BeEmpty();
        code.Should().Be(0);
        JsonDocument.Parse(output).RootElement.EnumerateArray().Should().ContainSingle()
            .Which.GetProperty("outcome").GetString().Should().Be("Permit");
        other.Should().Be(0);
        receipts.Should().MatchRegex(@"decision.disclose\s+\S+\s+courier\s+user.contact.email\s+Deny").And.Contain("1 event");
    }

    private static async Task WriteTrailAsync(Action<PrivacyEnforcementBuilder> store)
    {
        var services = new ServiceCollection();
        store(services.AddPrivacyEnforcement(o => o.UseStandardPolicy()));
        var provider = services.BuildServiceProvider();
        await using (provider)
        {
            var hosted = provider.GetServices<IHostedService>().ToList();
            foreach (var service in hosted)
            {
                await service.StartAsync(default);
            }

            var alice = new SubjectId("alice");
            var policy = provider.GetRequiredService<IPolicyProvider>().Current.Version;
            await provider.GetRequiredService<IPolicyAcceptanceService>().AcceptAsync(alice, policy.Version, policy.ContentHash, "test", default);
            var email = new DataCategory(StandardDataCategories.Email);
            var purpose = new PurposeId(StandardPurposes.ServiceProvision);
            await provider.GetRequiredService<IConsentService>().GrantAsync(new ConsentRequest
            {
                Subject = alice, PolicyVersion = policy.Version, PolicyContentHash = policy.ContentHash,
                Purposes = [purpose], Categories = [email], Acts = [ProcessingAct.Collect], CollectionMethod = "test",
            }, default);
            var enforcer = provider.GetRequiredService<IPrivacyEnforcer>();
            (await enforcer.DecideAsync(new CollectionRequest(alice, [email], purpose))).Outcome.Should().Be(DecisionOutcome.Permit);
            (await enforcer.DecideAsync(new CollectionRequest(new SubjectId("bob"), [email], purpose))).Outcome.Should().Be(DecisionOutcome.Deny);

            // The standard policy declares no provider: a disclosure to one is denied, and recorded with its recipient.
            var courier = new Recipient("courier", RecipientKind.ServiceProvider);
            (await enforcer.DecideAsync(new DisclosureRequest(new SubjectId("bob"), [email], purpose, courier, evidence: null))).Outcome.Should().Be(DecisionOutcome.Deny);
            foreach (var service in Enumerable.Reverse(hosted))
            {
                await service.StopAsync(default);
            }
        }
    }
}
