namespace Privacy.Enforcement.Storage;

/// <summary>A personal data source that can say where each data category it holds is kept (an entity's property, a
/// table's column, a collection's field), for the data map (records of processing).</summary>
public interface IClassifiedPersonalDataSource : IPersonalDataSource
{
    /// <summary>Gets every classified field the source holds.</summary>
    IReadOnlyList<ClassifiedField> Fields { get; }
}

/// <summary>One field of a data source, classified as a data category.</summary>
/// <param name="Container">Where the field lives: an entity, a table or a collection name.</param>
/// <param name="Field">The field: a property, column or field name.</param>
/// <param name="Category">The data category its values belong to.</param>
/// <param name="Encrypted">Whether its values are stored encrypted with the subject's data key.</param>
public sealed record ClassifiedField(string Container, string Field, DataCategory Category, bool Encrypted);
