using System.Data.Common;
using System.Runtime.CompilerServices;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.InMemory;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Relational;

/// <summary>
/// The audit trail and its checkpoints, shared by every instance over the database. Each append reads the head and
/// inserts in one write transaction serialized across processes (PostgreSQL: an advisory lock; SQLite: <c>BEGIN
/// IMMEDIATE</c>), so the trail stays one gap-free chain: events it already holds are skipped (a retried batch), a batch
/// that would leave a hole is refused whole, and a batch sealed onto a head another instance has since moved is
/// answered with that head for the writer to re-chain onto. The payload is the event's sealed line (its canonical JSON
/// with the hash: the bytes the chain hashed; rows written before keep their document form and read as before); beside
/// it each row keeps the columns queries filter on (subject pseudonym, recipient, kind, time), unindexed: the
/// <see cref="RelationalAuditIndex"/> copies them behind the head into the indexed <c>pe_audit_index</c>; reading the trail
/// back checks the payload, its columns and its index row against each other (see <see cref="ReadStored"/>). Checkpoints are chained: one is written only onto the newest, under the append lock.
/// </summary>
/// <param name="database">The database the store reads and writes.</param>
internal sealed class RelationalAuditStore(RelationalDatabase database) : ISharedAuditSink, IAuditTrailReader, IAuditTrailQuery, ICheckpointSink, IAuditCheckpointReader, IAsyncDisposable
{
    private const int PageSize = 500;

    /// <summary>Gets the query index kept behind the head.</summary>
    internal RelationalAuditIndex Index { get; } = new(database);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Index.DisposeAsync();


    /// <inheritdoc />
    public async ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
    {
        var result = await AppendAsync(batch, cancellationToken).ConfigureAwait(false);
        if (result.IsHeadMoved)
        {
            // Skipping it would lose it silently; only a writer that can re-chain (AppendAsync) may share the trail.
            throw new PrivacyStoreException($"The audit trail already holds a different event at sequence {batch[result.WrittenCount].Sequence}: a second writer shares the trail, so the batch is refused rather than lost.");
        }
    }

