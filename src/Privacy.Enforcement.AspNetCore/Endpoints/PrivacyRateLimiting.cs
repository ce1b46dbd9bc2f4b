namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// The rate limiting policy of export and erasure, registered by <c>AddAspNetCore()</c>. A host page or endpoint that
/// exports or erases puts it on itself (<c>.RequireRateLimiting(PrivacyRateLimiting.SubjectRightsPolicy)</c>,
/// <c>[EnableRateLimiting(PrivacyRateLimiting.SubjectRightsPolicy)]</c>) and shares the window of the package's own
/// endpoints: <see cref="PrivacyWebOptions.SubjectRightsPermitLimit"/> requests per subject per
/// <see cref="PrivacyWebOptions.SubjectRightsWindow"/>, answered with 429 and <c>Retry-After</c> when spent. Reading
/// (GET, HEAD, OPTIONS) is not counted, so showing a page that offers the request costs nothing; submitting it does.
/// The host's pipeline needs <c>app.UseRateLimiter()</c>.
/// </summary>
public static class PrivacyRateLimiting
{
    /// <summary>The policy name.</summary>
    public const string SubjectRightsPolicy = "privacy-subject-rights";
}
