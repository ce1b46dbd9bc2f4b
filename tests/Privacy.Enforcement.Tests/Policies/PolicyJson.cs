using System.Text.Json.Nodes;

namespace Privacy.Enforcement.Tests.Policies;

/// <summary>A small valid policy document and helpers to break it one way at a time.</summary>
internal static class PolicyJson
{
    public const string Valid = """
        {
          "id": "acme",
          "version": "1.0",
          "publishedAt": "2025-01-01T00:00:00+00:00",
          "clauses": [
            { "id": "collect.consent" },
            { "id": "disclose.legal-requirement" },
            { "id": "collect.exempt.search-keywords" }
          ],
          "categories": [
            { "id": "user" },
            { "id": "user.contact", "flags": ["contact-capable"] },
            { "id": "user.behavior" },
            { "id": "user.behavior.search_history", "flags": ["exempt"], "exemptionClause": "collect.exempt.search-keywords" }
          ],
          "purposes": [ { "id": "service-provision", "basis": "acceptance" } ],
          "recipients": [ { "id": "courier", "kind": "service-provider" } ],
          "services": [ { "id": "delivery", "necessaryCategories": ["user.contact"], "providers": ["courier"] } ],
          "grounds": [
            {
              "ground": "legal-requirement",
              "clause": "disclose.legal-requirement",
              "recipientKinds": ["judicial-authority"],
              "requiredEvidence": ["LegalBasis", "DocumentReference"],
              "categoryLimit": "evidence"
            }
          ],
          "rules": [
            { "clause": "collect.consent", "kind": "require-consent-to-collect", "categoryFlags": ["identifying", "contact-capable"], "purposes": ["service-provision"] },
            { "clause": "collect.exempt.search-keywords", "kind": "exempt-categories", "categories": ["user.behavior.search_history"] }
          ]
        }
        """;

    /// <summary>Returns the valid document changed by <paramref name="change"/>.</summary>
    public static string With(Action<JsonObject> change)
    {
        var node = JsonNode.Parse(Valid)!.AsObject();
        change(node);
        return node.ToJsonString();
    }

    public static JsonArray Array(this JsonObject node, string name) => node[name]!.AsArray();

    public static JsonObject Item(this JsonObject node, string name, int index) => node[name]!.AsArray()[index]!.AsObject();

    /// <summary>Loads the document and returns the errors it fails with.</summary>
    public static IReadOnlyList<PolicyValidationError> ErrorsOf(string json)
    {
        var act = () => PolicyDocumentSerializer.Load(json);
        return act.Should().Throw<PolicyValidationException>().Which.Errors;
    }
}
