using System.Text.Json;
using System.Text.Json.Serialization;

namespace Privacy.Enforcement.Policies.Json;

/// <summary>
/// The source-generated JSON contract of <see cref="PolicyDocument"/>: camelCase members, kebab-case enum names,
/// category flags as a string array, nulls omitted, unknown members rejected (a typo must not silently drop a rule),
/// strings escaped by the rule of <see cref="CanonicalJson"/> (the content hash depends on it).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    Converters =
    [
        typeof(CanonicalStringJsonConverter),
        typeof(DataCategoryFlagsJsonConverter),
        typeof(KebabCaseEnumConverter<RecipientKind>),
        typeof(KebabCaseEnumConverter<TransferKind>),
        typeof(KebabCaseEnumConverter<ProcessingAct>),
        typeof(KebabCaseEnumConverter<DisclosureGround>),
        typeof(KebabCaseEnumConverter<CategoryLimitSource>),
        typeof(KebabCaseEnumConverter<RuleKind>),
        typeof(KebabCaseEnumConverter<ObligationKind>),
        typeof(KebabCaseEnumConverter<PurposeBasis>),
    ])]
[JsonSerializable(typeof(PolicyDocument))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext
{
    /// <summary>Gets the compact form hashed into <see cref="PolicyVersion.ContentHash"/>.</summary>
    internal static PolicyJsonContext Canonical => Default;

    /// <summary>Gets the indented form for people and files.</summary>
    internal static PolicyJsonContext Indented => field ??= new(new JsonSerializerOptions(Default.Options) { WriteIndented = true });
}

/// <summary>
/// Reads and writes enum values as kebab-case names (<c>unrelated-third-party</c>), exactly: numbers, numeric strings,
/// comma-joined names (which <see cref="Enum.TryParse{TEnum}(string, out TEnum)"/> would combine into another member),
/// other casing and surrounding white space are all rejected.
/// </summary>
/// <typeparam name="TEnum">The enum type.</typeparam>
internal sealed class KebabCaseEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private static readonly (TEnum Value, string Name)[] Members =
        [.. Enum.GetValues<TEnum>().Select(v => (v, JsonNamingPolicy.KebabCaseLower.ConvertName(v.ToString())))];

    private static readonly string Expected = $"expected a {typeof(TEnum).Name}: one of {string.Join(", ", Members.Select(m => m.Name))}";

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            foreach (var (value, name) in Members)
            {
                if (reader.ValueTextEquals(name))
                {
                    return value;
                }
            }
        }

        throw new JsonException($"invalid value; {Expected}");
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var (member, name) in Members)
        {
            if (EqualityComparer<TEnum>.Default.Equals(member, value))
            {
                writer.WriteStringValue(name);
                return;
            }
        }

        throw new JsonException($"{Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)} is not a defined {typeof(TEnum).Name}.");
    }
}
