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

            // The version in force, published again exactly as it was: a retry of a publication that failed part-way
            // (an audit outage), which finishes it instead of being refused as not newer.
            if (Resumed(document, previous) is { } replaced)
            {
                return await ApplyCoreAsync(replaced, previous, cancellationToken).ConfigureAwait(false);
            }

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

            // An earlier attempt of this publication may have stored invalidations and then found the trail down:
            // they count as affected, and their events are written now unless the trail already holds them.
            var stored = StoredInvalidations(facts, published.Version);
            foreach (var (fact, terms, givenUnder) in stored)
            {
                affected.Add(new AffectedConsent(subject, fact.ConsentId, givenUnder, CausesFor(terms, givenUnder, published, impacts)));
            }

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

            if (invalidations.Count == 0 && stored.Count == 0)
            {
                continue;
            }

            if (invalidations.Count > 0)
            {
                await _store.AppendManyAsync([.. invalidations.Select(i => i.Fact)], cancellationToken).ConfigureAwait(false);
            }

            // Announced again for a retry too: the earlier attempt may have failed before announcing.
            await _notifier.SubjectChangedAsync(subject, cancellationToken).ConfigureAwait(false);
            foreach (var (fact, terms, _) in stored)
            {
                await _notifier.AuditIfMissingAsync(subject, ConsentAudit.For(fact, terms, "consent.invalidated"), cancellationToken).ConfigureAwait(false);
            }

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

    /// <summary>The version the one in force replaced, when <paramref name="document"/> is the one in force, unchanged; otherwise <see langword="null"/>.</summary>
    private PublishedPolicy? Resumed(PolicyDocument document, PublishedPolicy current)
    {
        if (!PolicyDocumentValidator.TryParseVersion(document.Version, out var version) || version != current.Version.Version)
        {
            return null;
        }

        var again = PublishedPolicy.Create(document);
        if (again.Version.PolicyId != current.Version.PolicyId || !string.Equals(again.Version.ContentHash, current.Version.ContentHash, StringComparison.Ordinal))
        {
            return null;
        }

        PublishedPolicy? replaced = null;
        foreach (var policy in _policies.History)
        {
            if (policy.Version.Version < current.Version.Version && (replaced is null || policy.Version.Version > replaced.Version.Version))
            {
                replaced = policy;
            }
        }

        return replaced;
    }

    /// <summary>
    /// The invalidations this version already stored for a subject, each with the terms and version of the grant it
    /// ended (read back from the facts before it).
    /// </summary>
    private static List<(ConsentFact Fact, ConsentTerms Terms, PolicyVersion GivenUnder)> StoredInvalidations(List<ConsentFact> facts, PolicyVersion published)
    {
        var result = new List<(ConsentFact, ConsentTerms, PolicyVersion)>();
        var granted = new Dictionary<ConsentId, (ConsentTerms Terms, PolicyVersion Policy)>();
        foreach (var fact in facts)
        {
            if (fact.State == ConsentState.Given && fact.Terms is { } terms)
            {
                granted[fact.ConsentId] = (terms, fact.Policy);
            }
            else if (fact.State == ConsentState.Invalidated && fact.Policy == published && granted.TryGetValue(fact.ConsentId, out var grant))
            {
                result.Add((fact, grant.Terms, grant.Policy));
            }
        }

        return result;
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
