using System.Data.Common;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Relational;

/// <summary>
/// How a dialect lets exactly one writer hold a chain of the audit trail (PostgreSQL: a session advisory lock keyed by
/// the schema and the chain id): <see cref="TryLockSql"/> takes it without waiting and returns a boolean,
/// <see cref="UnlockSql"/> gives it back; both take <c>@chain</c>. The lock belongs to the connection: when the writer's
/// process dies, the server ends its session and the chain is free for one successor.
/// </summary>
/// <param name="TryLockSql">Takes the chain's lock without waiting; one boolean row.</param>
/// <param name="UnlockSql">Gives the chain's lock back.</param>
internal sealed record AuditChainLock(string TryLockSql, string UnlockSql);

/// <summary>
/// One writer's chain of a trail kept as several chains (<see cref="IAuditChainedTrail"/>), what the audit pipeline of
/// one instance writes to: its sink, reader and checkpoint sink, scoped to the chain. On first use it claims a chain:
/// the lowest registered chain no live writer holds (a stopped or crashed writer's, resumed where it ends), else a new
/// one in the registry (<c>pe_audit_chains</c>); it holds the chain by the dialect's session lock on one connection,
/// and every append and checkpoint runs on that connection. So no other instance appends to the chain, and instances
/// never wait for each other: an append is a transaction of one bulk copy into the writer's own chain, with no shared
/// lock and no head read (the head is known from the last append; read again only after a failure).
/// </summary>
/// <remarks>
/// When the connection is lost the chain's lock is lost with it: the next append opens a new connection and takes the
/// lock again, unless a successor took the chain meanwhile; then every append fails (and durable decisions deny) rather
/// than write into another writer's chain, until the instance is restarted and claims a chain of its own (should the
/// successor stop and the lock come back, the events it appended differ from the batch held back, which is refused as
/// well: a chain is never written over). Each
/// checkpoint names the other chains' sizes and heads (<see cref="AuditCheckpoint.OtherChains"/>).
/// </remarks>
internal sealed class RelationalAuditChain : IAuditSink, IAuditTrailReader, ICheckpointSink, IAuditCheckpointReader, IAuditChainCheckpointSink, IAsyncDisposable
{
    private const int PageSize = 500;
    private const int ClaimAttempts = 64;
    private readonly RelationalDatabase _database;
    private readonly AuditChainLock _lock;
    private readonly TimeProvider _time;
    private readonly RelationalAuditIndex? _index;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DbConnection? _connection; // holds the chain's lock; appends and checkpoints run on it
    private long _chain; // 0 until claimed (chain 0 is the trail's first, shared chain: never claimed)
    private AuditChainHead? _head; // the chain's durable head, known after a successful append; null: read it
    private int _disposed;

    /// <param name="database">The database the trail lives in.</param>
    /// <param name="chainLock">The advisory lock that holds a claimed chain.</param>
    /// <param name="time">The clock of the chain's registration.</param>
    /// <param name="index">The trail's query index, told after each append commits so it catches up behind the head
    /// (queries find the events unindexed meanwhile); <see langword="null"/> to leave that to another writer.</param>
    public RelationalAuditChain(RelationalDatabase database, AuditChainLock chainLock, TimeProvider time, RelationalAuditIndex? index = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(chainLock);
        ArgumentNullException.ThrowIfNull(time);
        _database = database;
        _lock = chainLock;
        _time = time;
        _index = index;
    }

    /// <summary>Gets the chain this writer holds, 0 before it claimed one (for diagnostics and tests).</summary>
    internal long Chain => Volatile.Read(ref _chain);

