using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// The request bookkeeping every subject-rights part shares: open (or reuse) the subject's open request, run one step
/// counting its attempts, save the steps with the status they add up to. A request is never completed while a step
/// failed or is pending. Logs under the <see cref="SubjectRightsService"/> category, the one hosts already filter on.
/// </summary>
internal sealed partial class SubjectRightsRequests
{
    private readonly ISubjectRightsRequestStore _store;
    private readonly TimeSpan _responsePeriod;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SubjectRightsRequests(ISubjectRightsRequestStore store, IOptions<SubjectRightsOptions> options, TimeProvider time, ILogger<SubjectRightsService>? logger = null)
    {
        _store = store;
        _responsePeriod = options.Value.ResponsePeriod;
        _time = time;
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>Finds a request by id.</summary>
    public ValueTask<SubjectRightsRequest?> FindAsync(SubjectRightsRequestId id, CancellationToken cancellationToken) =>
        _store.FindAsync(id, cancellationToken);

    /// <summary>Opens a request, or returns the subject's open request of the same kind and scope (the retry).</summary>
    public async ValueTask<SubjectRightsRequest> OpenAsync(SubjectId subject, SubjectRightsRequestKind kind, string scope, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var candidate = new SubjectRightsRequest
        {
            Id = SubjectRightsRequestId.New(),
            Subject = subject,
            Kind = kind,
            Scope = scope,
            Status = SubjectRightsRequestStatus.Received,
            ReceivedAt = now,
            Deadline = now + _responsePeriod,
        };
        return await _store.AddOrGetOpenAsync(candidate, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Saves a run's steps (and for an erasure what was kept and the obligations emitted) as the request's next version;
    /// a completed erasure is sealed by the store (<see cref="ISubjectRightsRequestStore.TryUpdateAsync"/>).
    /// </summary>
    /// <exception cref="PrivacyStoreException">Another run changed the request meanwhile.</exception>
    public async ValueTask<SubjectRightsRequest> SaveStepsAsync(
        SubjectRightsRequest request,
        IReadOnlyList<SubjectRightsStepResult> steps,
        IReadOnlyList<KeptRecord> kept,
        IReadOnlyList<ReturnOrDeleteObligation> obligations,
        CancellationToken cancellationToken)
    {
        var status = StatusOf(steps);
        var updated = request with
        {
            Steps = steps,
            Kept = kept,
            Obligations = obligations,
            Status = status,
            CompletedAt = status == SubjectRightsRequestStatus.Completed ? _time.GetUtcNow() : null,
            Version = request.Version + 1,
        };
        if (!await _store.TryUpdateAsync(request, updated, cancellationToken).ConfigureAwait(false))
        {
            throw new PrivacyStoreException($"Subject-rights request {request.Id} was changed concurrently; run it again.");
        }

        if (status != SubjectRightsRequestStatus.Completed)
        {
            LogRequestOpen(_logger, request.Id.ToString(), request.Kind, status);
        }

        return updated;
    }

    /// <summary>What a request's steps add up to: completed only when none failed or is pending.</summary>
    public static SubjectRightsRequestStatus StatusOf(IReadOnlyList<SubjectRightsStepResult> steps)
    {
        var failed = steps.Any(s => s.Status == SubjectRightsStepStatus.Failed);
        var pending = steps.Any(s => s.Status == SubjectRightsStepStatus.Pending);
        var done = steps.Any(s => s.Status is SubjectRightsStepStatus.Succeeded or SubjectRightsStepStatus.NotApplicable);
        return (failed, pending, done) switch
        {
            (false, false, _) => SubjectRightsRequestStatus.Completed,
            (true, _, true) => SubjectRightsRequestStatus.PartiallyCompleted,
            (true, _, false) => SubjectRightsRequestStatus.Failed,
            _ => SubjectRightsRequestStatus.InProgress,
        };
    }

    /// <summary>
    /// Runs one step unless an earlier run already finished it (or <paramref name="rerunSucceeded"/>). The action returns
    /// the categories it touched, or <see langword="null"/> when the step did not apply. A failure is a failed step, not
    /// an exception: the request stays open for a retry.
    /// </summary>
    public async ValueTask<SubjectRightsStepResult> RunAsync(
        SubjectRightsStepResult? previous,
        string name,
        Func<ValueTask<IReadOnlyList<DataCategory>?>> action,
        CancellationToken cancellationToken,
        bool rerunSucceeded = false)
    {
        if (!rerunSucceeded && previous is { Status: SubjectRightsStepStatus.Succeeded or SubjectRightsStepStatus.NotApplicable })
        {
            return previous;
        }

        var attempts = (previous?.Attempts ?? 0) + 1;
        try
        {
            var categories = await action().ConfigureAwait(false);
            return categories is null
                ? new SubjectRightsStepResult(name, SubjectRightsStepStatus.NotApplicable, [], _time.GetUtcNow(), null, attempts)
                : new SubjectRightsStepResult(name, SubjectRightsStepStatus.Succeeded, categories, _time.GetUtcNow(), null, attempts);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Only the type is logged, never the exception object: a step runs the host's personal data sources, whose
            // messages may quote the very values being exported, corrected or erased. The step result keeps the type too.
            LogStepFailed(_logger, name, ex.GetType().Name);
            return new SubjectRightsStepResult(name, SubjectRightsStepStatus.Failed, [], _time.GetUtcNow(), ex.GetType().Name, attempts);
        }
    }

    /// <summary>A step with nothing to do for this request (a source that holds none of the categories).</summary>
    public SubjectRightsStepResult NotApplicable(string name, SubjectRightsStepResult? previous) =>
        new(name, SubjectRightsStepStatus.NotApplicable, [], _time.GetUtcNow(), null, previous?.Attempts ?? 0);

    /// <summary>The step of that name an earlier run of the request left, if any.</summary>
    public static SubjectRightsStepResult? Find(IReadOnlyList<SubjectRightsStepResult> steps, string name)
    {
        foreach (var step in steps)
        {
            if (string.Equals(step.Source, name, StringComparison.Ordinal))
            {
                return step;
            }
        }

        return null;
    }

    /// <summary>The subject's requests, sealed ones included, as the export lists them.</summary>
    public async ValueTask<List<ExportedRequest>> ReadForExportAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var list = new List<ExportedRequest>();
        await foreach (var r in _store.GetBySubjectAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            list.Add(new ExportedRequest(r.Id.ToString(), r.Kind.ToString(), r.Status.ToString(), r.ReceivedAt, r.Deadline, r.CompletedAt));
        }

        return list;
    }

    /// <summary>Collects an asynchronous sequence.</summary>
    public static async ValueTask<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items.ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }

    [LoggerMessage(EventId = 8001, EventName = "SubjectRightsStepFailed", Level = LogLevel.Warning, Message = "Subject-rights step {Step} failed with {ErrorKind}; the request stays open for retry.")]
    private static partial void LogStepFailed(ILogger logger, string step, string errorKind);

    [LoggerMessage(EventId = 8002, EventName = "SubjectRightsRequestStatus", Level = LogLevel.Information, Message = "Subject-rights request {RequestId} ({Kind}) is {Status}.")]
    private static partial void LogRequestOpen(ILogger logger, string requestId, SubjectRightsRequestKind kind, SubjectRightsRequestStatus status);
}
