using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement.Tool.Tests;

/// <summary><c>privacy audit query</c> as a process, over a SQLite trail a host wrote through the library.</summary>
public sealed class AuditQueryProcessTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Query_reads_a_subjects_ledger_and_a_time_range_from_a_sqlite_file()
    {
        var database = Path.Combine(_temp.Path, "privacy.db");
        await WriteTrailAsync(database);

        var (all, table, _) = await ToolProcess.RunAsync("audit", "query", "--sqlite", database, "--kind", "Decision");
        var (code, output, error) = await ToolProcess.RunAsync("audit", "query", "--sqlite", database, "--subject", "alice", "--json");
        var (none, empty, _) = await ToolProcess.RunAsync("audit", "query", "--sqlite", database, "--from", "2100-01-01T00:00:00Z");

        all.Should().Be(0);
        table.Should().MatchRegex(@"SEQ\s+TIME \(UTC\)\s+KIND").And.Contain("2 events");
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

    private static async Task WriteTrailAsync(string database)
    {
        var services = new ServiceCollection();
        services.AddPrivacyEnforcement(o => o.UseStandardPolicy()).UseSqlite($"Data Source={database}");
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
            foreach (var service in Enumerable.Reverse(hosted))
            {
                await service.StopAsync(default);
            }
        }
    }
}
