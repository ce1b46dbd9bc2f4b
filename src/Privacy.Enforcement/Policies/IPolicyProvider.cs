namespace Privacy.Enforcement.Policies;

/// <summary>A validated, published policy version: its document and its version record.</summary>
public sealed class PublishedPolicy
{
    /// <summary>Creates the published policy. Use the policy loader or builder, which validate the document first.</summary>
    /// <param name="document">The validated document.</param>
    /// <param name="version">The version record (id, version, publication time, content hash).</param>
    public PublishedPolicy(PolicyDocument document, PolicyVersion version)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(version);
        Document = document;
        Version = version;
    }

    /// <summary>
    /// Validates a document and creates its published form: the version parsed, the publication time in UTC and the
    /// content hash of its canonical JSON. The policy holds its own copy of the document.
    /// </summary>
    /// <param name="document">The document.</param>
    /// <returns>The published policy.</returns>
    /// <exception cref="PolicyValidationException">The document is invalid; the errors name the JSON path of each problem.</exception>
    public static PublishedPolicy Create(PolicyDocument document)
    {
        PolicyDocumentValidator.ThrowIfInvalid(document);
        var utc = document.PublishedAt.Offset == TimeSpan.Zero ? document : document with { PublishedAt = document.PublishedAt.ToUniversalTime() };
        var (copy, hash) = PolicyDocumentSerializer.Freeze(utc);
        var version = PolicyDocumentValidator.TryParseVersion(copy.Version, out var parsed) ? parsed : throw new InvalidOperationException("A validated policy has a version.");
        return new PublishedPolicy(copy, new PolicyVersion(new PolicyId(copy.Id), version, copy.PublishedAt, hash));
    }

    /// <summary>Gets the document.</summary>
    public PolicyDocument Document { get; }

    /// <summary>Gets the version record every decision and record names.</summary>
    public PolicyVersion Version { get; }
}

/// <summary>Gives the policy version in force and the versions published before it (<c>changes.replace</c>).</summary>
public interface IPolicyProvider
{
    /// <summary>Gets the newest published version: decisions are made under it.</summary>
    PublishedPolicy Current { get; }

    /// <summary>Finds a published version.</summary>
    /// <param name="version">The version number.</param>
    /// <returns>The version, or <see langword="null"/> when it was never published.</returns>
    PublishedPolicy? Find(Version version);

    /// <summary>Gets every published version, oldest first.</summary>
    IReadOnlyList<PublishedPolicy> History { get; }
}
