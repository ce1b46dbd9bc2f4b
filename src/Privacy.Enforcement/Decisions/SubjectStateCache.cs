using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement;

/// <summary>
/// Caches each subject's state compiled into a <see cref="SubjectSnapshot"/>. Services that change a subject's state
/// call <see cref="Invalidate(SubjectId)"/> after their write. Each entry carries the generations read before its state was
/// loaded, and a read serves it only while they are still current: a load that started before an invalidation can
/// never be served after it, however its publication interleaves with the invalidation. With a change feed, nothing
/// loaded is kept until the feed is known to be subscribed (it has yielded its first change), nor while it is down.
/// </summary>
internal sealed class SubjectStateCache : ISubjectStateCache, IDisposable
{
    private const int Stripes = 4096;

    // Keyed by the id's text with the ordinal comparer, so lookups use the runtime's fast non-randomized string hashing.
    private readonly ConcurrentDictionary<string, Entry> _snapshots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _pseudonyms = new(StringComparer.Ordinal);
    private readonly long[] _generations = new long[Stripes];
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private long _globalGeneration;
    private long _feedGeneration;
    private volatile bool _keeping = true;
    private IConsentStore? _consents;
    private IAcceptanceStore? _acceptances;
    private IEngagementStore? _engagements;
    private IViolationStore? _violations;

    private readonly int _capacity;
    private int _stores;

    public SubjectStateCache(IServiceProvider services, TimeProvider time, IOptions<PrivacyDecisionOptions> options)
    {
        _services = services;
        _time = time;
        _capacity = options.Value.MaxCachedSubjects;
    }

    private SubjectStateChangeListener? _listener;

    public int Count => _snapshots.Count;

    /// <summary>Gets the change-feed listener, once started.</summary>
    public SubjectStateChangeListener? Listener => _listener;

    public void Listen(IPrivacyChangeFeed feed, Microsoft.Extensions.Logging.ILogger logger)
    {
        var listener = new SubjectStateChangeListener(feed, this, _time, logger);
        if (Interlocked.CompareExchange(ref _listener, listener, null) is null)
        {
            // The feed subscribes in the background: a change announced before it is in place reaches no listener
            // here, so no state loaded meanwhile may be served. Kept again once the feed is heard (FeedHeard).
            FeedLost();
            listener.Start();
        }
        else
        {
            listener.Dispose();
        }
    }

    public void Dispose() => Interlocked.Exchange(ref _listener, null)?.Dispose();

    public void Invalidate(SubjectId subject)
    {
        Interlocked.Increment(ref _generations[Stripe(subject)]);
        _snapshots.TryRemove(subject.Value, out _);
        _pseudonyms.TryRemove(subject.Value, out _);
    }

    /// <summary>
    /// Drops every cached subject a change feed's stripe covers (a change made on another instance). Which subjects
    /// are loading meanwhile is not known by stripe, and moving a generation that reads check would make every cached
    /// entry unservable on every announcement; so the feed generation moves instead, and a load that began before it
    /// and stored its entry after this pass removes that entry itself (<see cref="LoadAsync"/>).
    /// </summary>
    public void Invalidate(SubjectChange change)
    {
        Interlocked.Increment(ref _feedGeneration);
        foreach (var entry in _snapshots)
        {
            if (change.Covers(entry.Key))
            {
                _snapshots.TryRemove(entry.Key, out _);
            }
        }

        foreach (var entry in _pseudonyms)
        {
            if (change.Covers(entry.Key))
            {
                _pseudonyms.TryRemove(entry.Key, out _);
            }
        }
    }

    /// <summary>
    /// The change feed spoke, so its subscription is in place and every change committed from now on will be heard:
    /// states loaded from now on may be kept. Any load that began before stores nothing (the global generation moves).
    /// </summary>
    public void FeedHeard()
    {
        if (_keeping)
        {
            return;
        }

        _keeping = true;
        InvalidateAll();
        _pseudonyms.Clear();
    }

