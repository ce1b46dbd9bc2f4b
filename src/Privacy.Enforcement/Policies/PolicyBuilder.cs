namespace Privacy.Enforcement.Policies;

/// <summary>
/// Builds a <see cref="PolicyDocument"/> in code: clauses, taxonomy additions, purposes (and which need consent),
/// recipients, services, the disclosure grounds allowed with the categories each may release, and rules.
/// <see cref="Build"/> runs the same validation as the JSON loader.
/// </summary>
/// <example>
/// <code>
/// var policy = PolicyBuilder.From(StandardPolicy.Document)
///     .WithVersion("1.1", publishedAt)
///     .AddRecipient("express-co", RecipientKind.ServiceProvider, "Express Co.")
///     .AddService("delivery", ["user.name", "user.contact.phone_number", "user.contact.address"], providers: ["express-co"])
///     .Publish();
/// </code>
/// </example>
public sealed class PolicyBuilder
{
    private readonly List<ClauseDefinition> _clauses = [];
    private readonly List<DataCategoryDefinition> _categories = [];
    private readonly List<PurposeDefinition> _purposes = [];
    private readonly List<RecipientDefinition> _recipients = [];
    private readonly List<ServiceDefinition> _services = [];
    private readonly List<GroundDefinition> _grounds = [];
    private readonly List<RuleDefinition> _rules = [];
    private string _id;
    private string _version;
    private DateTimeOffset _publishedAt;
    private string? _title;
    private string? _language;

    /// <summary>Starts an empty policy.</summary>
    /// <param name="id">The policy id, shared by all versions.</param>
    /// <param name="version">The version (<c>major.minor[.build]</c>).</param>
    /// <param name="publishedAt">When the version is published.</param>
    public PolicyBuilder(string id, string version, DateTimeOffset publishedAt)
    {
        _id = id;
        _version = version;
        _publishedAt = publishedAt;
    }

    /// <summary>Starts from an existing document, to derive a new version or add a host's recipients and services.</summary>
    /// <param name="document">The document to start from; it is not changed.</param>
    /// <returns>The builder.</returns>
    public static PolicyBuilder From(PolicyDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var builder = new PolicyBuilder(document.Id, document.Version, document.PublishedAt)
        {
            _title = document.Title,
            _language = document.Language,
        };
        builder._clauses.AddRange(document.Clauses ?? []);
        builder._categories.AddRange(document.Categories ?? []);
        builder._purposes.AddRange(document.Purposes ?? []);
        builder._recipients.AddRange(document.Recipients ?? []);
        builder._services.AddRange(document.Services ?? []);
        builder._grounds.AddRange(document.Grounds ?? []);
        builder._rules.AddRange(document.Rules ?? []);
        return builder;
    }

    /// <summary>Sets the policy id.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The builder.</returns>
    public PolicyBuilder WithId(string id)
    {
        _id = id;
        return this;
    }

    /// <summary>Sets the version and its publication time.</summary>
    /// <param name="version">The version (<c>major.minor[.build]</c>); it must be newer than the one in force to be published (<c>changes.replace</c>).</param>
    /// <param name="publishedAt">When the version is published.</param>
    /// <returns>The builder.</returns>
    public PolicyBuilder WithVersion(string version, DateTimeOffset publishedAt)
    {
        _version = version;
        _publishedAt = publishedAt;
        return this;
    }

    /// <summary>Sets the title and the language of the published text.</summary>
    /// <param name="title">The title.</param>
    /// <param name="language">The language (BCP 47), if known.</param>
    /// <returns>The builder.</returns>
    public PolicyBuilder WithTitle(string? title, string? language = null)
    {
        _title = title;
        _language = language;
        return this;
    }

    /// <summary>Declares a clause: an enforceable sentence of the published text. Each clause needs a rule or ground that enforces it.</summary>
    /// <param name="id">The clause id (for example <c>collect.consent</c>).</param>
    /// <param name="text">The sentence, shortened.</param>
    /// <param name="rule">How it reads as a rule.</param>
    /// <returns>The builder.</returns>
    public PolicyBuilder AddClause(string id, string? text = null, string? rule = null) =>
        Add(_clauses, new ClauseDefinition { Id = id, Text = text, Rule = rule });

    /// <summary>Adds a data category to the taxonomy; its parent is the dotted prefix of its id (which must be declared too).</summary>
    /// <param name="id">The dotted id (<c>user.contact.email</c>).</param>
    /// <param name="flags">The flags the rules read; a category also carries its parent's.</param>
    /// <param name="description">A description.</param>
    /// <returns>The builder.</returns>
    public PolicyBuilder AddCategory(string id, DataCategoryFlags flags = DataCategoryFlags.None, string? description = null) =>
        Add(_categories, new DataCategoryDefinition { Id = id, Flags = flags, Description = description });

    /// <summary>Adds a category that lies outside the policy, citing the clause that puts it there (<c>collect.exempt.*</c>).</summary>
    /// <param name="id">The dotted id.</param>
    /// <param name="exemptionClause">The clause that exempts it.</param>
    /// <param name="flags">Further flags besides <see cref="DataCategoryFlags.Exempt"/>.</param>
    /// <param name="description">A description.</param>
    /// <returns>The builder.</returns>
    public PolicyBuilder AddExemptCategory(string id, string exemptionClause, DataCategoryFlags flags = DataCategoryFlags.None, string? description = null) =>
        Add(_categories, new DataCategoryDefinition { Id = id, Flags = flags | DataCategoryFlags.Exempt, ExemptionClause = exemptionClause, Description = description });

