using System.Text.Json;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// Answers an access request (<c>store.subject-access</c>): reads every source, the library's own records and the
/// disclosure ledger, each a resumable step, into one export. Credentials are listed as held, never shown
/// (<c>store.account-security</c>); a failed source leaves the request open and the export incomplete.
/// </summary>
internal sealed class SubjectDataExporter
{
    private readonly PersonalDataSources _sources;
    private readonly SubjectRightsRequests _requests;
    private readonly SubjectRightsEvents _events;
    private readonly SubjectRecordReader _records;
    private readonly DisclosureLedger _ledger;
    private readonly TimeProvider _time;

    public SubjectDataExporter(PersonalDataSources sources, SubjectRightsRequests requests, SubjectRightsEvents events, SubjectRecordReader records, DisclosureLedger ledger, TimeProvider time)
    {
        _sources = sources;
        _requests = requests;
        _events = events;
        _records = records;
        _ledger = ledger;
        _time = time;
    }

    public async ValueTask<SubjectAccessResult> AccessAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var request = await _requests.OpenAsync(subject, SubjectRightsRequestKind.Access, string.Empty, cancellationToken).ConfigureAwait(false);
        var pseudonym = await _events.PseudonymAsync(subject, cancellationToken).ConfigureAwait(false);
        await _events.RecordAsync(request, "subject-rights.access.received", pseudonym, [], [], cancellationToken).ConfigureAwait(false);

        var steps = new List<SubjectRightsStepResult>();
        var exportedSources = new List<ExportedSource>(_sources.All.Length);
        foreach (var source in _sources.All)
        {
            var previous = SubjectRightsRequests.Find(request.Steps, source.Name);
            IReadOnlyDictionary<DataCategory, JsonElement>? data = null;
            var step = await _requests.RunAsync(previous, source.Name, async () =>
            {
                data = await source.ReadAsync(subject, cancellationToken).ConfigureAwait(false);
                return [.. data.Keys];
            }, cancellationToken).ConfigureAwait(false);
            steps.Add(step);
            exportedSources.Add(ExportSource(source, step, data));
        }

        SubjectDataExport? records = null;
        steps.Add(await _requests.RunAsync(SubjectRightsRequests.Find(request.Steps, SubjectRightsStepNames.Records), SubjectRightsStepNames.Records, async () =>
        {
            records = await _records.ReadAsync(subject, cancellationToken).ConfigureAwait(false);
            return [];
        }, cancellationToken).ConfigureAwait(false));

        List<ExportedDisclosure> ledger = [];
        steps.Add(await _requests.RunAsync(SubjectRightsRequests.Find(request.Steps, SubjectRightsStepNames.DisclosureLedger), SubjectRightsStepNames.DisclosureLedger, async () =>
        {
            ledger = await _ledger.ReadAsync(pseudonym, cancellationToken).ConfigureAwait(false);
            return [];
        }, cancellationToken).ConfigureAwait(false));

        request = await _requests.SaveStepsAsync(request, steps, [], [], cancellationToken).ConfigureAwait(false);
        var requests = await _requests.ReadForExportAsync(subject, cancellationToken).ConfigureAwait(false);
        var export = (records ?? new SubjectDataExport { RequestId = string.Empty, Subject = string.Empty, GeneratedAt = default, Complete = false }) with
        {
            RequestId = request.Id.ToString(),
            Subject = subject.Value,
            GeneratedAt = _time.GetUtcNow(),
            PolicyVersion = _events.PolicyVersion,
            Complete = !request.IsOpen,
            Sources = exportedSources,
            Disclosures = ledger,
            Requests = requests,
        };

        await _events.RecordAsync(request, "subject-rights.access.answered", pseudonym, SubjectRightsEvents.Categories(steps), SubjectRightsEvents.Outcome(request), cancellationToken).ConfigureAwait(false);
        return new SubjectAccessResult(request, export);
    }

    private ExportedSource ExportSource(IPersonalDataSource source, SubjectRightsStepResult step, IReadOnlyDictionary<DataCategory, JsonElement>? data)
    {
        var shown = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        var hidden = new List<string>();
        if (data is not null)
        {
            foreach (var (category, value) in data)
            {
                // store.account-security: a credential is said to be held, never shown.
                if (_sources.IsCredential(category))
                {
                    hidden.Add(category.Value);
                }
                else
                {
                    shown[category.Value] = value;
                }
            }
        }

        hidden.Sort(StringComparer.Ordinal);
        return new ExportedSource
        {
            Name = source.Name,
            Operator = source.Operator.ToString(),
            Status = step.Status == SubjectRightsStepStatus.Failed ? "Failed" : "Succeeded",
            ErrorKind = step.ErrorKind,
            Data = shown,
            HeldNotShown = hidden,
        };
    }
}
