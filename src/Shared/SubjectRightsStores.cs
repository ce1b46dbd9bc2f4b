using System.Data.Common;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Privacy.Enforcement.Storage;

/// <summary>
/// Subject-rights requests as versioned documents. A unique index on the open requests' (subject, kind, scope) makes
/// <see cref="AddOrGetOpenAsync"/> atomic across instances, and the row version makes updates a compare-and-swap.
/// </summary>
internal sealed class RelationalSubjectRightsRequestStore(RelationalDatabase database) : ISubjectRightsRequestStore
{
    // An insert can lose to an open duplicate that completes before it is read back; the next attempt then inserts.
    private const int MaxAddAttempts = 3;

    public async ValueTask<SubjectRightsRequest> AddOrGetOpenAsync(SubjectRightsRequest request, CancellationToken cancellationToken)
    {
        Validate(request, nameof(request));
        for (var attempt = 1; ; attempt++)
        {
            // Insert first, never read-then-write: the unique index decides which of two racing duplicates is stored.
            var inserted = await database.ExecuteAsync(database.Sql.InsertRequest, c => BindColumns(c, request, request.Version), "store a subject-rights request", cancellationToken).ConfigureAwait(false);
            if (inserted == 1)
            {
                return request;
            }

            var open = await database.ReadFirstAsync<SubjectRightsRequest>(database.Sql.OpenRequest, c => BindKey(c, request), "find an open subject-rights request", cancellationToken).ConfigureAwait(false);
            if (open is not null)
            {
                return open;
            }

            if (await FindAsync(request.Id, cancellationToken).ConfigureAwait(false) is not null)
            {
                throw new PrivacyStoreException($"A subject-rights request with id {request.Id} already exists.");
            }

            if (attempt == MaxAddAttempts)
            {
                throw new PrivacyStoreException($"The {database.ProviderName} store could not store a subject-rights request: its open duplicate kept changing.");
            }
        }
    }

    public ValueTask<SubjectRightsRequest?> FindAsync(SubjectRightsRequestId id, CancellationToken cancellationToken) =>
        database.ReadFirstAsync<SubjectRightsRequest>(database.Sql.FindRequest, c => c.AddParameter("@id", id.ToString()), "find a subject-rights request", cancellationToken);

    public async ValueTask<bool> TryUpdateAsync(SubjectRightsRequest expected, SubjectRightsRequest updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Validate(updated, nameof(updated));
        if (expected.Id != updated.Id || updated.Version != expected.Version + 1)
        {
            throw new ArgumentException("The updated request must keep the id and carry the next version.", nameof(updated));
        }

        // One statement guarded by the version: atomic even when another instance read the same row.
        var changed = await database.ExecuteAsync(
            database.Sql.UpdateRequest,
            c =>
            {
                BindColumns(c, updated, updated.Version);
                c.AddParameter("@expected", expected.Version);
            },
            "update a subject-rights request",
            cancellationToken).ConfigureAwait(false);
        return changed == 1;
    }

    public IAsyncEnumerable<SubjectRightsRequest> GetBySubjectAsync(SubjectId subject, CancellationToken cancellationToken) =>
        database.EnumerateAsync<SubjectRightsRequest>(database.Sql.RequestsBySubject, c => c.AddParameter("@subject", subject.Value), "list subject-rights requests", cancellationToken);

    public IAsyncEnumerable<SubjectRightsRequest> GetOpenAsync(CancellationToken cancellationToken) =>
        database.EnumerateAsync<SubjectRightsRequest>(database.Sql.OpenRequests, static _ => { }, "list open subject-rights requests", cancellationToken);

    private static void Validate(SubjectRightsRequest request, string paramName)
    {
        ArgumentNullException.ThrowIfNull(request, paramName);
        ArgumentNullException.ThrowIfNull(request.Scope, "request.Scope");
        ArgumentNullException.ThrowIfNull(request.Steps, "request.Steps");
        ArgumentNullException.ThrowIfNull(request.Kept, "request.Kept");
        ArgumentNullException.ThrowIfNull(request.Obligations, "request.Obligations");
        RelationalAcceptanceStore.RequireSubject(request.Subject, "SubjectRightsRequest.Subject", paramName);
    }

