using Microsoft.Extensions.DependencyInjection;

namespace Privacy.Enforcement.Tests.Shared;

/// <summary>
/// Several application instances over one database decide concurrently with durable audit (store.integrity): every
/// decision is permitted (none denied for want of audit), its event is in the one trail exactly once, and the trail —
/// gap-free, one hash chain — verifies against its latest checkpoint.
/// </summary>
internal static class SharedAuditTrailScenario
{
    public static async Task RunAsync(IReadOnlyList<IServiceProvider> instances, int callersPerInstance, int decisionsPerCaller)
    {
        var (_, request) = await CollectionConsent.GrantAsync(instances[0], new SubjectId("subject-" + Guid.NewGuid().ToString("N")));

        var callers = instances.SelectMany((instance, i) => Enumerable.Range(0, callersPerInstance).Select(c => Task.Run(async () =>
        {
            var enforcer = instance.GetRequiredService<IPrivacyEnforcer>();
            for (var d = 0; d < decisionsPerCaller; d++)
            {
                var decision = await enforcer.DecideAsync(request with { CorrelationId = $"i{i}-c{c}-d{d}" });
                decision.Outcome.Should().Be(DecisionOutcome.Permit, "instance {0} must not deny for want of audit (reason {1})", i, decision.Reason);
            }
        })));
        await Task.WhenAll(callers);

        // Every instance flushes and checkpoints on disposal; the trail is then read back whole.
        foreach (var instance in instances)
        {
            await ((IAsyncDisposable)instance.GetRequiredService<IAuditTrail>()).DisposeAsync();
        }

        var reader = instances[0].GetRequiredService<IAuditTrailReader>();
        var events = new List<AuditEvent>();
        await foreach (var e in reader.ReadAsync(1, CancellationToken.None))
        {
            events.Add(e);
        }

        var expected = instances.SelectMany((_, i) => Enumerable.Range(0, callersPerInstance).SelectMany(c => Enumerable.Range(0, decisionsPerCaller).Select(d => $"i{i}-c{c}-d{d}")));
        events.Where(e => e.Kind == AuditEventKind.Decision).Select(e => e.CorrelationId).Should().BeEquivalentTo(expected, "each decision's event is in the trail exactly once");
        // Every instance checkpointed onto the newest checkpoint of any: one chain.
        var checkpoints = new List<AuditCheckpoint>();
        await foreach (var c in ((IAuditCheckpointReader)instances[0].GetRequiredService<ICheckpointSink>()).ReadCheckpointsAsync(CancellationToken.None))
        {
            checkpoints.Add(c);
        }

        checkpoints.Should().NotBeEmpty();
        var verification = AuditTrailVerifier.Verify(events, checkpoints);
        verification.CheckpointsVerified.Should().Be(checkpoints.Count);
        verification.IsValid.Should().BeTrue(verification.Message);
        verification.Count.Should().Be(events.Count);
    }
}
