using System.Security.Cryptography;
using System.Text;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// The keyed hash that replaces an erased subject's id in its subject-rights requests (<c>store.subject-delete</c>):
/// HMAC-SHA256 of the id's UTF-8 bytes under a secret key of at least 256 bits that the store generates once and keeps.
/// Without the key the hash cannot be linked to an id; with the key and the id the subject's requests are found again.
/// </summary>
public static class ErasedSubjectHash
{
    /// <summary>The shortest key accepted, in bytes.</summary>
    public const int MinKeySize = 32;

    private const string Prefix = "hmac-sha256:";

    /// <summary>Computes the keyed hash of a subject id.</summary>
    /// <param name="key">The store's secret key, at least <see cref="MinKeySize"/> bytes.</param>
    /// <param name="subject">The subject.</param>
    /// <returns><c>hmac-sha256:</c> and the lower-case hex digest.</returns>
    /// <exception cref="ArgumentException">The key is too short or the subject is empty.</exception>
    public static string Compute(ReadOnlySpan<byte> key, SubjectId subject)
    {
        if (key.Length < MinKeySize)
        {
            throw new ArgumentException($"The subject hash key must be at least {MinKeySize} bytes.", nameof(key));
        }

        if (subject.IsEmpty)
        {
            throw new ArgumentException("The subject id is empty.", nameof(subject));
        }

        Span<byte> digest = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(subject.Value), digest);
        return Prefix + Convert.ToHexString(digest).ToLowerInvariant();
    }

    /// <summary>Returns the request with its subject id replaced by the keyed hash; a request already sealed is returned as it is.</summary>
    /// <param name="request">The request.</param>
    /// <param name="key">The store's secret key.</param>
    /// <returns>The sealed request.</returns>
    public static SubjectRightsRequest Seal(SubjectRightsRequest request, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Subject.IsEmpty ? request : request with { Subject = default, SubjectHash = Compute(key, request.Subject) };
    }

    /// <summary>Whether a stored request, completed, seals its subject's closed requests: a completed erasure.</summary>
    /// <param name="request">The request being stored.</param>
    /// <returns><see langword="true"/> for a completed erasure that still names its subject.</returns>
    public static bool SealsSubject(SubjectRightsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Kind == SubjectRightsRequestKind.Erase && !request.IsOpen && !request.Subject.IsEmpty;
    }
}
