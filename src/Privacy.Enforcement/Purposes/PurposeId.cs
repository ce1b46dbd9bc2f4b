namespace Privacy.Enforcement;

/// <summary>Identifies a purpose of processing declared by the policy (for example <c>service-provision</c>).</summary>
/// <remarks>Its members (validation by <see cref="Identifier"/>, ordinal equality and ordering) are written by the build from <c>[StringIdentifier]</c>.</remarks>
[StringIdentifier]
public readonly partial struct PurposeId;
