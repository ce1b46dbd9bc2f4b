using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Privacy.Enforcement.AspNetCore.Tests.TestHost;

namespace Privacy.Enforcement.AspNetCore.Tests.HealthChecks;

[Collection(PrivacyTestCollection.Name)]
public sealed class HealthCheckTests(PrivacyTestFactory factory)
{
    [Fact]
    public async Task The_check_reports_stores_reachable_the_audit_queue_and_the_trail_verified_at_start()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var monitor = factory.Services.GetRequiredService<PrivacyEnforcementHealthMonitor>();
        await monitor.Verification!;

        var report = await factory.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(CancellationToken.None);

        var entry = report.Entries["privacy-enforcement"];
        entry.Status.Should().Be(HealthStatus.Healthy, entry.Description);
        entry.Data["stores.reachable"].Should().Be(true);
        entry.Data["audit.head.verified"].Should().Be(true);
        entry.Data.Should().ContainKeys("audit.queue.depth", "audit.write.failures");
        (await factory.Anonymous().GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
