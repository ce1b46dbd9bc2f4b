using System.Collections.Concurrent;
using System.Text;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Stores.Broken;

/// <summary>A legal hold store over the in-memory one; each broken store below changes one behaviour.</summary>
internal class LegalHoldStoreOver : ILegalHoldStore
{
    protected InMemoryLegalHoldStore Inner { get; } = new();

    public virtual ValueTask PlaceAsync(LegalHold hold, CancellationToken cancellationToken) => Inner.PlaceAsync(hold, cancellationToken);

    public virtual ValueTask<bool> ReleaseAsync(Guid id, DateTimeOffset releasedAt, CancellationToken cancellationToken) => Inner.ReleaseAsync(id, releasedAt, cancellationToken);

    public virtual IAsyncEnumerable<LegalHold> GetActiveAsync(SubjectId subject, CancellationToken cancellationToken) => Inner.GetActiveAsync(subject, cancellationToken);
}

/// <summary>Acknowledges every hold and keeps none.</summary>
internal sealed class DropsHolds : LegalHoldStoreOver
{
    public override ValueTask PlaceAsync(LegalHold hold, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Replaces a hold placed again under its id with the newer text.</summary>
internal sealed class ReplacesHoldsPlacedAgain : LegalHoldStoreOver
{
    private readonly ConcurrentDictionary<Guid, LegalHold> _latest = new();

    public override async ValueTask PlaceAsync(LegalHold hold, CancellationToken cancellationToken)
    {
        await base.PlaceAsync(hold, cancellationToken);
        _latest[hold.Id] = hold;
    }

    public override IAsyncEnumerable<LegalHold> GetActiveAsync(SubjectId subject, CancellationToken cancellationToken) =>
        base.GetActiveAsync(subject, cancellationToken).Select(h => _latest.TryGetValue(h.Id, out var latest) ? latest : h);
}

/// <summary>Reports every release of a hold it knows as done, even a hold released already.</summary>
internal sealed class ReleasesHoldsAgain : LegalHoldStoreOver
{
    private readonly ConcurrentDictionary<Guid, bool> _placed = new();

    public override async ValueTask PlaceAsync(LegalHold hold, CancellationToken cancellationToken)
    {
        await base.PlaceAsync(hold, cancellationToken);
        _placed[hold.Id] = true;
    }

    public override async ValueTask<bool> ReleaseAsync(Guid id, DateTimeOffset releasedAt, CancellationToken cancellationToken)
    {
        await base.ReleaseAsync(id, releasedAt, cancellationToken);
        return _placed.ContainsKey(id);
    }
}

/// <summary>Drops the release instant of a hold placed already released, so it becomes active.</summary>
internal sealed class ActivatesReleasedHolds : LegalHoldStoreOver
{
    public override ValueTask PlaceAsync(LegalHold hold, CancellationToken cancellationToken) =>
        base.PlaceAsync(hold is null ? hold! : hold with { ReleasedAt = null }, cancellationToken);
}

/// <summary>Lists active holds newest first.</summary>
internal sealed class ListsHoldsNewestFirst : LegalHoldStoreOver
{
    public override IAsyncEnumerable<LegalHold> GetActiveAsync(SubjectId subject, CancellationToken cancellationToken) =>
        Inner.GetActiveAsync(subject, cancellationToken).ToBlockingEnumerable(cancellationToken).Reverse().ToAsyncEnumerable();
}

/// <summary>Stores subjects in Unicode normal form C, as a normalising collation would.</summary>
internal sealed class NormalisesHoldSubjects : LegalHoldStoreOver
{
    public override ValueTask PlaceAsync(LegalHold hold, CancellationToken cancellationToken) =>
        base.PlaceAsync(hold is null || hold.Subject.IsEmpty ? hold! : hold with { Subject = Normalise(hold.Subject) }, cancellationToken);

    public override IAsyncEnumerable<LegalHold> GetActiveAsync(SubjectId subject, CancellationToken cancellationToken) =>
        base.GetActiveAsync(Normalise(subject), cancellationToken);

    private static SubjectId Normalise(SubjectId subject) => new(subject.Value.Normalize(NormalizationForm.FormC));
}

/// <summary>Silently skips a hold without a reason instead of rejecting it.</summary>
internal sealed class SkipsHoldsWithoutReason : LegalHoldStoreOver
{
    public override ValueTask PlaceAsync(LegalHold hold, CancellationToken cancellationToken) =>
        hold is { Reason: null } ? ValueTask.CompletedTask : base.PlaceAsync(hold, cancellationToken);
}

/// <summary>Ignores the cancellation token when writing.</summary>
internal sealed class LegalHoldStoreIgnoringCancellation : LegalHoldStoreOver
{
    public override ValueTask PlaceAsync(LegalHold hold, CancellationToken cancellationToken) => base.PlaceAsync(hold, CancellationToken.None);
}

/// <summary>A subject-rights request store over the in-memory one; each broken store below changes one behaviour.</summary>
internal class SubjectRightsRequestStoreOver : ISubjectRightsRequestStore
{
    protected InMemorySubjectRightsRequestStore Inner { get; } = new();

    public virtual ValueTask<SubjectRightsRequest> AddOrGetOpenAsync(SubjectRightsRequest request, CancellationToken cancellationToken) => Inner.AddOrGetOpenAsync(request, cancellationToken);

    public virtual ValueTask<SubjectRightsRequest?> FindAsync(SubjectRightsRequestId id, CancellationToken cancellationToken) => Inner.FindAsync(id, cancellationToken);

    public virtual ValueTask<bool> TryUpdateAsync(SubjectRightsRequest expected, SubjectRightsRequest updated, CancellationToken cancellationToken) => Inner.TryUpdateAsync(expected, updated, cancellationToken);

    public virtual IAsyncEnumerable<SubjectRightsRequest> GetBySubjectAsync(SubjectId subject, CancellationToken cancellationToken) => Inner.GetBySubjectAsync(subject, cancellationToken);

    public virtual IAsyncEnumerable<SubjectRightsRequest> GetOpenAsync(CancellationToken cancellationToken) => Inner.GetOpenAsync(cancellationToken);
}

/// <summary>Acknowledges every request and keeps none.</summary>
internal sealed class DropsRequests : SubjectRightsRequestStoreOver
{
    public override ValueTask<SubjectRightsRequest> AddOrGetOpenAsync(SubjectRightsRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(request);
}

/// <summary>Returns the request it was given even when an open duplicate was stored before it.</summary>
internal sealed class HidesOpenDuplicates : SubjectRightsRequestStoreOver
{
    public override async ValueTask<SubjectRightsRequest> AddOrGetOpenAsync(SubjectRightsRequest request, CancellationToken cancellationToken)
    {
        await base.AddOrGetOpenAsync(request, cancellationToken);
        return request;
    }
}

/// <summary>Treats a closed request as a duplicate too, so the same request can never be made again.</summary>
internal sealed class DeduplicatesClosedRequests : SubjectRightsRequestStoreOver
{
    public override async ValueTask<SubjectRightsRequest> AddOrGetOpenAsync(SubjectRightsRequest request, CancellationToken cancellationToken)
    {
        if (request is { Subject.IsEmpty: false, Scope: not null })
        {
            await foreach (var existing in Inner.GetBySubjectAsync(request.Subject, cancellationToken))
            {
                if (existing.Kind == request.Kind && string.Equals(existing.Scope, request.Scope, StringComparison.Ordinal))
                {
                    return existing;
                }
            }
        }

        return await base.AddOrGetOpenAsync(request, cancellationToken);
    }
}

/// <summary>Answers a stored id that is not an open duplicate with the stored request instead of refusing it.</summary>
internal sealed class ReturnsStoredIdSilently : SubjectRightsRequestStoreOver
{
    public override async ValueTask<SubjectRightsRequest> AddOrGetOpenAsync(SubjectRightsRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.AddOrGetOpenAsync(request, cancellationToken);
        }
        catch (PrivacyStoreException)
        {
            return (await Inner.FindAsync(request.Id, cancellationToken))!;
        }
    }
}

/// <summary>Updates whatever is stored, ignoring the copy the caller read (last writer wins).</summary>
internal sealed class UpdatesRequestsWithoutConcurrencyCheck : SubjectRightsRequestStoreOver
{
    public override async ValueTask<bool> TryUpdateAsync(SubjectRightsRequest expected, SubjectRightsRequest updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(updated);
        if (expected.Id != updated.Id || updated.Version != expected.Version + 1)
        {
            throw new ArgumentException("The updated request must keep the id and carry the next version.", nameof(updated));
        }

        while (await Inner.FindAsync(expected.Id, cancellationToken) is { } current)
        {
            if (await Inner.TryUpdateAsync(current, updated with { Version = current.Version + 1 }, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Stores an update of a request it does not hold (an upsert).</summary>
internal sealed class UpsertsRequests : SubjectRightsRequestStoreOver
{
    public override async ValueTask<bool> TryUpdateAsync(SubjectRightsRequest expected, SubjectRightsRequest updated, CancellationToken cancellationToken)
    {
        if (await Inner.FindAsync(expected.Id, cancellationToken) is null)
        {
            await Inner.AddOrGetOpenAsync(updated, cancellationToken);
            return true;
        }

        return await base.TryUpdateAsync(expected, updated, cancellationToken);
    }
}

/// <summary>Gives a sealed request its subject back when read, as a store that keeps the subject beside the hash would.</summary>
internal sealed class UnsealsErasedRequests : SubjectRightsRequestStoreOver
{
    private readonly ConcurrentDictionary<SubjectRightsRequestId, SubjectId> _subjects = new();

    public override async ValueTask<SubjectRightsRequest> AddOrGetOpenAsync(SubjectRightsRequest request, CancellationToken cancellationToken)
    {
        var stored = await base.AddOrGetOpenAsync(request, cancellationToken);
        _subjects.TryAdd(stored.Id, stored.Subject);
        return stored;
    }

    public override async ValueTask<SubjectRightsRequest?> FindAsync(SubjectRightsRequestId id, CancellationToken cancellationToken) =>
        await base.FindAsync(id, cancellationToken) is { Subject.IsEmpty: true } sealedRequest && _subjects.TryGetValue(id, out var subject)
            ? sealedRequest with { Subject = subject }
            : await base.FindAsync(id, cancellationToken);
}

/// <summary>Finds a subject's requests by the stored subject only, losing the sealed ones after an erasure.</summary>
internal sealed class LosesSealedRequests : SubjectRightsRequestStoreOver
{
    public override IAsyncEnumerable<SubjectRightsRequest> GetBySubjectAsync(SubjectId subject, CancellationToken cancellationToken) =>
        base.GetBySubjectAsync(subject, cancellationToken).Where(r => r.Subject == subject);
}

/// <summary>Lists a subject's requests newest first.</summary>
internal sealed class ListsRequestsNewestFirst : SubjectRightsRequestStoreOver
{
    public override IAsyncEnumerable<SubjectRightsRequest> GetBySubjectAsync(SubjectId subject, CancellationToken cancellationToken) =>
        Inner.GetBySubjectAsync(subject, cancellationToken).ToBlockingEnumerable(cancellationToken).Reverse().ToAsyncEnumerable();
}

/// <summary>Lists open requests in the order they were received rather than by deadline.</summary>
internal sealed class ListsOpenRequestsByReceipt : SubjectRightsRequestStoreOver
{
    public override IAsyncEnumerable<SubjectRightsRequest> GetOpenAsync(CancellationToken cancellationToken) =>
        Inner.GetOpenAsync(cancellationToken).ToBlockingEnumerable(cancellationToken).OrderBy(r => r.ReceivedAt).ToAsyncEnumerable();
}

/// <summary>Compares scopes after Unicode normalisation, as a normalising collation would.</summary>
internal sealed class NormalisesRequestScopes : SubjectRightsRequestStoreOver
{
    public override async ValueTask<SubjectRightsRequest> AddOrGetOpenAsync(SubjectRightsRequest request, CancellationToken cancellationToken)
    {
        if (request is { Subject.IsEmpty: false, Scope: not null })
        {
            await foreach (var existing in Inner.GetBySubjectAsync(request.Subject, cancellationToken))
            {
                if (existing.IsOpen && existing.Kind == request.Kind
                    && string.Equals(existing.Scope.Normalize(NormalizationForm.FormC), request.Scope.Normalize(NormalizationForm.FormC), StringComparison.Ordinal))
                {
                    return existing;
                }
            }
        }

        return await base.AddOrGetOpenAsync(request, cancellationToken);
    }
}

/// <summary>Drops the records kept from an erasure when storing the evidence of a run.</summary>
internal sealed class DropsKeptRecords : SubjectRightsRequestStoreOver
{
    public override ValueTask<bool> TryUpdateAsync(SubjectRightsRequest expected, SubjectRightsRequest updated, CancellationToken cancellationToken) =>
        base.TryUpdateAsync(expected, updated is null ? updated! : updated with { Kept = [] }, cancellationToken);
}

/// <summary>Silently skips a request without a scope instead of rejecting it.</summary>
internal sealed class SkipsRequestsWithoutScope : SubjectRightsRequestStoreOver
{
    public override ValueTask<SubjectRightsRequest> AddOrGetOpenAsync(SubjectRightsRequest request, CancellationToken cancellationToken) =>
        request is { Scope: null } ? ValueTask.FromResult(request) : base.AddOrGetOpenAsync(request, cancellationToken);
}

/// <summary>Ignores the cancellation token when writing.</summary>
internal sealed class SubjectRightsRequestStoreIgnoringCancellation : SubjectRightsRequestStoreOver
{
    public override ValueTask<SubjectRightsRequest> AddOrGetOpenAsync(SubjectRightsRequest request, CancellationToken cancellationToken) => base.AddOrGetOpenAsync(request, CancellationToken.None);
}
