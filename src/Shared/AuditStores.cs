using System.Runtime.CompilerServices;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Storage;

/// <summary>
/// The audit trail and its checkpoints. The sink keeps the trail gap-free: events it already holds are skipped (a
/// retried batch), and a batch that would leave a hole is refused whole.
/// </summary>
internal sealed class RelationalAuditStore(RelationalDatabase database) : IAuditSink, IAuditTrailReader, ICheckpointSink
{
    private const int PageSize = 500;

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

        try
        {
            var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    long last;
                    using (var max = connection.CreateCommand(database.Sql.LastSequence, transaction))
                    {
                        last = Convert.ToInt64(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                    }

                    if (batch[0].Sequence > last + 1)
                    {
                        throw new PrivacyStoreException($"The audit batch starts at sequence {batch[0].Sequence} but the trail ends at {last}: writing it would leave a gap.");
                    }

                    if (batch[0].Sequence <= last)
                    {
                        await RequireSameEventsAsync(connection, transaction, batch, last, cancellationToken).ConfigureAwait(false);
                    }

                    using var insert = connection.CreateCommand(database.Sql.InsertEvent, transaction);
                    var sequence = insert.AddParameter("@sequence");
                    var payload = insert.AddParameter("@payload");
                    foreach (var auditEvent in batch)
                    {
                        if (auditEvent.Sequence <= last)
                        {
                            continue;
                        }

                        sequence.Value = auditEvent.Sequence;
                        payload.Value = StoreJson.Serialize(auditEvent);
                        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (RelationalDatabase.IsFault(ex))
        {
            throw database.Fault("write an audit batch", ex);
        }
    }

    /// <summary>
    /// A retried batch repeats events the trail holds; a different event under a held sequence number means a second
    /// writer shares the trail, and skipping it would lose it silently.
    /// </summary>
    private async ValueTask RequireSameEventsAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, IReadOnlyList<AuditEvent> batch, long last, CancellationToken cancellationToken)
    {
        using var read = connection.CreateCommand(database.Sql.EventsRange, transaction);
        read.AddParameter("@from", batch[0].Sequence);
        read.AddParameter("@to", Math.Min(last, batch[^1].Sequence));
        var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var i = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var held = StoreJson.Deserialize<AuditEvent>(reader.GetString(0));
                if (!string.Equals(held.Hash, batch[i].Hash, StringComparison.Ordinal))
                {
                    throw new PrivacyStoreException($"The audit trail already holds a different event at sequence {held.Sequence}: a second writer shares the trail, so the batch is refused rather than lost.");
                }

                i++;
            }
        }
    }

    public async IAsyncEnumerable<AuditEvent> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = Math.Max(1, fromSequence);
        while (true)
        {
            var from = next;
            var page = await database.ReadAllAsync<AuditEvent>(
                database.Sql.EventsPage,
                c =>
                {
                    c.AddParameter("@from", from);
                    c.AddParameter("@limit", (long)PageSize);
                },
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

    public ValueTask<AuditEvent?> ReadLastAsync(CancellationToken cancellationToken) =>
        database.ReadFirstAsync<AuditEvent>(database.Sql.LastEvent, static _ => { }, "read the last audit event", cancellationToken);

    public async ValueTask WriteAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(checkpoint.HeadHash, "checkpoint.HeadHash");
        await database.ExecuteAsync(
            database.Sql.InsertCheckpoint,
            c =>
            {
                c.AddParameter("@size", checkpoint.Size);
                c.AddParameter("@payload", StoreJson.Serialize(checkpoint));
            },
            "write an audit checkpoint",
            cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<AuditCheckpoint?> ReadLatestAsync(CancellationToken cancellationToken) =>
        database.ReadFirstAsync<AuditCheckpoint>(database.Sql.LatestCheckpoint, static _ => { }, "read the latest audit checkpoint", cancellationToken);
}

/// <summary>The subject-to-pseudonym map; the subject id is the key, so creation is atomic across instances.</summary>
internal sealed class RelationalPseudonymStore(RelationalDatabase database) : IPseudonymStore
{
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
        catch (Exception ex) when (RelationalDatabase.IsFault(ex))
        {
            throw database.Fault("find a pseudonym", ex);
        }
    }

    public async ValueTask<bool> DeleteAsync(SubjectId subject, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(database.Sql.DeletePseudonym, c => c.AddParameter("@subject", subject.Value), "delete a pseudonym", cancellationToken).ConfigureAwait(false) > 0;
}
