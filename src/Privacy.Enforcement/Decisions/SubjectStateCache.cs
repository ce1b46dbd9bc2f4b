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
    private ISubjectStateReader? _reader;
    private volatile bool _readerResolved;

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

        var records = await ReadAsync(subject, cancellationToken).ConfigureAwait(false);
        var snapshot = SubjectSnapshotBuilder.Build(subject, policy, records.Facts, records.Acceptances, records.Objections, records.Engagements, records.Sanctions, _time.GetUtcNow());

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

    /// <summary>
    /// Reads the subject's records: in one round trip when the consent store can read every kind for the stores
    /// registered (<see cref="ISubjectStateReader"/>), else one read per kind, one after another.
    /// </summary>
    private async ValueTask<SubjectRecords> ReadAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        if (Reader is { } reader)
        {
            return await reader.ReadSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
        }

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

        return new SubjectRecords(facts, acceptances, objections, engagements, sanctions);
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

    /// <summary>The consent store as a one-round-trip reader, when it reads the records of every store registered.</summary>
    private ISubjectStateReader? Reader
    {
        get
        {
            if (!_readerResolved)
            {
                _reader = Consents is ISubjectStateReader reader && reader.Reads(Acceptances, Engagements, Violations) ? reader : null;
                _readerResolved = true;
            }

            return _reader;
        }
    }

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
