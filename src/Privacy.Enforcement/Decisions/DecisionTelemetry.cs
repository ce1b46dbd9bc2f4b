using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Privacy.Enforcement.Auditing;

namespace Privacy.Enforcement;

/// <summary>
/// The library's one <see cref="System.Diagnostics.Metrics.Meter"/> per container (created by the container's
/// <see cref="IMeterFactory"/>, so each container has its own instruments) and its instruments; a singleton handed to
/// every part that records. The <see cref="System.Diagnostics.ActivitySource"/> is process-wide, as activity sources are.
/// </summary>
internal sealed class PrivacyTelemetry
{
    public const string Name = PrivacyEnforcementTelemetry.ActivitySourceName;

    public static readonly ActivitySource ActivitySource = new(Name, typeof(PrivacyTelemetry).Assembly.GetName().Version?.ToString());

    public PrivacyTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter = meters.Create(new MeterOptions(PrivacyEnforcementTelemetry.MeterName) { Version = typeof(PrivacyTelemetry).Assembly.GetName().Version?.ToString() });
        Decisions = Meter.CreateCounter<long>(
            "privacy.decisions", unit: "{decision}", description: "Decisions made, by kind, outcome and deciding clause.");
        Indeterminate = Meter.CreateCounter<long>(
            "privacy.decisions.indeterminate", unit: "{decision}", description: "Decisions denied because the library could not decide (store fault, timeout, cancellation, malformed request, audit failure).");
        Duration = Meter.CreateHistogram<double>(
            "privacy.decision.duration", unit: "s", description: "Time to make a decision, audit included.");
        Audit = new AuditTelemetry(Meter);
    }

    /// <summary>Gets the container's meter named <see cref="PrivacyEnforcementTelemetry.MeterName"/>.</summary>
    public Meter Meter { get; }

    public Counter<long> Decisions { get; }

    public Counter<long> Indeterminate { get; }

    public Histogram<double> Duration { get; }

    /// <summary>Gets the audit pipeline's instruments on the same meter.</summary>
    public AuditTelemetry Audit { get; }
}

/// <summary>
/// The meter factory a container without one uses (a host that calls <c>AddMetrics()</c>, as every ASP.NET Core and
/// generic host does, brings its own and this one is never created). It owns and disposes the meters it creates.
/// </summary>
internal sealed class PrivacyEnforcementMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }

            _meters.Clear();
        }
    }
}

/// <summary>Decision tags; tags never carry a subject id or personal data. The instruments are on <see cref="PrivacyTelemetry"/>.</summary>
internal static class DecisionTelemetry
{
    public const string KindTag = "privacy.decision.kind";
    public const string OutcomeTag = "privacy.decision.outcome";
    public const string ClauseTag = "privacy.clause";
    public const string ReasonTag = "privacy.decision.reason";

    private static readonly string[] Kinds = [.. Enum.GetValues<ProcessingAct>().Select(a => a.ToString().ToLowerInvariant())];
    private static readonly string[] Outcomes = [.. Enum.GetValues<DecisionOutcome>().OrderBy(o => (int)o).Select(o => o.ToString())];

    public static string Kind(ProcessingAct act) => (uint)act < (uint)Kinds.Length ? Kinds[(int)act] : "unknown";

    public static string Outcome(DecisionOutcome outcome) => Outcomes[(int)outcome];
}

/// <summary>The decision engine's log messages; none carries a subject id or personal data.</summary>
internal static partial class DecisionLog
{
    [LoggerMessage(EventId = 1001, EventName = "DecisionIndeterminate", Level = LogLevel.Warning, Message = "A {Kind} decision was denied as indeterminate: {Cause} ({ErrorType}).")]
    public static partial void Indeterminate(ILogger logger, Exception? exception, string kind, string cause, string errorType);

    [LoggerMessage(EventId = 1002, EventName = "DecisionDenied", Level = LogLevel.Debug, Message = "A {Kind} decision was denied: {Reason} ({Clause}).")]
    public static partial void Denied(ILogger logger, string kind, DecisionReason reason, string? clause);

    [LoggerMessage(EventId = 1003, EventName = "PolicyCompiled", Level = LogLevel.Information, Message = "Compiled policy {PolicyVersion}; decisions are now made under it.")]
    public static partial void PolicyCompiled(ILogger logger, string policyVersion);

    [LoggerMessage(EventId = 1004, EventName = "ChangeFeedFailed", Level = LogLevel.Warning, Message = "The privacy change feed failed ({ErrorType}); every cached subject state was dropped and listening restarts.")]
    public static partial void ChangeFeedFailed(ILogger logger, Exception exception, string errorType);
}
