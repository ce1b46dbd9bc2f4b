namespace Privacy.Enforcement.DataMap;

/// <summary>
/// The records of processing of an application: for each purpose of its policy, the categories processed, the clause
/// that allows it, the fideslang data uses, the recipients and their engagements, the data sources and fields holding
/// the categories, and the retention that applies. Built by <see cref="DataMapBuilder"/>; written as JSON
/// (<see cref="DataMapWriter.ToJson"/>, schema <c>docs/data-map.schema.json</c>) or Markdown
/// (<see cref="DataMapWriter.ToMarkdown"/>). It holds no personal data: ids of categories, sources, recipients and
/// engagements only.
/// </summary>
public sealed record DataMap
{
    /// <summary>Gets the policy id.</summary>
    public required string PolicyId { get; init; }

    /// <summary>Gets the policy version the map describes.</summary>
    public required string PolicyVersion { get; init; }

    /// <summary>Gets the content hash of that version.</summary>
    public required string ContentHash { get; init; }

    /// <summary>Gets the purposes of processing, in the policy's order.</summary>
    public required IReadOnlyList<DataMapPurpose> Purposes { get; init; }

    /// <summary>Gets the registered data sources, by name.</summary>
    public required IReadOnlyList<DataMapSource> Sources { get; init; }

    /// <summary>Gets the categories held by sources that no purpose of the policy names and the policy does not declare (to be classified).</summary>
    public required IReadOnlyList<string> UndeclaredCategories { get; init; }
}

/// <summary>One purpose of processing in the data map.</summary>
public sealed record DataMapPurpose
{
    /// <summary>Gets the purpose id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the purpose's description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets what the purpose rests on: <c>acceptance</c> or <c>consent</c>.</summary>
    public required string Basis { get; init; }

    /// <summary>Gets a value indicating whether the subject may object to it.</summary>
    public required bool Objectable { get; init; }

    /// <summary>Gets the clauses that allow the purpose: the purpose's own clause and those of the rules that name it.</summary>
    public required IReadOnlyList<string> Clauses { get; init; }

    /// <summary>Gets the fideslang data uses the purpose corresponds to.</summary>
    public required IReadOnlyList<string> DataUses { get; init; }

    /// <summary>Gets the categories processed for the purpose, each with where it is held.</summary>
    public required IReadOnlyList<DataMapCategory> Categories { get; init; }

    /// <summary>Gets the recipients the purpose's data may go to, with their engagements.</summary>
    public required IReadOnlyList<DataMapRecipient> Recipients { get; init; }

    /// <summary>Gets the retention that applies to the purpose's data, one sentence per rule, each citing its clause.</summary>
    public required IReadOnlyList<string> Retention { get; init; }

    /// <summary>Gets how many permitted decisions the audit trail records for the purpose (0 when no trail was given).</summary>
    public int PermittedDecisions { get; init; }
}

/// <summary>A data category of a purpose, with where it is held.</summary>
public sealed record DataMapCategory
{
    /// <summary>Gets the category id (a fideslang key, or one under <c>user.x_privacy</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the category's flags that the rules read (<c>Identifying</c>, <c>Sensitive</c>...).</summary>
    public required IReadOnlyList<string> Flags { get; init; }

    /// <summary>Gets why the category is processed for the purpose: <c>held</c> by a source, named by a <c>rule</c> or a <c>service</c>, or <c>observed</c> in the trail.</summary>
    public required IReadOnlyList<string> Why { get; init; }

    /// <summary>Gets the sources and fields holding it.</summary>
    public required IReadOnlyList<DataMapLocation> HeldIn { get; init; }
}

/// <summary>Where a category is held.</summary>
/// <param name="Source">The data source's name.</param>
/// <param name="Container">The entity, table or collection, when the source is classified.</param>
/// <param name="Field">The property, column or field, when the source is classified.</param>
/// <param name="Encrypted">Whether the values are stored encrypted with the subject's data key.</param>
public sealed record DataMapLocation(string Source, string? Container, string? Field, bool Encrypted);

/// <summary>A recipient of a purpose's data.</summary>
public sealed record DataMapRecipient
{
    /// <summary>Gets the recipient id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the recipient's kind (kebab-case, as in the policy document).</summary>
    public required string Kind { get; init; }

    /// <summary>Gets the recipient's display name.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the services it provides (for a provider), with their necessary categories.</summary>
    public required IReadOnlyList<string> Services { get; init; }

    /// <summary>Gets its engagements.</summary>
    public required IReadOnlyList<DataMapEngagement> Engagements { get; init; }
}

/// <summary>An engagement of a provider.</summary>
public sealed record DataMapEngagement
{
    /// <summary>Gets the engagement id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the service.</summary>
    public required string Service { get; init; }

    /// <summary>Gets the categories it covers.</summary>
    public required IReadOnlyList<string> Categories { get; init; }

    /// <summary>Gets when it starts.</summary>
    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>Gets when it ends or ended (the earlier of its end and its termination), if known.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>Gets a value indicating whether it covers every subject.</summary>
    public required bool AllSubjects { get; init; }

    /// <summary>Gets when the provider must have returned or deleted the data (<c>use.third-party.service-end</c>), once ended.</summary>
    public DateTimeOffset? ReturnOrDeleteDueBy { get; init; }

    /// <summary>Gets a value indicating whether the provider confirmed the deletion.</summary>
    public required bool DeletionConfirmed { get; init; }
}

/// <summary>A registered data source.</summary>
public sealed record DataMapSource
{
    /// <summary>Gets the source's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets who operates it (<c>Application</c> or <c>Affiliate:id</c>).</summary>
    public required string Operator { get; init; }

    /// <summary>Gets the categories it holds.</summary>
    public required IReadOnlyList<string> Categories { get; init; }

    /// <summary>Gets its classified fields, when it says where it keeps each category.</summary>
    public required IReadOnlyList<DataMapField> Fields { get; init; }
}

/// <summary>A classified field of a source.</summary>
/// <param name="Container">The entity, table or collection.</param>
/// <param name="Field">The property, column or field.</param>
/// <param name="Category">The category.</param>
/// <param name="Encrypted">Whether it is stored encrypted with the subject's data key.</param>
public sealed record DataMapField(string Container, string Field, string Category, bool Encrypted);
