using Microsoft.AspNetCore.Http;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// Says whose personal information a request concerns. The default (<see cref="ClaimsSubjectResolver"/>) reads the
/// signed-in user's <c>sub</c> claim, then <see cref="System.Security.Claims.ClaimTypes.NameIdentifier"/>; a host
/// replaces it by registering its own <see cref="ISubjectResolver"/> before or after <c>AddAspNetCore()</c>.
/// </summary>
public interface ISubjectResolver
{
    /// <summary>
    /// Resolves the subject of <paramref name="context"/>; <see langword="null"/> for an anonymous request, which is
    /// then decided without a subject (a Deny unless a rule allows it).
    /// </summary>
    /// <param name="context">The request.</param>
    /// <returns>The subject, or <see langword="null"/>.</returns>
    ValueTask<SubjectId?> ResolveAsync(HttpContext context);
}
