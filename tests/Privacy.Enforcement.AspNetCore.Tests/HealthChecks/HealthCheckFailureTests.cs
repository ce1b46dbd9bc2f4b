using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.AspNetCore.Tests.HealthChecks;

/// <summary>The health check when something is wrong: each on a host of its own, with the faulty part put in.</summary>
public sealed class HealthCheckFailureTests
{
    private const string SecretInMessage = "subject alice-42 at db.internal";

    [Fact]
    public async Task An_unreachable_store_is_unhealthy_naming_the_exception_type_only()
    {
        using var host = await StartAsync(static services => services.AddSingleton<IPseudonymStore, UnreachablePseudonyms>());

        var entry = await CheckAsync(host);

        entry.Status.Should().Be(HealthStatus.Unhealthy);
        entry.Data["stores.reachable"].Should().Be(false);
        entry.Description.Should().Contain(nameof(TimeoutException)).And.NotContain("alice-42", "an exception's message may quote personal data");
    }

    [Fact]
    public async Task A_trail_that_did_not_verify_at_start_is_unhealthy_with_the_failure()
    {
        using var host = await StartAsync(static services => services.AddSingleton<IAuditTrailReader, TamperedTrail>());
        await host.Services.GetRequiredService<PrivacyEnforcementHealthMonitor>().Verification!;

        var entry = await CheckAsync(host);

        entry.Status.Should().Be(HealthStatus.Unhealthy);
        entry.Data["audit.head.verified"].Should().Be(false);
        entry.Data.Should().ContainKey("audit.verification.failure");
        entry.Description.Should().Contain("did not verify");
    }

    [Fact]
    public async Task A_custom_failure_status_is_reported_instead_of_unhealthy()
    {
        using var host = await StartAsync(static services => services.AddSingleton<IPseudonymStore, UnreachablePseudonyms>(), HealthStatus.Degraded);

        (await CheckAsync(host)).Status.Should().Be(HealthStatus.Degraded);
    }

    private static async Task<IHost> StartAsync(Action<IServiceCollection> fault, HealthStatus? failureStatus = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddPrivacyEnforcement(static options => options.UseStandardPolicy()).UseInMemoryStores().AddAspNetCore();
        builder.Services.AddHealthChecks().AddPrivacyEnforcement(failureStatus: failureStatus);
        fault(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host) =>
        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(CancellationToken.None)).Entries["privacy-enforcement"];

    private sealed class UnreachablePseudonyms : IPseudonymStore
    {
        public ValueTask<string> GetOrCreateAsync(SubjectId subject, CancellationToken cancellationToken) => throw new TimeoutException(SecretInMessage);

        public ValueTask<string?> FindAsync(SubjectId subject, CancellationToken cancellationToken) => throw new TimeoutException(SecretInMessage);

        public ValueTask<bool> DeleteAsync(SubjectId subject, CancellationToken cancellationToken) => throw new TimeoutException(SecretInMessage);
    }

    /// <summary>A trail whose first event does not carry the hash its content gives.</summary>
    private sealed class TamperedTrail : IAuditTrailReader
    {
        private static readonly AuditEvent Tampered = new()
        {
            Sequence = 1, Timestamp = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), Kind = AuditEventKind.Decision, Action = "decision.use",
            Hash = new string('0', 64),
        };

        public async IAsyncEnumerable<AuditEvent> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            yield return Tampered;
        }

        public ValueTask<AuditEvent?> ReadLastAsync(CancellationToken cancellationToken) => ValueTask.FromResult<AuditEvent?>(Tampered);
    }
}
