using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Primitives;

namespace Privacy.Enforcement.Policies;

/// <summary>
/// The published versions of the policy, newest in force (<c>changes.replace</c>). Reads are lock-free snapshots;
/// <see cref="Publish(PolicyDocument)"/> is serialized and only accepts a newer version of the same policy.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The token source holds no timer; tokens handed out must stay usable for the catalog's lifetime.")]
public sealed class PolicyCatalog : IPolicyProvider
{
    private readonly object _gate = new();
    private volatile Snapshot _snapshot;
    private CancellationTokenSource _changed = new();

    /// <summary>Creates the catalog with its first version.</summary>
    /// <param name="initial">The version in force.</param>
    public PolicyCatalog(PublishedPolicy initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _snapshot = new Snapshot([initial]);
    }

    /// <summary>Raised after a new version is published (outside the catalog's lock); the engine recompiles on it.</summary>
    public event EventHandler<PolicyPublishedEventArgs>? Published;

    /// <inheritdoc />
    public PublishedPolicy Current => _snapshot.Current;

    /// <inheritdoc />
    public IReadOnlyList<PublishedPolicy> History => _snapshot.Versions;

    /// <inheritdoc />
    public PublishedPolicy? Find(Version version)
    {
        ArgumentNullException.ThrowIfNull(version);
        foreach (var policy in _snapshot.Versions)
        {
            if (Normalize(policy.Version.Version) == Normalize(version))
            {
                return policy;
            }
        }

        return null;
    }

    /// <summary>Returns a token that fires when the next version is published.</summary>
    /// <returns>The change token.</returns>
    public IChangeToken GetChangeToken()
    {
        lock (_gate)
        {
            return new CancellationChangeToken(_changed.Token);
        }
    }

    /// <summary>Validates and publishes a new version; from now on decisions are made under it (<c>changes.replace</c>).</summary>
    /// <param name="document">The new version's document.</param>
    /// <returns>The published version.</returns>
    /// <exception cref="PolicyValidationException">The document is invalid, belongs to another policy, or is not newer than the version in force.</exception>
    public PublishedPolicy Publish(PolicyDocument document) => Publish(PublishedPolicy.Create(document));

    /// <summary>Publishes a new version; from now on decisions are made under it (<c>changes.replace</c>).</summary>
    /// <param name="policy">The new version.</param>
    /// <returns>The published version.</returns>
    /// <exception cref="PolicyValidationException">The policy belongs to another policy id or is not newer than the version in force.</exception>
    public PublishedPolicy Publish(PublishedPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        PublishedPolicy previous;
        CancellationTokenSource fired;
        lock (_gate)
        {
            previous = _snapshot.Current;
            if (policy.Version.PolicyId != previous.Version.PolicyId)
            {
                throw new PolicyValidationException(
                [
                    new PolicyValidationError("$.id", $"policy '{policy.Version.PolicyId}' cannot replace policy '{previous.Version.PolicyId}'; a catalog holds the versions of one policy"),
                ]);
            }

            if (Normalize(policy.Version.Version) <= Normalize(previous.Version.Version))
            {
                throw new PolicyValidationException(
                [
                    new PolicyValidationError("$.version", $"version {policy.Version.Version} is not newer than the version in force {previous.Version.Version}; a published version can only be replaced by a newer one (changes.replace)"),
                ]);
            }

            _snapshot = new Snapshot([.. _snapshot.Versions, policy]);
            fired = _changed;
            _changed = new CancellationTokenSource();
        }

        // Not disposed: tokens handed out earlier may still register callbacks on it.
        fired.Cancel();

        Published?.Invoke(this, new PolicyPublishedEventArgs(previous, policy));
        return policy;
    }

    // 1.0 and 1.0.0 are the same version: omitted components count as zero.
    private static Version Normalize(Version v) => new(v.Major, v.Minor, Math.Max(v.Build, 0), Math.Max(v.Revision, 0));

    private sealed class Snapshot(PublishedPolicy[] versions)
    {
        public IReadOnlyList<PublishedPolicy> Versions { get; } = Array.AsReadOnly(versions);

        public PublishedPolicy Current { get; } = versions[^1];
    }
}

/// <summary>Tells that a new policy version was published.</summary>
/// <param name="previous">The version it replaces.</param>
/// <param name="current">The version now in force.</param>
public sealed class PolicyPublishedEventArgs(PublishedPolicy previous, PublishedPolicy current) : EventArgs
{
    /// <summary>Gets the version the new one replaces.</summary>
    public PublishedPolicy Previous { get; } = previous;

    /// <summary>Gets the version now in force.</summary>
    public PublishedPolicy Current { get; } = current;
}
