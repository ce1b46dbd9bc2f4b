using System.Text.Json;
using Privacy.Enforcement.SubjectRights;

namespace Privacy.Enforcement.Storage;

/// <summary>Who operates a system that holds personal data (<c>store.location</c>).</summary>
public enum DataSourceOperatorKind
{
    /// <summary>The application itself.</summary>
    Application = 0,

    /// <summary>An affiliate of the application; it must be declared (policy recipients of kind affiliate, or <see cref="SubjectRightsOptions.Affiliates"/>).</summary>
    Affiliate = 1,

    /// <summary>Anyone else: refused at registration (<c>store.location</c>).</summary>
    Other = 2,
}

/// <summary>The operator of a personal data source.</summary>
/// <param name="Kind">The application, an affiliate, or someone else.</param>
/// <param name="Name">The operator's id; for an affiliate, its declared recipient id.</param>
public readonly record struct DataSourceOperator(DataSourceOperatorKind Kind, string Name)
{
    /// <summary>Gets the application itself as operator.</summary>
    public static DataSourceOperator Application { get; } = new(DataSourceOperatorKind.Application, "application");

    /// <summary>Creates an affiliate operator.</summary>
    /// <param name="id">The affiliate's declared recipient id.</param>
    /// <returns>The operator.</returns>
    public static DataSourceOperator Affiliate(string id) => new(DataSourceOperatorKind.Affiliate, id);

    /// <inheritdoc />
    public override string ToString() => $"{Kind}:{Name}";
}

/// <summary>
/// One host system that holds personal data (a user table, a CRM, a file store). The host registers one per system
/// (<c>builder.AddPersonalDataSource&lt;T&gt;()</c>); subject-rights requests read, rectify and erase through it
/// (<c>store.subject-access</c>, <c>store.subject-edit</c>, <c>store.subject-delete</c>). A failure is an exception:
/// the request records the source as failed (by exception type only) and can be retried.
/// </summary>
public interface IPersonalDataSource
{
    /// <summary>Gets the source's unique name (no personal data; it appears in requests, exports and audit events).</summary>
    string Name { get; }

    /// <summary>Gets who operates the system; only the application or a declared affiliate is accepted (<c>store.location</c>).</summary>
    DataSourceOperator Operator { get; }

    /// <summary>Gets the data categories the source holds.</summary>
    IReadOnlyList<DataCategory> Categories { get; }

    /// <summary>Reads everything the source holds about a subject.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Each category held with its value(s) as JSON; empty when the source holds nothing about the subject.</returns>
    ValueTask<IReadOnlyDictionary<DataCategory, JsonElement>> ReadAsync(SubjectId subject, CancellationToken cancellationToken);

    /// <summary>Replaces the values of some categories (rectification, <c>store.subject-edit</c>, <c>store.accuracy</c>).</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="changes">The new values, only of categories the source holds.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the change is durable.</returns>
    ValueTask UpdateAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> changes, CancellationToken cancellationToken);

    /// <summary>Erases a subject's data of the given categories (<c>store.subject-delete</c>). Erasing what is already gone succeeds.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="categories">The categories to erase, each covering the categories within it (the source's categories minus those under legal hold).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The categories of which the source held and erased data.</returns>
    ValueTask<IReadOnlyList<DataCategory>> EraseAsync(SubjectId subject, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken);
}