    /// <inheritdoc />
    public async ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        for (var i = 0; i < batch.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(batch[i], "batch[" + i + "]");
            if (batch[i].Sequence < 1 || (i > 0 && batch[i].Sequence != batch[i - 1].Sequence + 1))
            {
                throw new ArgumentException($"An audit batch must carry consecutive sequence numbers from 1 on; event {i} has {batch[i].Sequence}.", nameof(batch));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (batch.Count == 0)
        {
            return;
        }

        var started = _time.GetTimestamp();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
            var head = _head ?? await ReadHeadAsync(connection, cancellationToken).ConfigureAwait(false);

            // No lock is shared with other writers: the wait is this instance's own (the gate, a reconnect, a head read).
            RelationalAuditTelemetry.AppendWait.Record(_time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(RelationalAuditTelemetry.TrailTag, "chains"));
            if (batch[0].Sequence > head.Sequence + 1)
            {
                throw new PrivacyStoreException($"The audit batch starts at sequence {batch[0].Sequence} but audit chain {_chain} ends at {head.Sequence}: writing it would leave a gap.");
            }

            var from = 0;
            if (batch[0].Sequence <= head.Sequence)
            {
                // A retried batch whose write succeeded unseen: the events held must be the very same.
                from = (int)Math.Min(batch.Count, head.Sequence - batch[0].Sequence + 1);
                var same = await CountSameAsync(connection, batch, from, cancellationToken).ConfigureAwait(false);
                if (same < from)
                {
                    throw new PrivacyStoreException($"Audit chain {_chain} already holds a different event at sequence {batch[same].Sequence}: the batch is refused rather than written over it.");
                }
            }

            if (from < batch.Count)
            {
                _head = null; // unknown until the commit is acknowledged
                await AppendAsync(connection, batch, from, cancellationToken).ConfigureAwait(false);
                _head = new AuditChainHead(batch[^1].Sequence, batch[^1].Hash);
            }
        }
        catch (Exception ex) when (_database.IsFault(ex))
        {
            await DropBrokenConnectionAsync().ConfigureAwait(false);
            throw _database.Fault("write an audit batch", ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<AuditEvent> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chain = await ClaimedAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var e in RelationalAuditChains.ReadChainAsync(_database, chain, fromSequence, cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }
    }

    /// <inheritdoc />
    public async ValueTask<AuditEvent?> ReadLastAsync(CancellationToken cancellationToken)
    {
        var chain = await ClaimedAsync(cancellationToken).ConfigureAwait(false);
        var rows = await _database.QueryAsync(_database.Sql.ChainLastEvent, c => c.AddParameter("@chain", chain), RelationalAuditStore.ReadStored, "read the last audit event", cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    /// <inheritdoc />
    /// <remarks>Only this writer checkpoints its chain, so the link the checkpointer made from the chain's newest checkpoint holds.</remarks>
    public async ValueTask WriteAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(checkpoint.HeadHash, "checkpoint.HeadHash");
        cancellationToken.ThrowIfCancellationRequested();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
            if (checkpoint.Chain != _chain)
            {
                throw new ArgumentException($"The checkpoint names audit chain {checkpoint.Chain}, but this writer holds chain {_chain}.", nameof(checkpoint));
            }

            using var insert = connection.CreateCommand(_database.Sql.InsertChainCheckpoint);
            insert.AddParameter("@chain", _chain);
            insert.AddParameter("@size", checkpoint.Size);
            insert.AddParameter("@payload", StoreJson.Serialize(checkpoint));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_database.IsFault(ex))
        {
            await DropBrokenConnectionAsync().ConfigureAwait(false);
            throw _database.Fault("write an audit checkpoint", ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<AuditCheckpoint?> ReadLatestAsync(CancellationToken cancellationToken)
    {
        var chain = await ClaimedAsync(cancellationToken).ConfigureAwait(false);
        return await _database.ReadFirstAsync<AuditCheckpoint>(_database.Sql.ChainLatestCheckpoint, c => c.AddParameter("@chain", chain), "read the latest audit checkpoint", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<AuditCheckpoint> ReadCheckpointsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chain = await ClaimedAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var c in _database.EnumerateAsync<AuditCheckpoint>(_database.Sql.ChainCheckpoints, c => c.AddParameter("@chain", chain), "read the audit checkpoints", cancellationToken).ConfigureAwait(false))
        {
            yield return c;
        }
    }

    /// <inheritdoc />
    public async ValueTask<AuditCheckpoint> DescribeAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var chain = await ClaimedAsync(cancellationToken).ConfigureAwait(false);
        var others = new List<AuditChainSize>();
        foreach (var id in await RelationalAuditChains.ReadChainIdsAsync(_database, cancellationToken).ConfigureAwait(false))
        {
            if (id != chain && await RelationalAuditChains.ReadHeadAsync(_database, id, cancellationToken).ConfigureAwait(false) is { Sequence: > 0 } head)
            {
                others.Add(new AuditChainSize(id, head.Sequence, head.Hash));
            }
        }

        return checkpoint with { Chain = chain, OtherChains = others };
    }

    /// <summary>Gives the chain back (the next instance to start may resume it) and closes its connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_connection is { State: System.Data.ConnectionState.Open } connection)
            {
                try
                {
                    using var unlock = connection.CreateCommand(_lock.UnlockSql);
                    unlock.AddParameter("@chain", _chain);
                    await unlock.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (_database.IsFault(ex) || ex is InvalidOperationException)
                {
                    // The session is gone, and its lock with it.
                }
            }

            await DropConnectionAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
        }
    }

    /// <summary>The chain, claimed first if this writer holds none yet.</summary>
    private async ValueTask<long> ClaimedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _chain) is var chain and > 0)
        {
            return chain;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ConnectionAsync(cancellationToken).ConfigureAwait(false);
            return _chain;
        }
        catch (Exception ex) when (_database.IsFault(ex))
        {
            await DropBrokenConnectionAsync().ConfigureAwait(false);
            throw _database.Fault("claim an audit chain", ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The chain's connection, holding its lock: opened (and the chain claimed, or taken again) when there is none. Under the gate.</summary>
    private async ValueTask<DbConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_connection is { State: System.Data.ConnectionState.Open } open)
        {
            return open;
        }

        await DropConnectionAsync().ConfigureAwait(false);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_chain > 0)
            {
                // The session (and the lock) was lost: the chain is still this writer's only if no one else holds it now
                // (a successor that resumed it, or the old session not yet ended): refused, and tried again on the next write.
                if (!await TryLockAsync(connection, _chain, cancellationToken).ConfigureAwait(false))
                {
                    throw LostException();
                }
            }
            else
            {
                Volatile.Write(ref _chain, await ClaimAsync(connection, cancellationToken).ConfigureAwait(false));
            }

            _head = null;
            _connection = connection;
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private PrivacyStoreException LostException() => new(
        $"Audit chain {_chain} is held by another session since this instance lost its own: resumed by another instance (then nothing more is appended to it from here; restart the instance to claim a chain of its own), or the old session has not ended yet.");

    /// <summary>Takes the lowest registered chain no live writer holds, or registers a new one and takes it.</summary>
    private async ValueTask<long> ClaimAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < ClaimAttempts; attempt++)
        {
            var registered = new List<long>();
            using (var list = connection.CreateCommand(_database.Sql.RegisteredChains))
            {
                var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        registered.Add(reader.GetInt64(0));
                    }
                }
            }

            foreach (var chain in registered)
            {
                if (await TryLockAsync(connection, chain, cancellationToken).ConfigureAwait(false))
                {
                    return chain; // a stopped or crashed writer's chain: resumed where it ends
                }
            }

            object? created;
            using (var register = connection.CreateCommand(_database.Sql.RegisterChain))
            {
                register.AddParameter("@now", _time.GetUtcNow().ToUnixTimeMilliseconds());
                created = await register.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }

            // Null: another instance registered the same id first; look again. Taken: another instance claimed it first.
            if (created is not null and not DBNull && Convert.ToInt64(created, System.Globalization.CultureInfo.InvariantCulture) is var id
                && await TryLockAsync(connection, id, cancellationToken).ConfigureAwait(false))
            {
                return id;
            }
        }

        throw new PrivacyStoreException($"No audit chain could be claimed after {ClaimAttempts} attempts: other instances kept taking every free chain first.");
    }

    private async ValueTask<bool> TryLockAsync(DbConnection connection, long chain, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand(_lock.TryLockSql);
        command.AddParameter("@chain", chain);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
    }

    private async ValueTask<AuditChainHead> ReadHeadAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand(_database.Sql.ChainHead);
        command.AddParameter("@chain", _chain);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new AuditChainHead(reader.GetInt64(0), reader.GetString(1))
                : new AuditChainHead(0, AuditHashChain.GenesisHash);
        }
    }

    /// <summary>Counts the leading <paramref name="held"/> events of the batch the chain holds with the same hash.</summary>
    private async ValueTask<int> CountSameAsync(DbConnection connection, IReadOnlyList<AuditEvent> batch, int held, CancellationToken cancellationToken)
    {
        using var read = connection.CreateCommand(_database.Sql.ChainHeldHashes);
        read.AddParameter("@chain", _chain);
        read.AddParameter("@from", batch[0].Sequence);
        read.AddParameter("@to", batch[held - 1].Sequence);
        var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var same = 0;
            while (same < held && await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                && string.Equals(reader.GetString(0), batch[same].Hash, StringComparison.Ordinal))
            {
                same++;
            }

            return same;
        }
    }

    /// <summary>Appends events <paramref name="from"/> on in one transaction: the dialect's bulk copy, or one prepared insert per row.</summary>
    private async ValueTask AppendAsync(DbConnection connection, IReadOnlyList<AuditEvent> batch, int from, CancellationToken cancellationToken)
    {
        var transaction = await _database.BeginWriteTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await RelationalAuditStore.WriteEventsAsync(_database, connection, transaction, _chain, batch, from, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        _index?.Advance(batch.Count); // behind the head, after the commit
    }

    /// <summary>
    /// After a failed statement: a connection still open keeps the chain's lock and stays (its transaction was rolled
    /// back; the head is read again); a broken one is dropped, and the next write opens another and takes the lock again.
    /// Returning a live connection to the pool instead would leave the lock held by an idle pooled session.
    /// </summary>
    private async ValueTask DropBrokenConnectionAsync()
    {
        _head = null;
        if (_connection is { State: not System.Data.ConnectionState.Open })
        {
            await DropConnectionAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask DropConnectionAsync()
    {
        _head = null;
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>
/// The whole relational trail as chains (<see cref="IAuditChainedTrail"/>), for verification: chain 0 (the single chain
/// of a trail written through the shared append lock, and every event written before the trail kept several chains),
/// and the chains of writers that each held one (<see cref="RelationalAuditChain"/>).
/// </summary>
/// <param name="database">The database the trail is in.</param>
internal sealed class RelationalAuditChains(RelationalDatabase database) : IAuditChainedTrail
{
    private const int PageSize = 500;

    /// <inheritdoc />
    public async IAsyncEnumerable<long> ReadChainIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var id in await ReadChainIdsAsync(database, cancellationToken).ConfigureAwait(false))
        {
            yield return id;
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<AuditEvent> ReadChainAsync(long chain, long fromSequence, CancellationToken cancellationToken)
        => ReadChainAsync(database, chain, fromSequence, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<AuditCheckpoint> ReadChainCheckpointsAsync(long chain, CancellationToken cancellationToken)
        => database.EnumerateAsync<AuditCheckpoint>(database.Sql.ChainCheckpoints, c => c.AddParameter("@chain", chain), "read the audit checkpoints", cancellationToken);

    /// <summary>Every chain id, ascending: chain 0 always (the first chain), then every chain with events, registered or checkpointed.</summary>
    internal static async ValueTask<List<long>> ReadChainIdsAsync(RelationalDatabase database, CancellationToken cancellationToken)
    {
        var ids = await database.QueryAsync(database.Sql.ChainIds, static _ => { }, static row => row.GetInt64(0), "list the audit chains", cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0 || ids[0] != 0)
        {
            ids.Insert(0, 0);
        }

        return ids;
    }

    internal static async ValueTask<AuditChainHead> ReadHeadAsync(RelationalDatabase database, long chain, CancellationToken cancellationToken)
    {
        var rows = await database.QueryAsync(database.Sql.ChainHead, c => c.AddParameter("@chain", chain), static row => new AuditChainHead(row.GetInt64(0), row.GetString(1)), "read an audit chain's head", cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : new AuditChainHead(0, AuditHashChain.GenesisHash);
    }

    internal static async IAsyncEnumerable<AuditEvent> ReadChainAsync(RelationalDatabase database, long chain, long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = Math.Max(1, fromSequence);
        while (true)
        {
            var from = next;
            var page = await database.QueryAsync(
                database.Sql.ChainPage,
                c =>
                {
                    c.AddParameter("@chain", chain);
                    c.AddParameter("@from", from);
                    c.AddParameter("@limit", (long)PageSize);
                },
                RelationalAuditStore.ReadStored,
                "read the audit trail",
                cancellationToken).ConfigureAwait(false);
            foreach (var auditEvent in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return auditEvent;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            next = page[^1].Sequence + 1;
        }
    }
}

/// <summary>
/// The relational stores' own instruments, on the meter <c>Privacy.Enforcement.Relational</c>:
/// <c>privacy.audit.append.wait</c>, the time an audit batch waited before it could be written, in seconds, tagged
/// <c>trail</c> = <c>shared</c> (one chain: the append lock all instances take turns on, and the head read under it) or
/// <c>chains</c> (one chain per writer: only the writer's own connection).
/// </summary>
internal static class RelationalAuditTelemetry
{
    public const string MeterName = "Privacy.Enforcement.Relational";

    public const string TrailTag = "trail";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Histogram<double> AppendWait = Meter.CreateHistogram<double>(
        "privacy.audit.append.wait", "s", "Time an audit batch waited before it could be written: the shared append lock, or the writer's own chain.");
}