    /// <summary>
    /// The change feed is not (or no longer) known to be subscribed: changes made elsewhere may go unheard, so
    /// nothing cached is trusted and no state loaded is kept until <see cref="FeedHeard"/>.
    /// </summary>
    public void FeedLost()
    {
        // The flag first, the generation after: a load that reads the moved generation also reads the cleared flag.
        _keeping = false;
        InvalidateAll();
        _pseudonyms.Clear();
    }

    public void InvalidateAll()
    {
        Interlocked.Increment(ref _globalGeneration);
        _snapshots.Clear();
    }

    public bool TryGet(SubjectId subject, CompiledPolicy policy, out SubjectSnapshot snapshot)
    {
        // The generation check on read is what makes a withdrawal visible to the very next decision: two plain
        // reads, no lock and no allocation on the hot path.
        if (!subject.IsEmpty && _snapshots.TryGetValue(subject.Value, out var entry) && ReferenceEquals(entry.Snapshot.Policy, policy) &&
            Volatile.Read(ref _generations[entry.Stripe]) == entry.Generation && Volatile.Read(ref _globalGeneration) == entry.Global)
        {
            snapshot = entry.Snapshot;
            return true;
        }

        snapshot = null!;
        return false;
    }

    /// <summary>Puts a snapshot built elsewhere (benchmarks, warm-up) into the cache.</summary>
    public void Prime(SubjectId subject, SubjectSnapshot snapshot)
    {
        var stripe = Stripe(subject);
        Store(subject, new Entry(snapshot, stripe, Volatile.Read(ref _generations[stripe]), Volatile.Read(ref _globalGeneration)));
    }

    public bool TryGetPseudonym(SubjectId subject, out string pseudonym) => _pseudonyms.TryGetValue(subject.Value, out pseudonym!);

    public void SetPseudonym(SubjectId subject, string pseudonym)
    {
        if (_keeping)
        {
            _pseudonyms[subject.Value] = pseudonym;
        }
    }

    /// <summary>Reads the subject's state from the stores, compiles it and caches it unless it was invalidated meanwhile.</summary>
    public async ValueTask<SubjectSnapshot> LoadAsync(SubjectId subject, CompiledPolicy policy, CancellationToken cancellationToken)
    {
        var stripe = Stripe(subject);
        var generation = Volatile.Read(ref _generations[stripe]);
        var global = Volatile.Read(ref _globalGeneration);
        var feed = Volatile.Read(ref _feedGeneration);

        // Read after the global generation, which moves after every change of the flag: a load that began while
        // the feed was not known to be subscribed is never kept, even if the feed is heard before it ends.
        var keeping = _keeping;

        var facts = new List<ConsentFact>();
        await foreach (var fact in Consents.GetFactsAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            facts.Add(fact);
        }

        var acceptances = new List<PolicyAcceptance>();
        await foreach (var acceptance in Acceptances.GetAcceptancesAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            acceptances.Add(acceptance);
        }

        var objections = new List<ObjectionFact>();
        await foreach (var objection in Acceptances.GetObjectionsAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            objections.Add(objection);
        }

        var engagements = new List<ServiceEngagement>();
        await foreach (var engagement in Engagements.GetBySubjectAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            engagements.Add(engagement);
        }

        var sanctions = new List<Sanction>();
        await foreach (var sanction in Violations.GetSanctionsAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            sanctions.Add(sanction);
        }

        var snapshot = SubjectSnapshotBuilder.Build(subject, policy, facts, acceptances, objections, engagements, sanctions, _time.GetUtcNow());

        // The entry is tagged with the generations read before the stores were: should an invalidation land at any
        // point after that read, TryGet no longer serves it. Storing one already known to be stale is merely skipped.
        if (keeping && Volatile.Read(ref _generations[stripe]) == generation && Volatile.Read(ref _globalGeneration) == global)
        {
            var entry = new Entry(snapshot, stripe, generation, global);
            Store(subject, entry);

            // A stripe announced by the feed since the load began may cover this subject: drop what was just stored.
            if (Volatile.Read(ref _feedGeneration) != feed)
            {
                _snapshots.TryRemove(new KeyValuePair<string, Entry>(subject.Value, entry));
            }
        }

        return snapshot;
    }

