using System.Text.Json.Serialization;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>Source-generated serialization of the subject export (no reflection, trimming-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(SubjectDataExport))]
internal sealed partial class SubjectRightsJsonContext : JsonSerializerContext
{
}
