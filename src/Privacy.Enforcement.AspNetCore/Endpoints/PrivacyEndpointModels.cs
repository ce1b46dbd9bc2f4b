using System.Text.Json;
using Privacy.Enforcement.SubjectRights;

namespace Privacy.Enforcement.AspNetCore;

internal sealed record PolicyView(
    string PolicyId, string Version, DateTimeOffset PublishedAt, string ContentHash, string? Title, string? Text,
    bool Accepted, DateTimeOffset? AcceptedAt, string? LatestAcceptedVersion);

internal sealed record AcceptPolicyInput(string? Version, string? ContentHash);

internal sealed record AcceptanceView(string PolicyId, string Version, string ContentHash, DateTimeOffset AcceptedAt, string Kind);

internal sealed record ConsentView(
    Guid ConsentId, string State, bool IsGiven, DateTimeOffset? GivenAt, DateTimeOffset ChangedAt, string? Policy,
    IReadOnlyList<string> Purposes, IReadOnlyList<string> Categories, IReadOnlyList<string> Acts, string? Recipient, DateTimeOffset? ExpiresAt);

internal sealed record ConsentFactView(Guid ConsentId, string State, DateTimeOffset RecordedAt, string Policy, string? Reason);

internal sealed record ConsentsView(IReadOnlyList<ConsentView> Consents, IReadOnlyList<ConsentFactView> History);

internal sealed record GrantConsentInput(
    IReadOnlyList<string>? Purposes, IReadOnlyList<string>? Categories, IReadOnlyList<string>? Acts,
    string? Recipient, string? RecipientKind, string? CollectionMethod);

internal sealed record ObjectionView(string Purpose, string State, DateTimeOffset RecordedAt);

internal sealed record ObjectionsView(IReadOnlyList<string> Objecting, IReadOnlyList<ObjectionView> History);

internal sealed record RectifyInput(IReadOnlyDictionary<string, JsonElement>? Corrections);

internal sealed record StepView(string Source, string Status, IReadOnlyList<string> Categories, DateTimeOffset? At, string? ErrorKind);

internal sealed record KeptView(string RecordType, IReadOnlyList<string> Categories, string Reason, string Clause);

internal sealed record RequestView(
    Guid RequestId, string Kind, string Status, DateTimeOffset ReceivedAt, DateTimeOffset Deadline, DateTimeOffset? CompletedAt,
    IReadOnlyList<StepView> Steps, IReadOnlyList<KeptView> Kept)
{
    public static RequestView From(SubjectRightsRequest request) => new(
        request.Id.Value, request.Kind.ToString(), request.Status.ToString(), request.ReceivedAt, request.Deadline, request.CompletedAt,
        [.. request.Steps.Select(static s => new StepView(s.Source, s.Status.ToString(), [.. s.Categories.Select(static c => c.Value)], s.At, s.ErrorKind))],
        [.. request.Kept.Select(KeptOf)]);

    private static KeptView KeptOf(KeptRecord record) => new(record.RecordType, [.. record.Categories.Select(static c => c.Value)], record.Reason, record.Clause);
}
