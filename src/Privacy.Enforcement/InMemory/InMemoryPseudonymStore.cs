using System.Collections.Concurrent;
using System.Security.Cryptography;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.InMemory;

/// <summary>An in-process subject-to-pseudonym map.</summary>
internal sealed class InMemoryPseudonymStore : IPseudonymStore
{
    private readonly ConcurrentDictionary<SubjectId, string> _map = new();

    /// <summary>Creates a new random pseudonym: 128 random bits, lower-case hex, prefixed <c>p-</c>.</summary>
    /// <returns>The pseudonym.</returns>
    public static string NewPseudonym() => "p-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    /// <inheritdoc />
    public ValueTask<string> GetOrCreateAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_map.GetOrAdd(subject, static _ => NewPseudonym()));
    }

    /// <inheritdoc />
    public ValueTask<string?> FindAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_map.TryGetValue(subject, out var p) ? p : null);
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_map.TryRemove(subject, out _));
    }
}
