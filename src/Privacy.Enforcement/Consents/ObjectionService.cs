using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Consents;

/// <summary>Objections over an <see cref="IAcceptanceStore"/> (see <see cref="IObjectionService"/>).</summary>
internal sealed class ObjectionService : IObjectionService
{
    private readonly IAcceptanceStore _store;
    private readonly IPolicyProvider _policies;
    private readonly SubjectChangeNotifier _notifier;

    public ObjectionService(IAcceptanceStore store, IPolicyProvider policies, SubjectChangeNotifier notifier)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(notifier);
        _store = store;
        _policies = policies;
        _notifier = notifier;
    }

    public async ValueTask<ObjectionFact> ObjectAsync(SubjectId subject, PurposeId purpose, CancellationToken cancellationToken)
    {
        ConsentValidation.RequireSubject(subject, nameof(subject));
        var policy = _policies.Current;
        var definition = purpose.IsEmpty ? null : policy.Document.Purposes.FirstOrDefault(p => string.Equals(p.Id, purpose.Value, StringComparison.Ordinal));
        if (definition is null)
        {
            throw new ArgumentException($"'{purpose.Value}' is not a purpose declared by policy {policy.Version}.", nameof(purpose));
        }

        if (!definition.Objectable)
        {
            throw new ArgumentException($"Policy {policy.Version} does not let subjects object to purpose '{purpose.Value}'.", nameof(purpose));
        }

        var latest = await LatestAsync(subject, purpose, DateTimeOffset.MaxValue, cancellationToken).ConfigureAwait(false);
        if (latest is { State: ObjectionState.Raised })
        {
            // Idempotent: re-announced, and audited now if the first attempt stored it while the trail was down.
            await _notifier.SubjectChangedAsync(subject, cancellationToken).ConfigureAwait(false);
            await _notifier.AuditIfMissingAsync(subject, ConsentAudit.ForObjection(latest, policy.Version, policy.Document), cancellationToken).ConfigureAwait(false);
            return latest;
        }

        // An objection narrows what is permitted: durable and visible before it is audited and acknowledged.
        var objection = new ObjectionFact(subject, purpose, ObjectionState.Raised, _notifier.TimeProvider.GetUtcNow());
        await _store.AppendObjectionAsync(objection, cancellationToken).ConfigureAwait(false);
        await _notifier.SubjectChangedAsync(subject, cancellationToken).ConfigureAwait(false);
        await _notifier.AuditAsync(subject, ConsentAudit.ForObjection(objection, policy.Version, policy.Document), cancellationToken).ConfigureAwait(false);
        return objection;
    }

    public async ValueTask<ObjectionFact> LiftAsync(SubjectId subject, PurposeId purpose, CancellationToken cancellationToken)
    {
        ConsentValidation.RequireSubject(subject, nameof(subject));
        var latest = await LatestAsync(subject, purpose, DateTimeOffset.MaxValue, cancellationToken).ConfigureAwait(false);
        if (latest is not { State: ObjectionState.Raised })
        {
            throw new ArgumentException("The subject has no objection to this purpose to lift.", nameof(purpose));
        }

        var lifted = new ObjectionFact(subject, purpose, ObjectionState.Lifted, _notifier.TimeProvider.GetUtcNow());
        var policy = _policies.Current;
        // Lifting widens what is permitted: audited first, voided (objection.lifted.aborted) when the write fails.
        await _notifier.AuditThenStoreAsync(
            subject, ConsentAudit.ForObjection(lifted, policy.Version, policy.Document), ct => _store.AppendObjectionAsync(lifted, ct), cancellationToken).ConfigureAwait(false);
        await _notifier.SubjectChangedAsync(subject, cancellationToken).ConfigureAwait(false);
        return lifted;
    }

    public async ValueTask<bool> IsObjectingAsync(SubjectId subject, PurposeId purpose, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        ConsentValidation.RequireSubject(subject, nameof(subject));
        var latest = await LatestAsync(subject, purpose, asOf ?? _notifier.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return latest is { State: ObjectionState.Raised };
    }

    private async ValueTask<ObjectionFact?> LatestAsync(SubjectId subject, PurposeId purpose, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        ObjectionFact? latest = null;
        await foreach (var fact in _store.GetObjectionsAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            if (fact.Purpose == purpose && fact.RecordedAt <= asOf)
            {
                latest = fact;
            }
        }

        return latest;
    }
}
