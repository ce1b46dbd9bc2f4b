namespace Privacy.Enforcement;

/// <summary>Identifies a recipient of personal information: an affiliate, service provider, partner, authority, or another user.</summary>
/// <remarks>Its members (validation by <see cref="Identifier"/>, ordinal equality and ordering) are written by the build from <c>[StringIdentifier]</c>.</remarks>
[StringIdentifier]
public readonly partial struct RecipientId;
