using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Privacy.Enforcement.Tests.Shared;

/// <summary>
/// Finds what links a subject id to a pseudonym in stored records: one record holding both, or a record holding the
/// subject id and a record holding the pseudonym that share an identifier (a request, consent or engagement id).
/// </summary>
internal static partial class SubjectLinkScan
{
    /// <summary>Describes every link found; empty when none.</summary>
    /// <param name="records">Each stored record as text, with a name saying where it is.</param>
    /// <param name="subject">The subject id.</param>
    /// <param name="pseudonym">The pseudonym.</param>
    public static List<string> Links(IReadOnlyList<(string Where, string Text)> records, string subject, string pseudonym)
    {
        var links = new List<string>();
        var withSubject = records.Where(r => r.Text.Contains(subject, StringComparison.Ordinal)).ToList();
        var withPseudonym = records.Where(r => r.Text.Contains(pseudonym, StringComparison.Ordinal)).ToList();
        foreach (var s in withSubject)
        {
            if (s.Text.Contains(pseudonym, StringComparison.Ordinal))
            {
                links.Add($"{s.Where} holds both");
                continue;
            }

            var ids = Ids(s.Text).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var p in withPseudonym)
            {
                foreach (var shared in Ids(p.Text).Where(ids.Contains).Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    links.Add($"{s.Where} (subject id) and {p.Where} (pseudonym) share {shared}");
                }
            }
        }

        return links;
    }

    /// <summary>The records of in-memory stores: each element of each collection a store holds, serialized whole.</summary>
    public static IEnumerable<(string Where, string Text)> InMemoryRecords(object store)
    {
        foreach (var field in store.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
        {
            if (field.GetValue(store) is IEnumerable items and not string)
            {
                var i = 0;
                foreach (var item in items)
                {
                    yield return ($"{store.GetType().Name}.{field.Name}[{i++}]", Text(item));
                }
            }
        }
    }

    /// <summary>A record as text: its JSON with identifiers as plain values.</summary>
    public static string Text(object? item) => item is null ? string.Empty : JsonSerializer.Serialize(item, item.GetType(), Options);

    private static readonly JsonSerializerOptions Options = new() { Converters = { new IdentifierText() } };

    // The library's identifiers (SubjectId, DataCategory, ConsentId, ...) are structs with a Value: written as that value.
    private sealed class IdentifierText : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsValueType && typeToConvert.Namespace == "Privacy.Enforcement" && typeToConvert.GetProperty("Value") is not null;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(Writer<>).MakeGenericType(typeToConvert))!;

        private sealed class Writer<T> : JsonConverter<T>
        {
            public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

            public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
                writer.WriteStringValue(Convert.ToString(typeof(T).GetProperty("Value")!.GetValue(value), System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static IEnumerable<string> Ids(string text) => Guid().Matches(text).Select(m => m.Value);

    [GeneratedRegex("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")]
    private static partial Regex Guid();
}
