namespace Privacy.Enforcement;

/// <summary>A published version of a policy: what every decision and record names (<c>changes.replace</c>).</summary>
/// <param name="PolicyId">The policy's id, shared by all its versions.</param>
/// <param name="Version">The version number; a newer version replaces an older one.</param>
/// <param name="PublishedAt">When the version was published (UTC).</param>
/// <param name="ContentHash">The SHA-256 of the version's canonical document, lower-case hex.</param>
public sealed record PolicyVersion(PolicyId PolicyId, Version Version, DateTimeOffset PublishedAt, string ContentHash)
{
    /// <inheritdoc />
    public override string ToString() => $"{PolicyId.Value}@{Version}";
}
