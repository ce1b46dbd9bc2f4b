using Microsoft.AspNetCore.Mvc;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.WebSample.Demo;

namespace Privacy.Enforcement.WebSample.Pages.Me;

/// <summary>Consents switched on and off, each change with its receipt; the objection to own marketing.</summary>
public sealed class ConsentsModel(
    IConsentService consents, IObjectionService objections, IPolicyAcceptanceService acceptances, IPolicyProvider policies) : CenterPageModel
{
    private static readonly PurposeId OwnMarketing = new(StandardPurposes.OwnMarketing);
    private static readonly PurposeId PartnerMarketing = new(StandardPurposes.PartnerMarketing);

    /// <summary>The receipt of the last change, carried over the redirect as its JSON.</summary>
    [TempData]
    public string? ReceiptJson { get; set; }

    public ConsentReceipt? Receipt { get; private set; }

    public IReadOnlyList<ChoiceRow> Rows { get; private set; } = [];

    public IReadOnlyList<ConsentFact> History { get; private set; } = [];

    public bool ObjectsToMarketing { get; private set; }

    /// <summary>Whether an objection to partner marketing is on record (a Global Privacy Control signal records one).</summary>
    public bool ObjectsToPartnerMarketing { get; private set; }

    public bool HasAcceptedPolicy { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Receipt = ReceiptJson is null ? null : ConsentReceipt.FromJson(ReceiptJson);
        HasAcceptedPolicy = (await acceptances.GetStatusAsync(Subject, cancellationToken)).HasAcceptedCurrent;
        var statuses = await consents.GetStatusesAsync(Subject, asOf: null, cancellationToken);
        Rows = [.. ConsentChoices.All.Select(choice =>
        {
            // The newest consent on record for these terms decides the switch.
            ConsentStatus? latest = statuses.Where(s => choice.Matches(s.Terms)).OrderByDescending(s => s.ChangedAt).Cast<ConsentStatus?>().FirstOrDefault();
            return new ChoiceRow(choice, latest);
        })];
        var history = new List<ConsentFact>();
        await foreach (var fact in consents.GetHistoryAsync(Subject, cancellationToken))
        {
            history.Add(fact);
        }

        History = history;
        ObjectsToMarketing = await objections.IsObjectingAsync(Subject, OwnMarketing, asOf: null, cancellationToken);
        ObjectsToPartnerMarketing = await objections.IsObjectingAsync(Subject, PartnerMarketing, asOf: null, cancellationToken);
    }

    public async Task<IActionResult> OnPostGrantAsync(string? choice, CancellationToken cancellationToken)
    {
        if (ConsentChoices.Find(choice) is not { } terms)
        {
            return BadRequest();
        }

        var result = await consents.GrantAsync(terms.ToRequest(Subject, policies.Current.Version), cancellationToken);
        return Done($"Consent given: {terms.Title}.", result);
    }

    public async Task<IActionResult> OnPostWithdrawAsync(string? choice, CancellationToken cancellationToken)
    {
        if (ConsentChoices.Find(choice) is not { } terms)
        {
            return BadRequest();
        }

        var statuses = await consents.GetStatusesAsync(Subject, asOf: null, cancellationToken);
        var given = statuses.Where(s => s.IsGiven && terms.Matches(s.Terms)).ToList();
        if (given.Count == 0)
        {
            Message = $"There was no consent to withdraw for {terms.Title}.";
            return RedirectToPage();
        }

        ConsentResult? last = null;
        foreach (var status in given)
        {
            last = await consents.WithdrawAsync(Subject, status.ConsentId, cancellationToken);
        }

        return Done($"Consent withdrawn: {terms.Title}.", last!);
    }

    public async Task<IActionResult> OnPostObjectAsync(CancellationToken cancellationToken)
    {
        await objections.ObjectAsync(Subject, OwnMarketing, cancellationToken);
        Message = "Your objection to marketing is recorded: the shop sends you no more offers.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostLiftAsync(CancellationToken cancellationToken)
    {
        await objections.LiftAsync(Subject, OwnMarketing, cancellationToken);
        Message = "Your objection to marketing is lifted.";
        return RedirectToPage();
    }

    private RedirectToPageResult Done(string message, ConsentResult result)
    {
        Message = message;
        ReceiptJson = result.Receipt.ToJson();
        return RedirectToPage();
    }

    /// <summary>One switch and the newest consent on record for its terms.</summary>
    /// <param name="Choice">The switch.</param>
    /// <param name="Status">The newest consent for its terms, if any.</param>
    public sealed record ChoiceRow(ConsentChoice Choice, ConsentStatus? Status)
    {
        public bool IsOn => Status is { IsGiven: true };
    }
}