    private void Store(SubjectId subject, Entry entry)
    {
        _snapshots[subject.Value] = entry;

        // Counting a ConcurrentDictionary takes all its locks: look only every 256 stores, or at once when the bound is small.
        if ((Interlocked.Increment(ref _stores) & 255) == 0 || _capacity < 4096)
        {
            Trim();
        }
    }

    /// <summary>Drops a sixteenth of the cached subjects once past the bound; enumeration order follows the hashes, so the choice is as good as random.</summary>
    private void Trim()
    {
        var count = _snapshots.Count;
        if (count <= _capacity)
        {
            return;
        }

        var drop = count - _capacity + Math.Max(1, _capacity / 16);
        foreach (var entry in _snapshots)
        {
            if (drop-- <= 0)
            {
                break;
            }

            // Only this entry: a snapshot stored meanwhile for the subject is newer and stays.
            if (_snapshots.TryRemove(entry))
            {
                _pseudonyms.TryRemove(entry.Key, out _);
            }
        }
    }

    internal IViolationStore Violations => _violations ??= Require<IViolationStore>("violation store");

    private IConsentStore Consents => _consents ??= Require<IConsentStore>("consent store");

    private IAcceptanceStore Acceptances => _acceptances ??= Require<IAcceptanceStore>("acceptance store");

    private IEngagementStore Engagements => _engagements ??= Require<IEngagementStore>("engagement store");

    private T Require<T>(string what)
        where T : class =>
        _services.GetService<T>() ?? throw new InvalidOperationException(
            $"No {what} ({typeof(T).Name}) is registered; call AddPrivacyEnforcement().UseInMemoryStores(), .UseSqlite(...) or .UsePostgreSql(...).");

    private static int Stripe(SubjectId subject) => subject.GetHashCode() & (Stripes - 1);

    /// <summary>A cached snapshot with the stripe and the generations that were current when its load began.</summary>
    private sealed class Entry(SubjectSnapshot snapshot, int stripe, long generation, long global)
    {
        public SubjectSnapshot Snapshot { get; } = snapshot;

        public int Stripe { get; } = stripe;

        public long Generation { get; } = generation;

        public long Global { get; } = global;
    }
}

