using System.Text.Json;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.WebSample.Profiles;

/// <summary>
/// Reads a subject's profile for the pages through the same personal data source the library exports from: the one
/// it built from <see cref="CenterDb"/>'s classified properties. What the pages show is what an export contains.
/// </summary>
/// <param name="sources">The registered personal data sources.</param>
public sealed class ProfileReader(IEnumerable<IPersonalDataSource> sources)
{
    private readonly IPersonalDataSource _source = sources.SingleOrDefault(s => s.Name == CenterDb.SourceName)
        ?? throw new InvalidOperationException($"The personal data source '{CenterDb.SourceName}' is not registered: call AddEntityFrameworkDataSource<{nameof(CenterDb)}>().");

    /// <summary>Reads every classified value of the subject, by category.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The values by category; empty when nothing is held.</returns>
    public ValueTask<IReadOnlyDictionary<DataCategory, JsonElement>> ReadAsync(SubjectId subject, CancellationToken cancellationToken) =>
        _source.ReadAsync(subject, cancellationToken);
}
