using System.Text.Json;
using System.Text.Json.Serialization;

namespace Privacy.Enforcement.Consents;

/// <summary>
/// A receipt for one consent change, shaped after the Kantara Consent Receipt, that the host hands to the subject
/// (serialise it with <see cref="ToJson"/>). It names the consent by its id only: no subject id, pseudonym or
/// evidence reference, because a receipt leaves the system, may be forwarded, and would otherwise link the subject to
/// the audit trail. The consent id is the host's way back to the record.
/// </summary>
public sealed record ConsentReceipt
{
    /// <summary>The receipt format this library writes.</summary>
    public const string CurrentVersion = "privacy-enforcement.consent-receipt/1.0";

    /// <summary>Gets the receipt format.</summary>
    public string Version { get; init; } = CurrentVersion;

    /// <summary>Gets the receipt's id (the id of the fact it records).</summary>
    public required Guid ReceiptId { get; init; }

    /// <summary>Gets the consent the receipt is about.</summary>
    public required Guid ConsentId { get; init; }

    /// <summary>Gets what happened: <c>given</c>, <c>refused</c>, <c>renewed</c> or <c>withdrawn</c>.</summary>
    public required string Event { get; init; }

    /// <summary>Gets the resulting state of the consent.</summary>
    public required string State { get; init; }

    /// <summary>Gets when the change was recorded (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the jurisdiction the controller operates under, when the host configured it.</summary>
    public string? Jurisdiction { get; init; }

    /// <summary>Gets the controller the consent was given to.</summary>
    public required string Controller { get; init; }

    /// <summary>Gets how the consent was collected.</summary>
    public required string CollectionMethod { get; init; }

    /// <summary>Gets the policy version the consent is bound to.</summary>
    public required ConsentReceiptPolicy Policy { get; init; }

    /// <summary>Gets a reference to the notice shown.</summary>
    public string? Notice { get; init; }

    /// <summary>Gets the language of the notice.</summary>
    public string? Language { get; init; }

    /// <summary>Gets the purposes.</summary>
    public required IReadOnlyList<string> Purposes { get; init; }

    /// <summary>Gets the data categories.</summary>
    public required IReadOnlyList<string> Categories { get; init; }

    /// <summary>Gets the acts (<c>Collect</c>, <c>Use</c>, <c>Disclose</c>).</summary>
    public required IReadOnlyList<string> Acts { get; init; }

    /// <summary>Gets the named recipient of a sharing consent.</summary>
    public string? Recipient { get; init; }

    /// <summary>Gets the recipient kind of a sharing consent.</summary>
    public string? RecipientKind { get; init; }

    /// <summary>Gets when the consent expires, if it does.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Serialises the receipt as compact JSON (camelCase, no nulls).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, ConsentReceiptJsonContext.Default.ConsentReceipt);

    /// <summary>Reads a receipt written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The receipt.</returns>
    /// <exception cref="JsonException">The text is not a receipt.</exception>
    public static ConsentReceipt FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, ConsentReceiptJsonContext.Default.ConsentReceipt)
            ?? throw new JsonException("The JSON text is null, not a consent receipt.");
    }

    internal static ConsentReceipt Create(ConsentFact fact, string eventName, ConsentTerms terms, PolicyVersion policy, ConsentReceiptOptions options) => new()
    {
        ReceiptId = fact.FactId,
        ConsentId = fact.ConsentId.Value,
        Event = eventName,
        State = fact.State.ToString(),
        Timestamp = fact.RecordedAt.ToUniversalTime(),
        Jurisdiction = options.Jurisdiction,
        Controller = terms.Controller,
        CollectionMethod = terms.CollectionMethod,
        Policy = new ConsentReceiptPolicy
        {
            Id = policy.PolicyId.Value,
            Version = policy.Version.ToString(),
            ContentHash = policy.ContentHash,
            PublishedAt = policy.PublishedAt.ToUniversalTime(),
            Location = options.PolicyLocation,
        },
        Notice = terms.Notice,
        Language = terms.Language,
        Purposes = [.. terms.Purposes.Select(p => p.Value)],
        Categories = [.. terms.Categories.Select(c => c.Value)],
        Acts = [.. terms.Acts.Select(a => a.ToString())],
        Recipient = terms.Recipient?.Value,
        RecipientKind = terms.RecipientKind?.ToString(),
        ExpiresAt = terms.ExpiresAt?.ToUniversalTime(),
    };
}

/// <summary>The policy version a receipt's consent is bound to.</summary>
public sealed record ConsentReceiptPolicy
{
    /// <summary>Gets the policy id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the version.</summary>
    public required string Version { get; init; }

    /// <summary>Gets the SHA-256 content hash of the version.</summary>
    public required string ContentHash { get; init; }

    /// <summary>Gets when the version was published (UTC).</summary>
    public required DateTimeOffset PublishedAt { get; init; }

    /// <summary>Gets where the published policy can be read, when the host configured it.</summary>
    public Uri? Location { get; init; }
}

/// <summary>What the host adds to every consent receipt, bound from <c>PrivacyEnforcement:ConsentReceipts</c>, set in code with <c>ConfigureConsentReceipts</c>.</summary>
public sealed class ConsentReceiptOptions
{
    /// <summary>The configuration section, under <see cref="PrivacyEnforcementOptions.SectionName"/>, the options bind from.</summary>
    public const string SectionName = "ConsentReceipts";

    /// <summary>Gets or sets the jurisdiction the controller operates under (for example <c>CN</c>).</summary>
    public string? Jurisdiction { get; set; }

    /// <summary>Gets or sets where the published policy can be read.</summary>
    public Uri? PolicyLocation { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConsentReceipt))]
internal sealed partial class ConsentReceiptJsonContext : JsonSerializerContext;