/// <summary>Compiles a subject's records into a <see cref="SubjectSnapshot"/> against one policy version.</summary>
internal static class SubjectSnapshotBuilder
{
    public static SubjectSnapshot Build(
        SubjectId subject,
        CompiledPolicy policy,
        IReadOnlyList<ConsentFact> facts,
        IReadOnlyList<PolicyAcceptance> acceptances,
        IReadOnlyList<ObjectionFact> objections,
        IReadOnlyList<ServiceEngagement> engagements,
        IReadOnlyList<Sanction> sanctions,
        DateTimeOffset? builtAt = null)
    {
        RequireOwn(subject, facts, acceptances, objections, engagements, sanctions);

        // intro.acceptance: the version in force must be accepted; an older version only is a changes.replace case.
        var acceptedAt = SubjectSnapshot.Never;
        var older = false;
        foreach (var acceptance in acceptances)
        {
            if (acceptance.Policy.PolicyId != policy.Version.PolicyId)
            {
                continue;
            }

            if (acceptance.Policy.Version == policy.Version.Version)
            {
                acceptedAt = Math.Min(acceptedAt, acceptance.AcceptedAt.UtcTicks);
            }
            else if (acceptance.Policy.Version < policy.Version.Version)
            {
                older = true;
            }
        }

        var terminatedAt = SubjectSnapshot.Never;
        var thirdPartyTerminatedAt = SubjectSnapshot.Never;
        foreach (var sanction in sanctions)
        {
            if (sanction.Kind == SanctionKind.ServiceAgreementTerminated)
            {
                terminatedAt = Math.Min(terminatedAt, sanction.ImposedAt.UtcTicks);
            }
            else if (sanction.Kind == SanctionKind.EngagementsTerminated)
            {
                // A third party's sanction, kept apart: a user whose id reads the same is not sanctioned by it.
                thirdPartyTerminatedAt = Math.Min(thirdPartyTerminatedAt, sanction.ImposedAt.UtcTicks);
            }
        }

        var spans = new List<ObjectionSpan>();
        var open = new Dictionary<int, long>();
        foreach (var objection in objections)
        {
            if (!policy.PurposeIndex.TryGetValue(objection.Purpose.Value, out var purpose))
            {
                continue;
            }

            if (objection.State == ObjectionState.Raised)
            {
                open.TryAdd(purpose, objection.RecordedAt.UtcTicks);
            }
            else if (open.Remove(purpose, out var start))
            {
                spans.Add(new ObjectionSpan(purpose, start, objection.RecordedAt.UtcTicks));
            }
        }

        foreach (var (purpose, start) in open)
        {
            spans.Add(new ObjectionSpan(purpose, start, SubjectSnapshot.Never));
        }

        var engagementSpans = new EngagementSpan[engagements.Count];
        var nextEnd = SubjectSnapshot.Never;
        var ended = false;
        var now = builtAt?.UtcTicks ?? long.MaxValue;
        for (var i = 0; i < engagements.Count; i++)
        {
            var engagement = engagements[i];
            var end = engagement.EffectiveEnd?.UtcTicks ?? SubjectSnapshot.Never;
            engagementSpans[i] = new EngagementSpan(
                engagement.Id,
                engagement.Provider.Value,
                policy.ServiceIndex.TryGetValue(engagement.Service.Value, out var service) ? service : -1,
                Mask(policy, engagement.Categories),
                engagement.StartsAt.UtcTicks,
                end);
            if (end > now && end < nextEnd)
            {
                nextEnd = end;
            }

            ended |= end != SubjectSnapshot.Never && end <= now;
        }

        var consents = ConsentSpans(policy, facts);
        var latest = Math.Max(acceptedAt == SubjectSnapshot.Never ? long.MinValue : acceptedAt, terminatedAt == SubjectSnapshot.Never ? long.MinValue : terminatedAt);
        latest = Math.Max(latest, thirdPartyTerminatedAt == SubjectSnapshot.Never ? long.MinValue : thirdPartyTerminatedAt);
        foreach (var span in consents)
        {
            latest = Math.Max(latest, Math.Max(span.Start, span.End == SubjectSnapshot.Never ? long.MinValue : span.End));
        }

        foreach (var span in spans)
        {
            latest = Math.Max(latest, Math.Max(span.Start, span.End == SubjectSnapshot.Never ? long.MinValue : span.End));
        }

        foreach (var span in engagementSpans)
        {
            latest = Math.Max(latest, Math.Max(span.Start, span.End == SubjectSnapshot.Never ? long.MinValue : span.End));
        }

        return new SubjectSnapshot
        {
            TimeInvariant = builtAt is not null && latest <= now,
            Policy = policy,
            AcceptedCurrentAt = acceptedAt,
            AcceptedOlderOnly = older && acceptedAt == SubjectSnapshot.Never,
            Consents = consents,
            Objections = [.. spans],
            Engagements = engagementSpans,
            TerminatedAt = terminatedAt,
            ThirdPartyTerminatedAt = thirdPartyTerminatedAt,
            NextEngagementEnd = nextEnd,
            HasEndedEngagement = ended,
        };
    }

