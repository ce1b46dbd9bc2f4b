using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// What the privacy health check reports, gathered without touching the core's internals: the audit pipeline's own
/// instruments on the library's meter (<c>privacy.audit.queue.depth</c>, <c>privacy.audit.write.failures</c>,
/// <c>privacy.audit.unavailable</c>) of this container only, and a verification of the trail read back once at start.
/// </summary>
internal sealed class PrivacyEnforcementHealthMonitor : IHostedService, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly MeterListener _listener = new();
    private readonly object _scope;
    private long _queueDepth;
    private long _writeFailures;
    private long _unavailable;
    private long _lastFailureTicks;
    private Task<AuditVerificationResult?>? _verification;

    public PrivacyEnforcementHealthMonitor(IServiceProvider services, TimeProvider time)
    {
        _services = services;
        _time = time;
        _scope = (object?)services.GetService<IMeterFactory>() ?? this;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PrivacyEnforcementTelemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, _scope) &&
                instrument.Name is "privacy.audit.queue.depth" or "privacy.audit.write.failures" or "privacy.audit.unavailable")
            {
                listener.EnableMeasurementEvents(instrument, this);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (instrument, value, _, state) => ((PrivacyEnforcementHealthMonitor)state!).Measure(instrument.Name, value));
        _listener.Start();
    }

    public long QueueDepth => Interlocked.Read(ref _queueDepth);

    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    public long Unavailable => Interlocked.Read(ref _unavailable);

    public DateTimeOffset? LastWriteFailureAt => Interlocked.Read(ref _lastFailureTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>The verification of the trail at start: null while it runs or when no reader is registered.</summary>
    public Task<AuditVerificationResult?>? Verification => _verification;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_services.GetService<IAuditTrailReader>() is { } reader)
        {
            // In the background: a long trail must not hold up start-up; until it is done the check says so.
            _verification = Task.Run(async () =>
            {
                try
                {
                    return (AuditVerificationResult?)await AuditTrailVerifier.VerifyAsync(reader.ReadAsync(1, CancellationToken.None), null, null, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    return new AuditVerificationResult(AuditVerificationFailure.Truncated, 0, string.Empty, null, "The trail could not be read back: " + exception.GetType().Name, 0);
                }
            }, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    private void Measure(string name, long value)
    {
        switch (name)
        {
            case "privacy.audit.queue.depth":
                Interlocked.Add(ref _queueDepth, value);
                break;
            case "privacy.audit.write.failures":
                Interlocked.Add(ref _writeFailures, value);
                Interlocked.Exchange(ref _lastFailureTicks, _time.GetUtcNow().UtcTicks);
                break;
            default:
                Interlocked.Add(ref _unavailable, value);
                break;
        }
    }
}

/// <summary>The health check: stores reachable, audit queue depth, last write failure, the trail verified at start.</summary>
internal sealed class PrivacyEnforcementHealthCheck(IServiceProvider services, PrivacyEnforcementHealthMonitor monitor, PrivacyHealthOptions options) : IHealthCheck
{
    private static readonly SubjectId Probe = new("$health-probe");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["audit.queue.depth"] = monitor.QueueDepth,
            ["audit.write.failures"] = monitor.WriteFailures,
            ["audit.unavailable"] = monitor.Unavailable,
        };
        if (monitor.LastWriteFailureAt is { } failedAt)
        {
            data["audit.last.write.failure"] = failedAt;
        }

        var problems = new List<string>();
        var degraded = new List<string>();
        try
        {
            await services.GetRequiredService<IPseudonymStore>().FindAsync(Probe, cancellationToken).ConfigureAwait(false);
            await foreach (var _ in services.GetRequiredService<IAcceptanceStore>().GetObjectionsAsync(Probe, cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            if (services.GetService<IAuditTrailReader>() is { } reader)
            {
                await reader.ReadLastAsync(cancellationToken).ConfigureAwait(false);
            }

            data["stores.reachable"] = true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            data["stores.reachable"] = false;
            problems.Add($"a store is unreachable ({exception.GetType().Name})");
        }

        switch (monitor.Verification)
        {
            case null:
                data["audit.head.verified"] = "not checked (no audit trail reader)";
                break;
            case { IsCompleted: false }:
                data["audit.head.verified"] = "verifying";
                degraded.Add("the audit trail is still being verified");
                break;
            case { } done when await done.ConfigureAwait(false) is { } result:
                data["audit.head.verified"] = result.IsValid;
                data["audit.events"] = result.Count;
                if (!result.IsValid)
                {
                    data["audit.verification.failure"] = result.Failure.ToString();
                    problems.Add($"the audit trail did not verify at start ({result.Failure} at {result.FirstBadIndex})");
                }

                break;
        }

        if (monitor.QueueDepth > options.MaxAuditQueueDepth)
        {
            degraded.Add($"the audit queue holds {monitor.QueueDepth} events (more than {options.MaxAuditQueueDepth})");
        }

        if (monitor.LastWriteFailureAt is { } last && services.GetRequiredService<TimeProvider>().GetUtcNow() - last < options.RecentFailureWindow)
        {
            degraded.Add("an audit write failed recently (retried)");
        }

        if (problems.Count > 0)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", problems) + ".", data: data);
        }

        return degraded.Count > 0
            ? HealthCheckResult.Degraded(string.Join("; ", degraded) + ".", data: data)
            : HealthCheckResult.Healthy("Stores reachable; audit trail writing.", data);
    }
}

/// <summary>Thresholds of the privacy health check.</summary>
public sealed class PrivacyHealthOptions
{
    /// <summary>Gets or sets the audit queue depth above which the check reports Degraded (10 000 by default).</summary>
    public long MaxAuditQueueDepth { get; set; } = 10_000;

    /// <summary>Gets or sets how long after an audit write failure the check reports Degraded (five minutes by default).</summary>
    public TimeSpan RecentFailureWindow { get; set; } = TimeSpan.FromMinutes(5);
}
