using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// The default <see cref="ISubjectResolver"/>: the authenticated user's <c>sub</c> claim (OpenID Connect, JWT), then
/// its <see cref="ClaimTypes.NameIdentifier"/> (cookie and Identity sign-ins). An unauthenticated user, or one with
/// neither claim, or a claim value that is not a valid <see cref="SubjectId"/>, has no subject.
/// </summary>
public sealed class ClaimsSubjectResolver : ISubjectResolver
{
    /// <summary>The OpenID Connect subject claim type.</summary>
    public const string SubjectClaimType = "sub";

    /// <inheritdoc />
    public ValueTask<SubjectId?> ResolveAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ValueTask<SubjectId?>(Resolve(context.User));
    }

    /// <summary>Resolves the subject of <paramref name="user"/> without a request.</summary>
    /// <param name="user">The user.</param>
    /// <returns>The subject, or <see langword="null"/>.</returns>
    public static SubjectId? Resolve(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true })
        {
            return null;
        }

        var value = user.FindFirst(SubjectClaimType)?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        try
        {
            return new SubjectId(value);
        }
        catch (ArgumentException)
        {
            // An identifier the library refuses (control or invisible characters) names no subject it can decide for.
            return null;
        }
    }
}
