namespace Privacy.Enforcement;

/// <summary>An opaque identifier of a data subject (a user of the host application). It never appears in audit events, logs, metrics or exception messages: the audit trail carries a pseudonym instead.</summary>
/// <remarks>Its members (validation by <see cref="Identifier"/>, ordinal equality and ordering) are written by the build from <c>[StringIdentifier]</c>.</remarks>
[StringIdentifier]
public readonly partial struct SubjectId;
