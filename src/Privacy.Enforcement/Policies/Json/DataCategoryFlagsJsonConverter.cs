using System.Text.Json;
using System.Text.Json.Serialization;

namespace Privacy.Enforcement.Policies.Json;

/// <summary>Reads and writes <see cref="DataCategoryFlags"/> as a string array such as <c>["identifying","contact-capable"]</c>.</summary>
internal sealed class DataCategoryFlagsJsonConverter : JsonConverter<DataCategoryFlags>
{
    private static readonly (DataCategoryFlags Flag, string Name)[] Names =
    [
        (DataCategoryFlags.Identifying, "identifying"),
        (DataCategoryFlags.ContactCapable, "contact-capable"),
        (DataCategoryFlags.Sensitive, "sensitive"),
        (DataCategoryFlags.Credential, "credential"),
        (DataCategoryFlags.Exempt, "exempt"),
    ];

    /// <summary>Gets the JSON names of the flags, in bit order.</summary>
    internal static string KnownNames { get; } = string.Join(", ", Names.Select(n => n.Name));

    /// <summary>Returns the JSON names of the flags set in <paramref name="flags"/>.</summary>
    /// <param name="flags">The flags.</param>
    /// <returns>The names, in bit order.</returns>
    internal static IEnumerable<string> ToNames(DataCategoryFlags flags) =>
        Names.Where(n => (flags & n.Flag) != 0).Select(n => n.Name);

    public override DataCategoryFlags Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"Data category flags must be an array of strings (one or more of: {KnownNames}).");
        }

        var flags = DataCategoryFlags.None;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"Data category flags must be strings (one or more of: {KnownNames}).");
            }

            var name = reader.GetString();
            var match = Array.FindIndex(Names, n => string.Equals(n.Name, name, StringComparison.Ordinal));
            if (match < 0)
            {
                throw new JsonException($"'{name}' is not a data category flag; expected one of: {KnownNames}.");
            }

            flags |= Names[match].Flag;
        }

        return flags;
    }

    public override void Write(Utf8JsonWriter writer, DataCategoryFlags value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray();
        foreach (var name in ToNames(value))
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
    }
}