    /// <summary>
    /// A store that answers one subject's read with another subject's records is broken, and may as well have left
    /// out the subject's own (a withdrawal among them): a store fault, so the decision is Deny Indeterminate. The
    /// message names the kind of record only, never a subject.
    /// </summary>
    private static void RequireOwn(
        SubjectId subject,
        IReadOnlyList<ConsentFact> facts,
        IReadOnlyList<PolicyAcceptance> acceptances,
        IReadOnlyList<ObjectionFact> objections,
        IReadOnlyList<ServiceEngagement> engagements,
        IReadOnlyList<Sanction> sanctions)
    {
        foreach (var fact in facts)
        {
            if (fact.Subject != subject)
            {
                throw ForeignRecord("consent store (IConsentStore)", "consent fact");
            }
        }

        foreach (var acceptance in acceptances)
        {
            if (acceptance.Subject != subject)
            {
                throw ForeignRecord("acceptance store (IAcceptanceStore)", "policy acceptance");
            }
        }

        foreach (var objection in objections)
        {
            if (objection.Subject != subject)
            {
                throw ForeignRecord("acceptance store (IAcceptanceStore)", "objection");
            }
        }

        foreach (var engagement in engagements)
        {
            if (!engagement.Covers(subject))
            {
                throw ForeignRecord("engagement store (IEngagementStore)", "engagement");
            }
        }

        foreach (var sanction in sanctions)
        {
            if (sanction.Subject != subject)
            {
                throw ForeignRecord("violation store (IViolationStore)", "sanction");
            }
        }
    }

    private static PrivacyStoreException ForeignRecord(string store, string record) =>
        new($"The {store} returned a {record} of another subject when asked for one subject's records; the state cannot be trusted and the decision is denied as indeterminate.");

    /// <summary>Folds consent facts into spans: each grant opens one, the next withdrawal, expiry, invalidation, refusal or grant closes it.</summary>
    public static ConsentSpan[] ConsentSpans(CompiledPolicy policy, IReadOnlyList<ConsentFact> facts)
    {
        var spans = new List<ConsentSpan>(facts.Count);
        var openByConsent = new Dictionary<ConsentId, int>();
        foreach (var fact in facts)
        {
            var at = fact.RecordedAt.UtcTicks;
            if (openByConsent.Remove(fact.ConsentId, out var openIndex))
            {
                var span = spans[openIndex];
                if (at < span.End)
                {
                    span.End = at;
                    span.EndState = fact.State;
                }

                spans[openIndex] = span;
            }

            if (fact.State is not (ConsentState.Given or ConsentState.Refused) || fact.Terms is not { } terms)
            {
                continue;
            }

            var expires = terms.ExpiresAt?.UtcTicks ?? SubjectSnapshot.Never;
            openByConsent[fact.ConsentId] = spans.Count;
            spans.Add(Span(policy, fact, terms, at, expires));
        }

        return [.. spans];
    }

    public static ConsentSpan Span(CompiledPolicy policy, ConsentFact fact, ConsentTerms terms, long at, long expires)
    {
        ulong purposes = 0;
        foreach (var purpose in terms.Purposes)
        {
            if (policy.PurposeIndex.TryGetValue(purpose.Value, out var p))
            {
                purposes |= 1UL << p;
            }
        }

        var acts = 0;
        foreach (var act in terms.Acts)
        {
            acts |= 1 << (int)act;
        }

        return new ConsentSpan
        {
            Id = fact.ConsentId.Value,
            Start = at,
            End = expires,
            EndState = expires == SubjectSnapshot.Never ? ConsentState.Given : ConsentState.Expired,
            Refusal = fact.State == ConsentState.Refused,
            Purposes = purposes,
            Categories = Mask(policy, terms.Categories),
            Acts = acts,
            Recipient = terms.Recipient?.Value,
            Kind = terms.RecipientKind is { } kind ? (int)kind : -1,
        };
    }

    public static Bits128 Mask(CompiledPolicy policy, IReadOnlyList<DataCategory> categories)
    {
        var mask = Bits128.Empty;
        foreach (var category in categories)
        {
            if (policy.CategoryIndex.TryGetValue(category.Value, out var c))
            {
                mask |= policy.Within[c];
            }
        }

        return mask;
    }
}