    private static void BindKey(DbCommand command, SubjectRightsRequest request)
    {
        command.AddParameter("@subject", request.Subject.Value);
        command.AddParameter("@kind", (long)request.Kind);
        command.AddParameter("@scope", ScopeKey(request.Scope));
    }

    private static void BindColumns(DbCommand command, SubjectRightsRequest request, long version)
    {
        BindKey(command, request);
        command.AddParameter("@id", request.Id.ToString());
        command.AddParameter("@open", request.IsOpen ? 1L : 0L);
        command.AddParameter("@received", StoreJson.Ticks(request.ReceivedAt));
        command.AddParameter("@deadline", StoreJson.Ticks(request.Deadline));
        command.AddParameter("@version", version);
        command.AddParameter("@payload", StoreJson.Serialize(request));
    }

    // The scope is free text of any length: its hash keeps the unique index small. Hashing the UTF-16 code units (not
    // UTF-8) keeps two scopes that differ only in a lone surrogate distinct.
    private static string ScopeKey(string scope) =>
        Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(scope.AsSpan())));
}

/// <summary>
/// Legal holds, one row each. A release sets only the indexed <c>released_at</c> column: the payload is read back only
/// while the hold is active, when its <see cref="LegalHold.ReleasedAt"/> is still empty.
/// </summary>
internal sealed class RelationalLegalHoldStore(RelationalDatabase database) : ILegalHoldStore
{
    public async ValueTask PlaceAsync(LegalHold hold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hold);
        ArgumentNullException.ThrowIfNull(hold.Reference, "hold.Reference");
        ArgumentNullException.ThrowIfNull(hold.Reason, "hold.Reason");
        ArgumentNullException.ThrowIfNull(hold.Categories, "hold.Categories");
        RelationalAcceptanceStore.RequireSubject(hold.Subject, "LegalHold.Subject", nameof(hold));

        // A hold already stored under this id is kept as it is (the contract's no-op).
        await database.ExecuteAsync(
            database.Sql.InsertHold,
            c =>
            {
                c.AddParameter("@id", hold.Id.ToString("D"));
                c.AddParameter("@subject", hold.Subject.Value);
                c.AddParameter("@placed", StoreJson.Ticks(hold.PlacedAt));
                c.AddParameter("@released", hold.ReleasedAt is { } released ? StoreJson.Ticks(released) : null);
                c.AddParameter("@payload", StoreJson.Serialize(hold));
            },
            "place a legal hold",
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> ReleaseAsync(Guid id, DateTimeOffset releasedAt, CancellationToken cancellationToken)
    {
        var changed = await database.ExecuteAsync(
            database.Sql.ReleaseHold,
            c =>
            {
                c.AddParameter("@id", id.ToString("D"));
                c.AddParameter("@released", StoreJson.Ticks(releasedAt));
            },
            "release a legal hold",
            cancellationToken).ConfigureAwait(false);
        return changed == 1;
    }

    public IAsyncEnumerable<LegalHold> GetActiveAsync(SubjectId subject, CancellationToken cancellationToken) =>
        database.EnumerateAsync<LegalHold>(database.Sql.ActiveHolds, c => c.AddParameter("@subject", subject.Value), "list legal holds", cancellationToken);
}

/// <summary>
/// Subjects' wrapped data keys in columns (the key as bytes); the subject is the primary key, so
/// <see cref="GetOrAddAsync"/> is an insert that does nothing when a key exists, then a read.
/// </summary>
internal sealed class RelationalSubjectKeyStore(RelationalDatabase database) : ISubjectKeyStore
{
    // A key deleted between a losing insert and its read-back is retried, once more than that is contention.
    private const int MaxAddAttempts = 3;

