using System.Runtime.CompilerServices;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Consents;

/// <summary>Policy acceptance over an <see cref="IAcceptanceStore"/> (see <see cref="IPolicyAcceptanceService"/>).</summary>
internal sealed class PolicyAcceptanceService : IPolicyAcceptanceService
{
    private readonly IAcceptanceStore _store;
    private readonly IPolicyProvider _policies;
    private readonly SubjectChangeNotifier _notifier;

    public PolicyAcceptanceService(IAcceptanceStore store, IPolicyProvider policies, SubjectChangeNotifier notifier)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(notifier);
        _store = store;
        _policies = policies;
        _notifier = notifier;
    }

    public async ValueTask<PolicyAcceptance> AcceptAsync(SubjectId subject, Version policyVersion, string policyContentHash, string countedEvent, CancellationToken cancellationToken)
    {
        ConsentValidation.RequireSubject(subject, nameof(subject));
        if (policyVersion is null)
        {
            throw new ArgumentException("The policy version is required.", nameof(policyVersion));
        }

        var policy = _policies.Find(policyVersion)
            ?? throw new ArgumentException($"Policy version {policyVersion} was never published; only a published version can be accepted.", nameof(policyVersion));
        if (!string.Equals(policyContentHash, policy.Version.ContentHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The content hash does not match published policy version {policyVersion}.", nameof(policyContentHash));
        }

        ConsentValidation.RequiredText(countedEvent, nameof(countedEvent));
        var history = await ReadAsync(subject, cancellationToken).ConfigureAwait(false);
        var existing = history.FirstOrDefault(a => a.Policy == policy.Version && a.Kind == AcceptanceKind.Explicit);
        if (existing is not null)
        {
            return existing;
        }

        // An explicit acceptance is recorded even after a deemed one: it is the stronger evidence.
        var acceptance = new PolicyAcceptance(subject, policy.Version, AcceptanceKind.Explicit, _notifier.TimeProvider.GetUtcNow(), countedEvent);
        return await WriteAsync(acceptance, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<PolicyAcceptance?> RecordUseAsync(SubjectId subject, string useEvent, DateTimeOffset occurredAt, CancellationToken cancellationToken)
    {
        ConsentValidation.RequireSubject(subject, nameof(subject));
        ConsentValidation.RequiredText(useEvent, nameof(useEvent));
        if (occurredAt > _notifier.TimeProvider.GetUtcNow())
        {
            throw new ArgumentException("A use event cannot lie in the future.", nameof(occurredAt));
        }

        // intro.acceptance: only use after publication counts, and it counts for the version in force at that moment.
        var inForce = _policies.History.LastOrDefault(p => p.Version.PublishedAt <= occurredAt);
        if (inForce is null)
        {
            return null;
        }

        var history = await ReadAsync(subject, cancellationToken).ConfigureAwait(false);
        var existing = history.FirstOrDefault(a => a.Policy == inForce.Version);
        if (existing is not null)
        {
            return existing;
        }

        var acceptance = new PolicyAcceptance(subject, inForce.Version, AcceptanceKind.DeemedByContinuedUse, occurredAt, useEvent);
        return await WriteAsync(acceptance, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<PolicyAcceptanceStatus> GetStatusAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        ConsentValidation.RequireSubject(subject, nameof(subject));
        var current = _policies.Current.Version;
        var history = await ReadAsync(subject, cancellationToken).ConfigureAwait(false);
        var ofCurrent = history.Where(a => a.Policy == current).ToList();
        var chosen = ofCurrent.FirstOrDefault(a => a.Kind == AcceptanceKind.Explicit) ?? ofCurrent.FirstOrDefault();
        return new PolicyAcceptanceStatus(current, chosen, history.Count == 0 ? null : history[^1]);
    }

    public async IAsyncEnumerable<PolicyAcceptance> GetHistoryAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ConsentValidation.RequireSubject(subject, nameof(subject));
        await foreach (var acceptance in _store.GetAcceptancesAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            yield return acceptance;
        }
    }

    private async ValueTask<PolicyAcceptance> WriteAsync(PolicyAcceptance acceptance, CancellationToken cancellationToken)
    {
        // Acceptance widens what is permitted: audited before it takes effect, voided (policy.accepted.aborted) when the write fails.
        await _notifier.AuditThenStoreAsync(
            acceptance.Subject, ConsentAudit.ForAcceptance(acceptance), ct => _store.AppendAcceptanceAsync(acceptance, ct), cancellationToken).ConfigureAwait(false);
        await _notifier.SubjectChangedAsync(acceptance.Subject, cancellationToken).ConfigureAwait(false);
        return acceptance;
    }

    private async ValueTask<List<PolicyAcceptance>> ReadAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var list = new List<PolicyAcceptance>();
        await foreach (var acceptance in _store.GetAcceptancesAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            list.Add(acceptance);
        }

        return list;
    }
}
