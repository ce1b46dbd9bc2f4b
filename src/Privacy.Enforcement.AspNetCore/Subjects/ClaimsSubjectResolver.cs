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
        if (user is null)
        {
            return null;
        }

        // A sign-in of the framework's own types with one identity (cookie, JWT, OpenID Connect): its claim list is read
        // directly, with no enumerator; with one identity that identity is the principal's primary one.
        if (user.GetType() == typeof(ClaimsPrincipal) && user.Identities is List<ClaimsIdentity> { Count: 1 } identities &&
            identities[0] is { } identity && identity.GetType() == typeof(ClaimsIdentity) && identity.Claims is List<Claim> claims)
        {
            return identity.IsAuthenticated ? Create(Find(claims, SubjectClaimType) ?? Find(claims, ClaimTypes.NameIdentifier)) : null;
        }

        if (user.Identity is not { IsAuthenticated: true })
        {
            return null;
        }

        return Create(user.FindFirst(SubjectClaimType)?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value);
    }

    // As ClaimsIdentity.FindFirst: the first claim of the type, compared ignoring case.
    private static string? Find(List<Claim> claims, string type)
    {
        for (var i = 0; i < claims.Count; i++)
        {
            if (string.Equals(claims[i].Type, type, StringComparison.OrdinalIgnoreCase))
            {
                return claims[i].Value;
            }
        }

        return null;
    }

    private static SubjectId? Create(string? value)
    {
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