    /// <summary>Adds a category definition as given (for an explicit parent).</summary>
    /// <param name="category">The category.</param>
    /// <returns>The builder.</returns>
    public PolicyBuilder AddCategory(DataCategoryDefinition category) => Add(_categories, category);

    /// <summary>Adds a purpose of processing.</summary>
    /// <param name="id">The purpose id.</param>
    /// <param name="basis">What it rests on: the accepted policy, or a prior consent (<c>use.partner-marketing</c>).</param>
    /// <param name="objectable">Whether the subject may object to it (<c>use.own-marketing</c>).</param>
    /// <param name="clause">The clause that governs it.</param>
    /// <param name="description">A description.</param>
    /// <param name="dataUses">The fideslang data uses it corresponds to (<c>essential.service</c>), for the data map.</param>
    /// <returns>The builder.</returns>
    public PolicyBuilder AddPurpose(string id, PurposeBasis basis = PurposeBasis.Acceptance, bool objectable = false, string? clause = null, string? description = null, IReadOnlyList<string>? dataUses = null) =>
        Add(_purposes, new PurposeDefinition { Id = id, Basis = basis, Objectable = objectable, Clause = clause, Description = description, DataUses = dataUses is null ? null : [.. dataUses] });

    /// <summary>Declares a recipient: an affiliate, service provider, partner or other party.</summary>
    /// <param name="id">The recipient id.</param>
    /// <param name="kind">Its kind.</param>
    /// <param name="name">A display name.</param>
    /// <returns>The builder.</returns>
    public PolicyBuilder AddRecipient(string id, RecipientKind kind, string? name = null) =>
        Add(_recipients, new RecipientDefinition { Id = id, Kind = kind, Name = name });

    /// <summary>Declares a service of the application with the categories its providers need (<c>disclose.service-necessity</c>).</summary>
    /// <param name="id">The service id.</param>
    /// <param name="necessaryCategories">The categories the service needs disclosed.</param>
    /// <param name="providers">The recipients that provide it (service providers or affiliates).</param>
    /// <param name="description">A description.</param>
    /// <returns>The builder.</returns>
    public PolicyBuilder AddService(string id, IEnumerable<string> necessaryCategories, IEnumerable<string>? providers = null, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(necessaryCategories);
        return Add(_services, new ServiceDefinition { Id = id, NecessaryCategories = [.. necessaryCategories], Providers = [.. providers ?? []], Description = description });
    }

    /// <summary>Allows a disclosure ground with its evidence rule and the limit on the categories it releases.</summary>
    /// <param name="ground">The ground.</param>
    /// <param name="clause">The clause that allows it.</param>
    /// <param name="requiredEvidence">The fields of the ground's evidence record a request must carry (for example <c>nameof(LegalRequirementEvidence.LegalBasis)</c>).</param>
    /// <param name="categoryLimit">Where the limit on released categories comes from.</param>
    /// <param name="configure">Sets the remaining members (recipient kinds, limit flags, obligations).</param>
    /// <returns>The builder.</returns>
    public PolicyBuilder AllowGround(
        DisclosureGround ground,
        string clause,
        IEnumerable<string> requiredEvidence,
        CategoryLimitSource categoryLimit,
        Func<GroundDefinition, GroundDefinition>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(requiredEvidence);
        var definition = new GroundDefinition { Ground = ground, Clause = clause, RequiredEvidence = [.. requiredEvidence], CategoryLimit = categoryLimit };
        return Add(_grounds, configure is null ? definition : configure(definition));
    }

    /// <summary>Adds a rule encoding a clause.</summary>
    /// <param name="clause">The clause the rule encodes.</param>
    /// <param name="kind">The kind of rule.</param>
    /// <param name="configure">Sets what the rule applies to (purposes, categories, flags, recipient kinds, transfer kinds, acts).</param>
    /// <returns>The builder.</returns>
    public PolicyBuilder AddRule(string clause, RuleKind kind, Func<RuleDefinition, RuleDefinition>? configure = null)
    {
        var definition = new RuleDefinition { Clause = clause, Kind = kind };
        return Add(_rules, configure is null ? definition : configure(definition));
    }

    /// <summary>Creates the document and validates it.</summary>
    /// <returns>The document.</returns>
    /// <exception cref="PolicyValidationException">The document is invalid; each error names the JSON path it would have in a file.</exception>
    public PolicyDocument Build()
    {
        var document = new PolicyDocument
        {
            Id = _id,
            Version = _version,
            PublishedAt = _publishedAt,
            Title = _title,
            Language = _language,
            Clauses = [.. _clauses],
            Categories = [.. _categories],
            Purposes = [.. _purposes],
            Recipients = [.. _recipients],
            Services = [.. _services],
            Grounds = [.. _grounds],
            Rules = [.. _rules],
        };
        PolicyDocumentValidator.ThrowIfInvalid(document);
        return document;
    }

    /// <summary>Creates, validates and publishes the document (version parsed, content hash computed).</summary>
    /// <returns>The published policy, ready for a <see cref="PolicyCatalog"/>.</returns>
    /// <exception cref="PolicyValidationException">The document is invalid.</exception>
    public PublishedPolicy Publish() => PublishedPolicy.Create(Build());

    private PolicyBuilder Add<T>(List<T> list, T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        list.Add(item);
        return this;
    }
}