    /// <inheritdoc />
    public async ValueTask<AuditAppendResult> AppendAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
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
            return AuditAppendResult.Appended;
        }

        using var turn = await Index.TakeTurnAsync(cancellationToken).ConfigureAwait(false); // not behind an index transaction
        try
        {
            var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await database.BeginWriteTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var waiting = TimeProvider.System.GetTimestamp();
                    var (last, lastHash) = await ReadHeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    RelationalAuditTelemetry.AppendWait.Record(TimeProvider.System.GetElapsedTime(waiting).TotalSeconds, new KeyValuePair<string, object?>(RelationalAuditTelemetry.TrailTag, "shared"));
                    if (batch[0].Sequence > last + 1)
                    {
                        throw new PrivacyStoreException($"The audit batch starts at sequence {batch[0].Sequence} but the trail ends at {last}: writing it would leave a gap.");
                    }

                    if (batch[0].Sequence <= last)
                    {
                        var held = (int)Math.Min(batch.Count, last - batch[0].Sequence + 1);
                        var same = await CountSameAsync(connection, transaction, batch, held, cancellationToken).ConfigureAwait(false);
                        if (same < held)
                        {
                            return AuditAppendResult.HeadMoved(last, lastHash, same); // rolled back: nothing written
                        }
                    }

                    await InsertAsync(connection, transaction, batch, last, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    Index.Advance(batch.Count); // behind the head, after the commit
                    return AuditAppendResult.Appended;
                }
            }
        }
        catch (Exception ex) when (database.IsFault(ex))
        {
            throw database.Fault("write an audit batch", ex);
        }
    }

    private async ValueTask<(long Sequence, string Hash)> ReadHeadAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        using var head = connection.CreateCommand(database.Sql.AuditHead, transaction);
        var reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            // The lock statement (if any) yields the first result set; the head is in the last.
            do
            {
                if (reader.FieldCount == 2 && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return (reader.GetInt64(0), reader.GetString(1));
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }

        return (0, AuditHashChain.GenesisHash);
    }

    /// <summary>Counts the leading events of the batch the trail holds with the same hash (a retried batch).</summary>
    private async ValueTask<int> CountSameAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditEvent> batch, int held, CancellationToken cancellationToken)
    {
        using var read = connection.CreateCommand(database.Sql.HeldHashes, transaction);
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

    /// <summary>Writes the batch's events after <paramref name="last"/> (<see cref="WriteEventsAsync"/>).</summary>
    private async ValueTask InsertAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditEvent> batch, long last, CancellationToken cancellationToken)
    {
        var from = (int)Math.Max(0, last - batch[0].Sequence + 1);
        if (from >= batch.Count)
        {
            return; // a retried batch the trail holds whole
        }

        await WriteEventsAsync(database, connection, transaction, chain: null, batch, from, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes events <paramref name="from"/> to the end of <paramref name="batch"/> in the open transaction, into the
    /// single trail or into <paramref name="chain"/> of a trail kept as several chains: by the dialect's bulk copy where it
    /// has one (PostgreSQL: binary <c>COPY</c>), otherwise with one prepared single-row insert reused for every row (the
    /// statement is compiled once, each row only binds its values). Anything short of every row written throws, and the
    /// caller's transaction rolls back.
    /// </summary>
    internal static async ValueTask WriteEventsAsync(RelationalDatabase database, DbConnection connection, DbTransaction transaction, long? chain, IReadOnlyList<AuditEvent> batch, int from, CancellationToken cancellationToken)
    {
        var where = chain is { } named ? $" of chain {named}" : string.Empty;
        ulong? copied = null;
        if (database.Dialect is IAuditEventCopy copy)
        {
            copied = chain is { } copyChain
                ? await copy.TryCopyAsync(connection, database.Sql.EventsTable, copyChain, batch, from, cancellationToken).ConfigureAwait(false)
                : await copy.TryCopyAsync(connection, database.Sql.EventsTable, batch, from, cancellationToken).ConfigureAwait(false);
        }

        if (copied is not null)
        {
            if (copied != (ulong)(batch.Count - from))
            {
                throw new PrivacyStoreException($"Audit events {batch[from].Sequence} to {batch[^1].Sequence}{where} were not all copied ({copied} of {batch.Count - from}); the batch is rolled back.");
            }

            return;
        }

        using var insert = connection.CreateCommand(chain is null ? database.Sql.InsertEvent : database.Sql.InsertChainEvent, transaction);
        if (chain is { } insertChain)
        {
            insert.AddParameter("@chain", insertChain);
        }

        var sequence = insert.AddParameter("@sequence");
        var hash = insert.AddParameter("@hash");
        var kind = insert.AddParameter("@kind");
        var occurred = insert.AddParameter("@occurred");
        var subject = insert.AddParameter("@subject");
        var recipient = insert.AddParameter("@recipient");
        var payload = insert.AddParameter("@payload");
        for (var at = from; at < batch.Count; at++)
        {
            var auditEvent = batch[at];
            sequence.Value = auditEvent.Sequence;
            hash.Value = auditEvent.Hash;
            kind.Value = auditEvent.Kind.ToString();
            occurred.Value = auditEvent.Timestamp.ToUnixTimeMilliseconds();
            subject.Value = (object?)auditEvent.SubjectPseudonym ?? DBNull.Value;
            recipient.Value = (object?)auditEvent.Recipient ?? DBNull.Value;
            payload.Value = Payload(auditEvent);
            if (at == from)
            {
                await insert.PrepareAsync(cancellationToken).ConfigureAwait(false);
            }

            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                // Only a writer bypassing the append lock gets here; rolling back beats reporting an event written that is not.
                throw new PrivacyStoreException($"Audit event {auditEvent.Sequence}{where} was taken by a concurrent writer during the append; the batch is rolled back.");
            }
        }
    }

    /// <summary>
    /// The payload stored for an event: its sealed line (the canonical JSON with its hash, as the file trail stores it),
    /// the very bytes the pipeline hashed while sealing when it kept them, so the event is not serialised a second time.
    /// </summary>
    internal static string Payload(AuditEvent auditEvent) =>
        System.Text.Encoding.UTF8.GetString(auditEvent.SealedLineBytes ?? AuditHashChain.GetLine(auditEvent));

    /// <summary>
    /// Reads a stored payload: a sealed line (written since the payload is the line itself; it always opens with the
    /// <c>sequence</c> member) or the document form rows written before kept (member names capitalised).
    /// </summary>
    internal static AuditEvent ParsePayload(string payload)
    {
        if (!payload.StartsWith(SealedLineStart, StringComparison.Ordinal))
        {
            return StoreJson.Deserialize<AuditEvent>(payload);
        }

        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(payload.Length));
        try
        {
            var length = System.Text.Encoding.UTF8.GetBytes(payload, rented);
            return AuditEventJson.ParseEvent(rented.AsSpan(0, length));
        }
        catch (FormatException ex)
        {
            throw new System.Text.Json.JsonException("A stored audit event is not a valid sealed line: " + ex.Message, ex);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private const string SealedLineStart = "{\"sequence\":";

    /// <inheritdoc />
    public async IAsyncEnumerable<AuditEvent> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = Math.Max(1, fromSequence);
        while (true)
        {
            var from = next;
            var page = await database.QueryAsync(
                database.Sql.EventsPage,
                c =>
                {
                    c.AddParameter("@from", from);
                    c.AddParameter("@limit", (long)PageSize);
                },
                ReadStored,
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

    /// <summary>
    /// One statement per page over the index and, per chain, the events past that chain's newest index row
    /// (<see cref="StoreSql.AuditQuery"/>): a subject's disclosure ledger (subject and kind) walks
    /// <c>(subject_pseudonym, kind, sequence)</c> of the index, a recipient's history <c>(recipient, kind, sequence)</c>;
    /// the events not yet indexed are read on the key. Times are kept in milliseconds, so the range is widened by one and
    /// every row is checked exactly against the query before it is returned. A trail kept as several chains (one per
    /// writer) answers from every chain, ordered by sequence number and then chain id: each chain's events in their own order.
    /// </summary>
    public async IAsyncEnumerable<AuditEvent> QueryAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var criteria = (query.SubjectPseudonym is null ? AuditCriteria.None : AuditCriteria.Subject)
            | (query.Recipient is null ? AuditCriteria.None : AuditCriteria.Recipient)
            | (query.Kind is null ? AuditCriteria.None : AuditCriteria.Kind)
            | (query.From is null ? AuditCriteria.None : AuditCriteria.From)
            | (query.To is null ? AuditCriteria.None : AuditCriteria.To);
        var sql = database.Sql.AuditQuery(criteria);
        var after = 0L;
        var afterChain = -1L;
        while (true)
        {
            var from = after;
            var fromChain = afterChain;
            var page = await database.QueryAsync(
                sql,
                c =>
                {
                    c.AddParameter("@after", from);
                    c.AddParameter("@afterChain", fromChain);
                    c.AddParameter("@limit", (long)PageSize);
                    Bind(c, query);
                },
                static row => (Event: ParsePayload(row.GetString(0)), Chain: row.GetInt64(1)),
                "query the audit trail",
                cancellationToken).ConfigureAwait(false);
            foreach (var (auditEvent, _) in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (query.Matches(auditEvent))
                {
                    yield return auditEvent;
                }
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            (after, afterChain) = (page[^1].Event.Sequence, page[^1].Chain);
        }

        static void Bind(DbCommand command, AuditQuery query)
        {
            if (query.SubjectPseudonym is not null)
            {
                command.AddParameter("@subject", query.SubjectPseudonym);
            }

            if (query.Recipient is not null)
            {
                command.AddParameter("@recipient", query.Recipient);
            }

            if (query.Kind is { } kind)
            {
                command.AddParameter("@kind", kind.ToString());
            }

            if (query.From is { } start)
            {
                command.AddParameter("@from", start.ToUnixTimeMilliseconds() - 1);
            }

            if (query.To is { } end)
            {
                command.AddParameter("@to", end.ToUnixTimeMilliseconds() + 1);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<AuditEvent?> ReadLastAsync(CancellationToken cancellationToken)
    {
        var rows = await database.QueryAsync(database.Sql.LastEvent, static _ => { }, ReadStored, "read the last audit event", cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    /// <summary>
    /// Reads a stored event as its row describes it: the hashed payload, with the columns queries filter on and the append
    /// path reads (sequence, hash, kind, time, subject pseudonym, recipient) put in its place where they differ, and then
    /// the columns of its index row where those differ. A row whose columns or index row were rewritten then fails
    /// verification at its own index (its content no longer matches its hash) instead of hiding from ledger queries while
    /// the trail verifies; so does an event the index skips (no index row below the newest one), which queries would miss.
    /// </summary>
    internal static AuditEvent ReadStored(DbDataReader row)
    {
        var e = ParsePayload(row.GetString(0));
        var sequence = row.GetInt64(1);
        var hash = row.GetString(2);
        var kind = ReadKind(row, 3, sequence);
        var occurred = row.GetInt64(4);
        var subject = row.IsDBNull(5) ? null : row.GetString(5);
        var recipient = row.IsDBNull(6) ? null : row.GetString(6);
        var indexed = !row.IsDBNull(7);
        var indexedTo = row.IsDBNull(12) ? 0 : row.GetInt64(12);
        if (indexed && kind == e.Kind && Math.Abs(occurred - e.Timestamp.ToUnixTimeMilliseconds()) <= 1 && string.Equals(subject, e.SubjectPseudonym, StringComparison.Ordinal) && string.Equals(recipient, e.Recipient, StringComparison.Ordinal))
        {
            // The row agrees with its payload; the index row is what queries see: read the event as the index describes it.
            (kind, occurred, subject, recipient) = (ReadKind(row, 8, sequence), row.GetInt64(9), row.IsDBNull(10) ? null : row.GetString(10), row.IsDBNull(11) ? null : row.GetString(11));
        }
        else if (sequence < indexedTo)
        {
            // Below the newest index row but not in the index: queries skip it, so it cannot verify.
            hash = string.Empty;
        }

        // Times are indexed in milliseconds (rounded when filled in by migration 3): within one of the payload's.
        var timeMatches = Math.Abs(occurred - e.Timestamp.ToUnixTimeMilliseconds()) <= 1;
        if (sequence == e.Sequence && string.Equals(hash, e.Hash, StringComparison.Ordinal) && kind == e.Kind && timeMatches
            && string.Equals(subject, e.SubjectPseudonym, StringComparison.Ordinal) && string.Equals(recipient, e.Recipient, StringComparison.Ordinal))
        {
            return e;
        }

        return e with
        {
            Sequence = sequence,
            Hash = hash,
            Kind = kind,
            Timestamp = timeMatches ? e.Timestamp : DateTimeOffset.FromUnixTimeMilliseconds(occurred),
            SubjectPseudonym = subject,
            Recipient = recipient,
        };
    }

    private static AuditEventKind ReadKind(DbDataReader row, int ordinal, long sequence)
    {
        var kindText = row.GetString(ordinal);
        if (!Enum.TryParse<AuditEventKind>(kindText, ignoreCase: false, out var kind) || !Enum.IsDefined(kind) || !string.Equals(kind.ToString(), kindText, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The stored audit event at sequence {sequence} has no valid kind in its indexed column: the row was altered. Verify the trail.");
        }

        return kind;
    }

    /// <summary>Writes a checkpoint onto the newest one, under the append lock: a stale link (another instance checkpointed first) is refused.</summary>
    public async ValueTask WriteAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(checkpoint.HeadHash, "checkpoint.HeadHash");
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await database.BeginWriteTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    if (checkpoint.PreviousCheckpointHash is { } link)
                    {
                        AuditCheckpoint? latest = null;
                        using (var read = connection.CreateCommand(database.Sql.LatestCheckpointForAppend, transaction))
                        {
                            var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                            await using (reader.ConfigureAwait(false))
                            {
                                // The lock statement (if any) yields the first result set; the checkpoint is in the last.
                                do
                                {
                                    if (reader.FieldCount == 1 && reader.GetName(0) == "payload" && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                                    {
                                        latest = StoreJson.Deserialize<AuditCheckpoint>(reader.GetString(0));
                                    }
                                }
                                while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
                            }
                        }

                        var expected = latest is null ? AuditHashChain.GenesisHash : AuditHashChain.GetCheckpointHash(latest);
                        if (!string.Equals(link, expected, StringComparison.Ordinal))
                        {
                            throw new PrivacyStoreException($"The audit checkpoint of size {checkpoint.Size} does not link to the newest stored checkpoint (another instance wrote one first); it is not written.");
                        }
                    }

                    using (var insert = connection.CreateCommand(database.Sql.InsertCheckpoint, transaction))
                    {
                        insert.AddParameter("@size", checkpoint.Size);
                        insert.AddParameter("@payload", StoreJson.Serialize(checkpoint));
                        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (database.IsFault(ex))
        {
            throw database.Fault("write an audit checkpoint", ex);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<AuditCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken) =>
        database.EnumerateAsync<AuditCheckpoint>(database.Sql.Checkpoints, static _ => { }, "read the audit checkpoints", cancellationToken);

    /// <inheritdoc />
    public ValueTask<AuditCheckpoint?> ReadLatestAsync(CancellationToken cancellationToken) =>
        database.ReadFirstAsync<AuditCheckpoint>(database.Sql.LatestCheckpoint, static _ => { }, "read the latest audit checkpoint", cancellationToken);
}

/// <summary>The subject-to-pseudonym map; the subject id is the key, so creation is atomic across instances.</summary>
/// <param name="database">The database the store reads and writes.</param>
internal sealed class RelationalPseudonymStore(RelationalDatabase database) : IPseudonymStore
{
    /// <inheritdoc />
    public async ValueTask<string> GetOrCreateAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        RelationalAcceptanceStore.RequireSubject(subject, "SubjectId", nameof(subject));
        var candidate = InMemoryPseudonymStore.NewPseudonym();

        // Whoever inserts first wins; everyone reads the winner's pseudonym back.
        await database.ExecuteAsync(
            database.Sql.InsertPseudonym,
            c =>
            {
                c.AddParameter("@subject", subject.Value);
                c.AddParameter("@pseudonym", candidate);
            },
            "create a pseudonym",
            cancellationToken).ConfigureAwait(false);
        return await FindAsync(subject, cancellationToken).ConfigureAwait(false)
            ?? throw new PrivacyStoreException("The pseudonym was deleted while it was being created.");
    }

    /// <inheritdoc />
    public async ValueTask<string?> FindAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand(database.Sql.FindPseudonym);
                command.AddParameter("@subject", subject.Value);
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            }
        }
        catch (Exception ex) when (database.IsFault(ex))
        {
            throw database.Fault("find a pseudonym", ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var deleted = await database.ExecuteAsync(database.Sql.DeletePseudonym, c => c.AddParameter("@subject", subject.Value), "delete a pseudonym", cancellationToken).ConfigureAwait(false) > 0;

        // store.subject-delete: the mapping must not stay readable in the provider's log either.
        await database.ScrubDeletedAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }
}
