namespace Privacy.Enforcement;

/// <summary>Identifies a service of the application that a subject uses and that providers may be engaged for.</summary>
/// <remarks>Its members (validation by <see cref="Identifier"/>, ordinal equality and ordering) are written by the build from <c>[StringIdentifier]</c>.</remarks>
[StringIdentifier]
public readonly partial struct ServiceId;
