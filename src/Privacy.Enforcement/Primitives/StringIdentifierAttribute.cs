namespace Privacy.Enforcement;

/// <summary>
/// Marks a <c>readonly partial struct</c> as an opaque string identifier. The build (the generator in
/// <c>eng/Privacy.Enforcement.Generators</c>) writes its members: a constructor that checks the text with
/// <see cref="Identifier.Validate"/>, <c>Value</c>, <c>IsEmpty</c>, <c>TryCreate</c>, ordinal equality and ordering,
/// and <c>ToString</c>. Keep this attribute in the namespace of <see cref="Identifier"/>: the generated code calls it there.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, Inherited = false)]
internal sealed class StringIdentifierAttribute : Attribute;
