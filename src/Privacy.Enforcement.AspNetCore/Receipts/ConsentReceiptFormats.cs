using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// A consent receipt in the form a consent-management system reads, chosen by <c>?format=</c> or the <c>Accept</c>
/// header: the library's own receipt (<c>native</c>, <c>application/json</c>), a Kantara Initiative Consent Receipt
/// v1.1 (<c>kantara</c>, <see cref="KantaraMediaType"/>) or an ISO/IEC TS 27560 consent record in the W3C DPV JSON-LD
/// profile (<c>iso-27560</c>, <see cref="Iso27560MediaType"/>). The subject appears only as its pseudonym.
/// </summary>
internal sealed class ConsentReceiptFormats(
    IPseudonymStore pseudonyms, IPolicyProvider policies, IOptions<PrivacyWebOptions> options, IOptions<ConsentReceiptOptions> receiptOptions)
{
    public const string KantaraMediaType = "application/vnd.kantara.consent-receipt+json";
    public const string Iso27560MediaType = "application/ld+json";
    public const string KantaraVersion = "KI-CR-v1.1.0";

    /// <summary>A required Kantara field the host configured no value for (<see cref="ConsentReceiptOptions.Jurisdiction"/>).</summary>
    private const string NotGiven = "Not given";
    public const string DpvContext = "https://w3id.org/dpv";
    public const string Iso27560RecordProfile = "https://w3id.org/dpv/schema/iso-27560#record";

    private readonly PrivacyWebOptions _options = options.Value;

    public enum Format
    {
        Native,
        Kantara,
        Iso27560,
    }

    public static Format? Choose(HttpRequest request)
    {
        if (request.Query.TryGetValue("format", out var query) && query.Count > 0)
        {
            return query[0]?.ToLowerInvariant() switch
            {
                "native" or "json" => Format.Native,
                "kantara" or "kantara-cr" or "ki-cr-v1.1.0" => Format.Kantara,
                "iso-27560" or "iso27560" or "27560" or "dpv" => Format.Iso27560,
                _ => null,
            };
        }

        foreach (var accept in request.GetTypedHeaders().Accept.OrderByDescending(static a => a.Quality ?? 1))
        {
            var media = accept.MediaType.Value;
            if (string.Equals(media, KantaraMediaType, StringComparison.OrdinalIgnoreCase))
            {
                return Format.Kantara;
            }

            if (string.Equals(media, Iso27560MediaType, StringComparison.OrdinalIgnoreCase))
            {
                return Format.Iso27560;
            }

            if (string.Equals(media, "application/json", StringComparison.OrdinalIgnoreCase))
            {
                return Format.Native;
            }
        }

        return Format.Native;
    }

    public async Task<IResult> WriteAsync(HttpContext context, SubjectId subject, ConsentReceipt receipt, ConsentFact fact)
    {
        var format = Choose(context.Request);
        if (format is null)
        {
            return PrivacyEndpoints.Problem(StatusCodes.Status400BadRequest, "receipt-format-unknown",
                "Query 'format' must be one of native, kantara, iso-27560.");
        }

        if (format == Format.Native)
        {
            return TypedResults.Text(receipt.ToJson(), "application/json");
        }

        // A pseudonym, never the subject id: the same one the audit trail uses, gone when the subject is erased.
        var pseudonym = await pseudonyms.GetOrCreateAsync(subject, context.RequestAborted).ConfigureAwait(false);
        return format == Format.Kantara
            ? TypedResults.Text(Kantara(receipt, pseudonym).ToJsonString(), KantaraMediaType)
            : TypedResults.Text(Iso27560(receipt, fact, pseudonym).ToJsonString(), Iso27560MediaType);
    }

    /// <summary>The receipt of a stored consent, built as the consent service built it when the consent was recorded.</summary>
    public ConsentReceipt Rebuild(ConsentFact latest, ConsentTerms terms)
    {
        var policy = policies.Find(latest.Policy.Version)?.Version ?? latest.Policy;
        return ConsentReceipt.Create(latest, "consent." + latest.State.ToString().ToLowerInvariant(), terms, policy, receiptOptions.Value);
    }

    /// <summary>Kantara Initiative Consent Receipt Specification v1.1.0: every field the specification requires.</summary>
    internal JsonObject Kantara(ConsentReceipt receipt, string pseudonym)
    {
        var taxonomy = Taxonomy(receipt);
        var sensitive = receipt.Categories.Where(c => IsSensitive(taxonomy, c)).ToList();
        var thirdParty = receipt.Recipient is not null;
        var purposes = new JsonArray();
        for (var i = 0; i < receipt.Purposes.Count; i++)
        {
            var purpose = new JsonObject
            {
                ["purpose"] = receipt.Purposes[i],
                ["purposeCategory"] = new JsonArray(receipt.Purposes[i]),
                ["consentType"] = "EXPLICIT",
                ["piiCategory"] = Array(receipt.Categories),
                ["primaryPurpose"] = i == 0,
                ["termination"] = receipt.ExpiresAt is { } expires
                    ? $"On withdrawal, or at {expires.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"
                    : "On withdrawal by the PII principal",
                ["thirdPartyDisclosure"] = thirdParty,
            };
            if (thirdParty)
            {
                purpose["thirdPartyName"] = receipt.Recipient;
            }

            purposes.Add(purpose);
        }

        var result = new JsonObject
        {
            ["version"] = KantaraVersion,
            ["jurisdiction"] = receipt.Jurisdiction ?? NotGiven,
            ["consentTimestamp"] = receipt.Timestamp.ToUnixTimeSeconds(),
            ["collectionMethod"] = receipt.CollectionMethod,
            ["consentReceiptID"] = receipt.ReceiptId.ToString(),
            ["language"] = receipt.Language ?? "en",
            ["piiPrincipalId"] = pseudonym,
            ["piiControllers"] = new JsonArray(new JsonObject
            {
                ["piiController"] = _options.ControllerName,
                ["contact"] = _options.ControllerContact,
                ["address"] = _options.ControllerAddress,
                ["email"] = _options.ControllerContact,
                ["phone"] = _options.ControllerPhone,
            }),
            ["policyUrl"] = PolicyIri(receipt),
            ["services"] = new JsonArray(new JsonObject
            {
                ["service"] = receipt.Controller,
                ["purposes"] = purposes,
            }),
            ["sensitive"] = sensitive.Count > 0,
            ["spiCat"] = Array(sensitive),
        };
        return result;
    }

    /// <summary>An ISO/IEC TS 27560 consent record in the W3C DPV JSON-LD profile (<c>dpv-27560:record</c>).</summary>
    internal JsonObject Iso27560(ConsentReceipt receipt, ConsentFact fact, string pseudonym)
    {
        var record = new JsonObject
        {
            ["@context"] = new JsonArray(DpvContext, new JsonObject
            {
                ["dpv"] = "https://w3id.org/dpv#",
                ["dct"] = "http://purl.org/dc/terms/",
                ["xsd"] = "http://www.w3.org/2001/XMLSchema#",
            }),
            ["@id"] = $"urn:uuid:{receipt.ConsentId}",
            ["@type"] = "dpv:ConsentRecord",
            ["dct:identifier"] = receipt.ConsentId.ToString(),
            ["dct:conformsTo"] = Iso27560RecordProfile,
            ["schema_version"] = "ISO/IEC TS 27560:2023",
            ["dct:created"] = Timestamp(receipt.Timestamp),
            ["dpv:hasDataSubject"] = new JsonObject { ["@id"] = "urn:privacy-enforcement:pseudonym:" + pseudonym, ["@type"] = "dpv:DataSubject" },
            ["dpv:hasDataController"] = new JsonObject { ["@type"] = "dpv:DataController", ["dct:title"] = _options.ControllerName, ["dpv:hasContact"] = _options.ControllerContact },
            ["dpv:hasNotice"] = new JsonObject
            {
                ["@id"] = PolicyIri(receipt),
                ["@type"] = "dpv:PrivacyNotice",
                ["dct:identifier"] = receipt.Policy.Id,
                ["dct:hasVersion"] = receipt.Policy.Version,
                ["dct:issued"] = Timestamp(receipt.Policy.PublishedAt),
                ["dpv:hasContentHash"] = receipt.Policy.ContentHash,
            },
            ["dpv:hasConsentStatus"] = new JsonObject { ["@id"] = "dpv:" + DpvStatus(fact.State) },
            ["dpv:hasPurpose"] = new JsonArray([.. receipt.Purposes.Select(static p => (JsonNode)new JsonObject { ["@type"] = "dpv:Purpose", ["dct:identifier"] = p })]),
            ["dpv:hasPersonalData"] = new JsonArray([.. receipt.Categories.Select(static c => (JsonNode)new JsonObject { ["@type"] = "dpv:PersonalData", ["dct:identifier"] = c })]),
            ["dpv:hasProcessing"] = new JsonArray([.. receipt.Acts.Select(static a => (JsonNode)("dpv:" + a))]),
            ["dpv:hasIndicationMethod"] = receipt.CollectionMethod,
            ["dpv:hasLegalBasis"] = new JsonObject { ["@id"] = "dpv:Consent" },
            ["dpv:hasEvent"] = new JsonArray(new JsonObject
            {
                ["@type"] = "dpv:Event",
                ["dct:identifier"] = receipt.ReceiptId.ToString(),
                ["dct:type"] = receipt.Event,
                ["dct:date"] = Timestamp(receipt.Timestamp),
            }),
        };
        if (receipt.Recipient is not null)
        {
            record["dpv:hasRecipient"] = new JsonObject { ["@type"] = "dpv:Recipient", ["dct:identifier"] = receipt.Recipient };
        }

        if (receipt.ExpiresAt is { } expires)
        {
            record["dpv:hasExpiry"] = Timestamp(expires);
        }

        return record;
    }

    private static string PolicyIri(ConsentReceipt receipt) =>
        receipt.Policy.Location?.ToString() ?? $"urn:privacy-enforcement:policy:{receipt.Policy.Id}@{receipt.Policy.Version}";

    private static string DpvStatus(ConsentState state) => state switch
    {
        ConsentState.Given => "ConsentGiven",
        ConsentState.Refused => "ConsentRefused",
        ConsentState.Withdrawn => "ConsentWithdrawn",
        ConsentState.Expired => "ConsentExpired",
        _ => "ConsentInvalidated",
    };

    private static JsonObject Timestamp(DateTimeOffset at) =>
        new() { ["@value"] = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture), ["@type"] = "xsd:dateTime" };

    private static JsonArray Array(IEnumerable<string> values) => new([.. values.Select(static v => (JsonNode)v)]);

    /// <summary>The taxonomy of the policy the consent was given under (the one in force when that version is unknown).</summary>
    private Dictionary<string, DataCategoryDefinition> Taxonomy(ConsentReceipt receipt)
    {
        var document = (Version.TryParse(receipt.Policy.Version, out var version) ? policies.Find(version) : null)?.Document
            ?? policies.Current.Document;
        return document.Categories.ToDictionary(static c => c.Id, StringComparer.Ordinal);
    }

    /// <summary>Whether the category, or a category it descends from, carries the sensitive flag (PIPL Art. 28, GDPR Art. 9).</summary>
    private static bool IsSensitive(Dictionary<string, DataCategoryDefinition> taxonomy, string category)
    {
        for (var id = category; id is not null;)
        {
            if (!taxonomy.TryGetValue(id, out var definition))
            {
                // A dotted id the taxonomy does not name: its dotted prefix is the parent.
                var dot = id.LastIndexOf('.');
                id = dot > 0 ? id[..dot] : null;
                continue;
            }

            if ((definition.Flags & DataCategoryFlags.Sensitive) != 0)
            {
                return true;
            }

            id = definition.Parent ?? (id.LastIndexOf('.') is var d and > 0 ? id[..d] : null);
        }

        return false;
    }
}
