using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.SubjectRights;
using Privacy.Enforcement.Violations;
using Privacy.Enforcement.WebSample.Demo;

namespace Privacy.Enforcement.WebSample.Pages.Operator;

/// <summary>
/// What an operator reads: engagements, violations, open subject-rights requests, the audit trail and its
/// verification (store.integrity). The stores answer per provider and per violator, so the page asks for the parties
/// this shop declares in its policy and for its customers.
/// </summary>
public sealed class OperatorModel(
    IAuditTrailReader trail,
    IEngagementStore engagements,
    IViolationStore violations,
    ISubjectRightsRequestStore requests,
    IServiceProvider services) : Microsoft.AspNetCore.Mvc.RazorPages.PageModel
{
    private const int RecentEvents = 40;

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];

    public IReadOnlyList<ServiceEngagement> Engagements { get; private set; } = [];

    public IReadOnlyList<Violation> Violations { get; private set; } = [];

    public IReadOnlyList<SubjectRightsRequest> OpenRequests { get; private set; } = [];

    public AuditVerificationResult? Verification { get; private set; }

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task OnPostVerifyAsync(CancellationToken cancellationToken)
    {
        // The whole chain from its first event, checked against the latest checkpoint when the store keeps them.
        var checkpoint = services.GetService<ICheckpointSink>() is { } sink ? await sink.ReadLatestAsync(cancellationToken) : null;
        Verification = await AuditTrailVerifier.VerifyAsync(trail.ReadAsync(1, cancellationToken), checkpoint is null ? null : [checkpoint], options: null, cancellationToken);
        await LoadAsync(cancellationToken);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var last = await trail.ReadLastAsync(cancellationToken);
        var events = new List<AuditEvent>();
        if (last is not null)
        {
            await foreach (var e in trail.ReadAsync(Math.Max(1, last.Sequence - RecentEvents + 1), cancellationToken))
            {
                events.Add(e);
            }
        }

        events.Reverse();
        Events = events;

        var engaged = new List<ServiceEngagement>();
        foreach (var provider in CenterPolicy.Document.Recipients.Where(r => r.Kind == RecipientKind.ServiceProvider))
        {
            await foreach (var engagement in engagements.GetByProviderAsync(new RecipientId(provider.Id), cancellationToken))
            {
                engaged.Add(engagement);
            }
        }

        Engagements = engaged;

        var found = new List<Violation>();
        foreach (var customer in DemoUsers.Customers)
        {
            await foreach (var violation in violations.GetByViolatorAsync(customer.Subject, cancellationToken))
            {
                found.Add(violation);
            }
        }

        Violations = found;

        var open = new List<SubjectRightsRequest>();
        await foreach (var request in requests.GetOpenAsync(cancellationToken))
        {
            open.Add(request);
        }

        OpenRequests = open;
    }
}
