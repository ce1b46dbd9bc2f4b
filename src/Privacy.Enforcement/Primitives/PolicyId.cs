namespace Privacy.Enforcement;

/// <summary>Identifies a policy (all its versions share the id).</summary>
/// <remarks>Its members (validation by <see cref="Identifier"/>, ordinal equality and ordering) are written by the build from <c>[StringIdentifier]</c>.</remarks>
[StringIdentifier]
public readonly partial struct PolicyId;
