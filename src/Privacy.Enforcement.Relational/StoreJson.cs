using System.Text.Json;
using System.Text.Json.Serialization;

namespace Privacy.Enforcement.Relational;

/// <summary>
/// The JSON form in which the relational stores keep each record whole, beside the columns they query on. Keeping the
/// record as one document lets contracts grow additively without a migration and reads back every field exactly.
/// </summary>
internal static class StoreJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"A stored {typeof(T).Name} was null.");

    /// <summary>The UTC ticks of an instant: the exact, offset-free form the stores compare and order on.</summary>
    public static long Ticks(DateTimeOffset value) => value.UtcTicks;

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = false,
        };
        options.Converters.Add(new IdentifierConverter<SubjectId>(v => new SubjectId(v), v => v.Value));
        options.Converters.Add(new IdentifierConverter<DataCategory>(v => new DataCategory(v), v => v.Value));
        options.Converters.Add(new IdentifierConverter<PurposeId>(v => new PurposeId(v), v => v.Value));
        options.Converters.Add(new IdentifierConverter<RecipientId>(v => new RecipientId(v), v => v.Value));
        options.Converters.Add(new IdentifierConverter<ServiceId>(v => new ServiceId(v), v => v.Value));
        options.Converters.Add(new IdentifierConverter<PolicyId>(v => new PolicyId(v), v => v.Value));
        options.Converters.Add(new IdentifierConverter<ConsentId>(v => new ConsentId(Guid.Parse(v)), v => v.ToString()));
        options.Converters.Add(new IdentifierConverter<EngagementId>(v => new EngagementId(Guid.Parse(v)), v => v.ToString()));
        options.Converters.Add(new IdentifierConverter<ViolationId>(v => new ViolationId(Guid.Parse(v)), v => v.ToString()));
        options.Converters.Add(new IdentifierConverter<SubjectRightsRequestId>(v => new SubjectRightsRequestId(Guid.Parse(v)), v => v.ToString()));
        options.Converters.Add(new DefinedEnumConverterFactory());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>
    /// Enums are stored by name. A stored value is read only when it is exactly the name of a defined member: a
    /// number, a name of no member (another version's) or a differently cased one is a <see cref="JsonException"/>
    /// (a store error), never a value a rule might read as something it is not.
    /// </summary>
    private sealed class DefinedEnumConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Instantiated over the library's own enums, which the stored records reference.")]
        [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2071", Justification = "Instantiated over the library's own enums, which the stored records reference.")]
        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(DefinedEnumConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class DefinedEnumConverter<T> : JsonConverter<T>
        where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String &&
                Enum.TryParse<T>(reader.GetString(), ignoreCase: false, out var value) &&
                Enum.IsDefined(value) &&
                string.Equals(value.ToString(), reader.GetString(), StringComparison.Ordinal))
            {
                return value;
            }

            // The stored text is not repeated: only what was expected.
            throw new JsonException($"A stored {typeof(T).Name} is not the name of a defined member ({(reader.TokenType == JsonTokenType.String ? "an unknown name" : "a " + reader.TokenType.ToString().ToLowerInvariant())}); expected one of: {string.Join(", ", Enum.GetNames<T>())}.");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (!Enum.IsDefined(value))
            {
                throw new JsonException($"A {typeof(T).Name} to store is not a defined member; expected one of: {string.Join(", ", Enum.GetNames<T>())}.");
            }

            writer.WriteStringValue(value.ToString());
        }
    }

    private sealed class IdentifierConverter<T>(Func<string, T> create, Func<T, string> text) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            create(reader.GetString() ?? throw new JsonException($"A stored {typeof(T).Name} was null."));

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(text(value));
    }
}
