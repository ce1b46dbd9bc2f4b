namespace Privacy.Enforcement;

/// <summary>Identifies who makes a request: a user, an affiliate or a third party (see <see cref="Actor"/>).</summary>
/// <remarks>Its members (validation by <see cref="Identifier"/>, ordinal equality and ordering) are written by the build from <c>[StringIdentifier]</c>.</remarks>
[StringIdentifier]
public readonly partial struct ActorId;
