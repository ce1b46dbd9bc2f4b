using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Privacy.Enforcement;

/// <summary>The library's one <see cref="System.Diagnostics.Metrics.Meter"/> and one <see cref="System.Diagnostics.ActivitySource"/>, both named <c>Privacy.Enforcement</c>.</summary>
internal static class PrivacyTelemetry
{
    public const string Name = PrivacyEnforcementTelemetry.ActivitySourceName;

    // One Meter for the whole library: the audit pipeline created it first.
    public static readonly Meter Meter = AuditTelemetry.Meter;

    public static readonly ActivitySource ActivitySource = new(Name, typeof(PrivacyTelemetry).Assembly.GetName().Version?.ToString());
}

/// <summary>Decision instruments and tags; tags never carry a subject id or personal data.</summary>
internal static class DecisionTelemetry
{
    public const string KindTag = "privacy.decision.kind";
    public const string OutcomeTag = "privacy.decision.outcome";
    public const string ClauseTag = "privacy.clause";
    public const string ReasonTag = "privacy.decision.reason";

    public static readonly Counter<long> Decisions = PrivacyTelemetry.Meter.CreateCounter<long>(
        "privacy.decisions", unit: "{decision}", description: "Decisions made, by kind, outcome and deciding clause.");

    public static readonly Counter<long> Indeterminate = PrivacyTelemetry.Meter.CreateCounter<long>(
        "privacy.decisions.indeterminate", unit: "{decision}", description: "Decisions denied because the library could not decide (store fault, timeout, cancellation, malformed request, audit failure).");

    public static readonly Histogram<double> Duration = PrivacyTelemetry.Meter.CreateHistogram<double>(
        "privacy.decision.duration", unit: "s", description: "Time to make a decision, audit included.");

    private static readonly string[] Kinds = [.. Enum.GetValues<ProcessingAct>().Select(a => a.ToString().ToLowerInvariant())];
    private static readonly string[] Outcomes = [.. Enum.GetValues<DecisionOutcome>().OrderBy(o => (int)o).Select(o => o.ToString())];

    public static string Kind(ProcessingAct act) => (uint)act < (uint)Kinds.Length ? Kinds[(int)act] : "unknown";

    public static string Outcome(DecisionOutcome outcome) => Outcomes[(int)outcome];
}

/// <summary>The decision engine's log messages; none carries a subject id or personal data.</summary>
internal static partial class DecisionLog
{
    [LoggerMessage(1001, LogLevel.Warning, "A {Kind} decision was denied as indeterminate: {Cause} ({ErrorType}).")]
    public static partial void Indeterminate(ILogger logger, string kind, string cause, string errorType);

    [LoggerMessage(1002, LogLevel.Debug, "A {Kind} decision was denied: {Reason} ({Clause}).")]
    public static partial void Denied(ILogger logger, string kind, DecisionReason reason, string? clause);

    [LoggerMessage(1003, LogLevel.Information, "Compiled policy {PolicyVersion}; decisions are now made under it.")]
    public static partial void PolicyCompiled(ILogger logger, string policyVersion);

    [LoggerMessage(1004, LogLevel.Warning, "The privacy change feed failed ({ErrorType}); every cached subject state was dropped and listening restarts.")]
    public static partial void ChangeFeedFailed(ILogger logger, string errorType);
}
