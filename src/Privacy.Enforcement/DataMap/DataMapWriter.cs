using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Privacy.Enforcement.DataMap;

/// <summary>Writes a <see cref="DataMap"/> as JSON (the shape of <c>docs/data-map.schema.json</c>) or as Markdown.</summary>
public static class DataMapWriter
{
    /// <summary>Writes the data map as indented JSON (camelCase members, absent values omitted, "\n" line ends).</summary>
    /// <param name="map">The data map.</param>
    /// <returns>The JSON text, ending with a line break.</returns>
    public static string ToJson(DataMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return JsonSerializer.Serialize(map, DataMapJsonContext.Default.DataMap).ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>Writes the data map as Markdown: a section per purpose with a table of its categories, then the sources.</summary>
    /// <param name="map">The data map.</param>
    /// <returns>The Markdown text, "\n" line ends.</returns>
    public static string ToMarkdown(DataMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Data map: {map.PolicyId} {map.PolicyVersion}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Records of processing of policy `{map.PolicyId}` version {map.PolicyVersion} (content hash `{map.ContentHash}`).\n");
        foreach (var purpose in map.Purposes)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## Purpose `{purpose.Id}`\n\n");
            if (purpose.Description is not null)
            {
                md.Append(Cell(purpose.Description)).Append("\n\n");
            }

            md.Append(CultureInfo.InvariantCulture, $"- Basis: {purpose.Basis}{(purpose.Objectable ? " (the subject may object)" : string.Empty)}\n");
            md.Append(CultureInfo.InvariantCulture, $"- Clauses: {Codes(purpose.Clauses)}\n");
            md.Append(CultureInfo.InvariantCulture, $"- Fideslang data uses: {Codes(purpose.DataUses)}\n");
            md.Append(CultureInfo.InvariantCulture, $"- Recipients: {(purpose.Recipients.Count == 0 ? "none" : string.Join(", ", purpose.Recipients.Select(Recipient)))}\n");
            if (purpose.PermittedDecisions > 0)
            {
                md.Append(CultureInfo.InvariantCulture, $"- Permitted decisions in the audit trail: {purpose.PermittedDecisions}\n");
            }

            md.Append("- Retention:\n");
            foreach (var rule in purpose.Retention)
            {
                md.Append("  - ").Append(rule).Append('\n');
            }

            if (purpose.Categories.Count == 0)
            {
                md.Append("\nNo categories.\n");
                continue;
            }

            md.Append("\n| Category | Flags | Why | Held in |\n| --- | --- | --- | --- |\n");
            foreach (var category in purpose.Categories)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"| `{category.Id}` | {string.Join(", ", category.Flags)} | {string.Join(", ", category.Why)} | {(category.HeldIn.Count == 0 ? "-" : string.Join("<br>", category.HeldIn.Select(Location)))} |\n");
            }
        }

        md.Append("\n## Data sources\n\n| Source | Operator | Categories | Classified fields |\n| --- | --- | --- | --- |\n");
        foreach (var source in map.Sources)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {Cell(source.Name)} | {Cell(source.Operator)} | {Codes(source.Categories)} | {(source.Fields.Count == 0 ? "-" : string.Join("<br>", source.Fields.Select(f => $"{Cell(f.Container)}.{Cell(f.Field)}: `{f.Category}`{(f.Encrypted ? " (encrypted)" : string.Empty)}")))} |\n");
        }

        if (map.UndeclaredCategories.Count > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"\nHeld but not declared by the policy: {Codes(map.UndeclaredCategories)}.\n");
        }

        return md.ToString();
    }

    private static string Recipient(DataMapRecipient recipient)
    {
        var text = $"`{recipient.Id}` ({recipient.Kind}";
        if (recipient.Services.Count > 0)
        {
            text += $"; services {string.Join(", ", recipient.Services)}";
        }

        if (recipient.Engagements.Count > 0)
        {
            text += $"; {recipient.Engagements.Count} engagement(s): " + string.Join(", ", recipient.Engagements.Select(e =>
                $"{e.Service} from {e.StartsAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}{(e.EndsAt is { } end ? " to " + end.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : string.Empty)}"));
        }

        return text + ")";
    }

    private static string Location(DataMapLocation location) =>
        location.Container is null ? Cell(location.Source) : $"{Cell(location.Source)}: {Cell(location.Container)}.{Cell(location.Field ?? string.Empty)}{(location.Encrypted ? " (encrypted)" : string.Empty)}";

    private static string Codes(IReadOnlyList<string> values) => values.Count == 0 ? "none" : string.Join(", ", values.Select(v => $"`{v}`"));

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}

/// <summary>The source-generated JSON contract of <see cref="DataMap"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(DataMap))]
internal sealed partial class DataMapJsonContext : JsonSerializerContext;
