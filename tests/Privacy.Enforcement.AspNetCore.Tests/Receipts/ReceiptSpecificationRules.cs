using System.Text.Json;

namespace Privacy.Enforcement.AspNetCore.Tests.Receipts;

/// <summary>What a field must be: present with a JSON kind, and optionally a fixed value or a non-empty array.</summary>
public sealed record FieldRule(string Path, JsonValueKind Kind, string? FixedValue = null, bool NonEmpty = false, string? When = null);

/// <summary>
/// The field rules of the two interchange forms, written out from their specifications as test data.
/// </summary>
public static class ReceiptSpecificationRules
{
    /// <summary>
    /// Source: Kantara Initiative, Consent Receipt Specification, version 1.1.0 (2018), section 5 "Consent Receipt
    /// fields" (the "Required" column) and its JSON schema: every top-level field marked required, every required
    /// field of each PII controller, service and purpose; <c>thirdPartyName</c> is required when
    /// <c>thirdPartyDisclosure</c> is true; <c>consentTimestamp</c> is seconds since the epoch (an integer).
    /// </summary>
    public static readonly IReadOnlyList<FieldRule> Kantara =
    [
        new("version", JsonValueKind.String, FixedValue: "KI-CR-v1.1.0"),
        new("jurisdiction", JsonValueKind.String),
        new("consentTimestamp", JsonValueKind.Number),
        new("collectionMethod", JsonValueKind.String),
        new("consentReceiptID", JsonValueKind.String),
        new("piiPrincipalId", JsonValueKind.String),
        new("piiControllers", JsonValueKind.Array, NonEmpty: true),
        new("piiControllers[].piiController", JsonValueKind.String),
        new("piiControllers[].contact", JsonValueKind.String),
        new("piiControllers[].address", JsonValueKind.String),
        new("piiControllers[].email", JsonValueKind.String),
        new("piiControllers[].phone", JsonValueKind.String),
        new("policyUrl", JsonValueKind.String),
        new("services", JsonValueKind.Array, NonEmpty: true),
        new("services[].service", JsonValueKind.String),
        new("services[].purposes", JsonValueKind.Array, NonEmpty: true),
        new("services[].purposes[].purpose", JsonValueKind.String),
        new("services[].purposes[].purposeCategory", JsonValueKind.Array, NonEmpty: true),
        new("services[].purposes[].consentType", JsonValueKind.String),
        new("services[].purposes[].piiCategory", JsonValueKind.Array, NonEmpty: true),
        new("services[].purposes[].termination", JsonValueKind.String),
        new("services[].purposes[].thirdPartyDisclosure", JsonValueKind.True, When: "third-party"),
        new("services[].purposes[].thirdPartyName", JsonValueKind.String, When: "third-party"),
        new("sensitive", JsonValueKind.False, When: "not-sensitive"),
        new("spiCat", JsonValueKind.Array),
    ];

    /// <summary>
    /// Source: ISO/IEC TS 27560:2023 "Consent record information structure", clause 6 (the record's mandatory fields:
    /// schema version, record identifier, PII principal, the notice and its version, the consent's state and the events
    /// that changed it, purposes, PII categories, processing, the controller), as mapped to the Data Privacy Vocabulary
    /// by the W3C DPVCG report "Consent Records and Receipts as per ISO/IEC TS 27560:2023 using DPV" (final community
    /// group report, 2024-08-01), profile <c>dpv-27560:record</c>; the consent states are DPV's consent status concepts.
    /// </summary>
    public static readonly IReadOnlyList<FieldRule> Iso27560 =
    [
        new("@context", JsonValueKind.Array, NonEmpty: true),
        new("@id", JsonValueKind.String),
        new("@type", JsonValueKind.String, FixedValue: "dpv:ConsentRecord"),
        new("dct:conformsTo", JsonValueKind.String, FixedValue: "https://w3id.org/dpv/schema/iso-27560#record"),
        new("schema_version", JsonValueKind.String),
        new("dct:identifier", JsonValueKind.String),
        new("dct:created", JsonValueKind.Object),
        new("dct:created.@type", JsonValueKind.String, FixedValue: "xsd:dateTime"),
        new("dpv:hasDataSubject", JsonValueKind.Object),
        new("dpv:hasDataSubject.@id", JsonValueKind.String),
        new("dpv:hasNotice", JsonValueKind.Object),
        new("dpv:hasNotice.dct:hasVersion", JsonValueKind.String),
        new("dpv:hasConsentStatus.@id", JsonValueKind.String),
        new("dpv:hasPurpose", JsonValueKind.Array, NonEmpty: true),
        new("dpv:hasPersonalData", JsonValueKind.Array, NonEmpty: true),
        new("dpv:hasProcessing", JsonValueKind.Array, NonEmpty: true),
        new("dpv:hasDataController", JsonValueKind.Object),
        new("dpv:hasEvent", JsonValueKind.Array, NonEmpty: true),
        new("dpv:hasEvent[].dct:date", JsonValueKind.Object),
    ];

    /// <summary>DPV's consent status concepts a record may be in.</summary>
    public static readonly IReadOnlySet<string> DpvConsentStatuses = new HashSet<string>(StringComparer.Ordinal)
    {
        "dpv:ConsentGiven", "dpv:ConsentRefused", "dpv:ConsentWithdrawn", "dpv:ConsentExpired", "dpv:ConsentInvalidated",
    };

    /// <summary>Every violation of <paramref name="rules"/> in <paramref name="document"/>, by path.</summary>
    public static List<string> Violations(JsonElement document, IReadOnlyList<FieldRule> rules, ISet<string> conditions)
    {
        var violations = new List<string>();
        foreach (var rule in rules)
        {
            if (rule.When is { } when && !conditions.Contains(when))
            {
                continue;
            }

            foreach (var (path, value) in Resolve(document, rule.Path.Split('.'), "$"))
            {
                if (value is not { } found)
                {
                    violations.Add($"{path}: missing");
                }
                else if (found.ValueKind != rule.Kind)
                {
                    violations.Add($"{path}: {found.ValueKind}, expected {rule.Kind}");
                }
                else if (rule.FixedValue is { } fixedValue && found.GetString() != fixedValue)
                {
                    violations.Add($"{path}: '{found.GetString()}', expected '{fixedValue}'");
                }
                else if (rule.NonEmpty && found.GetArrayLength() == 0)
                {
                    violations.Add($"{path}: empty");
                }
                else if (rule.Kind == JsonValueKind.String && string.IsNullOrWhiteSpace(found.GetString()))
                {
                    violations.Add($"{path}: blank");
                }
            }
        }

        return violations;
    }

    private static IEnumerable<(string Path, JsonElement? Value)> Resolve(JsonElement current, string[] segments, string path)
    {
        if (segments.Length == 0)
        {
            yield return (path, current);
            yield break;
        }

        var segment = segments[0];
        var each = segment.EndsWith("[]", StringComparison.Ordinal);
        var name = each ? segment[..^2] : segment;
        if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out var next))
        {
            yield return ($"{path}.{name}", null);
            yield break;
        }

        if (!each)
        {
            foreach (var found in Resolve(next, segments[1..], $"{path}.{name}"))
            {
                yield return found;
            }

            yield break;
        }

        var index = 0;
        foreach (var item in next.EnumerateArray())
        {
            foreach (var found in Resolve(item, segments[1..], $"{path}.{name}[{index}]"))
            {
                yield return found;
            }

            index++;
        }
    }
}
