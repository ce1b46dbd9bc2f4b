using System.Text.Json;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>Writes and reads the subject export and publishes its JSON schema.</summary>
public static class SubjectDataExportSchema
{
    private const string ResourceName = "Privacy.Enforcement.SubjectRights.subject-export.schema.json";

    /// <summary>Gets the <c>$id</c> of the export's JSON schema.</summary>
    public const string SchemaId = "https://privacy-enforcement.dev/schemas/subject-export/1.0.json";

    /// <summary>Returns the JSON schema (draft 2020-12) every export validates against.</summary>
    /// <returns>The schema text.</returns>
    public static string GetSchema()
    {
        using var stream = typeof(SubjectDataExportSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource '{ResourceName}' is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Serializes an export to UTF-8 JSON.</summary>
    /// <param name="export">The export.</param>
    /// <returns>The JSON bytes.</returns>
    public static byte[] ToUtf8Json(SubjectDataExport export)
    {
        ArgumentNullException.ThrowIfNull(export);
        return JsonSerializer.SerializeToUtf8Bytes(export, SubjectRightsJsonContext.Default.SubjectDataExport);
    }

    /// <summary>Writes an export as JSON to a stream.</summary>
    /// <param name="export">The export.</param>
    /// <param name="destination">The stream.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    public static Task WriteAsync(SubjectDataExport export, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(export);
        ArgumentNullException.ThrowIfNull(destination);
        return JsonSerializer.SerializeAsync(destination, export, SubjectRightsJsonContext.Default.SubjectDataExport, cancellationToken);
    }

    /// <summary>Reads an export back from JSON.</summary>
    /// <param name="utf8Json">The JSON.</param>
    /// <returns>The export.</returns>
    /// <exception cref="JsonException">The JSON is not an export.</exception>
    public static SubjectDataExport Parse(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, SubjectRightsJsonContext.Default.SubjectDataExport)
        ?? throw new JsonException("The JSON document is null, not a subject export.");
}
