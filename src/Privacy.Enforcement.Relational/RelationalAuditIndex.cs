using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Relational;

/// <summary>
/// Keeps the audit trail's query index (<c>pe_audit_index</c>: one row of query columns per event, with the indexes on
/// subject, recipient, kind and time) behind the head, so the append transaction carries only the events' primary key.
/// After each append commits, the store calls <see cref="Advance"/>; one catch-up at a time then copies the columns of
/// the events past the newest indexed one, in the database (<c>INSERT ... SELECT</c>), in transactions of at most
/// <see cref="ChunkSize"/> events. The index is derived data: its transactions need not wait for the disk
/// (<see cref="RelationalDatabase.BeginRebuildableWriteAsync"/>), because a crash that loses one loses the index rows and
/// the watermark together (the watermark is the newest row), and the next catch-up writes them again. Queries never
/// depend on the catch-up: they read the indexed part and the events past it in one statement
/// (<see cref="StoreSql.AuditQuery"/>), so an event is found from the moment its append commits.
/// </summary>
/// <param name="database">The database the trail lives in.</param>
internal sealed class RelationalAuditIndex(RelationalDatabase database) : IAsyncDisposable
{
    /// <summary>The most events one index transaction copies, so it holds the database's write lock only briefly.</summary>
    public const int ChunkSize = 2_000;

    /// <summary>
    /// How many events the tail past the index may reach before a catch-up starts, so one catch-up writes the index
    /// pages of many appends at once (queries read at most about this many events past the index, on the key). With one
    /// write lock (SQLite) each catch-up holds up the next append; on PostgreSQL a catch-up after every append doubled
    /// the transactions of a durable decision (a round trip and a WAL record each) and cost the appends most of their rate.
    /// </summary>
    public const int Lag = 256;

    private readonly object _gate = new();

    // Where the database has one write lock for everything (SQLite: no audit lock statement), the appends and the
    // catch-up of this process take turns here, so an append waiting for an index transaction wakes when it ends
    // instead of polling the database's busy handler. Elsewhere (PostgreSQL) they touch different rows and never wait.
    private readonly SemaphoreSlim? _turn = database.Dialect.AuditLockSql is null ? new SemaphoreSlim(1, 1) : null;


    private long _unindexed; // events this process appended since its last catch-up began
    private bool _started;
    private Task _running = Task.CompletedTask;
    private bool _again;
    private bool _disposed;
    private long _faults;

    /// <summary>
    /// Gets or sets whether an append starts a catch-up by itself (the default). Tests turn it off to hold the index
    /// at a chosen point and run <see cref="CatchUpAsync"/> themselves.
    /// </summary>
    public bool IsAutomatic { get; set; } = true;

    /// <summary>Gets how many catch-ups failed (a store fault; the next append retries, and queries read the tail meanwhile).</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>
    /// Starts a catch-up in the background once this process has appended <see cref="Lag"/> events since its last one
    /// began (and on the first call, for what an earlier process left), unless one is running, in which case that one
    /// goes round once more. Counting appends rather than comparing sequence numbers holds for several chains, whose
    /// heads need not be above another chain's newest index row. Never blocks and never throws: the append that calls it
    /// has committed, and the caller's decision must not wait for derived data.
    /// </summary>
    /// <param name="appended">How many events the append committed.</param>
    public void Advance(int appended)
    {
        if (!IsAutomatic || (Interlocked.Add(ref _unindexed, appended) < Lag && Volatile.Read(ref _started)))
        {
            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            Interlocked.Exchange(ref _unindexed, 0);
            Volatile.Write(ref _started, true);
            if (!_running.IsCompleted)
            {
                _again = true;
                return;
            }

            _running = Task.Run(RunAsync);
        }
    }

    /// <summary>
    /// Takes this process's write turn against the catch-up where the database has a single write lock; the append
    /// disposes it after its transaction. Elsewhere it returns at once.
    /// </summary>
    public async ValueTask<Turn> TakeTurnAsync(CancellationToken cancellationToken)
    {
        if (_turn is null)
        {
            return default;
        }

        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(_turn);
    }

    /// <summary>Waits for the catch-up in progress, if any (a test's explicit point; shutdown).</summary>
    public Task IdleAsync()
    {
        lock (_gate)
        {
            return _running;
        }
    }

    /// <summary>
    /// Indexes the events past the newest indexed one, at most <paramref name="limit"/> of them, in transactions of at
    /// most <see cref="ChunkSize"/>; returns how many it indexed (fewer than asked when it reached the head).
    /// </summary>
    public async ValueTask<long> CatchUpAsync(long limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var total = 0L;
        while (total < limit)
        {
            var chunk = (int)Math.Min(ChunkSize, limit - total);
            var written = await IndexChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
            total += written;
            if (written < chunk)
            {
                break;
            }
        }

        return total;
    }

    /// <summary>Reads the newest indexed sequence (0 when nothing is indexed).</summary>
    public async ValueTask<long> ReadIndexedToAsync(CancellationToken cancellationToken)
    {
        var rows = await database.QueryAsync(database.Sql.IndexedTo, static _ => { }, static row => Convert.ToInt64(row.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), "read the audit index", cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Task running;
        lock (_gate)
        {
            _disposed = true;
            running = _running;
        }

        await running.ConfigureAwait(false);
        _turn?.Dispose();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            try
            {
                await CatchUpAsync(long.MaxValue, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is PrivacyStoreException || database.IsFault(ex))
            {
                // Derived data: a failed catch-up loses nothing (queries read the tail); the next append retries.
                Interlocked.Increment(ref _faults);
            }

            lock (_gate)
            {
                if (!_again || _disposed)
                {
                    return;
                }

                _again = false;
            }
        }
    }

    private async ValueTask<int> IndexChunkAsync(int limit, CancellationToken cancellationToken)
    {
        using var turn = await TakeTurnAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await database.BeginRebuildableWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                try
                {
                    int written;
                    await using (transaction.ConfigureAwait(false))
                    {
                        using var index = connection.CreateCommand(database.Sql.IndexEvents, transaction);
                        index.AddParameter("@limit", (long)limit);
                        written = await index.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        if (written > 0)
                        {
                            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }

                    return written;
                }
                finally
                {
                    await database.EndRebuildableWriteAsync(connection).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (database.IsFault(ex))
        {
            throw database.Fault("index the audit trail", ex);
        }
    }

    /// <summary>A write turn taken by <see cref="TakeTurnAsync"/>; disposing it gives the turn back.</summary>
    internal readonly struct Turn(SemaphoreSlim? turn) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => turn?.Release();
    }
}
