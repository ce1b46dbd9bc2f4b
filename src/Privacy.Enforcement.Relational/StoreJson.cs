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
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class IdentifierConverter<T>(Func<string, T> create, Func<T, string> text) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            create(reader.GetString() ?? throw new JsonException($"A stored {typeof(T).Name} was null."));

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(text(value));
    }
}
