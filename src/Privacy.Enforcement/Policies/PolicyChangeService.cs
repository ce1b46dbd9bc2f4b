using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Policies;

/// <summary>Publishes policy versions and invalidates the consents they affect (see <see cref="IPolicyChangeService"/>).</summary>
internal sealed class PolicyChangeService : IPolicyChangeService, IDisposable
{
    private readonly IConsentStore _store;
    private readonly IPolicyProvider _policies;
    private readonly SubjectChangeNotifier _notifier;
    private readonly Func<PolicyDocument, PublishedPolicy>? _publish;
    private readonly SemaphoreSlim _publishing = new(1, 1);

    public PolicyChangeService(IConsentStore store, IPolicyProvider policies, SubjectChangeNotifier notifier, Func<PolicyDocument, PublishedPolicy>? publish = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(notifier);
        _store = store;
        _policies = policies;
        _notifier = notifier;
        _publish = publish;
    }

    public async ValueTask<PolicyPublicationReport> PublishAsync(PolicyDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var publish = _publish ?? throw new InvalidOperationException(
            "The registered IPolicyProvider is not the PolicyCatalog, so this service cannot publish through it. "
            + "or publish through your own IPolicyProvider and call IPolicyChangeService.ApplyPublicationAsync.");

        await _publishing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var previous = _policies.Current;
            var published = publish(document);
            return await ApplyCoreAsync(previous, published, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _publishing.Release();
        }
    }

    public async ValueTask<PolicyPublicationReport> ApplyPublicationAsync(PublishedPolicy previous, PublishedPolicy published, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(published);
        if (published.Version.Version <= previous.Version.Version)
        {
            throw new ArgumentException($"Version {published.Version.Version} does not replace {previous.Version.Version} (changes.replace).", nameof(published));
        }

        await _publishing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ApplyCoreAsync(previous, published, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _publishing.Release();
        }
    }

    public PolicyDiff Compare(Version from, Version to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var older = _policies.Find(from) ?? throw new ArgumentException($"Policy version {from} was never published.", nameof(from));
        var newer = _policies.Find(to) ?? throw new ArgumentException($"Policy version {to} was never published.", nameof(to));
        return PolicyDiff.Compute(older.Document, newer.Document);
    }

    public void Dispose() => _publishing.Dispose();

    private async ValueTask<PolicyPublicationReport> ApplyCoreAsync(PublishedPolicy previous, PublishedPolicy published, CancellationToken cancellationToken)
    {
        // Consents are compared with the version they were given under, not only the one just replaced, so changes
        // that accumulate over several versions are not missed.
        var impacts = new Dictionary<Version, ConsentImpact?>();
        var affected = new List<AffectedConsent>();
        var unaffected = 0;
        var subjects = new List<SubjectId>();
        await foreach (var subject in _store.GetSubjectsAsync(cancellationToken).ConfigureAwait(false))
        {
            subjects.Add(subject);
        }

        foreach (var subject in subjects)
        {
            var facts = new List<ConsentFact>();
            await foreach (var fact in _store.GetFactsAsync(subject, cancellationToken).ConfigureAwait(false))
            {
                facts.Add(fact);
            }

            var now = _notifier.TimeProvider.GetUtcNow();
            var invalidations = new List<(ConsentFact Fact, ConsentTerms Terms)>();
            foreach (var status in ConsentHistory.EvaluateAll(facts, now))
            {
                if (status is not { State: ConsentState.Given, Terms: { } terms, Policy: { } givenUnder } || givenUnder.Version == published.Version.Version)
                {
                    continue;
                }

                var causes = CausesFor(terms, givenUnder, published, impacts);
                if (causes.Count == 0)
                {
                    unaffected++;
                    continue;
                }

                invalidations.Add((ConsentImpact.Invalidation(status.ConsentId, subject, published.Version, causes, now), terms));
                affected.Add(new AffectedConsent(subject, status.ConsentId, givenUnder, causes));
            }

            if (invalidations.Count == 0)
            {
                continue;
            }

            await _store.AppendManyAsync([.. invalidations.Select(i => i.Fact)], cancellationToken).ConfigureAwait(false);
            await _notifier.SubjectChangedAsync(subject, cancellationToken).ConfigureAwait(false);
            foreach (var (fact, terms) in invalidations)
            {
                await _notifier.AuditAsync(subject, ConsentAudit.For(fact, terms, "consent.invalidated"), cancellationToken).ConfigureAwait(false);
            }
        }

        _notifier.EverythingChanged();
        var diff = PolicyDiff.Compute(previous.Document, published.Document);
        await _notifier.AuditAsync(null, new AuditEvent
        {
            Timestamp = _notifier.TimeProvider.GetUtcNow(),
            Kind = AuditEventKind.PolicyPublished,
            Action = "policy.published",
            PolicyVersion = published.Version.ToString(),
            RecordId = published.Version.ContentHash,
            ClauseIds = [ClauseIds.ChangesReplace, ClauseIds.ChangesNotice],
            Reasons = [$"replaces {previous.Version}: {diff.Changes.Count} changes, {affected.Count} consents need renewal"],
        }, cancellationToken).ConfigureAwait(false);

        return new PolicyPublicationReport(previous.Version, published.Version, diff, affected, unaffected);
    }

    private IReadOnlyList<string> CausesFor(ConsentTerms terms, PolicyVersion givenUnder, PublishedPolicy published, Dictionary<Version, ConsentImpact?> impacts)
    {
        if (!impacts.TryGetValue(givenUnder.Version, out var impact))
        {
            var older = _policies.Find(givenUnder.Version);
            impacts[givenUnder.Version] = impact = older is null ? null : new ConsentImpact(older.Document, published.Document);
        }

        // Fail closed: a consent bound to a version the catalog no longer knows cannot be shown to be unaffected.
        return impact is null ? [$"policy version {givenUnder.Version} is unknown"] : impact.Causes(terms);
    }
}
