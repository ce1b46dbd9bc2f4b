using System.Data.Common;
using System.Runtime.CompilerServices;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement.Relational;

/// <summary>Consent facts in one append-only table; the fact id is the primary key, so a repeated append is a no-op.</summary>
/// <param name="database">The database the store reads and writes.</param>
internal sealed class RelationalConsentStore(RelationalDatabase database) : IConsentStore, ISubjectStateReader
{
    private const int SubjectPageSize = 1000;

    /// <summary>Gets the database the store reads and writes.</summary>
    internal RelationalDatabase Database => database;

    /// <inheritdoc />
    public bool Reads(IAcceptanceStore acceptances, IEngagementStore engagements, IViolationStore violations) =>
        acceptances is RelationalAcceptanceStore a && ReferenceEquals(a.Database, database)
        && engagements is RelationalEngagementStore e && ReferenceEquals(e.Database, database)
        && violations is RelationalViolationStore v && ReferenceEquals(v.Database, database);

    /// <inheritdoc />
    public async ValueTask<SubjectRecords> ReadSubjectAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var facts = new KeyedRecords<ConsentFact>();
        var acceptances = new KeyedRecords<PolicyAcceptance>();
        var objections = new KeyedRecords<ObjectionFact>();
        var engagements = new KeyedRecords<ServiceEngagement>();
        var sanctions = new KeyedRecords<Sanction>();
        await database.QueryAsync(
            database.Sql.SubjectState,
            c => c.SetParameter("@subject", subject.Value),
            row =>
            {
                var order = row.GetInt64(1);
                var tie = row.GetString(2);
                var payload = row.GetString(3);
                switch ((SubjectRecordKind)row.GetInt32(0))
                {
                    case SubjectRecordKind.Fact:
                        facts.Add(order, tie, StoreJson.Deserialize<ConsentFact>(payload));
                        break;
                    case SubjectRecordKind.Acceptance:
                        acceptances.Add(order, tie, StoreJson.Deserialize<PolicyAcceptance>(payload));
                        break;
                    case SubjectRecordKind.Objection:
                        objections.Add(order, tie, StoreJson.Deserialize<ObjectionFact>(payload));
                        break;
                    case SubjectRecordKind.Engagement:
                        engagements.Add(order, tie, StoreJson.Deserialize<ServiceEngagement>(payload));
                        break;
                    default:
                        sanctions.Add(order, tie, StoreJson.Deserialize<Sanction>(payload));
                        break;
                }

                return 0;
            },
            "read a subject's state",
            prepare: true,
            cancellationToken).ConfigureAwait(false);
        return new SubjectRecords(facts.InOrder(), acceptances.InOrder(), objections.InOrder(), engagements.InOrder(), sanctions.InOrder());
    }

    /// <inheritdoc />
    public async ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken)
    {
        Validate(fact);
        cancellationToken.ThrowIfCancellationRequested();

        // One statement (with the change notification, where the provider has one) is atomic without a transaction.
        await database.ExecuteAsync(database.Sql.InsertFactNotify, c => Bind(c, fact), "append a consent fact", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        foreach (var fact in facts)
        {
            Validate(fact);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (facts.Count == 0)
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
                    using (var insert = connection.CreateCommand(database.Sql.InsertFact, transaction))
                    {
                        var factId = insert.AddParameter("@fact");
                        var consentId = insert.AddParameter("@consent");
                        var subject = insert.AddParameter("@subject");
                        var payload = insert.AddParameter("@payload");
                        foreach (var fact in facts)
                        {
                            factId.Value = fact.FactId.ToString("D");
                            consentId.Value = fact.ConsentId.ToString();
                            subject.Value = fact.Subject.Value;
                            payload.Value = StoreJson.Serialize(fact);
                            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }

                    await NotifyAsync(connection, transaction, facts.Select(f => f.Subject), cancellationToken).ConfigureAwait(false);

                    // All or nothing: a fault or cancellation before this line rolls the whole batch back.
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (database.IsFault(ex))
        {
            throw database.Fault("append consent facts", ex);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var facts = await database.ReadAllAsync<ConsentFact>(database.Sql.FactsBySubject, c => c.AddParameter("@subject", subject.Value), "read consent facts", cancellationToken).ConfigureAwait(false);
        foreach (var fact in facts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return fact;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var facts = await database.ReadAllAsync<ConsentFact>(database.Sql.FactsByConsent, c => c.AddParameter("@consent", consentId.ToString()), "read consent facts", cancellationToken).ConfigureAwait(false);
        foreach (var fact in facts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return fact;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SubjectId> GetSubjectsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Paged by subject id so that a large store is never held in memory at once.
        var after = string.Empty;
        while (true)
        {
            var page = await ReadSubjectPageAsync(after, cancellationToken).ConfigureAwait(false);
            foreach (var subject in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new SubjectId(subject);
            }

            if (page.Count < SubjectPageSize)
            {
                yield break;
            }

            after = page[^1];
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await database.ExecuteAsync(
            database.Sql.DeleteFacts + (database.Sql.HasNotify ? "; " + database.Sql.Notify : string.Empty),
            c => c.AddParameter("@subject", subject.Value),
            "delete a subject's consent facts",
            cancellationToken).ConfigureAwait(false);
    }

    internal async ValueTask NotifyAsync(DbConnection connection, DbTransaction transaction, IEnumerable<SubjectId> subjects, CancellationToken cancellationToken)
    {
        if (!database.Sql.HasNotify)
        {
            return;
        }

        using var notify = connection.CreateCommand(database.Sql.Notify, transaction);
        var parameter = notify.AddParameter("@subject");
        foreach (var subject in subjects.Distinct())
        {
            parameter.Value = subject.Value;
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Validate(ConsentFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        if (fact.Subject.IsEmpty)
        {
            throw new ArgumentException("ConsentFact.Subject is required but was the default SubjectId.", nameof(fact));
        }

        ArgumentNullException.ThrowIfNull(fact.Policy, "fact.Policy");
    }

    private static void Bind(DbCommand command, ConsentFact fact)
    {
        command.AddParameter("@fact", fact.FactId.ToString("D"));
        command.AddParameter("@consent", fact.ConsentId.ToString());
        command.AddParameter("@subject", fact.Subject.Value);
        command.AddParameter("@payload", StoreJson.Serialize(fact));
    }

    private async ValueTask<List<string>> ReadSubjectPageAsync(string after, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand(database.Sql.SubjectsPage);
                command.AddParameter("@after", after);
                command.AddParameter("@limit", (long)SubjectPageSize);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var page = new List<string>(SubjectPageSize);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        page.Add(reader.GetString(0));
                    }

                    return page;
                }
            }
        }
        catch (Exception ex) when (database.IsFault(ex))
        {
            throw database.Fault("list subjects", ex);
        }
    }
}

/// <summary>Policy acceptances and objections, each an append-only table ordered by insertion.</summary>
/// <param name="database">The database the store reads and writes.</param>
internal sealed class RelationalAcceptanceStore(RelationalDatabase database) : IAcceptanceStore
{
    /// <summary>Gets the database the store reads and writes.</summary>
    internal RelationalDatabase Database => database;

    /// <inheritdoc />
    public async ValueTask AppendAcceptanceAsync(PolicyAcceptance acceptance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(acceptance);
        RequireSubject(acceptance.Subject, "PolicyAcceptance.Subject", nameof(acceptance));
        ArgumentNullException.ThrowIfNull(acceptance.Policy, "acceptance.Policy");
        ArgumentNullException.ThrowIfNull(acceptance.CountedEvent, "acceptance.CountedEvent");
        await database.ExecuteAsync(database.Sql.InsertAcceptance, c => BindSubject(c, acceptance.Subject, acceptance), "append a policy acceptance", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<PolicyAcceptance> GetAcceptancesAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = await database.ReadAllAsync<PolicyAcceptance>(database.Sql.AcceptancesBySubject, c => c.AddParameter("@subject", subject.Value), "read policy acceptances", cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    /// <inheritdoc />
    public async ValueTask AppendObjectionAsync(ObjectionFact objection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objection);
        RequireSubject(objection.Subject, "ObjectionFact.Subject", nameof(objection));
        await database.ExecuteAsync(database.Sql.InsertObjection, c => BindSubject(c, objection.Subject, objection), "append an objection", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ObjectionFact> GetObjectionsAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = await database.ReadAllAsync<ObjectionFact>(database.Sql.ObjectionsBySubject, c => c.AddParameter("@subject", subject.Value), "read objections", cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            database.Sql.DeleteAcceptances + "; " + database.Sql.DeleteObjections,
            c => c.AddParameter("@subject", subject.Value),
            "delete a subject's acceptances and objections",
            cancellationToken).ConfigureAwait(false);

    internal static void RequireSubject(SubjectId subject, string field, string paramName)
    {
        if (subject.IsEmpty)
        {
            throw new ArgumentException($"{field} is required but was the default SubjectId.", paramName);
        }
    }

    internal static void BindSubject<T>(DbCommand command, SubjectId subject, T record)
    {
        command.AddParameter("@subject", subject.Value);
        command.AddParameter("@payload", StoreJson.Serialize(record));
    }
}

/// <summary>
/// The records of one kind read by the subject-state statement, with the keys their own store orders them by
/// (sequence; for engagements start, then id), put in that order once read. The rows usually arrive in it already
/// (each branch reads its subject index), so they are sorted only when one is out of place.
/// </summary>
/// <typeparam name="T">The kind of record.</typeparam>
internal sealed class KeyedRecords<T>
{
    private readonly List<(long Order, string Tie, T Record)> _rows = [];
    private bool _unordered;

    public void Add(long order, string tie, T record)
    {
        if (_rows.Count > 0 && Compare(_rows[^1], (order, tie, record)) > 0)
        {
            _unordered = true;
        }

        _rows.Add((order, tie, record));
    }

    public IReadOnlyList<T> InOrder()
    {
        if (_rows.Count == 0)
        {
            return [];
        }

        if (_unordered)
        {
            // Keys are unique within a kind (a sequence, or an engagement's id), so an unstable sort is exact.
            _rows.Sort(static (a, b) => Compare(a, b));
        }

        var records = new T[_rows.Count];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = _rows[i].Record;
        }

        return records;
    }

    private static int Compare((long Order, string Tie, T Record) a, (long Order, string Tie, T Record) b)
    {
        var order = a.Order.CompareTo(b.Order);
        return order != 0 ? order : string.CompareOrdinal(a.Tie, b.Tie);
    }
}
