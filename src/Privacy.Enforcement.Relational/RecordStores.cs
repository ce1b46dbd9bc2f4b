using System.Data.Common;
using System.Runtime.CompilerServices;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement.Relational;

/// <summary>
/// Engagements: the whole record as a document plus the columns the queries filter on, and a row version that makes
/// <see cref="TryUpdateAsync"/> an optimistic compare-and-swap.
/// </summary>
/// <param name="database">The database the store reads and writes.</param>
internal sealed class RelationalEngagementStore(RelationalDatabase database) : IEngagementStore
{
    /// <summary>Gets the database the store reads and writes.</summary>
    internal RelationalDatabase Database => database;

    /// <inheritdoc />
    public async ValueTask CreateAsync(ServiceEngagement engagement, CancellationToken cancellationToken)
    {
        Validate(engagement, nameof(engagement));
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    using var insert = connection.CreateCommand(database.Sql.InsertEngagement, transaction);
                    BindColumns(insert, engagement);
                    if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                    {
                        throw new PrivacyStoreException($"An engagement with id {engagement.Id} already exists.");
                    }

                    await WriteSubjectsAsync(connection, transaction, engagement, cancellationToken).ConfigureAwait(false);
                    await NotifyAsync(connection, transaction, null, engagement, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (database.IsFault(ex))
        {
            throw database.Fault("create an engagement", ex);
        }
    }

    /// <inheritdoc />
    public ValueTask<ServiceEngagement?> FindAsync(EngagementId id, CancellationToken cancellationToken) =>
        RecordRows.FindAsync<ServiceEngagement>(database, database.Sql.FindEngagement, id.ToString(), "find an engagement", cancellationToken);

    /// <inheritdoc />
    public async ValueTask<bool> TryUpdateAsync(ServiceEngagement expected, ServiceEngagement updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Validate(updated, nameof(updated));
        if (expected.Id != updated.Id)
        {
            throw new ArgumentException("The updated engagement must keep the id of the expected one.", nameof(updated));
        }

        return await RecordRows.TryReplaceAsync(
            database,
            database.Sql.FindEngagement,
            database.Sql.UpdateEngagement,
            expected.Id.ToString(),
            StoreJson.Serialize(expected),
            update => BindColumns(update, updated),
            async (connection, transaction, ct) =>
            {
                // The subject rows follow the record: rewritten in the same transaction.
                using (var clear = connection.CreateCommand(database.Sql.DeleteEngagementSubjects, transaction))
                {
                    clear.AddParameter("@id", updated.Id.ToString());
                    await clear.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await WriteSubjectsAsync(connection, transaction, updated, ct).ConfigureAwait(false);
                await NotifyAsync(connection, transaction, expected, updated, ct).ConfigureAwait(false);
            },
            "update an engagement",
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ServiceEngagement> GetByProviderAsync(RecipientId provider, CancellationToken cancellationToken) =>
        ListAsync(database.Sql.EngagementsByProvider, c => c.AddParameter("@provider", provider.Value), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<ServiceEngagement> GetBySubjectAsync(SubjectId subject, CancellationToken cancellationToken) =>
        ListAsync(database.Sql.EngagementsBySubject, c => c.AddParameter("@subject", subject.Value), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<ServiceEngagement> GetEndedAsync(DateTimeOffset until, CancellationToken cancellationToken) =>
        ListAsync(database.Sql.EngagementsEnded, c => c.AddParameter("@until", StoreJson.Ticks(until)), cancellationToken);

    // One range read on the partial index of pending ends, instead of the interface's scan (use.third-party.service-end).
    /// <inheritdoc />
    public async ValueTask<DateTimeOffset?> GetNextEndAsync(DateTimeOffset after, CancellationToken cancellationToken)
    {
        var ends = await database.QueryAsync(database.Sql.NextEngagementEnd, c => c.AddParameter("@after", StoreJson.Ticks(after)), static row => row.GetInt64(0), "find the next engagement end", cancellationToken).ConfigureAwait(false);
        return ends.Count == 0 ? null : new DateTimeOffset(ends[0], TimeSpan.Zero);
    }

    private async IAsyncEnumerable<ServiceEngagement> ListAsync(string sql, Action<DbCommand> bind, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = await database.ReadAllAsync<ServiceEngagement>(sql, bind, "list engagements", cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    private static void Validate(ServiceEngagement engagement, string paramName)
    {
        ArgumentNullException.ThrowIfNull(engagement, paramName);
        ArgumentNullException.ThrowIfNull(engagement.Subjects, "engagement.Subjects");
        ArgumentNullException.ThrowIfNull(engagement.Categories, "engagement.Categories");
        if (engagement.Provider.IsEmpty)
        {
            throw new ArgumentException("ServiceEngagement.Provider is required but was the default RecipientId.", paramName);
        }

        foreach (var subject in engagement.Subjects)
        {
            RelationalAcceptanceStore.RequireSubject(subject, "ServiceEngagement.Subjects", paramName);
        }
    }

    private static void BindColumns(DbCommand command, ServiceEngagement engagement)
    {
        command.AddParameter("@id", engagement.Id.ToString());
        command.AddParameter("@provider", engagement.Provider.Value);
        command.AddParameter("@all", engagement.AllSubjects ? 1L : 0L);
        command.AddParameter("@starts", StoreJson.Ticks(engagement.StartsAt));
        command.AddParameter("@end", engagement.EffectiveEnd is { } end ? StoreJson.Ticks(end) : null);
        command.AddParameter("@confirmed", engagement.DeletionConfirmedAt is null ? 0L : 1L);
        command.AddParameter("@emitted", engagement.ObligationEmittedAt is null ? 0L : 1L);
        command.AddParameter("@payload", StoreJson.Serialize(engagement));
    }

    /// <summary>
    /// Announces the change inside the writing transaction: engagements are part of each covered subject's cached
    /// state, so every subject covered before or after the write is announced, and an engagement of all subjects
    /// announces a change of everything.
    /// </summary>
    private async ValueTask NotifyAsync(DbConnection connection, DbTransaction transaction, ServiceEngagement? before, ServiceEngagement after, CancellationToken cancellationToken)
    {
        if (!database.Sql.HasNotify)
        {
            return;
        }

        if (after.AllSubjects || before?.AllSubjects == true)
        {
            using var everything = connection.CreateCommand(database.Sql.NotifyEverything, transaction);
            await everything.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        using var notify = connection.CreateCommand(database.Sql.Notify, transaction);
        var parameter = notify.AddParameter("@subject");
        foreach (var subject in (before?.Subjects ?? []).Concat(after.Subjects).Distinct())
        {
            parameter.Value = subject.Value;
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask WriteSubjectsAsync(DbConnection connection, DbTransaction transaction, ServiceEngagement engagement, CancellationToken cancellationToken)
    {
        if (engagement.Subjects.Count == 0)
        {
            return;
        }

        using var insert = connection.CreateCommand(database.Sql.InsertEngagementSubject, transaction);
        insert.AddParameter("@id", engagement.Id.ToString());
        var subject = insert.AddParameter("@subject");
        foreach (var s in engagement.Subjects)
        {
            subject.Value = s.Value;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>A row's optimistic-concurrency version and its payload.</summary>
internal readonly record struct VersionedRow(long Version, string Payload)
{
    public static async ValueTask<VersionedRow?> ReadAsync(DbConnection connection, DbTransaction? transaction, string sql, string id, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand(sql, transaction);
        command.AddParameter("@id", id);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new VersionedRow(reader.GetInt64(0), reader.GetString(1))
                : null;
        }
    }
}

/// <summary>Violations (versioned documents) and sanctions (append-only).</summary>
/// <param name="database">The database the store reads and writes.</param>
internal sealed class RelationalViolationStore(RelationalDatabase database) : IViolationStore
{
    /// <summary>Gets the database the store reads and writes.</summary>
    internal RelationalDatabase Database => database;

    /// <inheritdoc />
    public async ValueTask CreateAsync(Violation violation, CancellationToken cancellationToken)
    {
        Validate(violation, nameof(violation));
        var inserted = await database.ExecuteAsync(database.Sql.InsertViolation, c => BindColumns(c, violation), "create a violation", cancellationToken).ConfigureAwait(false);
        if (inserted == 0)
        {
            throw new PrivacyStoreException($"A violation with id {violation.Id} already exists.");
        }
    }

    /// <inheritdoc />
    public ValueTask<Violation?> FindAsync(ViolationId id, CancellationToken cancellationToken) =>
        RecordRows.FindAsync<Violation>(database, database.Sql.FindViolation, id.ToString(), "find a violation", cancellationToken);

    /// <inheritdoc />
    public async ValueTask<bool> TryUpdateAsync(Violation expected, Violation updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Validate(updated, nameof(updated));
        if (expected.Id != updated.Id)
        {
            throw new ArgumentException("The updated violation must keep the id of the expected one.", nameof(updated));
        }

        return await RecordRows.TryReplaceAsync(
            database,
            database.Sql.FindViolation,
            database.Sql.UpdateViolation,
            expected.Id.ToString(),
            StoreJson.Serialize(expected),
            update => BindColumns(update, updated),
            afterUpdate: null,
            "update a violation",
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Violation> GetByViolatorAsync(SubjectId violator, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = await database.ReadAllAsync<Violation>(database.Sql.ViolationsByViolator, c => c.AddParameter("@subject", violator.Value), "list violations", cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    /// <inheritdoc />
    public async ValueTask AddSanctionAsync(Sanction sanction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sanction);
        RelationalAcceptanceStore.RequireSubject(sanction.Subject, "Sanction.Subject", nameof(sanction));
        await database.ExecuteAsync(database.Sql.InsertSanction, c => RelationalAcceptanceStore.BindSubject(c, sanction.Subject, sanction), "add a sanction", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Sanction> GetSanctionsAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = await database.ReadAllAsync<Sanction>(database.Sql.SanctionsBySubject, c => c.AddParameter("@subject", subject.Value), "list sanctions", cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    private static void Validate(Violation violation, string paramName)
    {
        ArgumentNullException.ThrowIfNull(violation, paramName);
        ArgumentNullException.ThrowIfNull(violation.EvidenceReference, "violation.EvidenceReference");
        ArgumentNullException.ThrowIfNull(violation.AffectedSubjects, "violation.AffectedSubjects");
        ArgumentNullException.ThrowIfNull(violation.RelevantCategories, "violation.RelevantCategories");
        RelationalAcceptanceStore.RequireSubject(violation.Violator, "Violation.Violator", paramName);
    }

    private static void BindColumns(DbCommand command, Violation violation)
    {
        command.AddParameter("@id", violation.Id.ToString());
        command.AddParameter("@subject", violation.Violator.Value);
        command.AddParameter("@reported", StoreJson.Ticks(violation.ReportedAt));
        command.AddParameter("@payload", StoreJson.Serialize(violation));
    }
}

/// <summary>Reads and swaps of records kept whole as JSON beside their query columns (engagements, violations).</summary>
internal static class RecordRows
{
    /// <summary>
    /// Replaces a record if it still reads as <paramref name="expectedPayload"/>: read, compare and update in one
    /// transaction, the update guarded by the row version so another instance's swap in between makes this one fail.
    /// </summary>
    public static async ValueTask<bool> TryReplaceAsync(
        RelationalDatabase database,
        string findSql,
        string updateSql,
        string id,
        string expectedPayload,
        Action<DbCommand> bind,
        Func<DbConnection, DbTransaction, CancellationToken, ValueTask>? afterUpdate,
        string operation,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var row = await VersionedRow.ReadAsync(connection, transaction, findSql, id, cancellationToken).ConfigureAwait(false);
                    if (row is not { } current || current.Payload != expectedPayload)
                    {
                        return false;
                    }

                    using (var update = connection.CreateCommand(updateSql, transaction))
                    {
                        bind(update);
                        update.AddParameter("@version", current.Version);
                        if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                        {
                            return false;
                        }
                    }

                    if (afterUpdate is not null)
                    {
                        await afterUpdate(connection, transaction, cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return true;
                }
            }
        }
        catch (Exception ex) when (database.IsFault(ex))
        {
            throw database.Fault(operation, ex);
        }
    }

    public static async ValueTask<T?> FindAsync<T>(RelationalDatabase database, string sql, string id, string operation, CancellationToken cancellationToken)
        where T : class
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var row = await VersionedRow.ReadAsync(connection, null, sql, id, cancellationToken).ConfigureAwait(false);
                return row is null ? null : StoreJson.Deserialize<T>(row.Value.Payload);
            }
        }
        catch (Exception ex) when (database.IsFault(ex))
        {
            throw database.Fault(operation, ex);
        }
    }
}
