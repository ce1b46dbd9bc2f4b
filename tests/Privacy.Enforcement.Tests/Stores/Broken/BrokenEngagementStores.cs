using System.Text;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Stores.Broken;

/// <summary>An engagement store over the in-memory one; each broken store below changes one behaviour.</summary>
internal class EngagementStoreOver : IEngagementStore
{
    protected InMemoryEngagementStore Inner { get; } = new();

    public virtual ValueTask CreateAsync(ServiceEngagement engagement, CancellationToken cancellationToken) => Inner.CreateAsync(engagement, cancellationToken);

    public virtual ValueTask<ServiceEngagement?> FindAsync(EngagementId id, CancellationToken cancellationToken) => Inner.FindAsync(id, cancellationToken);

    public virtual ValueTask<bool> TryUpdateAsync(ServiceEngagement expected, ServiceEngagement updated, CancellationToken cancellationToken) => Inner.TryUpdateAsync(expected, updated, cancellationToken);

    public virtual IAsyncEnumerable<ServiceEngagement> GetByProviderAsync(RecipientId provider, CancellationToken cancellationToken) => Inner.GetByProviderAsync(provider, cancellationToken);

    public virtual IAsyncEnumerable<ServiceEngagement> GetBySubjectAsync(SubjectId subject, CancellationToken cancellationToken) => Inner.GetBySubjectAsync(subject, cancellationToken);

    public virtual IAsyncEnumerable<ServiceEngagement> GetEndedAsync(DateTimeOffset until, CancellationToken cancellationToken) => Inner.GetEndedAsync(until, cancellationToken);

    public virtual ValueTask<DateTimeOffset?> GetNextEndAsync(DateTimeOffset after, CancellationToken cancellationToken) => ((IEngagementStore)Inner).GetNextEndAsync(after, cancellationToken);
}

