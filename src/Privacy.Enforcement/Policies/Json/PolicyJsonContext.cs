using System.Text.Json;
using System.Text.Json.Serialization;

namespace Privacy.Enforcement.Policies.Json;

/// <summary>
/// The source-generated JSON contract of <see cref="PolicyDocument"/>: camelCase members, kebab-case enum names,
/// category flags as a string array, nulls omitted, unknown members rejected (a typo must not silently drop a rule).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    Converters =
    [
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

/// <summary>Writes enum values as kebab-case strings (<c>unrelated-third-party</c>); numbers are rejected.</summary>
/// <typeparam name="TEnum">The enum type.</typeparam>
internal sealed class KebabCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public KebabCaseEnumConverter()
        : base(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
    {
    }
}
