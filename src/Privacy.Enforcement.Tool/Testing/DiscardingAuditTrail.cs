using Privacy.Enforcement.Auditing;

namespace Privacy.Enforcement.Tool.Testing;

/// <summary>The audit trail of a throwaway suite run: the facts a suite states are not records of anyone.</summary>
internal sealed class DiscardingAuditTrail : IAuditTrail
{
    public ValueTask RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