    public async ValueTask<WrappedSubjectKey?> FindAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var keys = await database.QueryAsync(database.Sql.FindKey, c => c.AddParameter("@subject", subject.Value), ReadKey, "find a subject key", cancellationToken).ConfigureAwait(false);
        return keys.Count == 0 ? null : keys[0];
    }

    public async ValueTask<WrappedSubjectKey> GetOrAddAsync(WrappedSubjectKey candidate, CancellationToken cancellationToken)
    {
        Validate(candidate, nameof(candidate));
        for (var attempt = 1; ; attempt++)
        {
            var inserted = await database.ExecuteAsync(database.Sql.InsertKey, c => BindKey(c, candidate), "store a subject key", cancellationToken).ConfigureAwait(false);
            if (inserted == 1)
            {
                return candidate;
            }

            if (await FindAsync(candidate.Subject, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                return existing;
            }

            if (attempt == MaxAddAttempts)
            {
                throw new PrivacyStoreException($"The {database.ProviderName} store could not store a subject key: it kept being deleted.");
            }
        }
    }

    public async ValueTask<bool> TryReplaceAsync(WrappedSubjectKey expected, WrappedSubjectKey updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Validate(updated, nameof(updated));
        if (expected.Subject != updated.Subject)
        {
            throw new ArgumentException("The re-wrapped key must belong to the same subject.", nameof(updated));
        }

        // Compare-and-swap on the KEK version and the wrapped bytes in one statement: a concurrent rotation or a
        // shred in between makes this one lose.
        var changed = await database.ExecuteAsync(
            database.Sql.ReplaceKey,
            c =>
            {
                BindKey(c, updated);
                c.AddParameter("@expectedKek", (long)expected.KekVersion);
                c.AddParameter("@expectedKey", expected.WrappedKey.ToArray());
            },
            "replace a subject key",
            cancellationToken).ConfigureAwait(false);
        return changed == 1;
    }

    public IAsyncEnumerable<WrappedSubjectKey> GetWrappedBelowAsync(int kekVersion, CancellationToken cancellationToken) =>
        database.EnumerateAsync(database.Sql.KeysBelow, c => c.AddParameter("@kek", (long)kekVersion), ReadKey, "list subject keys to re-wrap", cancellationToken);

    public async ValueTask<bool> DeleteAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        // store.subject-delete: the row goes, so the plaintext key can never be unwrapped again. The scrub runs even
        // when nothing was deleted, so a retried erasure removes what an interrupted one left in the log.
        var deleted = await database.ExecuteAsync(database.Sql.DeleteKey, c => c.AddParameter("@subject", subject.Value), "delete a subject key", cancellationToken).ConfigureAwait(false);
        await database.ScrubDeletedAsync(cancellationToken).ConfigureAwait(false);
        return deleted == 1;
    }

    private static void Validate(WrappedSubjectKey key, string paramName)
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        RelationalAcceptanceStore.RequireSubject(key.Subject, "WrappedSubjectKey.Subject", paramName);
    }

    private static void BindKey(DbCommand command, WrappedSubjectKey key)
    {
        command.AddParameter("@subject", key.Subject.Value);
        command.AddParameter("@kek", (long)key.KekVersion);
        command.AddParameter("@key", key.WrappedKey.ToArray());
        command.AddParameter("@created", StoreJson.Ticks(key.CreatedAt));
        command.AddParameter("@offset", (long)key.CreatedAt.Offset.TotalMinutes);
    }

    private static WrappedSubjectKey ReadKey(DbDataReader row)
    {
        var offset = TimeSpan.FromMinutes(row.GetInt64(4));
        var created = new DateTimeOffset(row.GetInt64(3), TimeSpan.Zero).ToOffset(offset);
        return new WrappedSubjectKey(new SubjectId(row.GetString(0)), checked((int)row.GetInt64(1)), row.GetFieldValue<byte[]>(2), created);
    }
}
