using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Privacy.Enforcement.SubjectRights;
using Privacy.Enforcement.WebSample.Profiles;

namespace Privacy.Enforcement.WebSample.Pages.Me;

/// <summary>
/// The profile, the export download (store.subject-access; the form posts to the package's <c>/privacy/export</c>) and
/// the e-mail correction (store.subject-edit).
/// </summary>
public sealed class DataModel(ProfileReader profiles, ISubjectRightsService rights) : CenterPageModel
{
    private static readonly DataCategory EmailCategory = new(StandardDataCategories.Email);

    public IReadOnlyList<KeyValuePair<DataCategory, string>> Profile { get; private set; } = [];

    public string? Email { get; private set; }

    public string? EmailError { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostRectifyAsync(string? email, CancellationToken cancellationToken)
    {
        var value = email?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > 254 || value.IndexOf('@', StringComparison.Ordinal) is <= 0 || value.EndsWith('@'))
        {
            await LoadAsync(cancellationToken);
            Email = email;
            EmailError = "Enter an e-mail address such as name@example.com.";
            return Page();
        }

        var request = await rights.RectifyAsync(Subject, new Dictionary<DataCategory, JsonElement> { [EmailCategory] = JsonSerializer.SerializeToElement(value) }, cancellationToken);
        Message = request.Status == SubjectRightsRequestStatus.Completed
            ? "Your e-mail address is corrected."
            : $"Your correction is recorded as request {request.Id} ({request.Status}); it completes when every system has applied it.";
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var row = await profiles.ReadAsync(Subject, cancellationToken);
        Profile = [.. row.OrderBy(p => p.Key.Value, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Display(p.Value)))];
        Email = row.TryGetValue(EmailCategory, out var email) ? email.GetString() : null;
    }

    private static string Display(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(Display)),
        _ => value.GetRawText(),
    };
}
