namespace Privacy.Enforcement;

/// <summary>A data category of the policy's taxonomy, a dotted path such as <c>user.contact.phone_number</c> that lies within its parent <c>user.contact</c>.</summary>
/// <remarks>Its members (validation by <see cref="Identifier"/>, ordinal equality and ordering) are written by the build from <c>[StringIdentifier]</c>.</remarks>
[StringIdentifier]
public readonly partial struct DataCategory;
