using System.Text.Json.Nodes;
using static Privacy.Enforcement.Tests.Policies.PolicyJson;

namespace Privacy.Enforcement.Tests.Policies;

/// <summary>Every kind of malformed or inconsistent document fails to load with the JSON path and the problem.</summary>
public class PolicyValidationTests
{
    [Fact]
    public void The_sample_document_is_valid()
    {
        var policy = PolicyDocumentSerializer.Load(Valid);

        policy.Version.PolicyId.Value.Should().Be("acme");
        policy.Version.Version.Should().Be(new Version(1, 0));
    }

    [Fact]
    public void Malformed_json_names_the_path_and_line()
    {
        var json = Valid.Replace("\"version\": \"1.0\",", "\"version\": ,", StringComparison.Ordinal);

        var error = ErrorsOf(json).Should().ContainSingle().Subject;

        error.Path.Should().Be("$.version");
        error.Message.Should().Contain("invalid start of a value").And.Contain("(line 3,");
    }

    [Fact]
    public void Truncated_json_is_rejected()
    {
        var error = ErrorsOf(Valid[..200]).Should().ContainSingle().Subject;

        error.Path.Should().StartWith("$");
        error.Message.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void An_unknown_enum_value_names_its_path()
    {
        var json = With(d => d.Item("rules", 1)["kind"] = "permit-everything");

        var error = ErrorsOf(json).Should().ContainSingle().Subject;

        error.Path.Should().Be("$.rules[1].kind");
        error.Message.Should().StartWith("invalid value; expected a RuleKind: one of require-acceptance, require-consent-to-collect, exempt-categories");
    }

    [Fact]
    public void An_unknown_flag_names_its_path_and_the_known_flags()
    {
        var json = With(d => d.Item("categories", 1)["flags"] = new JsonArray("contactable"));

        var error = ErrorsOf(json).Should().ContainSingle().Subject;

        error.Path.Should().StartWith("$.categories[1].flags");
        error.Message.Should().Contain("'contactable' is not a data category flag").And.Contain("contact-capable");
    }

    [Fact]
    public void An_unknown_member_is_rejected_so_a_typo_does_not_drop_a_rule()
    {
        var json = With(d => d.Item("rules", 0)["clasue"] = "collect.consent");

        var error = ErrorsOf(json).Should().ContainSingle().Subject;

        error.Path.Should().Be("$.rules[0].clasue");
        error.Message.Should().Contain("'clasue'");
    }

    [Theory]
    [InlineData("$.version")]
    [InlineData("$.id")]
    [InlineData("$.publishedAt")]
    public void A_missing_required_header_field_is_named(string path)
    {
        var json = With(d => d.Remove(path[2..]));

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(new PolicyValidationError(path, "is required"));
    }

    [Fact]
    public void Every_missing_required_field_is_named_at_once()
    {
        var json = With(d =>
        {
            d.Item("recipients", 0).Remove("kind");
            d.Item("grounds", 0).Remove("ground");
            d.Item("categories", 2).Remove("id");
        });

        ErrorsOf(json).Select(e => e.ToString()).Should().BeEquivalentTo(
            "$.categories[2].id: is required",
            "$.recipients[0].kind: is required",
            "$.grounds[0].ground: is required");
    }

    [Fact]
    public void A_rule_without_clause_id_is_rejected()
    {
        var json = With(d => d.Item("rules", 1).Remove("clause"));

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(new PolicyValidationError("$.rules[1].clause", "is required"));
    }

    [Fact]
    public void A_rule_with_an_empty_clause_id_is_rejected()
    {
        var json = With(d => d.Item("rules", 1)["clause"] = "");

        ErrorsOf(json).Should().Equal(
            new PolicyValidationError("$.rules[1].clause", "is required: every rule cites the clause it encodes"),
            new PolicyValidationError("$.clauses[2].id", "clause 'collect.exempt.search-keywords' is declared but no rule or ground enforces it"));
    }

    [Fact]
    public void An_unknown_category_is_rejected_where_referenced()
    {
        var json = With(d =>
        {
            d.Item("rules", 1)["categories"] = new JsonArray("user.behavior.searches");
            d.Item("services", 0)["necessaryCategories"] = new JsonArray("user.contact", "user.phone");
        });

        ErrorsOf(json).Should().BeEquivalentTo(
        [
            new PolicyValidationError("$.services[0].necessaryCategories[1]", "unknown category 'user.phone'; declare it under $.categories"),
            new PolicyValidationError("$.rules[1].categories[0]", "unknown category 'user.behavior.searches'; declare it under $.categories"),
        ]);
    }

    [Fact]
    public void An_unknown_parent_category_is_rejected()
    {
        var json = With(d => d.Array("categories").Add(new JsonObject { ["id"] = "device", ["parent"] = "hardware" }));

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(
            new PolicyValidationError("$.categories[4].parent", "unknown category 'hardware' (parent of 'device')"));
    }

    [Fact]
    public void An_undeclared_dotted_prefix_is_rejected()
    {
        var json = With(d => d.Array("categories").Add(new JsonObject { ["id"] = "user.account.username" }));

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(
            new PolicyValidationError("$.categories[4].id", "category 'user.account.username' lies within 'user.account', which is not a declared category"));
    }

    [Fact]
    public void An_unknown_purpose_is_rejected()
    {
        var json = With(d => d.Item("rules", 0)["purposes"] = new JsonArray("marketing"));

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(
            new PolicyValidationError("$.rules[0].purposes[0]", "unknown purpose 'marketing'; declare it under $.purposes"));
    }

    [Fact]
    public void An_unknown_recipient_is_rejected()
    {
        var json = With(d => d.Item("services", 0)["providers"] = new JsonArray("courier", "ghost"));

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(
            new PolicyValidationError("$.services[0].providers[1]", "unknown recipient 'ghost'; declare it under $.recipients"));
    }

    [Fact]
    public void A_provider_that_cannot_provide_a_service_is_rejected()
    {
        var json = With(d => d.Item("recipients", 0)["kind"] = "partner");

        var error = ErrorsOf(json).Should().ContainSingle().Subject;

        error.Path.Should().Be("$.services[0].providers[0]");
        error.Message.Should().Contain("'courier' is a Partner and cannot provide a service");
    }

    [Fact]
    public void An_unknown_clause_is_rejected()
    {
        var json = With(d =>
        {
            d.Item("grounds", 0)["clause"] = "disclose.nope";
            d.Item("purposes", 0)["clause"] = "use.nope";
        });

        var errors = ErrorsOf(json);

        errors.Should().Contain(new PolicyValidationError("$.grounds[0].clause", "unknown clause 'disclose.nope'; declare it under $.clauses"));
        errors.Should().Contain(new PolicyValidationError("$.purposes[0].clause", "unknown clause 'use.nope'; declare it under $.clauses"));
    }

    [Theory]
    [InlineData("clauses", "{\"id\":\"collect.consent\"}", "$.clauses[3].id", "duplicate clause id 'collect.consent'")]
    [InlineData("categories", "{\"id\":\"user.contact\"}", "$.categories[4].id", "duplicate category id 'user.contact'")]
    [InlineData("purposes", "{\"id\":\"service-provision\"}", "$.purposes[1].id", "duplicate purpose id 'service-provision'")]
    [InlineData("recipients", "{\"id\":\"courier\",\"kind\":\"affiliate\"}", "$.recipients[1].id", "duplicate recipient id 'courier'")]
    [InlineData("services", "{\"id\":\"delivery\"}", "$.services[1].id", "duplicate service id 'delivery'")]
    [InlineData(
        "grounds",
        "{\"ground\":\"legal-requirement\",\"clause\":\"disclose.legal-requirement\",\"requiredEvidence\":[\"LegalBasis\"],\"categoryLimit\":\"evidence\"}",
        "$.grounds[1].ground",
        "duplicate ground 'LegalRequirement'")]
    public void A_duplicate_id_is_rejected(string section, string item, string path, string message)
    {
        var json = With(d => d.Array(section).Add(JsonNode.Parse(item)));

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(new PolicyValidationError(path, message));
    }

    [Fact]
    public void A_cycle_in_the_taxonomy_is_rejected()
    {
        var json = With(d =>
        {
            d.Array("categories").Add(new JsonObject { ["id"] = "alpha", ["parent"] = "beta" });
            d.Array("categories").Add(new JsonObject { ["id"] = "beta", ["parent"] = "alpha" });
        });

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(
            new PolicyValidationError("$.categories[4].parent", "cycle in the taxonomy: alpha -> beta -> alpha"));
    }

    [Fact]
    public void A_category_that_is_its_own_parent_is_a_cycle()
    {
        var json = With(d => d.Array("categories").Add(new JsonObject { ["id"] = "loop", ["parent"] = "loop" }));

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(
            new PolicyValidationError("$.categories[4].parent", "cycle in the taxonomy: loop -> loop"));
    }

    [Fact]
    public void A_parent_that_contradicts_the_dotted_id_is_rejected()
    {
        var json = With(d => d.Array("categories").Add(new JsonObject { ["id"] = "user.contact.fax", ["parent"] = "user.behavior" }));

        ErrorsOf(json).Should().ContainSingle().Which.Path.Should().Be("$.categories[4].parent");
    }

    [Fact]
    public void A_ground_without_its_evidence_rule_is_rejected()
    {
        var json = With(d => d.Item("grounds", 0)["requiredEvidence"] = new JsonArray());

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(new PolicyValidationError(
            "$.grounds[0].requiredEvidence",
            "ground 'LegalRequirement' has no evidence rule; name the evidence fields a request must carry"));
    }

    [Fact]
    public void A_ground_whose_evidence_rule_names_no_field_of_its_evidence_record_is_rejected()
    {
        var json = With(d => d.Item("grounds", 0)["requiredEvidence"] = new JsonArray("LegalBasis", "Warrant"));

        var error = ErrorsOf(json).Should().ContainSingle().Subject;

        error.Path.Should().Be("$.grounds[0].requiredEvidence[1]");
        error.Message.Should().StartWith("'Warrant' is not a field of LegalRequirementEvidence; expected one of: Institution, InstitutionName, LegalBasis");
    }

    [Fact]
    public void A_ground_limited_by_flags_must_name_them()
    {
        var json = With(d => d.Item("grounds", 0)["categoryLimit"] = "flags");

        ErrorsOf(json).Should().ContainSingle().Which.Path.Should().Be("$.grounds[0].limitFlags");
    }

    [Theory]
    [InlineData("1.x")]
    [InlineData("1")]
    [InlineData("v1.0")]
    [InlineData("1.0.0.0.0")]
    [InlineData("1.-1")]
    public void An_unparsable_version_is_rejected(string version)
    {
        var json = With(d => d["version"] = version);

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(new PolicyValidationError(
            "$.version", $"'{version}' is not a version; expected major.minor[.build[.revision]] such as '1.0' or '2.1.3'"));
    }

    [Theory]
    [InlineData("User.Contact")]
    [InlineData("user..contact")]
    [InlineData("user.contact.")]
    [InlineData("user contact")]
    [InlineData("1user")]
    public void A_category_id_with_bad_syntax_is_rejected(string id)
    {
        var json = With(d => d.Array("categories").Add(new JsonObject { ["id"] = id }));

        var error = ErrorsOf(json).Should().ContainSingle().Subject;

        error.Path.Should().Be("$.categories[4].id");
        error.Message.Should().StartWith($"'{id}' is not a valid category id");
    }

    [Fact]
    public void More_categories_than_the_compiled_form_supports_are_rejected()
    {
        var json = With(d =>
        {
            var categories = d.Array("categories");
            for (var i = categories.Count; i <= PolicyDocumentValidator.MaxCategories; i++)
            {
                categories.Add(new JsonObject { ["id"] = $"user.extra{i}" });
            }
        });

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(new PolicyValidationError(
            "$.categories", $"declares {PolicyDocumentValidator.MaxCategories + 1} categories but a policy supports at most {PolicyDocumentValidator.MaxCategories}"));
    }

    [Fact]
    public void More_purposes_than_the_compiled_form_supports_are_rejected()
    {
        var json = With(d =>
        {
            var purposes = d.Array("purposes");
            for (var i = purposes.Count; i <= PolicyDocumentValidator.MaxPurposes; i++)
            {
                purposes.Add(new JsonObject { ["id"] = $"purpose-{i}" });
            }
        });

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(new PolicyValidationError(
            "$.purposes", $"declares {PolicyDocumentValidator.MaxPurposes + 1} purposes but a policy supports at most {PolicyDocumentValidator.MaxPurposes}"));
    }

    [Fact]
    public void Exactly_the_supported_number_of_categories_loads()
    {
        var json = With(d =>
        {
            var categories = d.Array("categories");
            for (var i = categories.Count; i < PolicyDocumentValidator.MaxCategories; i++)
            {
                categories.Add(new JsonObject { ["id"] = $"user.extra{i}" });
            }
        });

        PolicyDocumentSerializer.Load(json).Document.Categories.Should().HaveCount(PolicyDocumentValidator.MaxCategories);
    }

    [Fact]
    public void A_clause_no_rule_or_ground_enforces_is_rejected()
    {
        var json = With(d => d.Array("clauses").Add(new JsonObject { ["id"] = "store.integrity" }));

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(
            new PolicyValidationError("$.clauses[3].id", "clause 'store.integrity' is declared but no rule or ground enforces it"));
    }

    [Fact]
    public void An_exempt_category_must_name_its_exemption_clause()
    {
        var json = With(d => d.Item("categories", 3).Remove("exemptionClause"));

        ErrorsOf(json).Should().ContainSingle().Which.Path.Should().Be("$.categories[3].exemptionClause");
    }

    [Fact]
    public void An_exemption_clause_on_a_category_not_flagged_exempt_is_rejected()
    {
        var json = With(d => d.Item("categories", 2)["exemptionClause"] = "collect.exempt.search-keywords");

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(new PolicyValidationError(
            "$.categories[2].exemptionClause", "category 'user.behavior' names an exemption clause but is not flagged 'exempt'"));
    }

    [Fact]
    public void A_json_null_document_is_rejected()
    {
        ErrorsOf("null").Should().ContainSingle().Which.Should().Be(new PolicyValidationError("$", "the document is null; expected an object"));
    }

    [Fact]
    public void Omitted_lists_load_as_empty_lists()
    {
        var json = With(d => d.Item("rules", 0).Remove("purposes"));

        PolicyDocumentSerializer.Load(json).Document.Rules[0].Purposes.Should().NotBeNull().And.BeEmpty();
    }

    [Fact]
    public void Null_items_are_rejected_with_their_index()
    {
        var json = With(d => d.Array("rules").Add(null));

        ErrorsOf(json).Should().ContainSingle().Which.Should().Be(new PolicyValidationError("$.rules[2]", "must be an object, not null"));
    }

    [Fact]
    public void The_exception_lists_every_error_in_its_message()
    {
        var json = With(d =>
        {
            d["version"] = "x";
            d.Item("rules", 0)["purposes"] = new JsonArray("marketing");
        });

        var act = () => PolicyDocumentSerializer.Load(json);

        act.Should().Throw<PolicyValidationException>()
            .WithMessage("The policy document is invalid (2 errors):*$.version: 'x' is not a version*$.rules[0].purposes[0]: unknown purpose 'marketing'*");
    }

    [Fact]
    public void A_stream_loads_like_a_string()
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Valid));

        var policy = PolicyDocumentSerializer.Load(stream);

        policy.Version.ContentHash.Should().Be(PolicyDocumentSerializer.Load(Valid).Version.ContentHash);
    }
}
