using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.PostgreSql.Tests.Durability;

public sealed class PostgreSqlCrashDurabilityTests
{
    [StoreFact]
    public async Task Every_grant_acknowledged_before_a_SIGKILL_and_a_server_crash_is_present_after_restart()
    {
        // A private server, so that crashing it does not disturb the other tests.
        var server = await PostgresServer.StartPrivateAsync();
        try
        {
            var acked = await CrashWriterRun.GrantAndKillAsync(["postgres", server.ConnectionString, "crash", "10000"], killAfterAcks: 300, TimeSpan.FromMinutes(2));
            server.CrashAndRestart();

            var services = new ServiceCollection();

            services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)); // a host has logging
            services.AddPrivacyEnforcement().UsePostgreSql(server.ConnectionString, o => o.Schema = "crash");
            await using var provider = services.BuildServiceProvider();
            var store = provider.GetRequiredService<IConsentStore>();
            var stored = new HashSet<Guid>();
            await foreach (var subject in store.GetSubjectsAsync(CancellationToken.None))
            {
                foreach (var fact in await store.GetFactsAsync(subject, CancellationToken.None).CollectAsync())
                {
                    stored.Add(fact.FactId);
                }
            }

            acked.Should().HaveCountGreaterThanOrEqualTo(300);
            stored.Should().Contain(acked);
        }
        finally
        {
            server.Stop();
        }
    }
}