/// <summary>Acknowledges every engagement and keeps none.</summary>
internal sealed class DropsEngagements : EngagementStoreOver
{
    public override ValueTask CreateAsync(ServiceEngagement engagement, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Overwrites an engagement created again under its id instead of refusing it.</summary>
internal sealed class OverwritesEngagements : EngagementStoreOver
{
    public override async ValueTask CreateAsync(ServiceEngagement engagement, CancellationToken cancellationToken)
    {
        var existing = await Inner.FindAsync(engagement.Id, cancellationToken);
        if (existing is null)
        {
            await Inner.CreateAsync(engagement, cancellationToken);
        }
        else
        {
            await Inner.TryUpdateAsync(existing, engagement, cancellationToken);
        }
    }
}

/// <summary>Updates whatever is stored, ignoring the copy the caller read (last writer wins).</summary>
internal sealed class UpdatesEngagementsWithoutConcurrencyCheck : EngagementStoreOver
{
    public override async ValueTask<bool> TryUpdateAsync(ServiceEngagement expected, ServiceEngagement updated, CancellationToken cancellationToken)
    {
        while (await Inner.FindAsync(expected.Id, cancellationToken) is { } current)
        {
            if (await Inner.TryUpdateAsync(current, updated, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Creates an engagement it is asked to update but does not hold, under whatever id the update carries (an upsert).</summary>
internal sealed class UpsertsEngagements : EngagementStoreOver
{
    public override async ValueTask<bool> TryUpdateAsync(ServiceEngagement expected, ServiceEngagement updated, CancellationToken cancellationToken)
    {
        if (await Inner.FindAsync(expected.Id, cancellationToken) is null)
        {
            await Inner.CreateAsync(updated, cancellationToken);
            return true;
        }

        return await Inner.TryUpdateAsync(expected, updated, cancellationToken);
    }
}

/// <summary>Lists an engagement as ended while its deletion is already confirmed.</summary>
internal sealed class ListsConfirmedEngagementsAsEnded : EngagementStoreOver
{
    private readonly List<EngagementId> _ids = [];

    public override async ValueTask CreateAsync(ServiceEngagement engagement, CancellationToken cancellationToken)
    {
        await base.CreateAsync(engagement, cancellationToken);
        _ids.Add(engagement.Id);
    }

    public override async IAsyncEnumerable<ServiceEngagement> GetEndedAsync(DateTimeOffset until, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var id in _ids.ToArray())
        {
            if (await Inner.FindAsync(id, cancellationToken) is { EffectiveEnd: { } end } engagement && end <= until)
            {
                yield return engagement;
            }
        }
    }
}

/// <summary>Lists only engagements naming the subject, leaving out those covering every subject.</summary>
internal sealed class ListsOnlyNamedSubjects : EngagementStoreOver
{
    public override IAsyncEnumerable<ServiceEngagement> GetBySubjectAsync(SubjectId subject, CancellationToken cancellationToken) =>
        Inner.GetBySubjectAsync(subject, cancellationToken).Where(e => e.Subjects.Contains(subject));
}

/// <summary>Wakes the end monitor for every unconfirmed end, even one whose obligation was already emitted.</summary>
internal sealed class WakesOnEmittedEnds : EngagementStoreOver
{
    public override async ValueTask<DateTimeOffset?> GetNextEndAsync(DateTimeOffset after, CancellationToken cancellationToken)
    {
        DateTimeOffset? next = null;
        await foreach (var engagement in Inner.GetEndedAsync(DateTimeOffset.MaxValue, cancellationToken))
        {
            if (engagement.EffectiveEnd is { } end && end > after && (next is null || end < next))
            {
                next = end;
            }
        }

        return next;
    }
}

/// <summary>Matches subjects after Unicode normalisation, as a normalising collation would.</summary>
internal sealed class NormalisesEngagementSubjects : EngagementStoreOver
{
    private readonly List<EngagementId> _ids = [];

    public override async ValueTask CreateAsync(ServiceEngagement engagement, CancellationToken cancellationToken)
    {
        await base.CreateAsync(engagement, cancellationToken);
        _ids.Add(engagement.Id);
    }

    public override async IAsyncEnumerable<ServiceEngagement> GetBySubjectAsync(SubjectId subject, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var wanted = subject.Value.Normalize(NormalizationForm.FormC);
        foreach (var id in _ids.ToArray())
        {
            if (await Inner.FindAsync(id, cancellationToken) is { } engagement
                && (engagement.AllSubjects || engagement.Subjects.Any(s => string.Equals(s.Value.Normalize(NormalizationForm.FormC), wanted, StringComparison.Ordinal))))
            {
                yield return engagement;
            }
        }
    }
}

/// <summary>Ignores the cancellation token when writing.</summary>
internal sealed class EngagementStoreIgnoringCancellation : EngagementStoreOver
{
    public override ValueTask CreateAsync(ServiceEngagement engagement, CancellationToken cancellationToken) => base.CreateAsync(engagement, CancellationToken.None);
}

/// <summary>Lists an engagement without an end as ended, as a store keeping a missing end as the earliest instant would.</summary>
internal sealed class ListsOpenEndedEngagementsAsEnded : EngagementStoreOver
{
    private readonly List<EngagementId> _ids = [];

    public override async ValueTask CreateAsync(ServiceEngagement engagement, CancellationToken cancellationToken)
    {
        await base.CreateAsync(engagement, cancellationToken);
        _ids.Add(engagement.Id);
    }

    public override async IAsyncEnumerable<ServiceEngagement> GetEndedAsync(DateTimeOffset until, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var id in _ids.ToArray())
        {
            if (await Inner.FindAsync(id, cancellationToken) is { DeletionConfirmedAt: null } engagement && (engagement.EffectiveEnd ?? DateTimeOffset.MinValue) <= until)
            {
                yield return engagement;
            }
        }
    }
}

/// <summary>Keeps listing an engagement as ended after an update confirmed its deletion, as a store whose update leaves the confirmation column as created would.</summary>
internal sealed class IgnoresConfirmationByUpdate : EngagementStoreOver
{
    private readonly Dictionary<EngagementId, ServiceEngagement> _created = [];

    public override async ValueTask CreateAsync(ServiceEngagement engagement, CancellationToken cancellationToken)
    {
        await base.CreateAsync(engagement, cancellationToken);
        _created[engagement.Id] = engagement;
    }

    public override async IAsyncEnumerable<ServiceEngagement> GetEndedAsync(DateTimeOffset until, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var (id, created) in _created.ToArray())
        {
            if (created.DeletionConfirmedAt is null && await Inner.FindAsync(id, cancellationToken) is { EffectiveEnd: { } end } engagement && end <= until)
            {
                yield return engagement;
            }
        }
    }
}
