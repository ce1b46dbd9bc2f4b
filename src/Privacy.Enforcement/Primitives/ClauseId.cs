namespace Privacy.Enforcement;

/// <summary>Identifies an enforceable sentence of the published policy (for example <c>collect.consent</c>). The standard policy's ids are in <see cref="ClauseIds"/>.</summary>
/// <remarks>Its members (validation by <see cref="Identifier"/>, ordinal equality and ordering) are written by the build from <c>[StringIdentifier]</c>.</remarks>
[StringIdentifier]
public readonly partial struct ClauseId;
